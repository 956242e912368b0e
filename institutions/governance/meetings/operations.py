"""Meeting writes: calling a meeting, its notice (and a waiver of the notice period),
attendance and proxies, and the meeting papers."""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePath
from typing import Any

from core import audit, files
from core.auth.models import User
from core.extensions import db
from core.i18n import N_, Msg, msg
from core.notifications import notify
from core.text import safe_filename
from institutions.governance import queries, writes
from institutions.governance.meetings import queries as meeting_queries
from institutions.governance.models import (
    Attendance,
    CalledBy,
    GovernanceError,
    Meeting,
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    Motion,
    Paper,
    Presence,
)

#: Meeting papers people read on phones and print.
PAPER_EXTENSIONS = frozenset(
    {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".txt", ".png", ".jpg", ".jpeg"}
)


def create_meeting(
    institution_id: int,
    *,
    title: str,
    kind: MeetingKind | str,
    called_by: CalledBy | str,
    mode: MeetingMode | str,
    scheduled_at: datetime,
    place: str | None = None,
    actor: Any = None,
) -> Meeting:
    """Schedule a council meeting (or a written vote)."""
    title = writes.text(title, N_("会议名称"), limit=200)
    kind = writes.enum(MeetingKind, kind, N_("会议类型"))
    called_by = writes.enum(CalledBy, called_by, N_("召集方式"))
    mode = writes.enum(MeetingMode, mode, N_("会议形式"))
    scheduled_at = writes.now(scheduled_at)
    place = writes.text(place, N_("会议地点"), required=False, limit=200)
    if kind is MeetingKind.REGULAR and called_by is not CalledBy.CHAIR:
        raise GovernanceError(msg("定期会议由理事长召集"))
    if mode is MeetingMode.IN_PERSON and not place:
        raise GovernanceError(msg("现场会议须注明会议地点"))
    if (
        mode is MeetingMode.WRITTEN
        and not queries.charter_for(institution_id).written_voting_allowed
    ):
        raise GovernanceError(msg("本单位章程不允许通讯表决，须召开会议表决"))
    if not queries.seated_member_ids(institution_id, queries.local_date(scheduled_at)):
        raise GovernanceError(msg("理事会在会议日期没有在任理事，不能安排会议"))
    meeting = Meeting(
        institution_id=institution_id,
        title=title,
        kind=kind,
        called_by=called_by,
        mode=mode,
        scheduled_at=scheduled_at,
        place=place,
        status=MeetingStatus.SCHEDULED,
        created_by_id=writes.actor_id(actor),
    )
    db.session.add(meeting)
    db.session.flush()
    audit.record(
        "governance.meeting.create",
        meeting,
        institution_id=institution_id,
        summary=title,
        changes={"scheduled_at": [None, scheduled_at.isoformat()], "mode": [None, mode.value]},
        actor=actor,
    )
    return meeting


