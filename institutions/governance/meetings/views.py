"""Meeting pages: the governance entry and an institution's meetings and motions, calling
a meeting, its notice (and the printed notice), attendance and the meeting papers."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core import files
from core.extensions import db
from core.i18n import msg
from core.models import utcnow
from core.permissions import can, require
from institutions.governance import pages, queries
from institutions.governance.blueprint import bp
from institutions.governance.meetings import operations as meeting_ops
from institutions.governance.meetings import queries as meeting_queries
from institutions.governance.meetings.forms import AttendanceForm, MeetingForm, PaperForm
from institutions.governance.models import (
    BodyKind,
    CalledBy,
    GovernanceError,
    Meeting,
    MeetingStatus,
    Paper,
    Presence,
)
from institutions.governance.motions import queries as motion_queries
from institutions.governance.permissions import GOVERNANCE_MANAGE, GOVERNANCE_VIEW
from institutions.models import Institution
from institutions.scoped import institutions_for


@bp.route("/")
@login_required
def home():
    require(GOVERNANCE_VIEW)
    return render_template(
        "governance/home.html",
        institutions=institutions_for(current_user, GOVERNANCE_VIEW),
        target="governance.index",
        # 待我表决 is for those who can vote: council members
        show_my_votes=queries.sits_on_a_council(current_user.id),
    )


#: Past meetings listed on the governance home page.
PAST_LIMIT = 20


#: Decided motions listed on the governance home page.
DECIDED_LIMIT = 10


#: Pages of the council module linked from the home page when they exist.
COUNCIL_LINKS = (("governance.council", "理事会与监事会"), ("governance.resolutions", "决议"))


def _council_links() -> list[tuple[str, str]]:
    """Return (label, url) of the council module's pages, for those that exist."""
    return [
        (_(label), endpoint)
        for endpoint, label in COUNCIL_LINKS
        if endpoint in current_app.view_functions
    ]


@bp.route("/<int:institution_id>/")
@login_required
def index(institution_id: int):
    institution = pages.institution(institution_id)
    pages.close_overdue(institution)
    now = utcnow()
    local_midnight = now.astimezone(queries.local_zone()).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    upcoming, past = meeting_queries.upcoming_and_past(
        institution.id, local_midnight, past_limit=PAST_LIMIT
    )
    open_motions = meeting_queries.open_motions(institution.id)
    voted = meeting_queries.voted_in_person(open_motions, current_user.id)
    # The same rule as 待我表决: recused or absent members are not awaited.
    awaiting = {
        item.motion.id
        for item in motion_queries.awaiting_my_vote(current_user)
        if item.for_member_id is None and item.motion.institution_id == institution.id
    }
    decided = meeting_queries.decided_motions(institution.id, limit=DECIDED_LIMIT)
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


@bp.route("/<int:institution_id>/meetings/new", methods=["GET", "POST"])
@login_required
def meeting_new(institution_id: int):
    institution = pages.institution(institution_id, GOVERNANCE_MANAGE)
    form = MeetingForm()
    error = None
    if not form.is_submitted():
        notice_days = queries.charter_for(institution.id).notice_days
        start = pages.local_input(utcnow() + timedelta(days=notice_days))
        form.scheduled_at.data = start.replace(hour=9, minute=0)
    if form.validate_on_submit():
        try:
            meeting = meeting_ops.create_meeting(
                institution.id,
                title=form.title.data,
                kind=form.kind.data,
                called_by=form.called_by.data,
                mode=form.mode.data,
                scheduled_at=pages.aware(form.scheduled_at.data),
                place=form.place.data,
                actor=current_user,
            )
        except GovernanceError as refusal:
            error = pages.refusal_text(refusal)
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
    names = pages.names_by_id([row.proxy_to_id for row in rows])
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
        quorum=meeting_queries.meeting_quorum(meeting),
        charter=queries.charter_for(institution.id),
        notice_days=meeting_queries.required_notice_days(meeting),
        can_manage=can_manage,
        attendance_form=attendance_form,
        paper_form=paper_form,
        error=error,
        called_by_label=CalledBy(meeting.called_by).label,
        presence_labels={p.value: p.label for p in Presence},
        minutes_url=pages.url_if(
            "governance.minutes", institution_id=institution.id, meeting_id=meeting.id
        ),
        MeetingStatus=MeetingStatus,
    ), status


