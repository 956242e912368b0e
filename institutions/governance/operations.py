"""Council governance writes. Each adds and flushes and records an audit event; the caller
(a view or a CLI command) commits once, and rolls back on GovernanceError.

Ballots and resolutions are appended to the institution's hash chain while holding its
``ChainHead`` row locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's single writer
serializes anyway). Casting, opening and closing re-read the motion after taking the lock, so
a ballot never lands after the close, two closes never both decide, and the resolution
number (max + 1 for the institution and year, taken under the same lock) has no gaps and no
duplicates; the unique constraint on (institution, year, number) is the final guard.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from flask import has_request_context, url_for
from flask_babel import force_locale
from sqlalchemy import func, select, update

from core import audit, files
from core.auth import operations as accounts
from core.auth.models import Membership, User
from core.extensions import db
from core.models import utcnow
from core.notifications import notify
from core.roles import Role
from core.text import safe_filename
from institutions.governance import chain, queries, subjects, tally
from institutions.governance.charter import Charter
from institutions.governance.models import (
    BODY_OFFICES,
    Attendance,
    Ballot,
    Body,
    BodyKind,
    CalledBy,
    ChainHead,
    CharterSettings,
    Constituency,
    DecisionFailure,
    ExecutionReport,
    GovernanceError,
    InterestDeclaration,
    Meeting,
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    Minutes,
    MinutesSignature,
    Motion,
    MotionStatus,
    Office,
    OpinionKind,
    Paper,
    Presence,
    Recusal,
    Relation,
    Resolution,
    Seat,
    SupervisoryOpinion,
)
from institutions.governance.numbering import resolution_title
from institutions.governance.signals import motion_decided
from institutions.governance.tally import Choice, MotionCategory, MotionKind, Outcome, Status
from institutions.models import Institution

log = logging.getLogger(__name__)

__all__ = [
    "GovernanceError",
    "add_motion",
    "add_paper",
    "apply_proposed_recusals",
    "cast_ballot",
    "close_due_written_motions",
    "close_motion",
    "correct_minutes",
    "create_meeting",
    "declare_interests",
    "draft_minutes",
    "end_seat",
    "open_voting",
    "record_attendance",
    "record_execution",
    "record_opinion",
    "recuse",
    "remove_paper",
    "save_charter",
    "seat_member",
    "send_notice",
    "sign_minutes",
    "update_motion",
]

#: Offices of which a body has one at a time.
SINGLE_OFFICES = frozenset({Office.CHAIR, Office.SUPERVISOR_CHAIR, Office.HEAD})
MAX_VICE_CHAIRS = 2
#: Meeting papers people read on phones and print.
PAPER_EXTENSIONS = frozenset(
    {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".txt", ".png", ".jpg", ".jpeg"}
)
_STATUS = queries.DECIDED_STATUS


# --- helpers ---------------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    if now is None:
        return utcnow()
    if now.tzinfo is None or now.utcoffset() is None:
        raise GovernanceError("时间必须带时区")
    return now


def _text(value: Any, label: str, *, required: bool = True, limit: int | None = None) -> str | None:
    text = unicodedata.normalize("NFC", str(value)).strip() if value is not None else ""
    if not text:
        if required:
            raise GovernanceError(f"{label}不能为空")
        return None
    if limit is not None and len(text) > limit:
        raise GovernanceError(f"{label}不能超过 {limit} 个字")
    return text


def _enum(enum: type, value: Any, label: str):
    try:
        return enum(value)
    except ValueError:
        raise GovernanceError(f"{label}「{value}」不在可选范围内") from None


def _name(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id is not None else None
    return user.full_name if user else f"用户 {user_id}"


def _user_id(user: Any) -> int:
    return user if isinstance(user, int) else user.id


def _actor_id(actor: Any) -> int | None:
    return None if actor is None else _user_id(actor)


def _local(moment: datetime) -> str:
    return moment.astimezone(queries.local_zone()).strftime("%Y-%m-%d %H:%M")


def _motion_link(motion: Motion) -> str | None:
    """Return the motion page's path for a message (only while serving a request)."""
    if not has_request_context():
        return None
    return url_for("governance.motion", institution_id=motion.institution_id, motion_id=motion.id)


def _minutes_link(meeting: Meeting) -> str | None:
    if not has_request_context():
        return None
    return url_for(
        "governance.minutes", institution_id=meeting.institution_id, meeting_id=meeting.id
    )


def _council_keepers(institution_id: int, on: date) -> list[User]:
    """Return the chair and the secretary seated on ``on``."""
    return [
        seat.user
        for seat in queries.active_seats(institution_id, on, BodyKind.COUNCIL)
        if seat.office in (Office.SECRETARY, Office.CHAIR)
    ]


