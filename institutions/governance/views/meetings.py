"""Governance pages: meetings, motions, papers, attendance and voting.

Every page: load the institution inside the user's registry scope (404 outside), require
governance viewing (403) or managing for preparing business, load the object filtered by the
institution (404 for another institution's), then act. Voting and recusing oneself are
authorized by the person's seat: the operations check it and raise ``GovernanceError`` with a
Chinese message, which the page shows with status 422 after rolling back.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from core import files
from core.auth.models import User
from core.extensions import db
from core.i18n import msg
from core.models import utcnow
from core.permissions import can, require
from institutions.governance import operations as ops
from institutions.governance import queries, subjects, tally
from institutions.governance.charter import Charter
from institutions.governance.forms_meetings import (
    AttendanceForm,
    CloseForm,
    MeetingForm,
    MotionForm,
    OpenForm,
    PaperForm,
    RecuseForm,
    VoteForm,
)
from institutions.governance.models import (
    Attendance,
    Ballot,
    BodyKind,
    CalledBy,
    GovernanceError,
    Meeting,
    MeetingStatus,
    Motion,
    MotionStatus,
    Paper,
    Presence,
)
from institutions.governance.permissions import GOVERNANCE_MANAGE, GOVERNANCE_VIEW
from institutions.governance.tally import Choice, MotionCategory, MotionKind
from institutions.governance.views import bp, council
from institutions.models import Institution
from institutions.scoped import institution_for

#: Past meetings listed on the governance home page.
PAST_LIMIT = 20
#: Decided motions listed on the governance home page.
DECIDED_LIMIT = 10
#: Pages of the council module linked from the home page when they exist.
COUNCIL_LINKS = (("governance.council", "理事会与监事会"), ("governance.resolutions", "决议"))


# --- loading and authorizing -----------------------------------------------------------------


def _institution(institution_id: int, *, manage: bool = False) -> Institution:
    """Return the institution: 404 outside the user's scope, 403 without the right."""
    return institution_for(institution_id, GOVERNANCE_MANAGE if manage else GOVERNANCE_VIEW)


def _meeting_or_404(institution: Institution, meeting_id: int) -> Meeting:
    meeting = db.session.scalar(
        select(Meeting).where(Meeting.id == meeting_id, Meeting.institution_id == institution.id)
    )
    if meeting is None:
        abort(404)
    return meeting


@cache
def _motion_statement():
    # built once: the motion page and every motion action load a motion this way
    return (
        select(Motion)
        .join(Meeting, Motion.meeting_id == Meeting.id)
        .options(contains_eager(Motion.meeting))
        .where(
            Motion.id == bindparam("motion_id"),
            Motion.institution_id == bindparam("institution_id"),
        )
    )


@cache
def _papers_statement():
    return (
        select(Paper)
        .where(
            Paper.meeting_id == bindparam("meeting_id"),
            or_(Paper.motion_id == bindparam("motion_id"), Paper.motion_id.is_(None)),
        )
        .order_by(Paper.id)
    )


def _motion_or_404(institution: Institution, motion_id: int) -> Motion:
    motion = db.session.scalar(
        _motion_statement(), {"motion_id": motion_id, "institution_id": institution.id}
    )
    if motion is None:
        abort(404)
    return motion


def _paper_or_404(institution: Institution, paper_id: int) -> Paper:
    paper = db.session.scalar(
        select(Paper).where(Paper.id == paper_id, Paper.institution_id == institution.id)
    )
    if paper is None:
        abort(404)
    return paper


# --- small helpers ---------------------------------------------------------------------------


@cache
def _names_statement():
    return select(User.id, User.full_name).where(User.id.in_(bindparam("ids", expanding=True)))


def _names(ids) -> dict[int, str]:
    """Return {user id: full name} for the given ids, in one query."""
    ids = sorted({i for i in ids if i is not None})
    if not ids:
        return {}
    rows = db.session.execute(_names_statement(), {"ids": ids})
    return {user_id: name for user_id, name in rows}


def _aware(moment: datetime | None) -> datetime | None:
    """Return a local wall-clock time from a form as an aware datetime."""
    if moment is None:
        return None
    return moment.replace(tzinfo=queries.local_zone())


