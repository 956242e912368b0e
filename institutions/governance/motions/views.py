"""Motion pages: proposing and editing a motion, the motion page with its vote and
tally, opening and closing the vote, ballots, recusals, the printed tally, and the list of
motions awaiting my vote."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.auth.models import User
from core.extensions import db
from core.models import utcnow
from core.permissions import can, require
from institutions.governance import messages, pages, queries, subjects, tally
from institutions.governance.blueprint import bp
from institutions.governance.charter import Charter
from institutions.governance.meetings import queries as meeting_queries
from institutions.governance.models import (
    Attendance,
    Ballot,
    GovernanceError,
    Motion,
    MotionStatus,
)
from institutions.governance.motions import operations as motion_ops
from institutions.governance.motions import queries as motion_queries
from institutions.governance.motions.forms import (
    CloseForm,
    MotionForm,
    OpenForm,
    RecuseForm,
    VoteForm,
)
from institutions.governance.permissions import GOVERNANCE_MANAGE
from institutions.governance.tally import Choice, MotionCategory, MotionKind
from institutions.models import Institution


@bp.route("/my-votes")
@login_required
def my_votes():
    waiting = motion_queries.awaiting_my_vote(current_user)
    institutions = queries.institutions_by_id(item.motion.institution_id for item in waiting)
    names = pages.names_by_id(item.for_member_id for item in waiting)
    return render_template(
        "governance/meetings_my_votes.html",
        items=[
            {
                "motion": item.motion,
                "meeting": item.motion.meeting,
                "institution": institutions.get(item.motion.institution_id),
                "for_member_id": item.for_member_id,
                "for_member_name": names.get(item.for_member_id),
            }
            for item in waiting
        ],
        form=VoteForm(formdata=None),
    )


def _motion_or_404(institution: Institution, motion_id: int) -> Motion:
    return pages.or_404(queries.motion_of(institution.id, motion_id))


def _motion_fields(form: MotionForm) -> dict[str, Any]:
    return {
        "title": form.title.data,
        "text": form.text.data,
        "kind": form.kind.data,
        "category": MotionCategory.MAJOR if form.major.data else None,
        "amount": form.amount.data,
        "counterparties": form.counterparty_names(),
        "prior_study_record": form.prior_study_record.data,
        "prior_study_ref": form.prior_study_ref.data,
    }


@bp.route("/<int:institution_id>/meetings/<int:meeting_id>/motions/new", methods=["GET", "POST"])
@login_required
def motion_new(institution_id: int, meeting_id: int):
    institution = pages.institution(institution_id, GOVERNANCE_MANAGE)
    meeting = pages.meeting_or_404(institution, meeting_id)
    form = MotionForm()
    error = None
    if form.validate_on_submit():
        try:
            motion = motion_ops.add_motion(
                meeting,
                **_motion_fields(form),
                actor=current_user,
            )
        except GovernanceError as refusal:
            error = pages.refusal_text(refusal)
        else:
            db.session.commit()
            flash(_("已提出议案：%(t)s。", t=motion.title), "success")
            return redirect(url_for(".motion", institution_id=institution.id, motion_id=motion.id))
    return render_template(
        "governance/meetings_motion_form.html",
        institution=institution,
        meeting=meeting,
        motion=None,
        form=form,
        error=error,
        charter=queries.charter_for(institution.id),
    ), 422 if (form.errors or error) else 200


@bp.route("/<int:institution_id>/motions/<int:motion_id>/edit", methods=["GET", "POST"])
@login_required
def motion_edit(institution_id: int, motion_id: int):
    institution = pages.institution(institution_id, GOVERNANCE_MANAGE)
    motion = _motion_or_404(institution, motion_id)
    form = MotionForm()
    error = None
    if not form.is_submitted():
        form.title.data = motion.title
        form.text.data = motion.text
        form.kind.data = motion.kind
        form.major.data = motion.category == MotionCategory.MAJOR
        form.amount.data = motion.amount
        form.counterparties.data = "\n".join(motion.counterparties or [])
        form.prior_study_record.data = motion.prior_study_record
        form.prior_study_ref.data = motion.prior_study_ref
    if motion.status != MotionStatus.DRAFT:
        error = _("只能修改草拟中的议案；表决开始后议案不能修改")
    elif form.validate_on_submit():
        try:
            motion_ops.update_motion(motion, _motion_fields(form), actor=current_user)
        except GovernanceError as refusal:
            error = pages.refusal_text(refusal)
        else:
            db.session.commit()
            flash(_("已保存议案：%(t)s。", t=motion.title), "success")
            return redirect(url_for(".motion", institution_id=institution.id, motion_id=motion.id))
    return render_template(
        "governance/meetings_motion_form.html",
        institution=institution,
        meeting=motion.meeting,
        motion=motion,
        form=form,
        error=error,
        charter=queries.charter_for(institution.id),
    ), 422 if (form.errors or (error and form.is_submitted())) else 200


def _category_notes(motion: Motion, charter: Charter) -> list[str]:
    """Return why the motion is ordinary or major, and what that requires, in words."""
    kind = MotionKind(motion.kind)
    notes = []
    if kind in tally.MAJOR_KINDS:
        notes.append(_("「%(k)s」属于重大事项。", k=kind.label))
    if motion.amount is not None and motion.amount >= charter.large_sum_threshold:
        notes.append(
            _(
                "涉及金额 %(a)s 元，达到本单位大额资金标准 %(t)s 元。",
                a=f"{motion.amount:,.2f}",
                t=f"{charter.large_sum_threshold:,.0f}",
            )
        )
    if motion.category == MotionCategory.MAJOR and not notes:
        notes.append(_("提案人要求按重大事项表决。"))
    if motion.category == MotionCategory.MAJOR:
        notes.append(
            _(
                "重大事项须经%(b)s的 %(f)s 以上同意。",
                b=charter.major_base.label,
                f=str(charter.major_threshold),
            )
        )
    else:
        notes.append(
            _(
                "一般事项须经超过%(b)s的 %(f)s 同意。",
                b=charter.ordinary_base.label,
                f=str(charter.ordinary_threshold),
            )
        )
    if motion_ops.requires_prior_study(motion, charter):
        notes.append(_("三重一大事项：须先经党组织前置研究，会议集体讨论决定，不得通讯表决。"))
    return notes


def _outcome_view(data: dict[str, Any], *, final: bool) -> dict[str, Any]:
    view = dict(data)
    view["status_label"] = tally.Status(data["status"]).label
    view["category_label"] = MotionCategory(data["category"]).label
    view["final"] = final
    # stored as a message id with parameters (older rows: text): shown in the reader's language
    view["reason"] = messages.load(data.get("reason"))
    view["notes"] = [messages.load(note) for note in data.get("notes") or ()]
    return view


def _tally(
    motion: Motion,
    latest: dict[int, Ballot],
    *,
    charter: Charter | None = None,
    attendance: list[Attendance] | None = None,
    recused: set[int] | None = None,
) -> dict[str, Any] | None:
    """Return the tally to show: the recorded one, a live one if visible, or None.

    The motion page passes what it has loaded already (charter, attendance, recusals).
    """
    if motion.outcome:
        return _outcome_view(motion.outcome, final=True)
    if not motion_queries.results_visible(motion, charter):
        return None
    outcome = motion_queries.compute_outcome(
        motion, ballots=latest, attendance=attendance, recused=recused, charter=charter
    )
    data = asdict(outcome)
    data["status"] = outcome.status.value
    data["category"] = outcome.category.value
    return _outcome_view(data, final=False)


def _ballot_rows(motion: Motion, history: list[Ballot], viewer_id: int, *, visible: bool):
    """Return one row per member: their latest ballot and the earlier ones (newest first)."""
    by_member: dict[int, list[Ballot]] = {}
    for ballot in history:
        by_member.setdefault(ballot.counted_member_id, []).append(ballot)
    counted = set((motion.outcome or {}).get("voters", []))
    order = {member: i for i, member in enumerate(motion.electorate or [])}
    rows = []
    for member, ballots in by_member.items():
        if not visible and not (
            member == viewer_id or any(b.member_id == viewer_id for b in ballots)
        ):
            continue
        rows.append(
            {
                "member_id": member,
                "latest": ballots[-1],
                "earlier": list(reversed(ballots[:-1])),
                "counted": member in counted if motion.outcome else None,
            }
        )
    rows.sort(key=lambda row: (order.get(row["member_id"], len(order)), row["member_id"]))
    return rows


def _motion_context(institution: Institution, motion: Motion) -> dict[str, Any]:
    """Return what the motion page and the printable tally show (a fixed number of queries)."""
    me = current_user.id
    now = utcnow()
    meeting = motion.meeting
    charter = queries.motion_charter(motion)
    history = queries.ballot_history(motion)
    latest: dict[int, Ballot] = {}
    for ballot in history:
        latest[ballot.counted_member_id] = ballot
    visible = motion_queries.results_visible(motion, charter)
    rows = _ballot_rows(motion, history, me, visible=visible)
    # Each of these is read once here and handed to what needs it, not queried again.
    recusals = list(motion.recusals)
    recused = {r.member_id for r in recusals}
    decided = MotionStatus(motion.status).is_decided
    proposed = {} if decided else motion_queries.proposed_recusals(motion, recused=recused)
    attendance_rows = queries.attendance_of(meeting)
    attendance = [] if meeting.is_written else attendance_rows
    electorate = list(motion.electorate or queries.electorate(motion))
    names = pages.names_by_id(
        [b.member_id for b in history]
        + [b.counted_member_id for b in history]
        + list(proposed)
        + electorate
        + [motion.opened_by_id, motion.closed_by_id]
    )
    return {
        "institution": institution,
        "motion": motion,
        "meeting": meeting,
        "charter": charter,
        "now": now,
        "history": history,
        "latest": latest,
        "visible": visible,
        "ballot_rows": rows,
        "ballot_count": len(latest),
        "electorate": electorate,
        "eligible_count": len(set(electorate) - recused),
        "recusals": recusals,
        "recused_ids": recused,
        "proposed": proposed,
        "attendance": attendance,
        "attendance_rows": attendance_rows,
        "names": names,
        "outcome": _tally(
            motion, latest, charter=charter, attendance=attendance_rows, recused=recused
        ),
        # only a passed motion has one: an undecided motion need not ask
        "resolution": motion.resolution if decided else None,
        "resolution_url": (
            pages.url_if(
                "governance.resolution",
                institution_id=institution.id,
                resolution_id=motion.resolution.id,
            )
            if decided and motion.resolution
            else None
        ),
        "subject": subjects.describe(motion),
        "follow_up_failures": motion_queries.decision_failures(motion) if decided else [],
        "category_notes": _category_notes(motion, charter),
        "kind_label": MotionKind(motion.kind).label,
        "category_label": MotionCategory(motion.category).label,
        "is_san_zhong_yi_da": motion_ops.requires_prior_study(motion, charter),
    }


def _vote_panels(context: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
    """Return the vote panels the current user gets (own, and as proxy) and a refusal to show."""
    motion = context["motion"]
    if not motion.is_open:
        return [], None
    me = current_user.id
    now = context["now"]
    latest = context["latest"]
    panels = []
    loaded = {"attendance": context["attendance_rows"], "recused": context["recused_ids"]}
    refusal = motion_queries.ballot_refusal(motion, me, None, now, **loaded)
    if refusal is None:
        panels.append(
            {"for_member_id": None, "for_name": None, "instruction": None, "ballot": latest.get(me)}
        )
    for row in context["attendance"]:
        if row.proxy_to_id != me or row.is_present:
            continue
        if motion_queries.ballot_refusal(motion, me, row.member_id, now, **loaded) is None:
            panels.append(
                {
                    "for_member_id": row.member_id,
                    "for_name": row.member.full_name,
                    "instruction": row.proxy_instruction,
                    "ballot": latest.get(row.member_id),
                }
            )
    # Tell seated people (members, supervisors) why they cannot vote; not everyone else.
    shown = refusal
    if refusal is not None:
        today = queries.local_date(now)
        offices = queries.offices_on(motion.institution_id, today)
        if me not in offices and me not in context["electorate"]:
            shown = None
    return panels, shown


def _motion_page(
    institution: Institution,
    motion: Motion,
    *,
    vote_form: VoteForm | None = None,
    open_form: OpenForm | None = None,
    close_form: CloseForm | None = None,
    recuse_form: RecuseForm | None = None,
    error: str | None = None,
    status: int = 200,
):
    context = _motion_context(institution, motion)
    panels, refusal = _vote_panels(context)
    me = current_user.id
    meeting = context["meeting"]
    can_manage = can(current_user, GOVERNANCE_MANAGE, institution)
    motion_status = MotionStatus(motion.status)
    can_recuse_self = (
        not motion_status.is_decided
        and me in context["electorate"]
        and me not in context["recused_ids"]
    )
    # Only the forms the page shows are built (a form costs as much as a query).
    if open_form is None and can_manage and motion_status is MotionStatus.DRAFT:
        open_form = OpenForm(formdata=None)
        if meeting.is_written:
            start = max(utcnow(), meeting.scheduled_at)
            open_form.deadline.data = pages.local_input(
                start + timedelta(days=context["charter"].written_vote_min_days, hours=1)
            ).replace(minute=0)
    papers = meeting_queries.papers_for(motion.meeting_id, motion.id)
    return render_template(
        "governance/meetings_motion.html",
        **context,
        papers=papers,
        panels=panels,
        vote_refusal=refusal,
        vote_form=vote_form or (VoteForm(formdata=None) if panels else None),
        open_form=open_form,
        close_form=close_form
        or (
            CloseForm(formdata=None) if can_manage and motion_status is MotionStatus.OPEN else None
        ),
        recuse_form=recuse_form or (RecuseForm(formdata=None) if can_recuse_self else None),
        can_manage=can_manage,
        can_recuse_self=can_recuse_self,
        error=error,
        MotionStatus=MotionStatus,
        Choice=Choice,
        supervision=pages.opinion_panel(institution, motion.id, request.path),
    ), status


@bp.route("/<int:institution_id>/motions/<int:motion_id>")
@login_required
def motion(institution_id: int, motion_id: int):
    institution = pages.institution(institution_id)
    motion = _motion_or_404(institution, motion_id)
    pages.close_overdue(institution, meeting_id=motion.meeting_id)
    return _motion_page(institution, motion)


def _to_motion(institution: Institution, motion: Motion):
    return redirect(url_for(".motion", institution_id=institution.id, motion_id=motion.id))


@bp.route("/<int:institution_id>/motions/<int:motion_id>/open", methods=["POST"])
@login_required
def motion_open(institution_id: int, motion_id: int):
    institution = pages.institution(institution_id, GOVERNANCE_MANAGE)
    motion = _motion_or_404(institution, motion_id)
    form = OpenForm()
    if not form.validate_on_submit():
        return _motion_page(institution, motion, open_form=form, status=422)
    try:
        motion_ops.open_voting(motion, actor=current_user, deadline=pages.aware(form.deadline.data))
    except GovernanceError as refusal:
        return _motion_page(
            institution, motion, open_form=form, error=pages.refusal_text(refusal), status=422
        )
    db.session.commit()
    flash(_("已开始表决：%(t)s。会议材料已冻结。", t=motion.title), "success")
    return _to_motion(institution, motion)


@bp.route("/<int:institution_id>/motions/<int:motion_id>/close", methods=["POST"])
@login_required
def motion_close(institution_id: int, motion_id: int):
    institution = pages.institution(institution_id, GOVERNANCE_MANAGE)
    motion = _motion_or_404(institution, motion_id)
    form = CloseForm()
    if not form.validate_on_submit():
        return _motion_page(institution, motion, close_form=form, status=422)
    try:
        motion_ops.close_motion(
            motion, actor=current_user, resolution_text=form.resolution_text.data
        )
    except GovernanceError as refusal:
        return _motion_page(
            institution, motion, close_form=form, error=pages.refusal_text(refusal), status=422
        )
    db.session.commit()
    passed = motion.status == MotionStatus.PASSED
    flash(
        _("表决结束：%(r)s", r=motion.reason_message or motion.status_label),
        "success" if passed else "warning",
    )
    # The motion page shows the resolution it formed, with its link: not flashed a second time.
    return _to_motion(institution, motion)


@bp.route("/<int:institution_id>/motions/<int:motion_id>/vote", methods=["POST"])
@login_required
def vote(institution_id: int, motion_id: int):
    institution = pages.institution(institution_id)
    motion = _motion_or_404(institution, motion_id)
    form = VoteForm()
    if not form.validate_on_submit():
        return _motion_page(institution, motion, vote_form=form, status=422)
    for_member = None
    if form.for_member_id.data is not None:
        for_member = db.session.get(User, form.for_member_id.data)
        if for_member is None:
            return _motion_page(
                institution, motion, vote_form=form, error=_("被代理人不存在"), status=422
            )
    try:
        motion_ops.cast_ballot(
            motion, current_user, form.choice.data, reason=form.reason.data, for_member=for_member
        )
    except GovernanceError as refusal:
        return _motion_page(
            institution, motion, vote_form=form, error=pages.refusal_text(refusal), status=422
        )
    db.session.commit()
    label = Choice(form.choice.data).label
    if for_member is not None:
        flash(_("已代 %(n)s 投票：%(c)s。", n=for_member.full_name, c=label), "success")
        if motion_queries.proxy_contradicts_instruction(motion, for_member.id, form.choice.data):
            flash(
                _("该票与 %(n)s 的书面委托书不一致，已记录并通知委托人。", n=for_member.full_name),
                "warning",
            )
    else:
        flash(_("已投票：%(c)s。表决结束前可以修改。", c=label), "success")
    if form.return_to.data == "my_votes":
        return redirect(url_for(".my_votes"))
    return _to_motion(institution, motion)


@bp.route("/<int:institution_id>/motions/<int:motion_id>/recuse", methods=["POST"])
@login_required
def recuse(institution_id: int, motion_id: int):
    institution = pages.institution(institution_id)
    motion = _motion_or_404(institution, motion_id)
    form = RecuseForm()
    if not form.validate_on_submit():
        return _motion_page(institution, motion, recuse_form=form, status=422)
    if form.action.data == "proposed":
        require(GOVERNANCE_MANAGE, institution)
        try:
            recusals = motion_ops.apply_proposed_recusals(motion, actor=current_user)
        except GovernanceError as refusal:
            return _motion_page(
                institution, motion, recuse_form=form, error=pages.refusal_text(refusal), status=422
            )
        db.session.commit()
        if recusals:
            flash(_("已按申报的利害关系登记 %(n)d 名理事回避。", n=len(recusals)), "success")
        else:
            flash(_("没有需要登记回避的理事。"), "info")
        return _to_motion(institution, motion)
    try:
        motion_ops.recuse(motion, current_user, form.reason.data, actor=current_user)
    except GovernanceError as refusal:
        return _motion_page(
            institution, motion, recuse_form=form, error=pages.refusal_text(refusal), status=422
        )
    db.session.commit()
    flash(_("已登记回避：您不参加本议案的表决。"), "success")
    return _to_motion(institution, motion)


@bp.route("/<int:institution_id>/motions/<int:motion_id>/tally")
@login_required
def motion_tally_print(institution_id: int, motion_id: int):
    institution = pages.institution(institution_id)
    motion = _motion_or_404(institution, motion_id)
    return render_template(
        "governance/meetings_tally_print.html",
        **_motion_context(institution, motion),
        printed_at=utcnow(),
        MotionStatus=MotionStatus,
    )
