"""工资 pages: runs of an institution, a run with its lines, one person's line, the steps."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.actions import perform
from core.extensions import db
from core.http import dated_filename, xlsx_response
from core.imports import context_for_request, import_page
from core.jobs import start_job
from core.listing import paginate, read_sort
from core.permissions import can
from hr.models import grade_name
from institutions.scoped import institution_for
from payroll.excel_specs import MONTHLY_PAY_SPEC, frozen_columns
from payroll.permissions import PAYROLL_APPROVE, PAYROLL_MANAGE, PAYROLL_VIEW
from payroll.runs import excel, queries
from payroll.runs import operations as ops
from payroll.runs.forms import ITEM_CHOICES, OverrideForm, ReasonForm, RunForm
from payroll.runs.imports import DECLARED_IMPORTER, MONTHLY_IMPORTER
from payroll.runs.models import PayRunLine
from payroll.runs.states import KIND_LABELS, STATUS_LABELS, RunKind, RunStatus
from payroll.views import bp

ITEM_LABELS = dict(ITEM_CHOICES)


def _labels() -> dict:
    return {
        "status": {s.value: label for s, label in STATUS_LABELS.items()},
        "kind": {k.value: label for k, label in KIND_LABELS.items()},
        "items": ITEM_LABELS,
    }


def _run_url(institution_id: int, run_id: int) -> str:
    # ids from the URL: after a refused step the session is rolled back and objects expire
    return url_for(".run", institution_id=institution_id, run_id=run_id)


@bp.route("/<int:institution_id>/runs")
@login_required
def runs(institution_id: int):
    institution = institution_for(institution_id, PAYROLL_VIEW)
    return render_template(
        "payroll/runs.html",
        institution=institution,
        runs=queries.runs_of(institution.id),
        form=RunForm(),
        labels=_labels(),
    )


@bp.route("/<int:institution_id>/runs/new", methods=["POST"])
@login_required
def run_create(institution_id: int):
    institution = institution_for(institution_id, PAYROLL_MANAGE)
    form = RunForm()
    if form.validate_on_submit():
        done = perform(
            ops.create_run,
            institution,
            form.period.data,
            current_user,
            kind=form.kind.data,
            corrects_period=form.corrects_period.data,
            reason=form.reason.data,
            form=form,
            success=lambda run: _("已新建 %(period)s 的工资批次。", period=run.period),
        )
        if done:
            return redirect(_run_url(institution_id, done.value.id))
    return render_template(
        "payroll/runs.html",
        institution=institution,
        runs=queries.runs_of(institution.id),
        form=form,
        labels=_labels(),
    ), 422


@bp.route("/<int:institution_id>/runs/<int:run_id>")
@login_required
def run(institution_id: int, run_id: int):
    institution = institution_for(institution_id, PAYROLL_VIEW)
    found = queries.run_or_404(institution.id, run_id)
    q = request.args.get("q", "").strip() or None
    only_problems = request.args.get("problems") == "1"
    sort = read_sort(queries.LINE_SORTS, "staff_number")
    page = paginate(
        queries.lines_statement(found.id, q, only_problems),
        queries.LINE_SORTS,
        sort,
        PayRunLine.id,
    )
    return render_template(
        "payroll/run.html",
        institution=institution,
        run=found,
        page=page,
        sort=sort,
        q=q or "",
        only_problems=only_problems,
        labels=_labels(),
        return_form=ReasonForm(),
        can_manage=can(current_user, PAYROLL_MANAGE, institution),
        can_approve=can(current_user, PAYROLL_APPROVE, institution)
        and current_user.id not in (found.computed_by_id, found.submitted_by_id),
        statuses=RunStatus,
        kinds=RunKind,
    )


@bp.route("/<int:institution_id>/runs/<int:run_id>/lines/<int:line_id>")
@login_required
def line(institution_id: int, run_id: int, line_id: int):
    institution = institution_for(institution_id, PAYROLL_VIEW)
    found = queries.run_or_404(institution.id, run_id)
    pay_line = queries.line_or_404(found, line_id)
    return _line_page(institution, found, pay_line, OverrideForm())


_DETAIL_MONEY = (
    "cumulative_tax_free_income",
    "cumulative_basic_deduction",
    "cumulative_special",
    "cumulative_additional",
    "cumulative_other",
    "quick_deduction",
)


def _line_page(institution, run, pay_line, form, status=200):
    from core.jobs import decode_message

    problems = [(p["severity"], decode_message(p["message"])) for p in (pay_line.problems or [])]
    detail = dict(pay_line.detail or {})
    for key in _DETAIL_MONEY:
        if detail.get(key) is not None:
            detail[key] = Decimal(str(detail[key]))
    profile = detail.get("profile") or {}
    post = (
        grade_name(profile["category"], profile["grade"])
        if profile.get("category") and profile.get("grade")
        else None
    )
    return render_template(
        "payroll/line.html",
        institution=institution,
        run=run,
        line=pay_line,
        detail=detail,
        post=post,
        problems=problems,
        form=form,
        labels=_labels(),
        can_manage=can(current_user, PAYROLL_MANAGE, institution),
        statuses=RunStatus,
    ), status


@bp.route("/<int:institution_id>/runs/<int:run_id>/lines/<int:line_id>/override", methods=["POST"])
@login_required
def line_override(institution_id: int, run_id: int, line_id: int):
    institution = institution_for(institution_id, PAYROLL_MANAGE)
    found = queries.run_or_404(institution.id, run_id)
    pay_line = queries.line_or_404(found, line_id)
    form = OverrideForm()
    if form.validate_on_submit():
        done = perform(
            ops.set_override,
            found,
            pay_line.employment_id,
            form.item.data,
            form.amount.data,
            form.reason.data,
            current_user,
            form=form,
            success=_("已保存手工调整；请重新计算工资批次。"),
        )
        if done:
            return redirect(
                url_for(".line", institution_id=institution_id, run_id=run_id, line_id=line_id)
            )
    return _line_page(institution, found, pay_line, form, 422)


@bp.route(
    "/<int:institution_id>/runs/<int:run_id>/lines/<int:line_id>/override/clear",
    methods=["POST"],
)
@login_required
def line_override_clear(institution_id: int, run_id: int, line_id: int):
    institution = institution_for(institution_id, PAYROLL_MANAGE)
    found = queries.run_or_404(institution.id, run_id)
    pay_line = queries.line_or_404(found, line_id)
    item = request.form.get("item", "")
    perform(
        ops.clear_override,
        found,
        pay_line.employment_id,
        item,
        current_user,
        success=_("已取消手工调整；请重新计算工资批次。"),
    )
    return redirect(url_for(".line", institution_id=institution_id, run_id=run_id, line_id=line_id))


@bp.route("/<int:institution_id>/runs/<int:run_id>/compute", methods=["POST"])
@login_required
def run_compute(institution_id: int, run_id: int):
    institution = institution_for(institution_id, PAYROLL_MANAGE)
    found = queries.run_or_404(institution.id, run_id)
    if ops.needs_job(found) and found.status != RunStatus.SUBMITTED:
        job = start_job(
            "payroll.compute",
            params={"run_id": found.id},
            institution_id=institution.id,
            actor=current_user,
            idempotency_key=f"payroll.compute:{found.id}",
            label=f"{institution.name} {found.period}",
        )
        db.session.commit()
        return redirect(url_for("jobs.detail", job_id=job.id))
    perform(
        ops.compute_run,
        found,
        current_user,
        success=lambda run: _("已计算 %(n)d 人的工资。", n=run.line_count),
    )
    return redirect(_run_url(institution_id, run_id))


def _step(operation, permission, success, *args):
    institution_id = request.view_args["institution_id"]
    institution = institution_for(institution_id, permission)
    found = queries.run_or_404(institution.id, request.view_args["run_id"])
    perform(operation, found, current_user, *args, success=success)
    return found


@bp.route("/<int:institution_id>/runs/<int:run_id>/submit", methods=["POST"])
@login_required
def run_submit(institution_id: int, run_id: int):
    _step(ops.submit_run, PAYROLL_MANAGE, _("已提交审核，并通知了其他财务人员。"))
    return redirect(_run_url(institution_id, run_id))


@bp.route("/<int:institution_id>/runs/<int:run_id>/approve", methods=["POST"])
@login_required
def run_approve(institution_id: int, run_id: int):
    _step(ops.approve_run, PAYROLL_APPROVE, _("已审核通过；工资条已发布给职工。"))
    return redirect(_run_url(institution_id, run_id))


@bp.route("/<int:institution_id>/runs/<int:run_id>/return", methods=["POST"])
@login_required
def run_return(institution_id: int, run_id: int):
    institution = institution_for(institution_id, PAYROLL_APPROVE)
    found = queries.run_or_404(institution.id, run_id)
    form = ReasonForm()
    reason = form.reason.data if form.validate_on_submit() else ""
    perform(ops.return_run, found, current_user, reason, success=_("已退回工资批次。"))
    return redirect(_run_url(institution_id, run_id))


@bp.route("/<int:institution_id>/runs/<int:run_id>/pay", methods=["POST"])
@login_required
def run_pay(institution_id: int, run_id: int):
    _step(ops.mark_paid, PAYROLL_MANAGE, _("已标记为已发放。"))
    return redirect(_run_url(institution_id, run_id))


@bp.route("/<int:institution_id>/runs/<int:run_id>/delete", methods=["POST"])
@login_required
def run_delete(institution_id: int, run_id: int):
    institution = institution_for(institution_id, PAYROLL_MANAGE)
    found = queries.run_or_404(institution.id, run_id)
    done = perform(ops.delete_run, found, current_user, success=_("已删除工资批次。"))
    if done:
        return redirect(url_for(".runs", institution_id=institution_id))
    return redirect(_run_url(institution_id, run_id))


@bp.route("/<int:institution_id>/runs/<int:run_id>/export")
@login_required
def run_export(institution_id: int, run_id: int):
    """Download a workbook of the run: ``?kind=`` payroll, bank, tax-wages, tax-bonus,
    tax-detail or contributions."""
    institution = institution_for(institution_id, PAYROLL_VIEW)
    found = queries.run_or_404(institution.id, run_id)
    kind = request.args.get("kind", "payroll")
    if kind not in excel.KINDS:
        abort(404)
    spec, rows, total, stem = excel.workbook_for(found, kind)
    return xlsx_response(
        spec, rows, dated_filename(stem), totals=total, freeze_columns=frozen_columns(spec)
    )


@bp.route("/<int:institution_id>/runs/<int:run_id>/import", methods=["GET", "POST"])
@login_required
def run_import(institution_id: int, run_id: int):
    """Import the 月度工资 file for an open run (preview, then all or nothing)."""
    institution = institution_for(institution_id, PAYROLL_MANAGE)
    found = queries.run_or_404(institution.id, run_id)
    context = context_for_request(institution.id)
    context.options["run_id"] = found.id
    return import_page(
        MONTHLY_IMPORTER,
        context,
        title=_("导入 %(period)s 月度工资", period=found.period),
        back_url=_run_url(institution_id, run_id),
        template_url=url_for(".run_template", institution_id=institution_id, run_id=run_id),
        breadcrumbs=[
            (institution.name, url_for(".runs", institution_id=institution_id)),
            (found.period, _run_url(institution_id, run_id)),
        ],
    )


@bp.route("/<int:institution_id>/runs/<int:run_id>/template")
@login_required
def run_template(institution_id: int, run_id: int):
    """The 月度工资 template, filled with the staff active in the run's period."""
    institution = institution_for(institution_id, PAYROLL_MANAGE)
    found = queries.run_or_404(institution.id, run_id)
    start, end = queries.period_bounds(found.year, found.month)
    rows = (
        {
            "institution_code": institution.credit_code,
            "staff_number": employment.staff_number,
            "name": employment.person.name,
        }
        for employment in queries.active_employments(institution.id, start, end)
    )
    return xlsx_response(MONTHLY_PAY_SPEC, rows, f"{institution.name}-{found.period}-月度工资.xlsx")


