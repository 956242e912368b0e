"""Council governance reads: seats, charters, quorum, ballots, what awaits a vote, the chain."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import and_, bindparam, exists, func, select
from sqlalchemy.orm import contains_eager

from core.auth.models import User
from core.extensions import db
from core.i18n import N_, msg
from core.ids import CHINA_TZ
from core.models import utcnow
from core.roles import Role
from institutions.governance import chain
from institutions.governance.charter import Charter
from institutions.governance.models import (
    Attendance,
    Ballot,
    Body,
    BodyKind,
    ChainHead,
    CharterSettings,
    InterestDeclaration,
    Meeting,
    MeetingMode,
    MeetingStatus,
    Minutes,
    MinutesSignature,
    Motion,
    MotionStatus,
    Office,
    Recusal,
    Resolution,
    Seat,
    SupervisoryOpinion,
)
from institutions.models import Institution

# --- time and place -------------------------------------------------------------------------


def local_zone() -> ZoneInfo:
    """Return the deployment's time zone (APP_TIMEZONE), China's outside an app."""
    if has_app_context():
        return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return CHINA_TZ


def local_date(moment: datetime) -> date:
    """Return the calendar day of ``moment`` in the deployment's time zone."""
    return moment.astimezone(local_zone()).date()


# --- charter, bodies and seats ---------------------------------------------------------------


def charter_for(institution_id: int) -> Charter:
    """Return the institution's charter settings, or DOMAIN.md's defaults if none are saved."""
    settings = db.session.scalar(
        select(CharterSettings).where(CharterSettings.institution_id == institution_id)
    )
    return Charter.from_dict(settings.settings if settings else None)


def body_of(institution_id: int, kind: BodyKind) -> Body | None:
    return db.session.scalar(
        select(Body).where(Body.institution_id == institution_id, Body.kind == kind)
    )


def active_seats(institution_id: int, on: date, kind: BodyKind | None = None) -> list[Seat]:
    """Return the seats held on ``on``, by body, office and seat."""
    stmt = (
        select(Seat)
        .join(Body)
        .where(
            Seat.institution_id == institution_id,
            Seat.term_start_on <= on,
            (Seat.term_end_on.is_(None)) | (Seat.term_end_on >= on),
        )
        .order_by(Body.kind, Seat.id)
    )
    if kind is not None:
        stmt = stmt.where(Body.kind == kind)
    return list(db.session.scalars(stmt).unique())


def sits_on_a_council(user_id: int, institution_id: int | None = None) -> bool:
    """Return whether the user holds a council seat (in the institution, if given) that has
    not ended: only they ever have a vote to cast."""
    today = local_date(utcnow())
    stmt = (
        select(Seat.id)
        .join(Body)
        .where(
            Seat.user_id == user_id,
            Body.kind == BodyKind.COUNCIL,
            (Seat.term_end_on.is_(None)) | (Seat.term_end_on >= today),
        )
        .limit(1)
    )
    if institution_id is not None:
        stmt = stmt.where(Seat.institution_id == institution_id)
    return db.session.scalar(stmt) is not None


def seated_member_ids(institution_id: int, on: date) -> list[int]:
    """Return the user ids of the council's seated members on ``on``."""
    return sorted({s.user_id for s in active_seats(institution_id, on, BodyKind.COUNCIL)})


def chair_id(institution_id: int, on: date) -> int | None:
    """Return the 理事长's user id on ``on``, if one is seated."""
    for seat in active_seats(institution_id, on, BodyKind.COUNCIL):
        if seat.office == Office.CHAIR:
            return seat.user_id
    return None


def holds_seat(user_id: int, institution_id: int, kind: BodyKind, on: date) -> bool:
    return any(s.user_id == user_id for s in active_seats(institution_id, on, kind))


def offices_on(institution_id: int, on: date) -> dict[int, str]:
    """Return {user id: office label} for everyone seated on ``on`` (council office first)."""
    found: dict[int, str] = {}
    order = {BodyKind.COUNCIL: 0, BodyKind.SUPERVISORS: 1, BodyKind.MANAGEMENT: 2}
    seats = sorted(active_seats(institution_id, on), key=lambda s: order[BodyKind(s.body.kind)])
    for seat in seats:
        found.setdefault(seat.user_id, seat.office_label)
    return found


