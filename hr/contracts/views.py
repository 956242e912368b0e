"""HR pages: contracts (聘用合同) — list and expiry, Excel export, sign, renew, terminate."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from core.actions import perform
from core.extensions import db
from core.http import dated_filename, xlsx_response
from core.ids import china_today
from core.listing import paginate, read_sort
from hr.blueprint import bp
from hr.contracts import queries
from hr.contracts import terms as rules
from hr.contracts.excel import CONTRACTS_EXPORT, export_row
from hr.contracts.forms import ContractForm, RenewForm, TerminateForm
from hr.contracts.operations import (
    probation_limits,
    renew_contract,
    sign_contract,
    terminate_contract,
)
from hr.contracts.queries import CONTRACT_SORTS
from hr.models import Contract, ContractStatus, ContractType, Employment
from hr.queries import hr_institution_or_404
from hr.staff.queries import employment_or_404

DEFAULT_WITHIN = 60
MAX_WITHIN = 3660
EXPIRING_LIMIT = 200
UNCOVERED_LIMIT = 20


def _within() -> int:
    within = request.args.get("within", type=int)
    if within is None or within < 0:
        return DEFAULT_WITHIN
    return min(within, MAX_WITHIN)


def _filters() -> dict:
    status = request.args.get("status", ContractStatus.ACTIVE.value)
    contract_type = request.args.get("contract_type")
    return {
        "q": request.args.get("q", "").strip() or None,
        "status": status if status in set(ContractStatus) else "",
        "contract_type": contract_type if contract_type in set(ContractType) else None,
    }


@bp.route("/<int:institution_id>/contracts")
@login_required
def contracts(institution_id: int):
    institution = hr_institution_or_404(institution_id)
    today = china_today()
    within = _within()
    filters = _filters()
    sort = read_sort(CONTRACT_SORTS, "staff_number")
    page = paginate(queries.filtered(institution.id, **filters), CONTRACT_SORTS, sort, Contract.id)
    expiring = list(
        db.session.scalars(queries.expiring(institution.id, within, today).limit(EXPIRING_LIMIT))
    )
    uncovered_count, uncovered = queries.uncovered_summary(institution.id, UNCOVERED_LIMIT)
    return render_template(
        "hr/contracts/contracts.html",
        institution=institution,
        today=today,
        within=within,
        filters=filters,
        sort=sort,
        page=page,
        expiring=[(c, rules.days_left(c.end_on, today)) for c in expiring],
        expiring_limit=EXPIRING_LIMIT,
        uncovered=uncovered,
        uncovered_count=uncovered_count,
        types=list(ContractType),
        statuses=list(ContractStatus),
        type_labels={t.value: t.label for t in ContractType},
        status_labels={s.value: s.label for s in ContractStatus},
    )


@bp.route("/<int:institution_id>/contracts/export")
@login_required
def contracts_export(institution_id: int):
    institution = hr_institution_or_404(institution_id)
    today = china_today()
    if request.args.get("expiring"):
        stmt = queries.expiring(institution.id, _within(), today)
        stem = _("到期合同")
    else:
        stmt = queries.filtered(institution.id, **_filters()).order_by(
            Employment.staff_number, Contract.start_on, Contract.id
        )
        stem = _("聘用合同")
    rows = (export_row(c, today) for c in db.session.scalars(stmt))
    return xlsx_response(CONTRACTS_EXPORT, rows, dated_filename(f"{institution.name}-{stem}"))


@bp.route(
    "/<int:institution_id>/employments/<int:employment_id>/contracts/new",
    methods=["GET", "POST"],
)
@login_required
def contract_new(institution_id: int, employment_id: int):
    institution = hr_institution_or_404(institution_id, write=True)
    employment = employment_or_404(institution.id, employment_id)
    form = ContractForm()
    kind = rules.contract_kind(employment.identity)
    if kind != rules.PERSONNEL:
        del form.probation_basis
    limits = probation_limits(institution.kind, china_today())
    if request.method == "GET" and not form.start_on.data:
        form.start_on.data = max(employment.start_on, china_today())
    refused = False
    if form.validate_on_submit():
        done = perform(
            sign_contract,
            employment,
            form.data,
            institution.kind,
            form=form,
            success=_("已为 %(n)s 签订聘用合同。", n=employment.person.name),
        )
        if done:
            return redirect(url_for(".contracts", institution_id=institution.id))
        refused = True
    return render_template(
        "hr/contracts/contract_form.html",
        institution=institution,
        employment=employment,
        contract=None,
        form=form,
        terminate_form=None,
        contract_kind=kind,
        probation_hint=rules.probation_hint(kind, limits),
    ), 422 if form.errors or refused else 200


def _renew_page(institution, contract, form, terminate_form, status=200):
    history = queries.history_of(contract.employment_id)
    return render_template(
        "hr/contracts/contract_form.html",
        institution=institution,
        employment=contract.employment,
        contract=contract,
        history=history,
        form=form,
        terminate_form=terminate_form,
        renewal_refusal=rules.renewal_refusal(contract.status, contract.end_on),
        renewal_start=rules.renewal_start(contract.end_on) if contract.end_on else None,
        type_labels={t.value: t.label for t in ContractType},
        status_labels={s.value: s.label for s in ContractStatus},
    ), status


@bp.route("/<int:institution_id>/contracts/<int:contract_id>/renew", methods=["GET", "POST"])
@login_required
def contract_renew(institution_id: int, contract_id: int):
    institution = hr_institution_or_404(institution_id, write=True)
    contract = queries.contract_or_404(institution.id, contract_id)
    form = RenewForm(prefix="renew")
    if request.method == "GET":
        form.contract_type.data = contract.contract_type
        form.probation_months.data = 0
    terminate_form = TerminateForm(prefix="terminate", formdata=None)
    refused = False
    if form.validate_on_submit():
        done = perform(
            renew_contract,
            contract,
            form.data,
            institution.kind,
            form=form,
            success=lambda renewal: _(
                "已续订合同：%(s)s 至 %(e)s。",
                s=renewal.start_on.isoformat(),
                e=renewal.end_on.isoformat() if renewal.end_on else _("无固定期限"),
            ),
        )
        if done:
            return redirect(url_for(".contracts", institution_id=institution.id))
        refused = True
    status = 422 if form.errors or refused else 200
    return _renew_page(institution, contract, form, terminate_form, status)


@bp.route("/<int:institution_id>/contracts/<int:contract_id>/terminate", methods=["POST"])
@login_required
def contract_terminate(institution_id: int, contract_id: int):
    institution = hr_institution_or_404(institution_id, write=True)
    contract = queries.contract_or_404(institution.id, contract_id)
    terminate_form = TerminateForm(prefix="terminate")
    if terminate_form.validate_on_submit():
        done = perform(
            terminate_contract,
            contract,
            terminate_form.terminated_on.data,
            terminate_form.reason.data,
            form=terminate_form,
            success=_("已解除 %(n)s 的聘用合同。", n=contract.employment.person.name),
        )
        if done:
            return redirect(url_for(".contracts", institution_id=institution.id))
    form = RenewForm(prefix="renew", formdata=None)
    form.contract_type.data = contract.contract_type
    return _renew_page(institution, contract, form, terminate_form, 422)
