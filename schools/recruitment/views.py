"""Pages of the self-hired teachers (教师自聘): plans, the council, candidates, hires, filing."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.actions import perform
from core.extensions import db
from core.http import dated_filename, xlsx_response
from core.ids import china_today
from institutions.governance.models import Meeting, Motion
from institutions.governance.queries import local_date
from institutions.scoped import institution_for
from schools.permissions import SCHOOLS_RECRUIT, SCHOOLS_VIEW
from schools.recruitment import operations, queries
from schools.recruitment.excel import FILING_SPEC
from schools.recruitment.forms import (
    CandidateForm,
    HireForm,
    PlanForm,
    PostingForm,
    ScoreForm,
    SubmitPlanForm,
)
from schools.recruitment.models import CandidateStatus, PlanStatus
from schools.stages import Stage
from schools.views import bp


def _list_page(institution, form, status=200):
    return render_template(
        "schools/recruitment.html",
        institution=institution,
        plans=queries.plans(institution.id),
        form=form,
        status_labels=PlanStatus.LABELS,
        stage_labels={s.value: s.label for s in Stage},
    ), status


@bp.route("/<int:institution_id>/recruitment")
@login_required
def recruitment(institution_id: int):
    """The school's recruitment plans, and a form to draft another."""
    institution = institution_for(institution_id, SCHOOLS_VIEW)
    return _list_page(institution, PlanForm(formdata=None))


@bp.route("/<int:institution_id>/recruitment/new", methods=["POST"])
@login_required
def recruitment_draft(institution_id: int):
    institution = institution_for(institution_id, SCHOOLS_RECRUIT)
    form = PlanForm()
    if form.validate_on_submit():
        done = perform(
            operations.draft_plan,
            institution,
            form.data,
            form=form,
            success=_("招聘计划草稿已保存，请提交理事会审议。"),
        )
        if done:
            return redirect(
                url_for(
                    ".recruitment_plan", institution_id=institution.id, recruitment_id=done.value.id
                )
            )
    return _list_page(institution, form, 422)


def _plan_or_404(institution_id: int, recruitment_id: int):
    plan = queries.plan_or_none(institution_id, recruitment_id)
    if plan is None:
        abort(404)
    return plan


def _plan_page(institution, plan, status=200, **forms):
    submit_form = forms.get("submit_form") or SubmitPlanForm(formdata=None)
    submit_form.meeting_id.choices = [
        (m.id, f"{m.title} · {local_date(m.scheduled_at).isoformat()}")
        for m in queries.open_meetings(institution.id)
    ]
    ranked = operations.ranked(plan)
    ranked_ids = {c.id for _place, c in ranked}
    return render_template(
        "schools/recruitment_plan.html",
        institution=institution,
        plan=plan,
        ranked=ranked,
        unranked=[c for c in plan.candidates if c.id not in ranked_ids],
        submit_form=submit_form,
        candidate_form=forms.get("candidate_form") or CandidateForm(formdata=None),
        hire_form=forms.get("hire_form") or HireForm(formdata=None),
        hire_for=forms.get("hire_for"),
        posting_form=forms.get("posting_form") or PostingForm(formdata=None),
        offered=[c for c in plan.candidates if c.status != CandidateStatus.APPLIED],
        today=china_today(),
        status_labels=PlanStatus.LABELS,
        candidate_labels=CandidateStatus.LABELS,
        stage_label=Stage(plan.stage).label,
        motion=db.session.get(Motion, plan.motion_id) if plan.motion_id else None,
    ), status


@bp.route("/<int:institution_id>/recruitment/<int:recruitment_id>")
@login_required
def recruitment_plan(institution_id: int, recruitment_id: int):
    """A plan: its council decision, candidates, the ranked list, offers and hires."""
    institution = institution_for(institution_id, SCHOOLS_VIEW)
    return _plan_page(institution, _plan_or_404(institution.id, recruitment_id))


@bp.route("/<int:institution_id>/recruitment/<int:recruitment_id>/submit", methods=["POST"])
@login_required
def recruitment_submit(institution_id: int, recruitment_id: int):
    """提交理事会审议: the plan goes on a council meeting's agenda as the motion's subject."""
    institution = institution_for(institution_id, SCHOOLS_RECRUIT)
    plan = _plan_or_404(institution.id, recruitment_id)
    form = SubmitPlanForm()
    form.meeting_id.choices = [(m.id, m.title) for m in queries.open_meetings(institution.id)]
    if form.validate_on_submit():
        meeting = db.session.get(Meeting, form.meeting_id.data)
        if meeting is None or meeting.institution_id != institution.id:
            abort(404)
        done = perform(
            operations.submit_plan,
            plan,
            meeting,
            actor=current_user,
            form=form,
            success=_("已提交理事会审议，表决结果将自动更新计划状态。"),
        )
        if done:
            return redirect(
                url_for(
                    ".recruitment_plan",
                    institution_id=institution_id,
                    recruitment_id=recruitment_id,
                )
            )
    return _plan_page(institution, plan, 422, submit_form=form)