@bp.route("/<int:institution_id>/meetings/<int:meeting_id>")
@login_required
def meeting(institution_id: int, meeting_id: int):
    institution = pages.institution(institution_id)
    meeting = pages.meeting_or_404(institution, meeting_id)
    pages.close_overdue(institution, meeting_id=meeting.id)
    return _meeting_page(institution, meeting)


@bp.route("/<int:institution_id>/meetings/<int:meeting_id>/notice", methods=["POST"])
@login_required
def meeting_notice(institution_id: int, meeting_id: int):
    institution = pages.institution(institution_id, GOVERNANCE_MANAGE)
    meeting = pages.meeting_or_404(institution, meeting_id)
    try:
        link = url_for(".meeting", institution_id=institution.id, meeting_id=meeting.id)
        warnings = meeting_ops.send_notice(meeting, actor=current_user, link=link)
    except GovernanceError as refusal:
        return _meeting_page(institution, meeting, error=pages.refusal_text(refusal), status=422)
    db.session.commit()
    flash(_("已向全体理事和监事发出会议通知。"), "success")
    for warning in warnings:
        flash(str(warning), "warning")
    return redirect(url_for(".meeting", institution_id=institution.id, meeting_id=meeting.id))


def _recipients(institution: Institution, meeting: Meeting) -> list:
    """Return the seats the notice goes to: council members and supervisors."""
    return meeting_queries.notice_recipients(meeting)


@bp.route("/<int:institution_id>/meetings/<int:meeting_id>/notice/print")
@login_required
def meeting_notice_print(institution_id: int, meeting_id: int):
    institution = pages.institution(institution_id)
    meeting = pages.meeting_or_404(institution, meeting_id)
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
    institution = pages.institution(institution_id, GOVERNANCE_MANAGE)
    meeting = pages.meeting_or_404(institution, meeting_id)
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
        meeting_ops.record_attendance(
            meeting,
            member,
            form.presence.data,
            proxy_to=proxy_to,
            proxy_instruction=form.proxy_instruction.data,
            actor=current_user,
        )
    except GovernanceError as refusal:
        return _meeting_page(
            institution,
            meeting,
            attendance_form=form,
            error=pages.refusal_text(refusal),
            status=422,
        )
    db.session.commit()
    flash(_("已登记 %(n)s 的出席情况。", n=member.full_name), "success")
    return redirect(
        url_for(".meeting", institution_id=institution.id, meeting_id=meeting.id) + "#attendance"
    )


def _paper_or_404(institution: Institution, paper_id: int) -> Paper:
    return pages.or_404(meeting_queries.paper_of(institution.id, paper_id))


@bp.route("/<int:institution_id>/meetings/<int:meeting_id>/papers", methods=["POST"])
@login_required
def paper_upload(institution_id: int, meeting_id: int):
    institution = pages.institution(institution_id, GOVERNANCE_MANAGE)
    meeting = pages.meeting_or_404(institution, meeting_id)
    form = PaperForm()
    motions = {motion.id: motion for motion in queries.motions_of(meeting)}
    form.motion_id.choices = [("", "")] + [(motion_id, "") for motion_id in motions]
    if not form.validate_on_submit():
        return _meeting_page(institution, meeting, paper_form=form, status=422)
    upload = form.file.data
    try:
        paper = meeting_ops.add_paper(
            meeting,
            filename=upload.filename or "",
            content=upload.read(),
            motion=motions.get(form.motion_id.data),
            actor=current_user,
        )
    except GovernanceError as refusal:
        return _meeting_page(
            institution, meeting, paper_form=form, error=pages.refusal_text(refusal), status=422
        )
    db.session.commit()
    flash(_("已上传会议材料：%(n)s。", n=paper.original_name), "success")
    return redirect(
        url_for(".meeting", institution_id=institution.id, meeting_id=meeting.id) + "#papers"
    )


@bp.route("/<int:institution_id>/papers/<int:paper_id>")
@login_required
def paper_download(institution_id: int, paper_id: int):
    institution = pages.institution(institution_id)
    paper = _paper_or_404(institution, paper_id)
    return files.send(paper.file)