@cache
def _statements() -> dict[str, Any]:
    """The motion page's queries, built once with bound parameters (building a statement
    costs SQLAlchemy more than running one of these)."""
    return {
        "declarations": select(InterestDeclaration)
        .where(InterestDeclaration.institution_id == bindparam("institution_id"))
        .order_by(InterestDeclaration.id),
        "ballots": select(Ballot)
        .where(Ballot.motion_id == bindparam("motion_id"))
        .order_by(Ballot.sequence),
        "attendance": select(Attendance)
        .where(Attendance.meeting_id == bindparam("meeting_id"))
        .order_by(Attendance.id),
    }


def latest_declarations(institution_id: int) -> dict[int, InterestDeclaration]:
    """Return each member's latest declaration of interests in the institution."""
    rows = db.session.scalars(_statements()["declarations"], {"institution_id": institution_id})
    return {row.member_id: row for row in rows}


# --- meetings, motions and the tally ---------------------------------------------------------


def meeting_day(meeting: Meeting) -> date:
    return local_date(meeting.scheduled_at)


def electorate(motion: Motion) -> list[int]:
    """Return the members who may vote on the motion: fixed when voting opened."""
    if motion.electorate is not None:
        return list(motion.electorate)
    return seated_member_ids(motion.institution_id, local_date(utcnow()))


def motion_charter(motion: Motion) -> Charter:
    """Return the charter the motion is decided under: fixed when voting opened."""
    if motion.charter is not None:
        return Charter.from_dict(motion.charter)
    return charter_for(motion.institution_id)


def attendance_of(meeting: Meeting) -> list[Attendance]:
    return list(
        db.session.scalars(_statements()["attendance"], {"meeting_id": meeting.id}).unique()
    )


def present_and_proxies(
    meeting: Meeting, attendance: list[Attendance] | None = None
) -> tuple[set[int], dict[int, int]]:
    """Return (members present, {absent member: proxy holder} in the order recorded).

    ``attendance``: the meeting's attendance rows, if the caller has them already.
    """
    present: set[int] = set()
    proxies: dict[int, int] = {}
    for row in attendance_of(meeting) if attendance is None else attendance:
        if row.is_present:
            present.add(row.member_id)
        elif row.proxy_to_id is not None:
            proxies[row.member_id] = row.proxy_to_id
    return present, proxies


def recused_ids(motion: Motion) -> set[int]:
    return set(db.session.scalars(select(Recusal.member_id).where(Recusal.motion_id == motion.id)))


def ballot_history(motion: Motion) -> list[Ballot]:
    """Return every ballot cast on the motion, in chain order."""
    return list(db.session.scalars(_statements()["ballots"], {"motion_id": motion.id}))


def latest_ballots(motion: Motion) -> dict[int, Ballot]:
    """Return {member: their latest ballot}; a proxy's ballot is under the absent member."""
    latest: dict[int, Ballot] = {}
    for ballot in ballot_history(motion):
        latest[ballot.counted_member_id] = ballot
    return latest


def chain_head(institution_id: int) -> ChainHead | None:
    """Return the newest link of the institution's chain (printed on official documents)."""
    return db.session.get(ChainHead, institution_id)


# --- the hash chain --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainRow:
    """One link of an institution's chain."""

    kind: str  # "ballot" or "resolution"
    id: int
    sequence: int
    record: dict[str, Any]
    hash: str


def chain_rows(institution_id: int) -> list[ChainRow]:
    """Return the institution's ballots and resolutions in chain (sequence) order.

    Rows are read as stored, never from objects the session already holds.
    """
    fresh = {"populate_existing": True}
    rows = [
        ChainRow("ballot", b.id, b.sequence, b.chain_record(), b.hash)
        for b in db.session.scalars(
            select(Ballot).where(Ballot.institution_id == institution_id).execution_options(**fresh)
        )
    ]
    rows += [
        ChainRow("resolution", r.id, r.sequence, r.chain_record(), r.hash)
        for r in db.session.scalars(
            select(Resolution)
            .where(Resolution.institution_id == institution_id)
            .execution_options(**fresh)
        )
    ]
    return sorted(rows, key=lambda row: (row.sequence, row.kind, row.id))


def chain_institution_ids() -> list[int]:
    """Return the institutions that have a chain (a head, ballots or resolutions)."""
    ids = set(db.session.scalars(select(ChainHead.institution_id)))
    ids |= set(db.session.scalars(select(Ballot.institution_id).distinct()))
    ids |= set(db.session.scalars(select(Resolution.institution_id).distinct()))
    return sorted(ids)


