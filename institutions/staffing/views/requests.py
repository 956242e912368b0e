"""Quota requests under 先减后加: the institution asks and reports its clean-up; the office
executes the reductions, then approves from the region's pool (or refuses)."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.actions import perform
from core.extensions import db
from core.http import dated_filename, xlsx_response
from core.i18n import msg
from core.ids import china_today
from core.listing import paginate, read_sort
from core.permissions import can
from core.regions import region_name
from institutions.models import QuotaKind
from institutions.staffing import excel, queries
from institutions.staffing import operations as ops
from institutions.staffing.forms import (
    ApprovalForm,
    CleanupForm,
    ReductionForm,
    RejectForm,
    RequestForm,
)
from institutions.staffing.models import QuotaRequest, RequestStatus
from institutions.staffing.permissions import (
    STAFFING_FILE,
    STAFFING_MANAGE,
    STAFFING_OVERVIEW,
    STAFFING_VIEW,
)
from institutions.staffing.views import bp, institution, overview_scope, place_args, render


def _status_filter() -> str | None:
    status = request.args.get("status")
    return status if status in set(RequestStatus) else None


@bp.route("/requests")
@login_required
def requests_index():
    scope = overview_scope(STAFFING_OVERVIEW)
    place = place_args(scope)
    status = _status_filter()
    sort = read_sort(queries.REQUEST_SORTS, "created_at", descending=True)
    page = paginate(
        queries.requests(scope, place, status), queries.REQUEST_SORTS, sort, QuotaRequest.id
    )
    return render(
        "staffing/requests.html",
        page=page,
        sort=sort,
        place=place,
        status=status,
        statuses=list(RequestStatus),
    )


@bp.route("/requests/export")
@login_required
def requests_export():
    scope = overview_scope(STAFFING_OVERVIEW)
    place = place_args(scope)
    rows = db.session.scalars(
        queries.requests(scope, place, _status_filter()).order_by(QuotaRequest.id)
    ).unique()

    def lines():
        for r in rows:
            yield {
                "name": r.institution.name,
                "district": region_name(r.institution.district_code),
                "kind": str(QuotaKind(r.kind).label),
                "number": r.number,
                "proposed": r.proposed_reduction,
                "status": str(r.status_enum.label),
                "submitted_at": r.submitted_at.strftime("%Y-%m-%d %H:%M") if r.submitted_at else "",
                "decision": r.decision_document_number or "",
            }

    return xlsx_response(excel.requests_spec(), lines(), dated_filename(_("增编申请")))


@bp.route("/institutions/<int:institution_id>/requests/new", methods=["GET", "POST"])
@login_required
def request_new(institution_id: int):
    found = institution(institution_id, STAFFING_FILE)
    form = RequestForm()
    if form.validate_on_submit():
        done = perform(
            ops.create_request,
            found,
            form.data,
            actor=current_user,
            form=form,
            success=msg("已保存增编申请草稿；请报告清理情况后提交"),
        )
        if done:
            return redirect(
                url_for(".request_detail", institution_id=found.id, request_id=done.value.id)
            )
    return render(
        "staffing/request_new.html", 422 if form.errors else 200, institution=found, form=form
    )


def _request(institution_id: int, request_id: int, perm: str = STAFFING_VIEW):
    found = institution(institution_id, perm)
    return found, queries.get_request_or_404(found, request_id)


def _show(found, quota_request, status=200, **forms):
    today = china_today()
    cleanup = forms.get("cleanup_form") or CleanupForm(
        vacancies=quota_request.vacancies,
        secondments=quota_request.secondments,
        off_quota=quota_request.off_quota,
        weakened_reported=quota_request.weakened_reported,
        cleanup_note=quota_request.cleanup_note,
    )
    pool = queries.pool_of(found.district_code, quota_request.kind)
    return render(
        "staffing/request.html",
        status,
        institution=found,
        req=quota_request,
        missing=ops.missing_for(quota_request, today)
        if quota_request.status_enum is RequestStatus.DRAFT
        else [],
        executed=queries.executed_reduction(quota_request.id),
        entries=queries.request_entries(quota_request.id),
        pool_available=pool.available if pool else 0,
        cleanup_form=cleanup,
        reduction_form=forms.get("reduction_form") or ReductionForm(prefix="reduce"),
        approval_form=forms.get("approval_form") or ApprovalForm(prefix="approve"),
        reject_form=forms.get("reject_form") or RejectForm(prefix="reject"),
        can_file=can(current_user, STAFFING_FILE, found),
        can_manage=can(current_user, STAFFING_MANAGE, found),
        kind_label=QuotaKind(quota_request.kind).label,
    )


def _back(found, quota_request):
    return redirect(
        url_for(".request_detail", institution_id=found.id, request_id=quota_request.id)
    )


@bp.route("/institutions/<int:institution_id>/requests/<int:request_id>")
@login_required
def request_detail(institution_id: int, request_id: int):
    found, quota_request = _request(institution_id, request_id)
    return _show(found, quota_request)


@bp.route("/institutions/<int:institution_id>/requests/<int:request_id>/cleanup", methods=["POST"])
@login_required
def request_cleanup(institution_id: int, request_id: int):
    found, quota_request = _request(institution_id, request_id, STAFFING_FILE)
    form = CleanupForm()
    data = {**form.data, **{k: v for k, v in request.form.items() if k.startswith("reduction_")}}
    if form.validate_on_submit() and perform(
        ops.save_cleanup,
        quota_request,
        data,
        actor=current_user,
        form=form,
        success=msg("已保存清理情况"),
    ):
        return _back(found, quota_request)
    return _show(found, quota_request, 422, cleanup_form=form)


@bp.route("/institutions/<int:institution_id>/requests/<int:request_id>/submit", methods=["POST"])
@login_required
def request_submit(institution_id: int, request_id: int):
    found, quota_request = _request(institution_id, request_id, STAFFING_FILE)
    if perform(
        ops.submit_request, quota_request, actor=current_user, success=msg("已提交编办审批")
    ):
        return _back(found, quota_request)
    return _show(found, quota_request, 422)


def _with_upload(form) -> dict:
    return {**form.data, "document": request.files.get(form.document.name)}


@bp.route(
    "/institutions/<int:institution_id>/requests/<int:request_id>/reductions", methods=["POST"]
)
@login_required
def request_reduce(institution_id: int, request_id: int):
    found, quota_request = _request(institution_id, request_id, STAFFING_MANAGE)
    form = ReductionForm(prefix="reduce")
    if form.validate_on_submit() and perform(
        ops.execute_reduction,
        quota_request,
        _with_upload(form),
        actor=current_user,
        form=form,
        success=lambda e: msg("已核减 %(n)d 名（%(d)s）", n=-e.change, d=e.document_number),
    ):
        return _back(found, quota_request)
    return _show(found, quota_request, 422, reduction_form=form)


@bp.route("/institutions/<int:institution_id>/requests/<int:request_id>/approve", methods=["POST"])
@login_required
def request_approve(institution_id: int, request_id: int):
    found, quota_request = _request(institution_id, request_id, STAFFING_MANAGE)
    form = ApprovalForm(prefix="approve")
    if form.validate_on_submit() and perform(
        ops.approve_request,
        quota_request,
        _with_upload(form),
        actor=current_user,
        form=form,
        success=lambda e: msg("已批准增加 %(n)d 名（%(d)s）", n=e.change, d=e.document_number),
    ):
        return _back(found, quota_request)
    return _show(found, quota_request, 422, approval_form=form)


@bp.route("/institutions/<int:institution_id>/requests/<int:request_id>/reject", methods=["POST"])
@login_required
def request_reject(institution_id: int, request_id: int):
    found, quota_request = _request(institution_id, request_id, STAFFING_MANAGE)
    form = RejectForm(prefix="reject")
    if form.validate_on_submit() and perform(
        ops.reject_request,
        quota_request,
        form.data,
        actor=current_user,
        form=form,
        success=msg("已作出不予批准的决定"),
    ):
        return _back(found, quota_request)
    return _show(found, quota_request, 422, reject_form=form)
