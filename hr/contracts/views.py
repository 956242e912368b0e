"""HR pages: contracts (聘用合同) — list and expiry, Excel export, sign, renew, terminate."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import contains_eager

from core.excel import Column, Spec
from core.extensions import db
from core.http import dated_filename, xlsx_response
from core.ids import china_today
from core.listing import paginate, read_sort
from hr.blueprint import bp
from hr.contracts import terms as rules
from hr.contracts.forms import ContractForm, RenewForm, TerminateForm
from hr.contracts.operations import ContractError, renew_contract, sign_contract, terminate_contract
from hr.models import Contract, ContractStatus, ContractType, Employment, Person
from hr.queries import hr_institution_or_404

DEFAULT_WITHIN = 60
MAX_WITHIN = 3660
EXPIRING_LIMIT = 200
UNCOVERED_LIMIT = 20

CONTRACT_SORTS = {
    "staff_number": Employment.staff_number,
    "name": Person.name,
    "start_on": Contract.start_on,
    "end_on": Contract.end_on,
    "status": Contract.status,
}

CONTRACTS_EXPORT = Spec(
    sheet_name="聘用合同",
    title="聘用合同",
    columns=(
        Column("工号", "staff_number", "code"),
        Column("姓名", "name", "text"),
        Column("部门", "department", "text", width=16),
        Column("合同类型", "contract_type", "text", width=20),
        Column("起始日期", "start_on", "date"),
        Column("终止日期", "end_on", "date"),
        Column("试用期（月）", "probation_months", "int"),
        Column("状态", "status", "text"),
        Column("剩余天数", "days_left", "int"),
        Column("解除日期", "terminated_on", "date"),
        Column("解除原因", "termination_reason", "text", width=30),
    ),
)


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


def _contracts(institution_id: int) -> Select:
    """Return the contracts of an institution with their employment and person loaded."""
    return (
        select(Contract)
        .join(Employment, Contract.employment_id == Employment.id)
        .join(Person, Employment.person_id == Person.id)
        .options(contains_eager(Contract.employment).contains_eager(Employment.person))
        .where(Contract.institution_id == institution_id)
    )


def _filtered(institution_id: int, q=None, status=None, contract_type=None) -> Select:
    stmt = _contracts(institution_id)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Person.name.like(like), Employment.staff_number.like(like)))
    if status:
        stmt = stmt.where(Contract.status == status)
    if contract_type:
        stmt = stmt.where(Contract.contract_type == contract_type)
    return stmt


def _expiring(institution_id: int, within: int, today) -> Select:
    """Return active contracts ending within ``within`` days (or past their end)."""
    return (
        _contracts(institution_id)
        .where(
            Contract.status == ContractStatus.ACTIVE.value,
            Contract.end_on.is_not(None),
            Contract.end_on <= rules.expiry_cutoff(today, within),
        )
        .order_by(Contract.end_on, Employment.staff_number)
    )


def _uncovered(institution_id: int) -> Select:
    """Return active employments with no active contract."""
    has_contract = exists().where(
        Contract.employment_id == Employment.id,
        Contract.status == ContractStatus.ACTIVE.value,
    )
    return select(Employment).where(
        Employment.institution_id == institution_id,
        Employment.end_on.is_(None),
        ~has_contract,
    )


def _row(contract: Contract, today) -> dict:
    employment = contract.employment
    return {
        "staff_number": employment.staff_number,
        "name": employment.person.name,
        "department": employment.department,
        "contract_type": ContractType(contract.contract_type).label,
        "start_on": contract.start_on,
        "end_on": contract.end_on,
        "probation_months": contract.probation_months,
        "status": ContractStatus(contract.status).label,
        "days_left": rules.days_left(contract.end_on, today)
        if contract.status == ContractStatus.ACTIVE
        else None,
        "terminated_on": contract.terminated_on,
        "termination_reason": contract.termination_reason,
    }


@bp.route("/<int:institution_id>/contracts")
@login_required
def contracts(institution_id: int):
    institution = hr_institution_or_404(institution_id)
    today = china_today()
    within = _within()
    filters = _filters()
    sort = read_sort(CONTRACT_SORTS, "staff_number")
    page = paginate(_filtered(institution.id, **filters), CONTRACT_SORTS, sort, Contract.id)
    expiring = list(
        db.session.scalars(_expiring(institution.id, within, today).limit(EXPIRING_LIMIT))
    )
    uncovered_stmt = _uncovered(institution.id)
    uncovered_count = db.session.scalar(uncovered_stmt.with_only_columns(func.count(Employment.id)))
    uncovered = list(
        db.session.scalars(uncovered_stmt.order_by(Employment.staff_number).limit(UNCOVERED_LIMIT))
    )
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
        stmt = _expiring(institution.id, _within(), today)
        stem = _("到期合同")
    else:
        stmt = _filtered(institution.id, **_filters()).order_by(
            Employment.staff_number, Contract.start_on, Contract.id
        )
        stem = _("聘用合同")
    rows = (_row(c, today) for c in db.session.scalars(stmt))
    return xlsx_response(CONTRACTS_EXPORT, rows, dated_filename(f"{institution.name}-{stem}"))


def _employment_or_404(institution_id: int, employment_id: int) -> Employment:
    employment = db.session.scalar(
        select(Employment).where(
            Employment.id == employment_id, Employment.institution_id == institution_id
        )
    )
    if employment is None:
        abort(404)
    return employment


def _contract_or_404(institution_id: int, contract_id: int) -> Contract:
    contract = db.session.scalar(
        select(Contract).where(
            Contract.id == contract_id, Contract.institution_id == institution_id
        )
    )
    if contract is None:
        abort(404)
    return contract


def _put_error(form, error: ContractError) -> None:
    field = getattr(form, error.field or "", None)
    if field is None:
        field = next(f for f in form if f.type not in ("CSRFTokenField", "HiddenField"))
    field.errors = [*field.errors, str(error)]


@bp.route(
    "/<int:institution_id>/employments/<int:employment_id>/contracts/new",
    methods=["GET", "POST"],
)
@login_required
def contract_new(institution_id: int, employment_id: int):
    institution = hr_institution_or_404(institution_id, write=True)
    employment = _employment_or_404(institution.id, employment_id)
    form = ContractForm()
    if request.method == "GET" and not form.start_on.data:
        form.start_on.data = max(employment.start_on, china_today())
    if form.validate_on_submit():
        try:
            sign_contract(employment, form.data, institution.kind)
        except ContractError as error:
            db.session.rollback()
            _put_error(form, error)
        else:
            db.session.commit()
            flash(_("已为 %(n)s 签订聘用合同。", n=employment.person.name), "success")
            return redirect(url_for(".contracts", institution_id=institution.id))
    return render_template(
        "hr/contracts/contract_form.html",
        institution=institution,
        employment=employment,
        contract=None,
        form=form,
        terminate_form=None,
    ), 422 if form.errors else 200


def _renew_page(institution, contract, form, terminate_form, status=200):
    history = list(
        db.session.scalars(
            select(Contract)
            .where(Contract.employment_id == contract.employment_id)
            .order_by(Contract.start_on, Contract.id)
        )
    )
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
    contract = _contract_or_404(institution.id, contract_id)
    form = RenewForm(prefix="renew")
    if request.method == "GET":
        form.contract_type.data = contract.contract_type
        form.probation_months.data = 0
    terminate_form = TerminateForm(prefix="terminate", formdata=None)
    if form.validate_on_submit():
        try:
            renewal = renew_contract(contract, form.data, institution.kind)
        except ContractError as error:
            db.session.rollback()
            _put_error(form, error)
        else:
            db.session.commit()
            end = renewal.end_on.isoformat() if renewal.end_on else _("无固定期限")
            flash(
                _(
                    "已续订合同：%(s)s 至 %(e)s。",
                    s=renewal.start_on.isoformat(),
                    e=end,
                ),
                "success",
            )
            return redirect(url_for(".contracts", institution_id=institution.id))
    return _renew_page(institution, contract, form, terminate_form, 422 if form.errors else 200)


@bp.route("/<int:institution_id>/contracts/<int:contract_id>/terminate", methods=["POST"])
@login_required
def contract_terminate(institution_id: int, contract_id: int):
    institution = hr_institution_or_404(institution_id, write=True)
    contract = _contract_or_404(institution.id, contract_id)
    terminate_form = TerminateForm(prefix="terminate")
    if terminate_form.validate_on_submit():
        try:
            terminate_contract(
                contract, terminate_form.terminated_on.data, terminate_form.reason.data
            )
        except ContractError as error:
            db.session.rollback()
            _put_error(terminate_form, error)
        else:
            db.session.commit()
            flash(_("已解除 %(n)s 的聘用合同。", n=contract.employment.person.name), "success")
            return redirect(url_for(".contracts", institution_id=institution.id))
    form = RenewForm(prefix="renew", formdata=None)
    form.contract_type.data = contract.contract_type
    return _renew_page(institution, contract, form, terminate_form, 422)