@dataclass(frozen=True)
class ChainCheck:
    """The result of verifying one institution's chain."""

    institution_id: int
    ballots: int
    resolutions: int
    #: the first broken link, as (kind, id), or None
    broken: tuple[str, int] | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_chain(institution_id: int) -> ChainCheck:
    """Recompute the institution's chain and return the first broken record, if any.

    The newest link must also match the chain head, so removing the newest records (which
    the chain alone cannot show) is detected as long as the head row is intact.
    """
    rows = chain_rows(institution_id)
    counts = {
        "ballots": sum(r.kind == "ballot" for r in rows),
        "resolutions": sum(r.kind == "resolution" for r in rows),
    }
    first = chain.verify(((row.kind, row.id), row.record, row.hash) for row in rows)
    if first is not None:
        kind, record_id = first
        label = "表决票" if kind == "ballot" else "决议"
        return ChainCheck(
            institution_id,
            **counts,
            broken=(kind, record_id),
            problem=f"{label} #{record_id} 的哈希值与内容不符（记录被修改、删除或调换）",
        )
    for expected, row in enumerate(rows, start=1):
        if row.sequence != expected:
            label = "表决票" if row.kind == "ballot" else "决议"
            return ChainCheck(
                institution_id,
                **counts,
                broken=(row.kind, row.id),
                problem=f"{label} #{row.id} 的序号为 {row.sequence}，应为 {expected}",
            )
    head = db.session.get(ChainHead, institution_id, populate_existing=True)
    last_hash = rows[-1].hash if rows else chain.GENESIS
    if head is not None and (head.last_sequence != len(rows) or head.last_hash != last_hash):
        return ChainCheck(
            institution_id,
            **counts,
            broken=("head", institution_id),
            problem=(
                f"链头记录序号 {head.last_sequence}，实际记录 {len(rows)} 条："
                "最新的记录被删除，或链头被修改"
            ),
        )
    return ChainCheck(institution_id, **counts)


def institutions_by_id(ids: Iterable[int]) -> dict[int, Institution]:
    ids = sorted(set(ids))
    if not ids:
        return {}
    return {i.id: i for i in db.session.scalars(select(Institution).where(Institution.id.in_(ids)))}


def motions_of(meeting: Meeting) -> Sequence[Motion]:
    return list(
        db.session.scalars(
            select(Motion).where(Motion.meeting_id == meeting.id).order_by(Motion.position)
        )
    )


# --- home page: what each role has to do --------------------------------------------------

#: how far back "recent" resolutions and objections reach on a home page
RECENT_DAYS = 30


_TASK_LABELS = {
    "notice": N_("%(i)s：待发出通知的会议"),
    "draft": N_("%(i)s：待起草纪要的会议"),
    "sign": N_("%(i)s：待您签署的会议纪要"),
    "review": N_("%(i)s：近 30 天形成的决议（待监督）"),
    "filed": N_("%(i)s：近 30 天报备的决议"),
    "objections": N_("%(i)s：近 30 天监事提出的异议"),
}


@dataclass(frozen=True)
class Task:
    """One line of pending work on a home page: what, how many, where to do it."""

    label: Any
    count: int
    endpoint: str
    values: dict[str, Any]


def _count_by_institution(stmt) -> list[tuple[int, int]]:
    return [(row[0], row[1]) for row in db.session.execute(stmt).all() if row[1]]