@bp.route("/<int:institution_id>/runs/<int:run_id>/reconcile", methods=["GET", "POST"])
@login_required
def run_reconcile(institution_id: int, run_id: int):
    """Compare the withholding client's computed results with ours, person by person."""
    from core.http import read_upload
    from payroll.excel_specs import TAX_RESULTS_SPEC, tax_figures_from_row
    from payroll.reconcile import reconcile

    institution = institution_for(institution_id, PAYROLL_VIEW)
    found = queries.run_or_404(institution.id, run_id)
    errors, discrepancies, compared = [], None, 0
    if request.method == "POST":
        result = read_upload(request.files.get("file"), TAX_RESULTS_SPEC)
        errors = result.messages
        if not errors:
            theirs = dict(tax_figures_from_row(row) for row in result.rows)
            ours = excel.our_tax_figures(found)
            compared = len(set(theirs) | set(ours))
            discrepancies = reconcile(ours, theirs)
    return render_template(
        "payroll/reconcile.html",
        institution=institution,
        run=found,
        labels=_labels(),
        errors=errors,
        discrepancies=discrepancies,
        compared=compared,
    ), 422 if errors else 200


@bp.route("/<int:institution_id>/runs/<int:run_id>/import-declared", methods=["GET", "POST"])
@login_required
def run_import_declared(institution_id: int, run_id: int):
    """Import the withholding client's declared 专项附加扣除 (cumulative) for an open run."""
    institution = institution_for(institution_id, PAYROLL_MANAGE)
    found = queries.run_or_404(institution.id, run_id)
    context = context_for_request(institution.id)
    context.options["run_id"] = found.id
    return import_page(
        DECLARED_IMPORTER,
        context,
        title=_("导入 %(period)s 专项附加扣除", period=found.period),
        back_url=_run_url(institution_id, run_id),
        breadcrumbs=[
            (institution.name, url_for(".runs", institution_id=institution_id)),
            (found.period, _run_url(institution_id, run_id)),
        ],
    )