def send_notice(
    meeting: Meeting, *, actor: Any = None, now: datetime | None = None, link: str | None = None
) -> list[Msg]:
    """Send the notice to every member's and supervisor's inbox (and e-mail); return warnings.

    ``link`` is the meeting page's path, put in the message.
    """
    now = writes.now(now)
    if meeting.status == MeetingStatus.CONCLUDED:
        raise GovernanceError(msg("会议已结束"))
    warnings = []
    notice_days = meeting_queries.required_notice_days(meeting)
    days = (queries.local_date(meeting.scheduled_at) - queries.local_date(now)).days
    if meeting.kind == MeetingKind.REGULAR and days < notice_days:
        warnings.append(
            msg(
                "定期会议应提前 %(required)d 天通知，本次仅提前 %(given)d 天",
                required=notice_days,
                given=max(days, 0),
            )
        )
    if meeting.kind == MeetingKind.SPECIAL and days < notice_days and not meeting.notice_waiver:
        warnings.append(
            msg(
                "临时会议应提前 %(required)d 天通知，本次仅提前 %(given)d 天；"
                "除非全体理事书面同意豁免，会议通知期限不足",
                required=notice_days,
                given=max(days, 0),
            )
        )
    meeting.notice_sent_at = now
    if meeting.status == MeetingStatus.SCHEDULED:
        meeting.status = MeetingStatus.NOTICED
    when = meeting.scheduled_at.astimezone(queries.local_zone()).strftime("%Y-%m-%d %H:%M")
    notify(
        (seat.user for seat in meeting_queries.notice_recipients(meeting)),
        msg("会议通知：%(meeting)s", meeting=meeting.title),
        msg(
            N_("时间：%(when)s\n方式：%(mode)s\n地点：%(place)s")
            if meeting.place
            else N_("时间：%(when)s\n方式：%(mode)s"),
            when=when,
            mode=MeetingMode(meeting.mode).label_message,
            place=meeting.place or "",
        ),
        link=link,
        institution_id=meeting.institution_id,
    )
    db.session.flush()
    audit.record(
        "governance.meeting.notice",
        meeting,
        institution_id=meeting.institution_id,
        summary=meeting.title,
        actor=actor,
    )
    return warnings


def record_notice_waiver(meeting: Meeting, record: str, *, actor: Any = None) -> Meeting:
    """Record that every member waived a special meeting's notice period in writing."""
    if meeting.kind != MeetingKind.SPECIAL:
        raise GovernanceError(msg("只有临时会议可以经全体理事书面同意豁免通知期限"))
    meeting.notice_waiver = writes.text(
        record, N_("全体理事书面同意豁免通知期限的记录"), limit=2000
    )
    db.session.flush()
    audit.record(
        "governance.meeting.waiver",
        meeting,
        institution_id=meeting.institution_id,
        summary=meeting.title,
        actor=actor,
    )
    return meeting


def record_attendance(
    meeting: Meeting,
    member: User,
    presence: Presence | str,
    *,
    proxy_to: User | None = None,
    proxy_instruction: str | None = None,
    actor: Any = None,
) -> Attendance:
    """Record how someone attends a meeting; an absent member may name a proxy holder.

    Anyone may be recorded (non-members attend without a vote, 列席); only seated council
    members may give or hold a proxy, and a member holds at most one.
    """
    presence = writes.enum(Presence, presence, N_("出席情况"))
    if meeting.is_written:
        raise GovernanceError(msg("通讯表决不登记出席，以收回的表决票计算"))
    if meeting.status == MeetingStatus.CONCLUDED:
        raise GovernanceError(msg("会议已结束，纪要已起草，出席情况不能再修改"))
    instruction = writes.text(proxy_instruction, N_("委托书内容"), required=False, limit=2000)
    rows = {row.member_id: row for row in queries.attendance_of(meeting)}
    if proxy_to is not None:
        seated = writes.seated_on(meeting.institution_id, queries.meeting_day(meeting))
        if presence is not Presence.ABSENT:
            raise GovernanceError(msg("出席的理事不能委托他人表决"))
        if member.id not in seated:
            raise GovernanceError(msg("只有在任理事可以委托他人表决"))
        if proxy_to.id == member.id:
            raise GovernanceError(msg("不能委托本人"))
        if proxy_to.id not in seated:
            raise GovernanceError(msg("受托人 %(name)s 不是在任理事", name=proxy_to.full_name))
        holder_row = rows.get(proxy_to.id)
        if holder_row is not None and not holder_row.is_present:
            raise GovernanceError(
                msg("受托人 %(name)s 未出席，不能接受委托", name=proxy_to.full_name)
            )
        other = next(
            (r for r in rows.values() if r.proxy_to_id == proxy_to.id and r.member_id != member.id),
            None,
        )
        if other is not None:
            raise GovernanceError(
                msg(
                    "受托人 %(name)s 已接受 %(other)s 的委托，每人至多受托一人",
                    name=proxy_to.full_name,
                    other=other.member.full_name,
                )
            )
        if not instruction:
            raise GovernanceError(msg("委托须有书面委托书，写明委托事项和表决意见"))
    if presence is Presence.ABSENT and any(
        r.proxy_to_id == member.id for r in rows.values() if r.member_id != member.id
    ):
        raise GovernanceError(
            msg("%(name)s 已接受他人委托，须出席会议；请先撤销该委托", name=member.full_name)
        )
    row = rows.get(member.id)
    before = audit.snapshot(row, ["presence", "proxy_to_id"]) if row else {}
    if row is None:
        row = Attendance(meeting=meeting, member_id=member.id)
        db.session.add(row)
    row.presence = presence
    row.proxy_to_id = proxy_to.id if proxy_to is not None else None
    row.proxy_instruction = instruction if proxy_to is not None else None
    db.session.flush()
    audit.record(
        "governance.attendance.record",
        row,
        institution_id=meeting.institution_id,
        summary=f"{meeting.title}：{member.full_name} {presence.label}",
        changes=audit.diff(before, audit.snapshot(row, ["presence", "proxy_to_id"])),
        actor=actor,
    )
    return row