def home_tasks(user: Any, now: datetime | None = None) -> list[Task]:
    """Return the governance work waiting for ``user``, by institution, with counts.

    Managers (institution admin, chair, secretary): meetings needing their notice, meetings
    whose minutes are to be drafted. Seated members: minutes awaiting their signature.
    Supervisors: resolutions of the last 30 days to review. Sponsors: their institutions'
    resolutions and supervisors' objections of the last 30 days. One query per kind of work.
    """

    now = now or utcnow()
    since = now - timedelta(days=RECENT_DAYS)
    memberships = list(getattr(user, "memberships", []))
    manage_roles = {Role.INSTITUTION_ADMIN, Role.COUNCIL_CHAIR, Role.COUNCIL_SECRETARY}
    managed = sorted(
        {m.institution_id for m in memberships if m.institution_id and m.role in manage_roles}
    )
    found: list[tuple[int, Any, int, str, dict]] = []
    if managed:
        for iid, n in _count_by_institution(
            select(Meeting.institution_id, func.count())
            .where(
                Meeting.institution_id.in_(managed),
                Meeting.status == MeetingStatus.SCHEDULED,
                Meeting.notice_sent_at.is_(None),
                Meeting.scheduled_at > now,
            )
            .group_by(Meeting.institution_id)
        ):
            found.append((iid, "notice", n, "governance.index", {"institution_id": iid}))
        open_items = exists().where(
            and_(Motion.meeting_id == Meeting.id, Motion.status == MotionStatus.OPEN)
        )
        drafted = exists().where(Minutes.meeting_id == Meeting.id)
        for iid, n in _count_by_institution(
            select(Meeting.institution_id, func.count())
            .where(
                Meeting.institution_id.in_(managed),
                Meeting.status != MeetingStatus.CONCLUDED,
                Meeting.mode != MeetingMode.WRITTEN,
                Meeting.voting_opened_at.is_not(None),
                ~open_items,
                ~drafted,
            )
            .group_by(Meeting.institution_id)
        ):
            found.append((iid, "draft", n, "governance.index", {"institution_id": iid}))
    # minutes awaiting the user's signature: unlocked versions not superseded
    superseded = select(Minutes.supersedes_id).where(Minutes.supersedes_id.is_not(None))
    signed = select(MinutesSignature.minutes_id).where(MinutesSignature.member_id == user.id)
    seated_in = select(Seat.institution_id).where(Seat.user_id == user.id)
    to_sign: dict[int, list[Minutes]] = {}
    for minutes in db.session.scalars(
        select(Minutes).where(
            Minutes.institution_id.in_(seated_in),
            Minutes.locked_at.is_(None),
            Minutes.id.notin_(superseded),
            Minutes.id.notin_(signed),
        )
    ):
        if user.id in (minutes.signers or []):
            to_sign.setdefault(minutes.institution_id, []).append(minutes)
    for iid, rows in to_sign.items():
        values = {"institution_id": iid, "meeting_id": rows[0].meeting_id}
        found.append((iid, "sign", len(rows), "governance.minutes", values))
    supervised = sorted(
        set(
            db.session.scalars(
                select(Seat.institution_id)
                .join(Body)
                .where(Seat.user_id == user.id, Body.kind == BodyKind.SUPERVISORS)
            )
        )
    )
    if supervised:
        for iid, n in _count_by_institution(
            select(Resolution.institution_id, func.count())
            .where(Resolution.institution_id.in_(supervised), Resolution.passed_at >= since)
            .group_by(Resolution.institution_id)
        ):
            found.append((iid, "review", n, "governance.resolutions", {"institution_id": iid}))
    sponsor_ids = sorted(
        {m.sponsor_id for m in memberships if m.role == Role.SPONSOR and m.sponsor_id}
    )
    if sponsor_ids:
        theirs = select(Institution.id).where(Institution.sponsor_id.in_(sponsor_ids))
        for iid, n in _count_by_institution(
            select(Resolution.institution_id, func.count())
            .where(Resolution.institution_id.in_(theirs), Resolution.passed_at >= since)
            .group_by(Resolution.institution_id)
        ):
            found.append((iid, "filed", n, "governance.resolutions", {"institution_id": iid}))
        for iid, n in _count_by_institution(
            select(SupervisoryOpinion.institution_id, func.count())
            .where(
                SupervisoryOpinion.institution_id.in_(theirs),
                SupervisoryOpinion.kind == "objection",
                SupervisoryOpinion.created_at >= since,
            )
            .group_by(SupervisoryOpinion.institution_id)
        ):
            found.append((iid, "objections", n, "governance.index", {"institution_id": iid}))
    names = {i: inst.name for i, inst in institutions_by_id(row[0] for row in found).items()}
    return [
        Task(msg(_TASK_LABELS[key], i=names.get(iid, "")), n, endpoint, values)
        for iid, key, n, endpoint, values in found
    ]


# --- loading records of an institution -------------------------------------------------------


def meeting_of(institution_id: int, meeting_id: int) -> Meeting | None:
    """Return the institution's meeting, or None (another institution's is None too)."""
    return db.session.scalar(
        select(Meeting).where(Meeting.id == meeting_id, Meeting.institution_id == institution_id)
    )


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


def motion_of(institution_id: int, motion_id: int) -> Motion | None:
    """Return the institution's motion with its meeting, or None."""
    return db.session.scalar(
        _motion_statement(), {"motion_id": motion_id, "institution_id": institution_id}
    )


def users_by_id(user_ids: Iterable[int | None]) -> dict[int, User]:
    ids = sorted({i for i in user_ids if i is not None})
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


@cache
def _names_statement():
    return select(User.id, User.full_name).where(User.id.in_(bindparam("ids", expanding=True)))


def names_by_id(user_ids: Iterable[int | None]) -> dict[int, str]:
    """Return {user id: full name} for the given ids, in one query."""
    ids = sorted({i for i in user_ids if i is not None})
    if not ids:
        return {}
    rows = db.session.execute(_names_statement(), {"ids": ids})
    return {user_id: name for user_id, name in rows}