def _local_input(moment: datetime) -> datetime:
    """Return an aware time as the naive local time a datetime-local input shows."""
    return moment.astimezone(queries.local_zone()).replace(tzinfo=None, second=0, microsecond=0)


def _council_links() -> list[tuple[str, str]]:
    """Return (label, url) of the council module's pages, for those that exist."""
    return [
        (_(label), endpoint)
        for endpoint, label in COUNCIL_LINKS
        if endpoint in current_app.view_functions
    ]


def _optional_url(endpoint: str, **values) -> str | None:
    """Return the URL of another module's page, or None while that page does not exist."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


def _refused(error: GovernanceError) -> str:
    db.session.rollback()
    return str(error)


# --- the governance home and the personal list -----------------------------------------------


@bp.route("/<int:institution_id>/")
@login_required
def index(institution_id: int):
    institution = _institution(institution_id)
    _close_overdue(institution)
    now = utcnow()
    local_midnight = now.astimezone(queries.local_zone()).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    mine = select(Meeting).where(Meeting.institution_id == institution.id)
    # a meeting that is over (its minutes drafted) is past, even if it was held today
    ahead = (Meeting.scheduled_at >= local_midnight) & (Meeting.status != MeetingStatus.CONCLUDED)
    upcoming = list(db.session.scalars(mine.where(ahead).order_by(Meeting.scheduled_at)))
    past = list(
        db.session.scalars(
            mine.where(~ahead).order_by(Meeting.scheduled_at.desc()).limit(PAST_LIMIT)
        )
    )
    open_motions = list(
        db.session.scalars(
            select(Motion)
            .join(Meeting, Motion.meeting_id == Meeting.id)
            .options(contains_eager(Motion.meeting))
            .where(Motion.institution_id == institution.id, Motion.status == MotionStatus.OPEN)
            .order_by(Meeting.scheduled_at, Motion.position)
        )
    )
    voted = set()
    if open_motions:
        voted = set(
            db.session.scalars(
                select(Ballot.motion_id).where(
                    Ballot.motion_id.in_([m.id for m in open_motions]),
                    Ballot.member_id == current_user.id,
                    Ballot.by_proxy_for_id.is_(None),
                )
            )
        )
    # The same rule as 待我表决: recused or absent members are not awaited.
    awaiting = {
        item.motion.id
        for item in queries.awaiting_my_vote(current_user)
        if item.for_member_id is None and item.motion.institution_id == institution.id
    }
    decided = list(
        db.session.scalars(
            select(Motion)
            .options(selectinload(Motion.resolution))
            .where(
                Motion.institution_id == institution.id,
                Motion.status.not_in([MotionStatus.DRAFT, MotionStatus.OPEN]),
            )
            .order_by(Motion.closed_at.desc(), Motion.id.desc())
            .limit(DECIDED_LIMIT)
        )
    )
    return render_template(
        "governance/meetings_index.html",
        institution=institution,
        upcoming=upcoming,
        past=past,
        past_limit=PAST_LIMIT,
        open_motions=[
            (
                motion,
                motion.id in voted,
                motion.id in awaiting,
            )
            for motion in open_motions
        ],
        decided=decided,
        links=[
            (label, url_for(endpoint, institution_id=institution.id))
            for label, endpoint in _council_links()
        ],
        can_manage=can(current_user, GOVERNANCE_MANAGE, institution),
        show_my_votes=queries.sits_on_a_council(current_user.id, institution.id),
    )


@bp.route("/my-votes")
@login_required
def my_votes():
    waiting = queries.awaiting_my_vote(current_user)
    institutions = queries.institutions_by_id(item.motion.institution_id for item in waiting)
    names = _names(item.for_member_id for item in waiting)
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


# --- meetings --------------------------------------------------------------------------------


@bp.route("/<int:institution_id>/meetings/new", methods=["GET", "POST"])
@login_required
def meeting_new(institution_id: int):
    institution = _institution(institution_id, manage=True)
    form = MeetingForm()
    error = None
    if not form.is_submitted():
        notice_days = queries.charter_for(institution.id).notice_days
        start = _local_input(utcnow() + timedelta(days=notice_days))
        form.scheduled_at.data = start.replace(hour=9, minute=0)
    if form.validate_on_submit():
        try:
            meeting = ops.create_meeting(
                institution.id,
                title=form.title.data,
                kind=form.kind.data,
                called_by=form.called_by.data,
                mode=form.mode.data,
                scheduled_at=_aware(form.scheduled_at.data),
                place=form.place.data,
                actor=current_user,
            )
        except GovernanceError as refusal:
            error = _refused(refusal)
        else:
            db.session.commit()
            flash(
                _("已安排会议：%(t)s。请添加议案、上传材料并发出通知。", t=meeting.title), "success"
            )
            return redirect(
                url_for(".meeting", institution_id=institution.id, meeting_id=meeting.id)
            )
    return render_template(
        "governance/meetings_meeting_form.html", institution=institution, form=form, error=error
    ), 422 if (form.errors or error) else 200


def _meeting_page(
    institution: Institution,
    meeting: Meeting,
    *,
    attendance_form: AttendanceForm | None = None,
    paper_form: PaperForm | None = None,
    error: str | None = None,
    status: int = 200,
):
    day = queries.meeting_day(meeting)
    seats = queries.active_seats(institution.id, day)
    rows = queries.attendance_of(meeting)
    by_member = {row.member_id: row for row in rows}
    council = []
    others = []
    seen = set()
    for seat in seats:
        if seat.user_id in seen:
            continue
        seen.add(seat.user_id)
        entry = {"seat": seat, "row": by_member.get(seat.user_id)}
        (council if seat.body.kind == BodyKind.COUNCIL else others).append(entry)
    council_ids = {entry["seat"].user_id for entry in council}
    non_voting = [row for row in rows if row.member_id not in council_ids]
    names = _names([row.proxy_to_id for row in rows])
    motions = queries.motions_of(meeting)
    can_manage = can(current_user, GOVERNANCE_MANAGE, institution)
    if can_manage:
        if attendance_form is None:
            attendance_form = AttendanceForm(formdata=None)
        attendance_form.member_id.choices = [("", _("请选择"))] + [
            (
                entry["seat"].user_id,
                msg(
                    "%(name)s（%(office)s）",
                    name=entry["seat"].user.full_name,
                    office=entry["seat"].office_label,
                ),
            )
            for entry in council + others
        ]
        attendance_form.proxy_to_id.choices = [("", _("不委托"))] + [
            (entry["seat"].user_id, entry["seat"].user.full_name) for entry in council
        ]
        if paper_form is None:
            paper_form = PaperForm(formdata=None)
        paper_form.motion_id.choices = [("", _("整个会议"))] + [
            (motion.id, f"{motion.position}. {motion.title}") for motion in motions
        ]
    return render_template(
        "governance/meetings_meeting.html",
        institution=institution,
        meeting=meeting,
        motions=motions,
        papers=meeting.papers,
        council=council,
        others=others,
        non_voting=non_voting,
        names=names,
        quorum=queries.meeting_quorum(meeting),
        charter=queries.charter_for(institution.id),
        notice_days=queries.required_notice_days(meeting),
        can_manage=can_manage,
        attendance_form=attendance_form,
        paper_form=paper_form,
        error=error,
        called_by_label=CalledBy(meeting.called_by).label,
        presence_labels={p.value: p.label for p in Presence},
        minutes_url=_optional_url(
            "governance.minutes", institution_id=institution.id, meeting_id=meeting.id
        ),
        MeetingStatus=MeetingStatus,
    ), status


def _close_overdue(institution: Institution, **where) -> None:
    """Close the written votes past their deadline that the page is about to show."""
    if ops.close_due_written_motions(institution_id=institution.id, **where):
        db.session.commit()


@bp.route("/<int:institution_id>/meetings/<int:meeting_id>")
@login_required
def meeting(institution_id: int, meeting_id: int):
    institution = _institution(institution_id)
    meeting = _meeting_or_404(institution, meeting_id)
    _close_overdue(institution, meeting_id=meeting.id)
    return _meeting_page(institution, meeting)


@bp.route("/<int:institution_id>/meetings/<int:meeting_id>/notice", methods=["POST"])
@login_required
def meeting_notice(institution_id: int, meeting_id: int):
    institution = _institution(institution_id, manage=True)
    meeting = _meeting_or_404(institution, meeting_id)
    try:
        link = url_for(".meeting", institution_id=institution.id, meeting_id=meeting.id)
        warnings = ops.send_notice(meeting, actor=current_user, link=link)
    except GovernanceError as refusal:
        return _meeting_page(institution, meeting, error=_refused(refusal), status=422)
    db.session.commit()
    flash(_("已向全体理事和监事发出会议通知。"), "success")
    for warning in warnings:
        flash(warning, "warning")
    return redirect(url_for(".meeting", institution_id=institution.id, meeting_id=meeting.id))


def _recipients(institution: Institution, meeting: Meeting) -> list:
    """Return the seats the notice goes to: council members and supervisors."""
    return queries.notice_recipients(meeting)


@bp.route("/<int:institution_id>/meetings/<int:meeting_id>/notice/print")
@login_required
def meeting_notice_print(institution_id: int, meeting_id: int):
    institution = _institution(institution_id)
    meeting = _meeting_or_404(institution, meeting_id)
    return render_template(
        "governance/meetings_notice_print.html",
        institution=institution,
        meeting=meeting,
        motions=queries.motions_of(meeting),
        papers=meeting.papers,
        recipients=_recipients(institution, meeting),
        called_by_label=CalledBy(meeting.called_by).label,
    )


@bp.route("/<int:institution_id>/meetings/<int:meeting_id>/attendance", methods=["POST"])
@login_required
def attendance(institution_id: int, meeting_id: int):
    institution = _institution(institution_id, manage=True)
    meeting = _meeting_or_404(institution, meeting_id)
    form = AttendanceForm()
    # The choices are the people seated on the meeting day, so no outsider can be recorded.
    seats = queries.active_seats(institution.id, queries.meeting_day(meeting))
    people = {seat.user_id: seat.user for seat in seats}
    council = {seat.user_id for seat in seats if seat.body.kind == BodyKind.COUNCIL}
    form.member_id.choices = [("", "")] + [(user_id, "") for user_id in people]
    form.proxy_to_id.choices = [("", "")] + [(user_id, "") for user_id in council]
    if not form.validate_on_submit():
        return _meeting_page(institution, meeting, attendance_form=form, status=422)
    member = people[form.member_id.data]
    proxy_to = people.get(form.proxy_to_id.data) if form.proxy_to_id.data else None
    try:
        ops.record_attendance(
            meeting,
            member,
            form.presence.data,
            proxy_to=proxy_to,
            proxy_instruction=form.proxy_instruction.data,
            actor=current_user,
        )
    except GovernanceError as refusal:
        return _meeting_page(
            institution, meeting, attendance_form=form, error=_refused(refusal), status=422
        )
    db.session.commit()
    flash(_("已登记 %(n)s 的出席情况。", n=member.full_name), "success")
    return redirect(
        url_for(".meeting", institution_id=institution.id, meeting_id=meeting.id) + "#attendance"
    )


@bp.route("/<int:institution_id>/meetings/<int:meeting_id>/papers", methods=["POST"])
@login_required
def paper_upload(institution_id: int, meeting_id: int):
    institution = _institution(institution_id, manage=True)
    meeting = _meeting_or_404(institution, meeting_id)
    form = PaperForm()
    motions = {motion.id: motion for motion in queries.motions_of(meeting)}
    form.motion_id.choices = [("", "")] + [(motion_id, "") for motion_id in motions]
    if not form.validate_on_submit():
        return _meeting_page(institution, meeting, paper_form=form, status=422)
    upload = form.file.data
    try:
        paper = ops.add_paper(
            meeting,
            filename=upload.filename or "",
            content=upload.read(),
            motion=motions.get(form.motion_id.data),
            actor=current_user,
        )
    except GovernanceError as refusal:
        return _meeting_page(
            institution, meeting, paper_form=form, error=_refused(refusal), status=422
        )
    db.session.commit()
    flash(_("已上传会议材料：%(n)s。", n=paper.original_name), "success")
    return redirect(
        url_for(".meeting", institution_id=institution.id, meeting_id=meeting.id) + "#papers"
    )


@bp.route("/<int:institution_id>/papers/<int:paper_id>")
@login_required
def paper_download(institution_id: int, paper_id: int):
    institution = _institution(institution_id)
    paper = _paper_or_404(institution, paper_id)
    return files.send(paper.file)


# --- motions ---------------------------------------------------------------------------------


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
    institution = _institution(institution_id, manage=True)
    meeting = _meeting_or_404(institution, meeting_id)
    form = MotionForm()
    error = None
    if form.validate_on_submit():
        try:
            motion = ops.add_motion(
                meeting,
                **_motion_fields(form),
                actor=current_user,
            )
        except GovernanceError as refusal:
            error = _refused(refusal)
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
    institution = _institution(institution_id, manage=True)
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
            ops.update_motion(motion, _motion_fields(form), actor=current_user)
        except GovernanceError as refusal:
            error = _refused(refusal)
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
    if ops.requires_prior_study(motion, charter):
        notes.append(_("三重一大事项：须先经党组织前置研究，会议集体讨论决定，不得通讯表决。"))
    return notes


def _outcome_view(data: dict[str, Any], *, final: bool) -> dict[str, Any]:
    view = dict(data)
    view["status_label"] = tally.Status(data["status"]).label
    view["category_label"] = MotionCategory(data["category"]).label
    view["final"] = final
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
    if not queries.results_visible(motion, charter):
        return None
    outcome = queries.compute_outcome(
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
    visible = queries.results_visible(motion, charter)
    rows = _ballot_rows(motion, history, me, visible=visible)
    # Each of these is read once here and handed to what needs it, not queried again.
    recusals = list(motion.recusals)
    recused = {r.member_id for r in recusals}
    decided = MotionStatus(motion.status).is_decided
    proposed = {} if decided else queries.proposed_recusals(motion, recused=recused)
    attendance_rows = queries.attendance_of(meeting)
    attendance = [] if meeting.is_written else attendance_rows
    electorate = list(motion.electorate or queries.electorate(motion))
    names = _names(
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
            _optional_url(
                "governance.resolution",
                institution_id=institution.id,
                resolution_id=motion.resolution.id,
            )
            if decided and motion.resolution
            else None
        ),
        "subject": subjects.describe(motion),
        "follow_up_failures": queries.decision_failures(motion) if decided else [],
        "category_notes": _category_notes(motion, charter),
        "kind_label": MotionKind(motion.kind).label,
        "category_label": MotionCategory(motion.category).label,
        "is_san_zhong_yi_da": ops.requires_prior_study(motion, charter),
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
    refusal = queries.ballot_refusal(motion, me, None, now, **loaded)
    if refusal is None:
        panels.append(
            {"for_member_id": None, "for_name": None, "instruction": None, "ballot": latest.get(me)}
        )
    for row in context["attendance"]:
        if row.proxy_to_id != me or row.is_present:
            continue
        if queries.ballot_refusal(motion, me, row.member_id, now, **loaded) is None:
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
            open_form.deadline.data = _local_input(
                start + timedelta(days=context["charter"].written_vote_min_days, hours=1)
            ).replace(minute=0)
    papers = list(
        db.session.scalars(
            _papers_statement(), {"meeting_id": motion.meeting_id, "motion_id": motion.id}
        )
    )
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
        supervision=council.opinion_panel(institution, motion.id, request.path),
    ), status


@bp.route("/<int:institution_id>/motions/<int:motion_id>")
@login_required
def motion(institution_id: int, motion_id: int):
    institution = _institution(institution_id)
    motion = _motion_or_404(institution, motion_id)
    _close_overdue(institution, meeting_id=motion.meeting_id)
    return _motion_page(institution, motion)


def _to_motion(institution: Institution, motion: Motion):
    return redirect(url_for(".motion", institution_id=institution.id, motion_id=motion.id))


@bp.route("/<int:institution_id>/motions/<int:motion_id>/open", methods=["POST"])
@login_required
def motion_open(institution_id: int, motion_id: int):
    institution = _institution(institution_id, manage=True)
    motion = _motion_or_404(institution, motion_id)
    form = OpenForm()
    if not form.validate_on_submit():
        return _motion_page(institution, motion, open_form=form, status=422)
    try:
        ops.open_voting(motion, actor=current_user, deadline=_aware(form.deadline.data))
    except GovernanceError as refusal:
        return _motion_page(
            institution, motion, open_form=form, error=_refused(refusal), status=422
        )
    db.session.commit()
    flash(_("已开始表决：%(t)s。会议材料已冻结。", t=motion.title), "success")
    return _to_motion(institution, motion)


@bp.route("/<int:institution_id>/motions/<int:motion_id>/close", methods=["POST"])
@login_required
def motion_close(institution_id: int, motion_id: int):
    institution = _institution(institution_id, manage=True)
    motion = _motion_or_404(institution, motion_id)
    form = CloseForm()
    if not form.validate_on_submit():
        return _motion_page(institution, motion, close_form=form, status=422)
    try:
        ops.close_motion(motion, actor=current_user, resolution_text=form.resolution_text.data)
    except GovernanceError as refusal:
        return _motion_page(
            institution, motion, close_form=form, error=_refused(refusal), status=422
        )
    db.session.commit()
    passed = motion.status == MotionStatus.PASSED
    flash(
        _("表决结束：%(r)s", r=motion.reason or motion.status_label),
        "success" if passed else "warning",
    )
    if motion.resolution is not None:
        flash(_("已形成决议 %(n)s。", n=motion.resolution.document_number), "success")
    return _to_motion(institution, motion)


@bp.route("/<int:institution_id>/motions/<int:motion_id>/vote", methods=["POST"])
@login_required
def vote(institution_id: int, motion_id: int):
    institution = _institution(institution_id)
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
        ops.cast_ballot(
            motion, current_user, form.choice.data, reason=form.reason.data, for_member=for_member
        )
    except GovernanceError as refusal:
        return _motion_page(
            institution, motion, vote_form=form, error=_refused(refusal), status=422
        )
    db.session.commit()
    label = Choice(form.choice.data).label
    if for_member is not None:
        flash(_("已代 %(n)s 投票：%(c)s。", n=for_member.full_name, c=label), "success")
        if queries.proxy_contradicts_instruction(motion, for_member.id, form.choice.data):
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
    institution = _institution(institution_id)
    motion = _motion_or_404(institution, motion_id)
    form = RecuseForm()
    if not form.validate_on_submit():
        return _motion_page(institution, motion, recuse_form=form, status=422)
    if form.action.data == "proposed":
        require(GOVERNANCE_MANAGE, institution)
        try:
            recusals = ops.apply_proposed_recusals(motion, actor=current_user)
        except GovernanceError as refusal:
            return _motion_page(
                institution, motion, recuse_form=form, error=_refused(refusal), status=422
            )
        db.session.commit()
        if recusals:
            flash(_("已按申报的利害关系登记 %(n)d 名理事回避。", n=len(recusals)), "success")
        else:
            flash(_("没有需要登记回避的理事。"), "info")
        return _to_motion(institution, motion)
    try:
        ops.recuse(motion, current_user, form.reason.data, actor=current_user)
    except GovernanceError as refusal:
        return _motion_page(
            institution, motion, recuse_form=form, error=_refused(refusal), status=422
        )
    db.session.commit()
    flash(_("已登记回避：您不参加本议案的表决。"), "success")
    return _to_motion(institution, motion)


@bp.route("/<int:institution_id>/motions/<int:motion_id>/tally")
@login_required
def motion_tally_print(institution_id: int, motion_id: int):
    institution = _institution(institution_id)
    motion = _motion_or_404(institution, motion_id)
    return render_template(
        "governance/meetings_tally_print.html",
        **_motion_context(institution, motion),
        printed_at=utcnow(),
        MotionStatus=MotionStatus,
    )