def add_paper(
    meeting: Meeting,
    *,
    filename: str,
    content: bytes,
    motion: Motion | None = None,
    actor: Any = None,
    now: datetime | None = None,
) -> Paper:
    """Store an uploaded meeting paper; refused once the meeting's voting has opened."""
    now = writes.now(now)
    if meeting.voting_opened_at is not None:
        raise GovernanceError(msg("表决已开始，会议材料已冻结，不能再上传或修改"))
    if motion is not None and motion.meeting_id != meeting.id:
        raise GovernanceError(msg("该议案不属于本次会议"))
    name = safe_filename(filename, max_length=200)
    extension = PurePath(name).suffix.lower()
    if not name or extension not in PAPER_EXTENSIONS:
        allowed = "、".join(sorted(e.lstrip(".") for e in PAPER_EXTENSIONS))
        raise GovernanceError(msg("会议材料须为以下格式之一：%(allowed)s", allowed=allowed))
    if not content:
        raise GovernanceError(msg("文件是空的"))
    try:
        # Kept where every app server reads it, in this transaction (core.files).
        stored = files.store(
            content,
            name,
            purpose="governance.paper",
            institution_id=meeting.institution_id,
            actor=actor,
            allowed=PAPER_EXTENSIONS,
        )
    except files.FileRefused as refusal:
        raise GovernanceError(refusal.message) from None
    digest = stored.sha256
    paper = Paper(
        institution_id=meeting.institution_id,
        meeting_id=meeting.id,
        motion_id=motion.id if motion else None,
        original_name=stored.filename,
        file_id=stored.id,
        content_type=stored.content_type,
        size=stored.size,
        sha256=digest,
        uploaded_by_id=writes.actor_id(actor),
        uploaded_at=now,
    )
    db.session.add(paper)
    db.session.flush()
    audit.record(
        "governance.paper.add",
        paper,
        institution_id=meeting.institution_id,
        summary=f"{meeting.title}：{name}",
        changes={"sha256": [None, digest], "size": [None, stored.size]},
        actor=actor,
    )
    return paper


def remove_paper(paper: Paper, *, actor: Any = None) -> None:
    """Remove a paper that is not frozen yet (its file stays: it may be shared)."""
    if paper.frozen_at is not None or paper.meeting.voting_opened_at is not None:
        raise GovernanceError(msg("表决已开始，会议材料已冻结，不能再上传或修改"))
    audit.record(
        "governance.paper.remove",
        paper,
        institution_id=paper.institution_id,
        summary=paper.original_name,
        changes={"sha256": [paper.sha256, None]},
        actor=actor,
    )
    db.session.delete(paper)
    db.session.flush()