def _lock_chain(institution_id: int) -> ChainHead:
    """Return the institution's chain head, locked until the transaction ends."""
    stmt = (
        select(ChainHead)
        .where(ChainHead.institution_id == institution_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    head = db.session.scalar(stmt)
    if head is None:
        dialect = db.session.get_bind().dialect.name
        values = {"institution_id": institution_id, "last_sequence": 0, "last_hash": chain.GENESIS}
        if dialect in ("postgresql", "sqlite"):
            if dialect == "postgresql":
                from sqlalchemy.dialects.postgresql import insert
            else:
                from sqlalchemy.dialects.sqlite import insert
            # Two first links at once: one inserts, the other waits for it, then both lock.
            db.session.execute(
                insert(ChainHead)
                .values(**values)
                .on_conflict_do_nothing(index_elements=["institution_id"])
            )
        else:  # pragma: no cover - the app supports SQLite and PostgreSQL
            db.session.add(ChainHead(**values))
            db.session.flush()
        head = db.session.scalar(stmt)
    return head


def _link(head: ChainHead, record: Ballot | Resolution) -> None:
    """Give ``record`` the next place in the chain and move the head to it."""
    record.sequence = head.last_sequence + 1
    record.prev_hash = head.last_hash
    record.hash = chain.link_hash(record.prev_hash, record.chain_record())
    head.last_sequence = record.sequence
    head.last_hash = record.hash


def _refresh_motion(motion: Motion) -> None:
    """Re-read the motion (after taking the chain lock, to see concurrent changes)."""
    db.session.refresh(motion)


def _refuse_unless_open(motion: Motion) -> None:
    status = MotionStatus(motion.status)
    if status is MotionStatus.DRAFT:
        raise GovernanceError("议案尚未开始表决")
    if status.is_decided:
        raise GovernanceError("议案表决已结束")


def _seated_on(institution_id: int, on: date) -> set[int]:
    return set(queries.seated_member_ids(institution_id, on))


# --- charter, seats and declarations ---------------------------------------------------------


def _store_charter(
    institution_id: int,
    settings: Charter | Mapping[str, Any],
    *,
    action: str,
    actor: Any = None,
    summary: str | None = None,
) -> CharterSettings:
    try:
        charter = settings if isinstance(settings, Charter) else Charter.from_dict(dict(settings))
    except (TypeError, ValueError) as error:
        raise GovernanceError(str(error)) from None
    row = db.session.scalar(
        select(CharterSettings).where(CharterSettings.institution_id == institution_id)
    )
    before = Charter.from_dict(row.settings if row else None).to_dict()
    if row is None:
        row = CharterSettings(institution_id=institution_id)
        db.session.add(row)
    row.settings = charter.to_dict()
    row.updated_by_id = _actor_id(actor)
    db.session.flush()
    audit.record(
        action,
        row,
        institution_id=institution_id,
        changes=audit.diff(before, row.settings),
        summary=summary,
        actor=actor,
    )
    return row


def save_charter(
    institution_id: int, settings: Charter | Mapping[str, Any], *, actor: Any = None
) -> CharterSettings:
    """Store the institution's charter settings (章程设置), refusing invalid ones.

    The writer behind set-up and seeds; pages set up through ``setup_charter`` and change
    settings only by a passed motion (``charter_changes``).
    """
    return _store_charter(institution_id, settings, action="governance.charter.save", actor=actor)


def setup_charter(
    institution_id: int, settings: Charter | Mapping[str, Any], *, actor: Any = None
) -> CharterSettings:
    """Record the initial charter settings (the staffing office or the sponsor, once)."""
    if queries.charter_is_set_up(institution_id):
        raise GovernanceError("章程设置已确定；修改须由理事会以重大事项决议通过，请提交理事会审议")
    return save_charter(institution_id, settings, actor=actor)


def apply_charter(
    institution_id: int, settings: Mapping[str, Any], *, resolution: Resolution
) -> CharterSettings:
    """Apply charter settings a passed motion (``resolution``) decided."""
    return _store_charter(
        institution_id,
        settings,
        action="governance.charter.amend",
        summary=f"{resolution.document_number} {resolution.title}",
    )


def ensure_body(institution_id: int, kind: BodyKind) -> Body:
    """Return the institution's body of this kind, creating it if needed."""
    body = queries.body_of(institution_id, kind)
    if body is None:
        body = Body(institution_id=institution_id, kind=kind)
        db.session.add(body)
        db.session.flush()
    return body


def _overlaps(seat: Seat, start: date, end: date | None) -> bool:
    return (end is None or seat.term_start_on <= end) and (
        seat.term_end_on is None or seat.term_end_on >= start
    )


def seat_member(
    institution_id: int,
    user: User,
    *,
    body: BodyKind | str,
    office: Office | str,
    term_start_on: date,
    term_end_on: date | None = None,
    constituency: Constituency | str | None = None,
    actor: Any = None,
) -> Seat:
    """Seat a person on the council, the supervisors or management for a term."""
    kind = _enum(BodyKind, body, "机构")
    office = _enum(Office, office, "职务")
    if office not in BODY_OFFICES[kind]:
        raise GovernanceError(f"「{office.label}」不是{kind.label}的职务")
    if constituency is not None and constituency != "":
        constituency = _enum(Constituency, constituency, "理事来源")
    else:
        constituency = None
    if kind is BodyKind.COUNCIL and constituency is None:
        raise GovernanceError("理事须注明来源（举办单位代表、职工代表、服务对象代表等）")
    if kind is BodyKind.MANAGEMENT:
        constituency = None
    if term_end_on is not None and term_end_on < term_start_on:
        raise GovernanceError("任期结束日期不能早于开始日期")
    body_row = ensure_body(institution_id, kind)
    existing = db.session.scalars(select(Seat).where(Seat.body_id == body_row.id)).unique().all()
    overlapping = [s for s in existing if _overlaps(s, term_start_on, term_end_on)]
    if any(s.user_id == user.id for s in overlapping):
        raise GovernanceError(f"{user.full_name} 在该任期内已是{kind.label}成员")
    if office in SINGLE_OFFICES:
        holder = next((s for s in overlapping if s.office == office), None)
        if holder is not None:
            raise GovernanceError(f"该任期内已有{office.label}：{holder.user.full_name}")
    vice_chairs = sum(s.office == Office.VICE_CHAIR for s in overlapping)
    if office is Office.VICE_CHAIR and vice_chairs >= MAX_VICE_CHAIRS:
        raise GovernanceError(f"副理事长至多 {MAX_VICE_CHAIRS} 名")
    _give_seat_role(institution_id, user, kind, office, actor)
    seat = Seat(
        institution_id=institution_id,
        body=body_row,
        user_id=user.id,
        office=office,
        constituency=constituency,
        term_start_on=term_start_on,
        term_end_on=term_end_on,
    )
    db.session.add(seat)
    db.session.flush()
    audit.record(
        "governance.seat.create",
        seat,
        institution_id=institution_id,
        summary=f"{user.full_name} {kind.label}{office.label}",
        changes={
            "office": [None, office.value],
            "constituency": [None, constituency.value if constituency else None],
            "term_start_on": [None, term_start_on.isoformat()],
            "term_end_on": [None, term_end_on.isoformat() if term_end_on else None],
        },
        actor=actor,
    )
    return seat


#: The role a seat needs so that its holder sees the body's business (electorate == readers).
_SEAT_ROLES = {
    Office.CHAIR: Role.COUNCIL_CHAIR,
    Office.SECRETARY: Role.COUNCIL_SECRETARY,
    Office.VICE_CHAIR: Role.COUNCIL_MEMBER,
    Office.MEMBER: Role.COUNCIL_MEMBER,
    Office.SUPERVISOR_CHAIR: Role.SUPERVISOR,
    Office.SUPERVISOR: Role.SUPERVISOR,
}


def _give_seat_role(
    institution_id: int, user: User, kind: BodyKind, office: Office, actor: Any
) -> None:
    """Make sure a council member or supervisor can read the council's business here.

    Only the institution's own people are seated (an outside expert first gets an account
    role from the institution's administrator); one who cannot yet see governance here is
    given the council role of the office (audited, and told). Management needs none.
    """
    roles = {
        m.role
        for m in db.session.scalars(
            select(Membership).where(
                Membership.user_id == user.id, Membership.institution_id == institution_id
            )
        )
    }
    sponsor_id = db.session.scalar(
        select(Institution.sponsor_id).where(Institution.id == institution_id)
    )
    # the staffing office, or the institution's own sponsor: they read its governance already
    above = db.session.scalar(
        select(func.count()).where(
            Membership.user_id == user.id,
            (Membership.role == Role.STAFFING_OFFICE.value)
            | ((Membership.role == Role.SPONSOR.value) & (Membership.sponsor_id == sponsor_id)),
        )
    )
    if above or user.is_superuser:
        return
    if not roles:
        raise GovernanceError(
            f"{user.full_name} 在本单位没有账号角色，不能任命；外部人员须先由单位管理员开通本单位账号"
        )
    if kind is BodyKind.MANAGEMENT:
        return
    role = _SEAT_ROLES[office]
    if roles & {r.value for r in _SEAT_ROLE_READERS}:
        return
    accounts.grant(user, role, institution_id=institution_id)
    audit.record(
        "governance.seat.role",
        user,
        institution_id=institution_id,
        summary=f"{user.full_name}：{role.label}",
        changes={"role": [None, role.value]},
        actor=actor,
    )
    notify(
        [user],
        f"您已被任命为{kind.label}{office.label}",
        f"已为您开通本单位的「{role.label}」角色，可以查看会议、议案并参加表决。",
        institution_id=institution_id,
    )


#: Institution roles that already read governance (GOVERNANCE_VIEW) in the institution.
_SEAT_ROLE_READERS = frozenset(
    {
        Role.INSTITUTION_ADMIN,
        Role.COUNCIL_CHAIR,
        Role.COUNCIL_SECRETARY,
        Role.COUNCIL_MEMBER,
        Role.SUPERVISOR,
    }
)


def end_seat(seat: Seat, end_on: date, *, reason: str | None = None, actor: Any = None) -> Seat:
    """End a seat's term early (resignation, removal), for a stated reason; history is kept.

    The person is told. ``reason`` is required from people (the page); seeds may omit it.
    """
    if actor is not None:
        reason = _text(reason, "结束任期的原因", limit=500)
    else:
        reason = _text(reason, "结束任期的原因", required=False, limit=500)
    if end_on < seat.term_start_on:
        raise GovernanceError("任期结束日期不能早于开始日期")
    if seat.term_end_on is not None and end_on > seat.term_end_on:
        raise GovernanceError("只能提前结束任期；延长任期请重新任命")
    changes = audit.apply_changes(
        seat, {"term_end_on": end_on, "end_reason": reason}, ["term_end_on", "end_reason"]
    )
    db.session.flush()
    audit.record(
        "governance.seat.end",
        seat,
        institution_id=seat.institution_id,
        changes=changes,
        summary=seat.user.full_name,
        actor=actor,
    )
    notify(
        [seat.user],
        f"您的{seat.body.kind_label}{seat.office_label}任期已结束",
        f"任期结束日期：{end_on.isoformat()}" + (f"\n原因：{reason}" if reason else ""),
        institution_id=seat.institution_id,
    )
    return seat


def declare_interests(
    member: User,
    institution_id: int,
    items: Iterable[Mapping[str, Any]],
    *,
    now: datetime | None = None,
) -> InterestDeclaration:
    """Record a member's own declaration of interests; it replaces the previous one."""
    now = _now(now)
    if not any(
        s.user_id == member.id
        for s in queries.active_seats(institution_id, queries.local_date(now))
    ):
        raise GovernanceError("只有在任的理事、监事和管理层成员申报利害关系")
    cleaned = []
    seen = set()
    for index, item in enumerate(items, start=1):
        name = _text(item.get("name"), f"第 {index} 项的名称", limit=200)
        relation = _enum(Relation, item.get("relation") or Relation.OTHER, f"第 {index} 项的关系")
        note = _text(item.get("note"), f"第 {index} 项的说明", required=False, limit=500)
        if (name, relation) in seen:
            continue
        seen.add((name, relation))
        cleaned.append({"name": name, "relation": relation.value, "note": note})
    previous = queries.latest_declarations(institution_id).get(member.id)
    declaration = InterestDeclaration(
        institution_id=institution_id, member_id=member.id, items=cleaned, declared_at=now
    )
    db.session.add(declaration)
    db.session.flush()
    audit.record(
        "governance.interests.declare",
        declaration,
        institution_id=institution_id,
        summary=member.full_name,
        changes={"items": [previous.items if previous else [], cleaned]},
        actor=member,
    )
    return declaration


# --- meetings, attendance and papers ---------------------------------------------------------


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
    title = _text(title, "会议名称", limit=200)
    kind = _enum(MeetingKind, kind, "会议类型")
    called_by = _enum(CalledBy, called_by, "召集方式")
    mode = _enum(MeetingMode, mode, "会议形式")
    scheduled_at = _now(scheduled_at)
    place = _text(place, "会议地点", required=False, limit=200)
    if kind is MeetingKind.REGULAR and called_by is not CalledBy.CHAIR:
        raise GovernanceError("定期会议由理事长召集")
    if mode is MeetingMode.IN_PERSON and not place:
        raise GovernanceError("现场会议须注明会议地点")
    if (
        mode is MeetingMode.WRITTEN
        and not queries.charter_for(institution_id).written_voting_allowed
    ):
        raise GovernanceError("本单位章程不允许通讯表决，须召开会议表决")
    if not queries.seated_member_ids(institution_id, queries.local_date(scheduled_at)):
        raise GovernanceError("理事会在会议日期没有在任理事，不能安排会议")
    meeting = Meeting(
        institution_id=institution_id,
        title=title,
        kind=kind,
        called_by=called_by,
        mode=mode,
        scheduled_at=scheduled_at,
        place=place,
        status=MeetingStatus.SCHEDULED,
        created_by_id=_actor_id(actor),
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
) -> list[str]:
    """Send the notice to every member's and supervisor's inbox (and e-mail); return warnings.

    ``link`` is the meeting page's path, put in the message.
    """
    now = _now(now)
    if meeting.status == MeetingStatus.CONCLUDED:
        raise GovernanceError("会议已结束")
    warnings = []
    notice_days = queries.required_notice_days(meeting)
    days = (queries.local_date(meeting.scheduled_at) - queries.local_date(now)).days
    if meeting.kind == MeetingKind.REGULAR and days < notice_days:
        warnings.append(f"定期会议应提前 {notice_days} 天通知，本次仅提前 {max(days, 0)} 天")
    if meeting.kind == MeetingKind.SPECIAL and days < notice_days and not meeting.notice_waiver:
        warnings.append(
            f"临时会议应提前 {notice_days} 天通知，本次仅提前 {max(days, 0)} 天；"
            "除非全体理事书面同意豁免，会议通知期限不足"
        )
    meeting.notice_sent_at = now
    if meeting.status == MeetingStatus.SCHEDULED:
        meeting.status = MeetingStatus.NOTICED
    when = meeting.scheduled_at.astimezone(queries.local_zone()).strftime("%Y-%m-%d %H:%M")
    notify(
        (seat.user for seat in queries.notice_recipients(meeting)),
        f"会议通知：{meeting.title}",
        f"时间：{when}\n方式：{meeting.mode_label}"
        + (f"\n地点：{meeting.place}" if meeting.place else ""),
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
    presence = _enum(Presence, presence, "出席情况")
    if meeting.is_written:
        raise GovernanceError("通讯表决不登记出席，以收回的表决票计算")
    if meeting.status == MeetingStatus.CONCLUDED:
        raise GovernanceError("会议已结束，纪要已起草，出席情况不能再修改")
    instruction = _text(proxy_instruction, "委托书内容", required=False, limit=2000)
    rows = {row.member_id: row for row in queries.attendance_of(meeting)}
    if proxy_to is not None:
        seated = _seated_on(meeting.institution_id, queries.meeting_day(meeting))
        if presence is not Presence.ABSENT:
            raise GovernanceError("出席的理事不能委托他人表决")
        if member.id not in seated:
            raise GovernanceError("只有在任理事可以委托他人表决")
        if proxy_to.id == member.id:
            raise GovernanceError("不能委托本人")
        if proxy_to.id not in seated:
            raise GovernanceError(f"受托人 {proxy_to.full_name} 不是在任理事")
        holder_row = rows.get(proxy_to.id)
        if holder_row is not None and not holder_row.is_present:
            raise GovernanceError(f"受托人 {proxy_to.full_name} 未出席，不能接受委托")
        other = next(
            (r for r in rows.values() if r.proxy_to_id == proxy_to.id and r.member_id != member.id),
            None,
        )
        if other is not None:
            raise GovernanceError(
                f"受托人 {proxy_to.full_name} 已接受 {other.member.full_name} 的委托，每人至多受托一人"
            )
        if not instruction:
            raise GovernanceError("委托须有书面委托书，写明委托事项和表决意见")
    if presence is Presence.ABSENT and any(
        r.proxy_to_id == member.id for r in rows.values() if r.member_id != member.id
    ):
        raise GovernanceError(f"{member.full_name} 已接受他人委托，须出席会议；请先撤销该委托")
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
    now = _now(now)
    if meeting.voting_opened_at is not None:
        raise GovernanceError("表决已开始，会议材料已冻结，不能再上传或修改")
    if motion is not None and motion.meeting_id != meeting.id:
        raise GovernanceError("该议案不属于本次会议")
    name = safe_filename(filename, max_length=200)
    extension = PurePath(name).suffix.lower()
    if not name or extension not in PAPER_EXTENSIONS:
        allowed = "、".join(sorted(e.lstrip(".") for e in PAPER_EXTENSIONS))
        raise GovernanceError(f"会议材料须为以下格式之一：{allowed}")
    if not content:
        raise GovernanceError("文件是空的")
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
        uploaded_by_id=_actor_id(actor),
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
        raise GovernanceError("表决已开始，会议材料已冻结，不能再上传或修改")
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


# --- motions and recusals --------------------------------------------------------------------


def _amount(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise GovernanceError("金额必须是精确的十进制数，不能是浮点数")
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise GovernanceError(f"金额「{value}」不是有效的数字") from None
    if not amount.is_finite() or amount < 0:
        raise GovernanceError("金额不能为负数")
    return amount


def _counterparties(values: Iterable[str] | None) -> list[str]:
    names = []
    for value in values or []:
        name = _text(value, "相关方", required=False, limit=200)
        if name and name not in names:
            names.append(name)
    return names


def requires_prior_study(motion: Motion, charter: Charter) -> bool:
    """Return whether the motion is 三重一大 and needs the Party organization's prior study."""
    kind = MotionKind(motion.kind)
    large = motion.amount is not None and motion.amount >= charter.large_sum_threshold
    return kind.is_san_zhong_yi_da or large


def _classify(
    meeting: Meeting, kind: MotionKind, amount: Decimal | None, requested: Any, charter: Charter
) -> MotionCategory:
    category = tally.classify(kind, amount, charter)
    # A motion can be raised to a major item, never lowered below what the rules require.
    if requested and _enum(MotionCategory, requested, "议案类别") is MotionCategory.MAJOR:
        category = MotionCategory.MAJOR
    if meeting.is_written:
        refusal = tally.written_voting_refusal(kind, category, charter)
        if refusal:
            raise GovernanceError(refusal)
    return category


def add_motion(
    meeting: Meeting,
    *,
    title: str,
    text: str,
    kind: MotionKind | str = MotionKind.ROUTINE,
    amount: Decimal | None = None,
    counterparties: Iterable[str] | None = None,
    category: MotionCategory | str | None = None,
    prior_study_record: str | None = None,
    prior_study_ref: str | None = None,
    subject_kind: str | None = None,
    subject_id: str | int | None = None,
    actor: Any = None,
) -> Motion:
    """Put a motion on a meeting's agenda, classified ordinary or major by the rules.

    A motion deciding another module's object is raised by ``subjects.propose_motion`` from
    that object's page; the subject is resolved in the meeting's institution or refused.
    """
    if meeting.status == MeetingStatus.CONCLUDED:
        raise GovernanceError("会议已结束，不能再增加议案")
    charter = queries.charter_for(meeting.institution_id)
    kind = _enum(MotionKind, kind, "议案类型")
    amount = _amount(amount)
    subject = None
    if subject_kind or subject_id:
        if not (subject_kind and subject_id):
            raise GovernanceError("议案事项须同时注明类型和编号")
        subject = subjects.resolve(subject_kind, meeting.institution_id, subject_id)
    position = (
        db.session.scalar(select(func.max(Motion.position)).where(Motion.meeting_id == meeting.id))
        or 0
    ) + 1
    motion = Motion(
        institution_id=meeting.institution_id,
        meeting=meeting,
        position=position,
        title=_text(title, "议案标题", limit=200),
        text=_text(text, "议案内容"),
        kind=kind,
        category=_classify(meeting, kind, amount, category, charter),
        amount=amount,
        counterparties=_counterparties(counterparties),
        prior_study_record=_text(prior_study_record, "前置研究记录", required=False),
        prior_study_ref=_text(prior_study_ref, "前置研究文号", required=False, limit=128),
        subject_kind=subject.kind.key if subject else None,
        subject_id=subject.id if subject else None,
        status=MotionStatus.DRAFT,
        created_by_id=_actor_id(actor),
    )
    db.session.add(motion)
    db.session.flush()
    audit.record(
        "governance.motion.create",
        motion,
        institution_id=motion.institution_id,
        summary=motion.title,
        changes={"kind": [None, kind.value], "category": [None, motion.category]},
        actor=actor,
    )
    return motion


MOTION_FIELDS = [
    "title",
    "text",
    "kind",
    "category",
    "amount",
    "counterparties",
    "prior_study_record",
    "prior_study_ref",
]


def update_motion(motion: Motion, data: Mapping[str, Any], *, actor: Any = None) -> Motion:
    """Change a draft motion (including attaching the prior-study record)."""
    if motion.status != MotionStatus.DRAFT:
        raise GovernanceError("只能修改草拟中的议案；表决开始后议案不能修改")
    charter = queries.charter_for(motion.institution_id)
    values: dict[str, Any] = {}
    if "title" in data:
        values["title"] = _text(data["title"], "议案标题", limit=200)
    if "text" in data:
        values["text"] = _text(data["text"], "议案内容")
    kind = _enum(MotionKind, data.get("kind", motion.kind), "议案类型")
    amount = _amount(data["amount"]) if "amount" in data else motion.amount
    if {"kind", "amount", "category"} & set(data):
        values["kind"] = kind.value
        values["amount"] = amount
        values["category"] = _classify(
            motion.meeting, kind, amount, data.get("category"), charter
        ).value
    if "counterparties" in data:
        values["counterparties"] = _counterparties(data["counterparties"])
    if "prior_study_record" in data:
        values["prior_study_record"] = _text(
            data["prior_study_record"], "前置研究记录", required=False
        )
    if "prior_study_ref" in data:
        values["prior_study_ref"] = _text(
            data["prior_study_ref"], "前置研究文号", required=False, limit=128
        )
    changes = audit.apply_changes(motion, values, MOTION_FIELDS)
    db.session.flush()
    if changes:
        audit.record(
            "governance.motion.update",
            motion,
            institution_id=motion.institution_id,
            summary=motion.title,
            changes=changes,
            actor=actor,
        )
    return motion


def recuse(motion: Motion, member: User, reason: str, *, actor: Any = None) -> Recusal:
    """Record a member's recusal (回避) from a motion; their ballots on it no longer count."""
    if MotionStatus(motion.status).is_decided:
        raise GovernanceError("议案表决已结束，不能再登记回避")
    reason = _text(reason, "回避理由", limit=500)
    if member.id not in set(queries.electorate(motion)):
        raise GovernanceError(f"{member.full_name} 不是在任理事，无需回避")
    if member.id in queries.recused_ids(motion):
        raise GovernanceError(f"{member.full_name} 已登记回避")
    recusal = Recusal(
        motion=motion, member_id=member.id, reason=reason, recorded_by_id=_actor_id(actor)
    )
    db.session.add(recusal)
    db.session.flush()
    audit.record(
        "governance.recusal.create",
        recusal,
        institution_id=motion.institution_id,
        summary=f"{motion.title}：{member.full_name}",
        changes={"reason": [None, reason]},
        actor=actor,
    )
    return recusal


def apply_proposed_recusals(motion: Motion, *, actor: Any = None) -> list[Recusal]:
    """Record the recusals proposed by matching counterparties against declarations."""
    recusals = []
    for member_id, names in queries.proposed_recusals(motion).items():
        member = db.session.get(User, member_id)
        reason = f"申报的利害关系：{'、'.join(names)}"
        recusals.append(recuse(motion, member, reason, actor=actor))
    return recusals


# --- voting ----------------------------------------------------------------------------------


def open_voting(
    motion: Motion,
    *,
    actor: Any = None,
    now: datetime | None = None,
    deadline: datetime | None = None,
) -> Motion:
    """Open the vote on a motion; this fixes the electorate and charter and freezes the papers.

    Refused when the motion is open or decided already, a 三重一大 item lacks the prior-study
    record, a meeting lacks its quorum, or a written vote's deadline is too short.
    """
    now = _now(now)
    _lock_chain(motion.institution_id)
    _refresh_motion(motion)
    status = MotionStatus(motion.status)
    if status is MotionStatus.OPEN:
        raise GovernanceError("议案已在表决中")
    if status.is_decided:
        raise GovernanceError("议案表决已结束")
    meeting = motion.meeting
    if meeting.status == MeetingStatus.CONCLUDED:
        raise GovernanceError("会议已结束")
    charter = queries.charter_for(motion.institution_id)
    if requires_prior_study(motion, charter) and not motion.prior_study_record:
        raise GovernanceError("三重一大事项须先附党组织前置研究记录，才能开始表决")
    if not meeting.is_written and now < meeting.scheduled_at:
        when = meeting.scheduled_at.astimezone(queries.local_zone()).strftime("%Y-%m-%d %H:%M")
        raise GovernanceError(f"会议尚未开始（{when}），不能开始表决")
    today = queries.local_date(now)
    seated = queries.seated_member_ids(motion.institution_id, today)
    if not seated:
        raise GovernanceError("理事会没有在任理事")
    if meeting.is_written:
        refusal = tally.written_voting_refusal(
            MotionKind(motion.kind), MotionCategory(motion.category), charter
        )
        if refusal:
            raise GovernanceError(refusal)
        if deadline is None:
            raise GovernanceError("通讯表决须规定截止时间")
        deadline = _now(deadline)
        if deadline < now + timedelta(days=charter.written_vote_min_days):
            raise GovernanceError(f"通讯表决期限至少 {charter.written_vote_min_days} 天")
    else:
        deadline = None
        present, proxies = queries.present_and_proxies(meeting)
        outcome = tally.tally(
            charter,
            category=MotionCategory(motion.category),
            seated=seated,
            present=present,
            proxies=proxies,
            recused=queries.recused_ids(motion),
            ballots={},
        )
        # An item that must go to the sponsor may still be opened, closed and referred.
        if not outcome.quorum_met and outcome.status is not Status.REFERRED:
            raise GovernanceError(f"{outcome.reason}，不能开始表决")
    motion.status = MotionStatus.OPEN
    motion.opened_at = now
    motion.opened_by_id = _actor_id(actor)
    motion.vote_deadline_at = deadline
    motion.charter = charter.to_dict()
    motion.electorate = seated
    motion.chair_id = queries.chair_id(motion.institution_id, today)
    if meeting.voting_opened_at is None:
        meeting.voting_opened_at = now
    meeting.status = MeetingStatus.IN_SESSION
    db.session.execute(
        update(Paper)
        .where(Paper.meeting_id == meeting.id, Paper.frozen_at.is_(None))
        .values(frozen_at=now)
        .execution_options(synchronize_session="fetch")
    )
    db.session.flush()
    eligible = set(seated) - queries.recused_ids(motion)
    if meeting.is_written:
        body = f"通讯表决，截止时间：{_local(deadline)}。请在截止前投票。"
    else:
        body = f"{meeting.title}已开始表决，请出席的理事投票。"
    notify(
        db.session.scalars(select(User).where(User.id.in_(sorted(eligible)))),
        f"请表决：{motion.title}",
        body,
        link=_motion_link(motion),
        institution_id=motion.institution_id,
    )
    audit.record(
        "governance.motion.open",
        motion,
        institution_id=motion.institution_id,
        summary=motion.title,
        changes={"status": [MotionStatus.DRAFT.value, MotionStatus.OPEN.value]},
        actor=actor,
    )
    return motion


def cast_ballot(
    motion: Motion,
    voter: User,
    choice: Choice | str,
    *,
    reason: str | None = None,
    for_member: User | None = None,
    now: datetime | None = None,
) -> Ballot:
    """Cast a ballot, for oneself or as the proxy of an absent member; the latest one counts.

    Every ballot is kept and chained. Refused unless the motion is open and the voter is a
    seated, present (or, for a written vote, any) unconflicted council member, or the
    designated proxy holder of the member voted for.
    """
    now = _now(now)
    choice = _enum(Choice, choice, "表决意见")
    reason = _text(reason, "表决理由", required=False, limit=2000)
    for_member_id = for_member.id if for_member is not None else None
    if for_member_id == voter.id:
        for_member_id = None
    head = _lock_chain(motion.institution_id)
    _refresh_motion(motion)
    refusal = queries.ballot_refusal(motion, voter.id, for_member_id, now)
    if refusal:
        raise GovernanceError(refusal)
    ballot = Ballot(
        institution_id=motion.institution_id,
        motion_id=motion.id,
        member_id=voter.id,
        by_proxy_for_id=for_member_id,
        choice=choice.value,
        reason=reason,
        cast_at=now,
    )
    _link(head, ballot)
    db.session.add(ballot)
    db.session.flush()
    # The trail says that a ballot was cast, not how: results may be hidden until the close.
    audit.record(
        "governance.ballot.cast",
        ballot,
        institution_id=motion.institution_id,
        summary=motion.title
        + (
            "（代为表决，与委托书不一致）"
            if for_member_id
            and queries.proxy_contradicts_instruction(motion, for_member_id, choice)
            else "（代为表决）"
            if for_member_id
            else ""
        ),
        actor=voter,
    )
    if for_member is not None and for_member_id is not None:
        contrary = queries.proxy_contradicts_instruction(motion, for_member_id, choice)
        notify(
            [for_member],
            f"{voter.full_name} 已代您表决：{motion.title}",
            f"受托人代您投了「{choice.label}」"
            + ("，与您的书面委托书不一致" if contrary else "")
            + "。表决结束前，以最后一次投票为准。",
            link=_motion_link(motion),
            institution_id=motion.institution_id,
        )
    return ballot


def _outcome_json(outcome: Outcome) -> dict[str, Any]:
    data = asdict(outcome)
    data["status"] = outcome.status.value
    data["category"] = outcome.category.value
    data["voters"] = sorted(outcome.voters)
    data["valid_proxies"] = [list(pair) for pair in outcome.valid_proxies]
    data["notes"] = list(outcome.notes)
    return data


def close_motion(
    motion: Motion,
    *,
    actor: Any = None,
    now: datetime | None = None,
    resolution_text: str | None = None,
) -> Motion:
    """Close the vote, record the outcome and, if it passed, the numbered resolution.

    A written vote closes at its deadline, or earlier once every eligible member has voted.
    Sends ``motion_decided``.
    """
    now = _now(now)
    resolution_text = _text(resolution_text, "决议内容", required=False)
    head = _lock_chain(motion.institution_id)
    _refresh_motion(motion)
    _refuse_unless_open(motion)
    ballots = queries.latest_ballots(motion)
    if motion.meeting.is_written and motion.vote_deadline_at and now < motion.vote_deadline_at:
        eligible = set(queries.electorate(motion)) - queries.recused_ids(motion)
        missing = eligible - set(ballots)
        if missing:
            raise GovernanceError(f"通讯表决截止前不能结束表决（尚有 {len(missing)} 名理事未投票）")
    present, proxies = queries.present_and_proxies(motion.meeting)
    recused = queries.recused_ids(motion)
    outcome = queries.compute_outcome(motion, ballots=ballots, recused=recused)
    motion.status = _STATUS[outcome.status]
    motion.outcome = _outcome_json(outcome)
    # what the tally was computed on, so that ``governance verify`` recounts the same
    motion.outcome["basis"] = {
        "present": sorted(present),
        "proxies": [[absent, holder] for absent, holder in proxies.items()],
        "recused": sorted(recused),
    }
    motion.reason = outcome.reason
    motion.closed_at = now
    motion.closed_by_id = _actor_id(actor)
    resolution = None
    if outcome.passed:
        year = queries.local_date(now).year
        number = (
            db.session.scalar(
                select(func.max(Resolution.number)).where(
                    Resolution.institution_id == motion.institution_id, Resolution.year == year
                )
            )
            or 0
        ) + 1
        resolution = Resolution(
            institution_id=motion.institution_id,
            motion_id=motion.id,  # set before the flush: the chain hash covers it
            motion=motion,
            year=year,
            number=number,
            title=resolution_title(motion.title),
            text=resolution_text or motion.text,
            passed_at=now,
        )
        _link(head, resolution)
        db.session.add(resolution)
    db.session.flush()
    audit.record(
        "governance.motion.close",
        motion,
        institution_id=motion.institution_id,
        summary=f"{motion.title}：{outcome.reason}",
        changes={"status": [MotionStatus.OPEN.value, motion.status]},
        actor=actor,
    )
    if resolution is not None:
        audit.record(
            "governance.resolution.create",
            resolution,
            institution_id=motion.institution_id,
            summary=f"{resolution.document_number} {resolution.title}",
            actor=actor,
        )
    _run_followers(motion, outcome, resolution)
    return motion


def _receiver_name(receiver: Any) -> str:
    module = getattr(receiver, "__module__", None) or ""
    name = getattr(receiver, "__qualname__", None) or type(receiver).__name__
    return f"{module}.{name}" if module else name


def _run_followers(motion: Motion, outcome: Outcome, resolution: Resolution | None) -> None:
    """Call the subject kind's ``on_decided`` and every ``motion_decided`` receiver.

    Each runs in its own savepoint: one that fails has its writes undone, is logged, kept as
    a ``DecisionFailure`` on the motion and sent to the secretary and the chair; the others
    still run and the decision stands.
    """
    receivers: list[Any] = []
    kind = subjects.kind_of(motion.subject_kind)
    if kind is not None and kind.on_decided is not None:
        receivers.append(kind.on_decided)
    receivers.extend(motion_decided.receivers_for(motion))
    failures = []
    for receiver in receivers:
        try:
            with db.session.begin_nested():
                receiver(motion, outcome=outcome, resolution=resolution)
        except Exception as error:  # noqa: BLE001 - a follower never undoes the decision
            log.exception("motion %s: follower %s failed", motion.id, _receiver_name(receiver))
            detail = str(error) or type(error).__name__
            failures.append(
                DecisionFailure(
                    institution_id=motion.institution_id,
                    motion_id=motion.id,
                    receiver=_receiver_name(receiver)[:200],
                    error=detail[:2000],
                    occurred_at=utcnow(),
                )
            )
    if not failures:
        return
    db.session.add_all(failures)
    db.session.flush()
    notify(
        _council_keepers(motion.institution_id, queries.local_date(utcnow())),
        f"议案决定后的后续处理失败：{motion.title}",
        "\n".join(f.error for f in failures) + "\n决议有效；请按决议手工办理未完成的事项。",
        institution_id=motion.institution_id,
    )
    audit.record(
        "governance.motion.follow_up_failed",
        motion,
        institution_id=motion.institution_id,
        summary=motion.title,
        changes={"failures": [None, [f.receiver for f in failures]]},
    )


def close_due_written_motions(
    now: datetime | None = None,
    *,
    institution_id: int | None = None,
    meeting_id: int | None = None,
) -> list[Motion]:
    """Close every written vote whose deadline has passed; return the motions closed.

    Run by ``flask governance close-due`` and by the pages that show the votes (DOMAIN.md §1:
    a vote past its deadline is closed when anyone next reads it), limited to what they show.
    """
    now = _now(now)
    closed = []
    due = queries.due_written_motions(now, institution_id=institution_id, meeting_id=meeting_id)
    for motion in due:
        try:
            # a savepoint per motion: a refusal (closed meanwhile by someone else) leaves
            # that motion as it was and the others closing
            with db.session.begin_nested():
                close_motion(motion, now=now)
        except GovernanceError:
            continue
        closed.append(motion)
    return closed


#: Members who have not voted in a written vote are reminded this long before its deadline.
REMINDER_BEFORE = timedelta(hours=24)


def remind_non_voters(now: datetime | None = None) -> list[Motion]:
    """Remind the members who have not voted, once per written vote, near its deadline.

    Never the members who have voted (or whose proxy has). Run by ``governance remind`` and
    ``governance close-due``; return the motions whose members were reminded.
    """
    now = _now(now)
    reminded = []
    for motion in queries.motions_to_remind(now, now + REMINDER_BEFORE):
        voted = set(queries.latest_ballots(motion))
        waiting = set(queries.electorate(motion)) - queries.recused_ids(motion) - voted
        motion.reminded_at = now
        if waiting:
            notify(
                db.session.scalars(select(User).where(User.id.in_(sorted(waiting)))),
                f"表决即将截止：{motion.title}",
                f"您尚未投票，截止时间：{_local(motion.vote_deadline_at)}。",
                link=_motion_link(motion),
                institution_id=motion.institution_id,
            )
            reminded.append(motion)
    db.session.flush()
    return reminded


def record_notice_waiver(meeting: Meeting, record: str, *, actor: Any = None) -> Meeting:
    """Record that every member waived a special meeting's notice period in writing."""
    if meeting.kind != MeetingKind.SPECIAL:
        raise GovernanceError("只有临时会议可以经全体理事书面同意豁免通知期限")
    meeting.notice_waiver = _text(record, "全体理事书面同意豁免通知期限的记录", limit=2000)
    db.session.flush()
    audit.record(
        "governance.meeting.waiver",
        meeting,
        institution_id=meeting.institution_id,
        summary=meeting.title,
        actor=actor,
    )
    return meeting


# --- minutes ---------------------------------------------------------------------------------


def _minutes(
    meeting: Meeting,
    discussion: Mapping[int, str],
    note: str | None,
    leaders: Mapping[int, str] | None = None,
):
    """Return (body, text) of minutes drawn from the meeting's record, always in Chinese."""
    # The minutes are the legal record: labels in the source language, whoever drafts them.
    with force_locale("zh"):
        body = _minutes_body(meeting, discussion, note, leaders or {})
        return body, _minutes_text(body)


def _refuse_unrecorded_major_items(
    meeting: Meeting, discussion: Mapping[int, str], leaders: Mapping[int, str]
) -> None:
    """三重一大 items are decided after collective discussion, the principal leader speaking
    last (DOMAIN.md §1): their minutes need both recorded."""
    charter = queries.charter_for(meeting.institution_id)
    for motion in queries.motions_of(meeting):
        if motion.status == MotionStatus.DRAFT or not requires_prior_study(motion, charter):
            continue
        missing = []
        if not discussion.get(motion.id):
            missing.append("发言要点")
        if not leaders.get(motion.id):
            missing.append("主要负责人最后发言")
        if missing:
            raise GovernanceError(
                f"三重一大事项「{motion.title}」须记录{'和'.join(missing)}，才能形成会议纪要"
            )


def _minutes_body(
    meeting: Meeting, discussion: Mapping[int, str], note: str | None, leaders: Mapping[int, str]
) -> dict:
    """Return the structured minutes drawn from the meeting's record."""
    day = queries.meeting_day(meeting)
    seated = queries.seated_member_ids(meeting.institution_id, day)
    offices = queries.offices_on(meeting.institution_id, day)
    motions = queries.motions_of(meeting)
    rows = queries.attendance_of(meeting)

    def person(user_id: int, **extra) -> dict[str, Any]:
        return {
            "member_id": user_id,
            "name": _name(user_id),
            "office": offices.get(user_id, ""),
            **extra,
        }

    if meeting.is_written:
        returned = set()
        for motion in motions:
            returned |= set(queries.latest_ballots(motion))
        present = [person(m, presence="written") for m in seated if m in returned]
        absent = [person(m) for m in seated if m not in returned]
        proxies: list[dict] = []
        non_voting: list[dict] = []
    else:
        by_member = {row.member_id: row for row in rows}
        present = [
            person(m, presence=by_member[m].presence)
            for m in seated
            if m in by_member and by_member[m].is_present
        ]
        absent = [person(m) for m in seated if m not in by_member or not by_member[m].is_present]
        proxies = [
            {
                **person(row.member_id),
                "holder_id": row.proxy_to_id,
                "holder_name": _name(row.proxy_to_id),
                "instruction": row.proxy_instruction,
            }
            for row in rows
            if row.proxy_to_id is not None
        ]
        non_voting = [
            person(row.member_id, presence=row.presence)
            for row in rows
            if row.member_id not in seated and row.is_present
        ]
    items = []
    for motion in motions:
        outcome = motion.outcome or {}
        latest = queries.latest_ballots(motion) if motion.outcome else {}
        voters = set(outcome.get("voters", []))
        items.append(
            {
                "motion_id": motion.id,
                "position": motion.position,
                "title": motion.title,
                "kind": motion.kind,
                "category": motion.category,
                "status": motion.status,
                "status_label": motion.status_label,
                "reason": motion.reason,
                "tally": {k: outcome.get(k, 0) for k in ("yes", "no", "abstain")},
                "recusals": [
                    {"member_id": r.member_id, "name": _name(r.member_id), "reason": r.reason}
                    for r in motion.recusals
                ],
                "resolution": (
                    {
                        "number": motion.resolution.document_number,
                        "text": motion.resolution.text,
                    }
                    if motion.resolution
                    else None
                ),
                "dissents": [
                    {
                        "member_id": member,
                        "name": _name(member),
                        "choice": ballot.choice,
                        "reason": ballot.reason,
                    }
                    for member, ballot in sorted(latest.items())
                    if member in voters and ballot.choice == Choice.NO
                ],
                "discussion": discussion.get(motion.id, ""),
                "leader_statement": leaders.get(motion.id, ""),
            }
        )
    return {
        "meeting": {
            "id": meeting.id,
            "title": meeting.title,
            "kind": meeting.kind,
            "mode": meeting.mode,
            "called_by": meeting.called_by,
            "scheduled_at": meeting.scheduled_at.isoformat(),
            "place": meeting.place,
        },
        "present": present,
        "absent": absent,
        "proxies": proxies,
        "non_voting": non_voting,
        "items": items,
        "note": note,
    }


def _minutes_text(body: dict[str, Any]) -> str:
    """Return the minutes as the text to print and sign."""
    meeting = body["meeting"]
    when = datetime.fromisoformat(meeting["scheduled_at"]).astimezone(queries.local_zone())

    def names(people: list[dict]) -> str:
        return "、".join(p["name"] for p in people) or "无"

    title = meeting["title"]
    lines = [
        # "理事会会议" + "纪要", not "理事会会议会议纪要"
        f"{title}纪要" if title.endswith("会议") else f"{title}会议纪要",
        f"时间：{when:%Y年%m月%d日 %H:%M}",
        f"形式：{MeetingMode(meeting['mode']).label}"
        + (f"；地点：{meeting['place']}" if meeting["place"] else ""),
        f"出席：{names(body['present'])}",
        f"缺席：{names(body['absent'])}",
    ]
    if body["proxies"]:
        lines.append(
            "委托："
            + "；".join(f"{p['name']}委托{p['holder_name']}代为表决" for p in body["proxies"])
        )
    lines.append(f"列席：{names(body['non_voting'])}")
    for item in body["items"]:
        counts = item["tally"]
        lines.append("")
        lines.append(f"{item['position']}. {item['title']}")
        if item["discussion"]:
            lines.append(f"   发言要点：{item['discussion']}")
        if item.get("leader_statement"):
            lines.append(f"   主要负责人最后发言：{item['leader_statement']}")
        if item["recusals"]:
            lines.append(
                "   回避：" + "；".join(f"{r['name']}（{r['reason']}）" for r in item["recusals"])
            )
        if item["status"] == MotionStatus.DRAFT:
            lines.append("   未表决")
            continue
        lines.append(
            f"   表决：同意 {counts['yes']} 票，反对 {counts['no']} 票，弃权 {counts['abstain']} 票。"
            f"{item['reason'] or ''}"
        )
        for dissent in item["dissents"]:
            why = f"：{dissent['reason']}" if dissent["reason"] else ""
            lines.append(f"   {dissent['name']}投反对票{why}")
        if item["resolution"]:
            lines.append(f"   决议 {item['resolution']['number']}：{item['resolution']['text']}")
    if body.get("note"):
        lines += ["", f"更正说明：{body['note']}"]
    return "\n".join(lines)


def _signers(body: dict[str, Any]) -> list[int]:
    return sorted(p["member_id"] for p in body["present"])


def draft_minutes(
    meeting: Meeting,
    *,
    discussion: Mapping[int, str] | None = None,
    leader_statements: Mapping[int, str] | None = None,
    actor: Any = None,
    now: datetime | None = None,
) -> Minutes:
    """Draft the first version of the minutes from the meeting's record; the meeting ends.

    Refused while a vote is open, and when a 三重一大 item lacks its main points or the
    principal leader's statement (``leader_statements``).
    """
    now = _now(now)
    if any(m.status == MotionStatus.OPEN for m in queries.motions_of(meeting)):
        raise GovernanceError("尚有议案在表决中，表决结束后才能起草会议纪要")
    if queries.current_minutes(meeting) is not None:
        raise GovernanceError("本次会议已有纪要；修改请形成更正版本")
    discussion = {
        int(k): _text(v, "发言要点", required=False) or "" for k, v in (discussion or {}).items()
    }
    leaders = {
        int(k): _text(v, "主要负责人最后发言", required=False) or ""
        for k, v in (leader_statements or {}).items()
    }
    _refuse_unrecorded_major_items(meeting, discussion, leaders)
    body, text = _minutes(meeting, discussion, None, leaders)
    signers = _signers(body)
    if not signers:
        raise GovernanceError("没有出席会议的理事，无人签署纪要")
    minutes = Minutes(
        institution_id=meeting.institution_id,
        meeting_id=meeting.id,
        version=1,
        body=body,
        text=text,
        signers=signers,
        created_by_id=_actor_id(actor),
        created_at=now,
    )
    meeting.status = MeetingStatus.CONCLUDED
    db.session.add(minutes)
    db.session.flush()
    audit.record(
        "governance.minutes.draft",
        minutes,
        institution_id=meeting.institution_id,
        summary=meeting.title,
        actor=actor,
    )
    _ask_to_sign(meeting, minutes)
    return minutes


def _ask_to_sign(meeting: Meeting, minutes: Minutes) -> None:
    """Tell the attending members that the minutes await their signature."""
    notify(
        db.session.scalars(select(User).where(User.id.in_(minutes.signers))),
        f"请签署会议纪要：{meeting.title}（第 {minutes.version} 版）",
        "会议纪要已起草，请核对后签署；可以要求记录您的不同意见。",
        link=_minutes_link(meeting),
        institution_id=meeting.institution_id,
    )


def correct_minutes(
    minutes: Minutes,
    *,
    note: str,
    discussion: Mapping[int, str] | None = None,
    leader_statements: Mapping[int, str] | None = None,
    actor: Any = None,
    now: datetime | None = None,
) -> Minutes:
    """Correct minutes as a new version that supersedes them and is signed afresh."""
    now = _now(now)
    note = _text(note, "更正说明", limit=2000)
    if queries.is_superseded(minutes):
        raise GovernanceError("该版本已被更正，请在最新版本上更正")
    meeting = db.session.get(Meeting, minutes.meeting_id)
    old = {item["motion_id"]: item.get("discussion", "") for item in minutes.body.get("items", [])}
    if discussion:
        old.update(
            {int(k): _text(v, "发言要点", required=False) or "" for k, v in discussion.items()}
        )
    leaders = {
        item["motion_id"]: item.get("leader_statement", "")
        for item in minutes.body.get("items", [])
    }
    if leader_statements:
        leaders.update(
            {
                int(k): _text(v, "主要负责人最后发言", required=False) or ""
                for k, v in leader_statements.items()
            }
        )
    _refuse_unrecorded_major_items(meeting, old, leaders)
    body, text = _minutes(meeting, old, note, leaders)
    corrected = Minutes(
        institution_id=minutes.institution_id,
        meeting_id=minutes.meeting_id,
        version=minutes.version + 1,
        body=body,
        text=text,
        signers=_signers(body),
        supersedes_id=minutes.id,
        created_by_id=_actor_id(actor),
        created_at=now,
    )
    db.session.add(corrected)
    db.session.flush()
    audit.record(
        "governance.minutes.correct",
        corrected,
        institution_id=minutes.institution_id,
        summary=f"{meeting.title} 第 {corrected.version} 版",
        changes={"note": [None, note]},
        actor=actor,
    )
    _ask_to_sign(meeting, corrected)
    return corrected


def sign_minutes(
    minutes: Minutes, member: User, *, now: datetime | None = None
) -> MinutesSignature:
    """Sign the minutes as an attending member; the last signature locks them."""
    now = _now(now)
    # Lock the version, so the last two signatures cannot both miss the lock.
    db.session.scalar(
        select(Minutes)
        .where(Minutes.id == minutes.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if queries.is_superseded(minutes):
        raise GovernanceError("该版本已被更正，请签署最新版本")
    if member.id not in minutes.signers:
        raise GovernanceError("只有出席会议的理事签署会议纪要")
    signed = set(
        db.session.scalars(
            select(MinutesSignature.member_id).where(MinutesSignature.minutes_id == minutes.id)
        )
    )
    if member.id in signed:
        raise GovernanceError("你已签署过该会议纪要")
    signature = MinutesSignature(minutes_id=minutes.id, member_id=member.id, signed_at=now)
    db.session.add(signature)
    if signed | {member.id} >= set(minutes.signers):
        minutes.locked_at = now
    db.session.flush()
    audit.record(
        "governance.minutes.sign",
        signature,
        institution_id=minutes.institution_id,
        summary=f"第 {minutes.version} 版" + ("，已全部签署并锁定" if minutes.locked_at else ""),
        actor=member,
    )
    return signature


# --- execution and supervision ---------------------------------------------------------------


def record_execution(
    resolution: Resolution,
    reporter: User,
    *,
    text: str,
    progress: int,
    now: datetime | None = None,
) -> ExecutionReport:
    """Record management's report on carrying out a resolution."""
    now = _now(now)
    if not queries.holds_seat(
        reporter.id, resolution.institution_id, BodyKind.MANAGEMENT, queries.local_date(now)
    ):
        raise GovernanceError("只有管理层成员报告决议执行情况")
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        raise GovernanceError("执行进度须为 0 到 100 之间的整数（百分比）")
    report = ExecutionReport(
        institution_id=resolution.institution_id,
        resolution_id=resolution.id,
        reported_by_id=reporter.id,
        text=_text(text, "执行情况"),
        progress=progress,
        reported_at=now,
    )
    db.session.add(report)
    db.session.flush()
    audit.record(
        "governance.execution.report",
        report,
        institution_id=resolution.institution_id,
        summary=f"{resolution.document_number}：{progress}%",
        actor=reporter,
    )
    return report


def record_opinion(
    supervisor: User,
    target: Motion | Resolution | ExecutionReport,
    *,
    text: str,
    kind: OpinionKind | str = OpinionKind.OPINION,
    now: datetime | None = None,
) -> SupervisoryOpinion:
    """Record a supervisor's opinion or objection on a motion, resolution or execution report."""
    now = _now(now)
    kind = _enum(OpinionKind, kind, "意见类型")
    if not isinstance(target, Motion | Resolution | ExecutionReport):
        raise GovernanceError("监督意见只能针对议案、决议或执行情况报告")
    if not queries.holds_seat(
        supervisor.id, target.institution_id, BodyKind.SUPERVISORS, queries.local_date(now)
    ):
        raise GovernanceError("只有本单位在任监事可以记录监督意见")
    opinion = SupervisoryOpinion(
        institution_id=target.institution_id,
        supervisor_id=supervisor.id,
        motion_id=target.id if isinstance(target, Motion) else None,
        resolution_id=target.id if isinstance(target, Resolution) else None,
        execution_report_id=target.id if isinstance(target, ExecutionReport) else None,
        kind=kind,
        text=_text(text, "意见内容"),
        created_at=now,
    )
    db.session.add(opinion)
    db.session.flush()
    audit.record(
        "governance.opinion.record",
        opinion,
        institution_id=target.institution_id,
        summary=f"{kind.label}：{type(target).__name__} #{target.id}",
        actor=supervisor,
    )
    if kind is OpinionKind.OBJECTION:
        sponsor_id = db.session.scalar(
            select(Institution.sponsor_id).where(Institution.id == target.institution_id)
        )
        sponsors = db.session.scalars(
            select(User).where(
                User.is_active.is_(True),
                User.id.in_(
                    select(Membership.user_id).where(
                        Membership.role == Role.SPONSOR.value, Membership.sponsor_id == sponsor_id
                    )
                ),
            )
        )
        what = {Motion: "议案", Resolution: "决议", ExecutionReport: "决议执行情况报告"}
        title = getattr(target, "title", None) or getattr(
            getattr(target, "resolution", None), "title", ""
        )
        notify(
            [*_council_keepers(target.institution_id, queries.local_date(now)), *sponsors],
            f"监事提出异议：{what[type(target)]}{('「' + title + '」') if title else ''}",
            f"{supervisor.full_name}：{opinion.text}",
            institution_id=target.institution_id,
        )
    return opinion