@bp.route("/<int:institution_id>/recruitment/<int:recruitment_id>/candidates", methods=["POST"])
@login_required
def recruitment_candidate(institution_id: int, recruitment_id: int):
    institution = institution_for(institution_id, SCHOOLS_RECRUIT)
    plan = _plan_or_404(institution.id, recruitment_id)
    form = CandidateForm()
    if form.validate_on_submit():
        done = perform(
            operations.add_candidate, plan, form.data, form=form, success=_("已登记报名。")
        )
        if done:
            return redirect(
                url_for(
                    ".recruitment_plan",
                    institution_id=institution_id,
                    recruitment_id=recruitment_id,
                )
            )
    return _plan_page(institution, plan, 422, candidate_form=form)


def _candidate_or_404(plan, applicant_id: int):
    candidate = queries.candidate_or_none(plan, applicant_id)
    if candidate is None:
        abort(404)
    return candidate


@bp.route(
    "/<int:institution_id>/recruitment/<int:recruitment_id>/candidates/<int:applicant_id>/scores",
    methods=["POST"],
)
@login_required
def recruitment_scores(institution_id: int, recruitment_id: int, applicant_id: int):
    institution = institution_for(institution_id, SCHOOLS_RECRUIT)
    plan = _plan_or_404(institution.id, recruitment_id)
    candidate = _candidate_or_404(plan, applicant_id)
    form = ScoreForm()
    if form.validate_on_submit():
        perform(operations.record_scores, candidate, form.data, success=_("成绩已保存。"))
    return redirect(
        url_for(".recruitment_plan", institution_id=institution_id, recruitment_id=recruitment_id)
    )


@bp.route(
    "/<int:institution_id>/recruitment/<int:recruitment_id>/candidates/<int:applicant_id>/offer",
    methods=["POST"],
)
@login_required
def recruitment_offer(institution_id: int, recruitment_id: int, applicant_id: int):
    institution = institution_for(institution_id, SCHOOLS_RECRUIT)
    plan = _plan_or_404(institution.id, recruitment_id)
    candidate = _candidate_or_404(plan, applicant_id)
    perform(operations.offer, candidate, success=_("已发出录用通知。"))
    return redirect(
        url_for(".recruitment_plan", institution_id=institution_id, recruitment_id=recruitment_id)
    )


@bp.route(
    "/<int:institution_id>/recruitment/<int:recruitment_id>/candidates/<int:applicant_id>/hire",
    methods=["POST"],
)
@login_required
def recruitment_hire(institution_id: int, recruitment_id: int, applicant_id: int):
    """Hire an offered candidate through HR's entry (员额) and contract."""
    institution = institution_for(institution_id, SCHOOLS_RECRUIT)
    plan = _plan_or_404(institution.id, recruitment_id)
    candidate = _candidate_or_404(plan, applicant_id)
    form = HireForm()
    if form.validate_on_submit():
        done = perform(
            operations.hire,
            candidate,
            form.data,
            form=form,
            success=_("已聘用，人事档案与劳动合同已建立。"),
        )
        if done:
            return redirect(
                url_for(
                    ".recruitment_plan",
                    institution_id=institution_id,
                    recruitment_id=recruitment_id,
                )
            )
    return _plan_page(institution, plan, 422, hire_form=form, hire_for=candidate.id)


@bp.route("/<int:institution_id>/recruitment/<int:recruitment_id>/posting", methods=["POST"])
@login_required
def recruitment_posting(institution_id: int, recruitment_id: int):
    """公示: the offered candidates are posted for a period before they are hired."""
    institution = institution_for(institution_id, SCHOOLS_RECRUIT)
    plan = _plan_or_404(institution.id, recruitment_id)
    form = PostingForm()
    if form.validate_on_submit():
        done = perform(
            operations.post_results,
            plan,
            form.data,
            today=china_today(),
            form=form,
            success=_("已登记公示。"),
        )
        if done:
            return redirect(
                url_for(
                    ".recruitment_plan",
                    institution_id=institution_id,
                    recruitment_id=recruitment_id,
                )
            )
    return _plan_page(institution, plan, 422, posting_form=form)


@bp.route("/<int:institution_id>/recruitment/filing")
@login_required
def recruitment_filing(institution_id: int):
    """The hires filed (备案) with the education bureau: what the sponsor reads."""
    institution = institution_for(institution_id, SCHOOLS_VIEW)
    return render_template(
        "schools/recruitment_filing.html",
        institution=institution,
        hires=queries.filed_hires(institution.id),
        stage_labels={s.value: s.label for s in Stage},
    )


@bp.route("/<int:institution_id>/recruitment/filing/export")
@login_required
def recruitment_filing_export(institution_id: int):
    """The filing list as an Excel sheet for the education bureau."""
    institution = institution_for(institution_id, SCHOOLS_VIEW)
    rows = [
        {
            "name": c.name,
            "staff_number": c.employment.staff_number,
            "subject": c.plan.subject,
            "stage": str(Stage(c.plan.stage).label),
            "start_on": c.employment.start_on,
            "resolution_ref": c.plan.resolution_ref or "",
        }
        for c in queries.filed_hires(institution.id)
    ]
    stem = f"{institution.name}-{_('自聘教师聘用备案')}"
    return xlsx_response(FILING_SPEC, rows, dated_filename(stem))
