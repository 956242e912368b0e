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

from core.auth.models import Membership
from core.extensions import db
from core.i18n import N_, Msg, msg
from core.ids import CHINA_TZ
from core.models import utcnow
from core.roles import Role
from institutions.governance import chain, composition, conflicts
from institutions.governance.charter import Charter
from institutions.governance.models import (
    Attendance,
    Ballot,
    Body,
    BodyKind,
    ChainHead,
    CharterSettings,
    DecisionFailure,
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
    Relation,
    Resolution,
    Seat,
    SupervisoryOpinion,
)
from institutions.governance.tally import Choice, MotionCategory, Outcome, Status, tally
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


def charter_is_set_up(institution_id: int) -> bool:
    """Return whether the institution's charter settings were recorded (else: the defaults)."""
    return (
        db.session.scalar(
            select(CharterSettings.id).where(CharterSettings.institution_id == institution_id)
        )
        is not None
    )


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


def composition_warnings(institution_id: int, on: date) -> list[Msg]:
    """Return the composition rules the institution's bodies break on ``on``, as messages."""
    institution = db.session.get(Institution, institution_id)
    seats = db.session.scalars(
        select(Seat).where(Seat.institution_id == institution_id).order_by(Seat.id)
    ).unique()
    infos = [
        composition.SeatInfo(
            member_id=s.user_id,
            name=s.user.full_name,
            body=s.body.kind,
            office=s.office,
            constituency=s.constituency,
            term_start_on=s.term_start_on,
            term_end_on=s.term_end_on,
        )
        for s in seats
    ]
    relatives = {
        member_id: [
            item["name"]
            for item in declaration.items
            if item.get("relation") == Relation.NEAR_RELATIVE
        ]
        for member_id, declaration in latest_declarations(institution_id).items()
    }
    finance = db.session.scalars(
        select(Membership.user_id).where(
            Membership.institution_id == institution_id,
            Membership.role == Role.FINANCE_OFFICER,
        )
    )
    return composition.composition_warnings(
        institution_kind=institution.kind if institution else "",
        seats=infos,
        near_relatives=relatives,
        finance_officer_ids=list(finance),
        today=on,
    )


# --- meetings, motions and the tally ---------------------------------------------------------


def notice_recipients(meeting: Meeting) -> list[Seat]:
    """Return the seats a meeting notice goes to: council members and supervisors."""
    seats = active_seats(meeting.institution_id, meeting_day(meeting))
    kinds = (BodyKind.COUNCIL, BodyKind.SUPERVISORS)
    return [seat for seat in seats if seat.body.kind in kinds]


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


def compute_outcome(
    motion: Motion,
    *,
    ballots: dict[int, Ballot] | None = None,
    attendance: list[Attendance] | None = None,
    recused: set[int] | None = None,
    charter: Charter | None = None,
) -> Outcome:
    """Return the tally of the motion as it stands (its latest ballots, attendance, recusals).

    A page that has already loaded the ballots, attendance, recusals or charter passes them.
    """
    meeting = motion.meeting
    present, proxies = present_and_proxies(meeting, attendance)
    latest = latest_ballots(motion) if ballots is None else ballots
    return tally(
        motion_charter(motion) if charter is None else charter,
        category=MotionCategory(motion.category),
        seated=electorate(motion),
        present=present,
        proxies=proxies,
        recused=recused_ids(motion) if recused is None else recused,
        ballots={member: Choice(b.choice) for member, b in latest.items()},
        chair_id=motion.chair_id
        if motion.electorate is not None
        else chair_id(motion.institution_id, local_date(utcnow())),
        written=meeting.is_written,
    )


#: The motion status each tally result is recorded as.
DECIDED_STATUS = {
    Status.PASSED: MotionStatus.PASSED,
    Status.REJECTED: MotionStatus.REJECTED,
    Status.REFERRED: MotionStatus.REFERRED,
    Status.NO_QUORUM: MotionStatus.CLOSED,
}


def recount(motion: Motion) -> Outcome:
    """Recount a decided motion from its chained ballots, as it was tallied at the close.

    Uses the charter and electorate fixed when voting opened and the attendance, proxies and
    recusals recorded at the close (``outcome["basis"]``; motions closed before that was
    kept fall back to the meeting's recorded attendance and the motion's recusals). Ballots
    cast after the close (which the close refuses) are not counted.
    """
    basis = (motion.outcome or {}).get("basis")
    if basis is not None:
        present = set(basis["present"])
        proxies = {absent: holder for absent, holder in basis["proxies"]}
        recused = set(basis["recused"])
    else:
        present, proxies = present_and_proxies(motion.meeting)
        recused = recused_ids(motion)
    latest: dict[int, Ballot] = {}
    for ballot in ballot_history(motion):
        if motion.closed_at is None or ballot.cast_at <= motion.closed_at:
            latest[ballot.counted_member_id] = ballot
    return tally(
        motion_charter(motion),
        category=MotionCategory(motion.category),
        seated=electorate(motion),
        present=present,
        proxies=proxies,
        recused=recused,
        ballots={member: Choice(b.choice) for member, b in latest.items()},
        chair_id=motion.chair_id,
        written=motion.meeting.is_written,
    )


@dataclass(frozen=True)
class OutcomeCheck:
    institution_id: int
    motions: int
    #: (motion id, what differs), one per motion whose record disagrees with its recount
    problems: tuple[tuple[int, str], ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_outcomes(institution_id: int) -> OutcomeCheck:
    """Recount every decided motion of the institution and compare with what is stored."""
    motions = list(
        db.session.scalars(
            select(Motion)
            .where(
                Motion.institution_id == institution_id,
                Motion.status.notin_((MotionStatus.DRAFT, MotionStatus.OPEN)),
            )
            .order_by(Motion.id)
            # what the database holds now, not what this session read before
            .execution_options(populate_existing=True)
        )
    )
    resolutions = {
        r.motion_id: r
        for r in db.session.scalars(
            select(Resolution)
            .where(Resolution.institution_id == institution_id)
            .execution_options(populate_existing=True)
        )
    }
    problems = []
    for motion in motions:
        outcome = recount(motion)
        stored = motion.outcome or {}
        found = []
        expected = DECIDED_STATUS[outcome.status]
        if motion.status != expected:
            found.append(f"记录为「{motion.status_label}」，按表决票复核应为「{expected.label}」")
        counts = (outcome.yes, outcome.no, outcome.abstain)
        kept = (stored.get("yes"), stored.get("no"), stored.get("abstain"))
        if counts != kept:
            found.append(
                f"记录的票数（同意 {kept[0]}、反对 {kept[1]}、弃权 {kept[2]}）与表决票复核"
                f"（同意 {counts[0]}、反对 {counts[1]}、弃权 {counts[2]}）不符"
            )
        if stored.get("status") != outcome.status.value:
            found.append("记录的表决结果与复核结果不符")
        has_resolution = motion.id in resolutions
        if outcome.passed and not has_resolution:
            found.append("议案通过但没有决议")
        if has_resolution and not outcome.passed:
            found.append(f"议案未通过却有决议 {resolutions[motion.id].document_number}")
        if found:
            problems.append(
                (motion.id, f"议案 #{motion.id}「{motion.title}」：" + "；".join(found))
            )
    return OutcomeCheck(institution_id, len(motions), tuple(problems))


def chain_head(institution_id: int) -> ChainHead | None:
    """Return the newest link of the institution's chain (printed on official documents)."""
    return db.session.get(ChainHead, institution_id)


def results_visible(motion: Motion, charter: Charter | None = None) -> bool:
    """Return whether the tally of the motion may be shown (to anyone) now.

    A decided motion's results are always visible; an open one's only if the charter does not
    hide results until the close; a draft has none.
    """
    status = MotionStatus(motion.status)
    if status.is_decided:
        return True
    if status is MotionStatus.OPEN:
        charter = motion_charter(motion) if charter is None else charter
        return not charter.results_hidden_until_close
    return False


def visible_ballots(motion: Motion, viewer_id: int) -> dict[int, Ballot]:
    """Return the latest ballots the viewer may see: all, or while hidden their own only.

    "Their own" is the viewer's vote and any vote they cast as a proxy.
    """
    latest = latest_ballots(motion)
    if results_visible(motion):
        return latest
    return {
        member: ballot
        for member, ballot in latest.items()
        if member == viewer_id or ballot.member_id == viewer_id
    }


@dataclass(frozen=True)
class MeetingQuorum:
    """The live quorum of a meeting, before any item's recusals."""

    seated: int
    present: int
    represented: int
    attending: int
    required: int
    met: bool
    proxy_counts: bool


def meeting_quorum(meeting: Meeting) -> MeetingQuorum:
    """Return how many seated members attend the meeting and whether that makes a quorum.

    For a written vote, the quorum is the returned ballots, counted per item instead.
    """
    on = meeting_day(meeting)
    charter = charter_for(meeting.institution_id)
    seated = seated_member_ids(meeting.institution_id, on)
    present, proxies = ({}, {}) if meeting.is_written else present_and_proxies(meeting)
    outcome = tally(
        charter,
        category=MotionCategory.ORDINARY,
        seated=seated,
        present=present,
        proxies=proxies,
        recused=(),
        ballots={},
        written=meeting.is_written,
    )
    return MeetingQuorum(
        seated=len(seated),
        present=len(set(present) & set(seated)),
        represented=outcome.represented,
        attending=outcome.attending,
        required=outcome.quorum_required,
        met=outcome.quorum_met,
        proxy_counts=charter.proxy_counts_toward_quorum,
    )


def ballot_refusal(
    motion: Motion,
    voter_id: int,
    for_member_id: int | None,
    now: datetime,
    *,
    attendance: list[Attendance] | None = None,
    recused: set[int] | None = None,
) -> str | None:
    """Return why ``voter_id`` may not vote on the motion now (for a member, if given), or None.

    A page that has the meeting's attendance rows and the recused members passes them.
    """
    status = MotionStatus(motion.status)
    if status is MotionStatus.DRAFT:
        return "议案尚未开始表决"
    if status.is_decided:
        return "议案表决已结束"
    meeting = motion.meeting
    if meeting.is_written and motion.vote_deadline_at and now > motion.vote_deadline_at:
        return "通讯表决已截止"
    voters = set(electorate(motion))
    today = local_date(now)
    if voter_id not in voters:
        if holds_seat(voter_id, motion.institution_id, BodyKind.SUPERVISORS, today):
            return "监事列席理事会会议，不参加表决"
        return "你不是该单位理事会的在任理事，不能表决"
    if recused is None:
        recused = recused_ids(motion)
    if voter_id in recused:
        return "你已对本议案回避，不能表决"
    rows = {
        row.member_id: row for row in (attendance_of(meeting) if attendance is None else attendance)
    }
    if meeting.is_written:
        if for_member_id is not None and for_member_id != voter_id:
            return "通讯表决不适用委托，每位理事本人表决"
        return None
    voter_row = rows.get(voter_id)
    if voter_row is None or not voter_row.is_present:
        return "你未登记出席本次会议，不能表决（不能出席的理事可以书面委托出席的理事代为表决）"
    if for_member_id is None or for_member_id == voter_id:
        return None
    if for_member_id not in voters:
        return "被代理人不是在任理事"
    absent_row = rows.get(for_member_id)
    if absent_row is None or absent_row.proxy_to_id != voter_id or absent_row.is_present:
        return "该理事未委托你代为表决"
    if for_member_id in recused:
        return "委托人已对本议案回避，不能代为表决"
    return None


@dataclass(frozen=True)
class AwaitingVote:
    """A motion a user may vote on and has not yet: for themselves, or as someone's proxy."""

    motion: Motion
    #: None: the user's own vote; else the absent member whose proxy the user holds
    for_member_id: int | None


def awaiting_my_vote(user: Any, now: datetime | None = None) -> list[AwaitingVote]:
    """Return the open motions awaiting the user's vote, oldest meeting first."""
    now = now or utcnow()
    institution_ids = set(
        db.session.scalars(
            select(Seat.institution_id)
            .join(Body)
            .where(Seat.user_id == user.id, Body.kind == BodyKind.COUNCIL)
        )
    )
    if not institution_ids:
        return []
    motions = db.session.scalars(
        select(Motion)
        .join(Meeting)
        .where(
            Motion.institution_id.in_(sorted(institution_ids)),
            Motion.status == MotionStatus.OPEN,
        )
        .order_by(Meeting.scheduled_at, Motion.position)
    )
    waiting = []
    for motion in motions:
        if user.id not in (motion.electorate or []):
            continue
        latest = latest_ballots(motion)
        if user.id not in latest and ballot_refusal(motion, user.id, None, now) is None:
            waiting.append(AwaitingVote(motion, None))
        if motion.meeting.is_written:
            continue
        for row in attendance_of(motion.meeting):
            if (
                row.proxy_to_id == user.id
                and row.member_id not in latest
                and ballot_refusal(motion, user.id, row.member_id, now) is None
            ):
                waiting.append(AwaitingVote(motion, row.member_id))
    return waiting


#: words of a written proxy instruction naming each choice
_INSTRUCTION_WORDS = {
    Choice.YES: ("同意", "赞成"),
    Choice.NO: ("反对",),
    Choice.ABSTAIN: ("弃权",),
}


def instructed_choice(instruction: str | None) -> Choice | None:
    """Return the one choice a written proxy instruction names, or None if it names none or
    several (item by item: the holder reads it, the app cannot tell)."""
    text = instruction or ""
    named = [
        choice for choice, words in _INSTRUCTION_WORDS.items() if any(w in text for w in words)
    ]
    return named[0] if len(named) == 1 else None


def proxy_contradicts_instruction(motion: Motion, member_id: int, choice: Choice | str) -> bool:
    """Return whether a proxy ballot for ``member_id`` goes against their written instruction."""
    row = next((r for r in attendance_of(motion.meeting) if r.member_id == member_id), None)
    instructed = instructed_choice(row.proxy_instruction if row else None)
    return instructed is not None and instructed != Choice(choice)


def proposed_recusals(motion: Motion, *, recused: set[int] | None = None) -> dict[int, list[str]]:
    """Return {member: matched counterparties} from declarations, for members not yet recused.

    ``recused``: the members already recused, if the caller has them.
    """
    declared = {
        member_id: [item["name"] for item in declaration.items]
        for member_id, declaration in latest_declarations(motion.institution_id).items()
        if member_id in set(electorate(motion))
    }
    already = recused_ids(motion) if recused is None else recused
    proposals = conflicts.propose_recusals(motion.counterparties or [], declared)
    return {member: names for member, names in proposals.items() if member not in already}


def due_written_motions(
    now: datetime, *, institution_id: int | None = None, meeting_id: int | None = None
) -> list[Motion]:
    """Return the open written-vote motions whose deadline has passed (of one institution or
    meeting, if given)."""
    stmt = (
        select(Motion)
        .join(Meeting)
        .where(
            Motion.status == MotionStatus.OPEN,
            Meeting.mode == MeetingMode.WRITTEN,
            Motion.vote_deadline_at <= now,
        )
        .order_by(Motion.vote_deadline_at, Motion.id)
    )
    if institution_id is not None:
        stmt = stmt.where(Motion.institution_id == institution_id)
    if meeting_id is not None:
        stmt = stmt.where(Motion.meeting_id == meeting_id)
    return list(db.session.scalars(stmt))


def motions_to_remind(now: datetime, until: datetime) -> list[Motion]:
    """Return the open written votes due by ``until`` whose members were not reminded yet."""
    return list(
        db.session.scalars(
            select(Motion)
            .join(Meeting)
            .where(
                Motion.status == MotionStatus.OPEN,
                Meeting.mode == MeetingMode.WRITTEN,
                Motion.vote_deadline_at > now,
                Motion.vote_deadline_at <= until,
                Motion.reminded_at.is_(None),
            )
            .order_by(Motion.vote_deadline_at, Motion.id)
        )
    )


#: DOMAIN.md §1: a special meeting's notice goes out at least this many days before.
SPECIAL_NOTICE_DAYS = 3


def required_notice_days(meeting: Meeting, charter: Charter | None = None) -> int:
    """Return the days of notice the meeting needs: the charter's for a regular meeting."""
    if meeting.kind == "special":
        return SPECIAL_NOTICE_DAYS
    return (charter or charter_for(meeting.institution_id)).notice_days


def current_minutes(meeting: Meeting) -> Minutes | None:
    """Return the latest version of the meeting's minutes."""
    return db.session.scalar(
        select(Minutes).where(Minutes.meeting_id == meeting.id).order_by(Minutes.version.desc())
    )


def is_superseded(minutes: Minutes) -> bool:
    return (
        db.session.scalar(select(Minutes.id).where(Minutes.supersedes_id == minutes.id)) is not None
    )


def resolutions_of(institution_id: int, year: int | None = None) -> list[Resolution]:
    stmt = select(Resolution).where(Resolution.institution_id == institution_id)
    if year is not None:
        stmt = stmt.where(Resolution.year == year)
    return list(db.session.scalars(stmt.order_by(Resolution.year, Resolution.number)))


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


def decision_failures(motion: Motion) -> list[DecisionFailure]:
    """Return the followers of the decided motion that failed, oldest first."""
    return list(
        db.session.scalars(
            select(DecisionFailure)
            .where(DecisionFailure.motion_id == motion.id)
            .order_by(DecisionFailure.id)
        )
    )


def meetings_for_proposals(institution_id: int) -> list[Meeting]:
    """Return the meetings a charter change can go to: held in person or by video, not over."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.institution_id == institution_id,
                Meeting.status != MeetingStatus.CONCLUDED,
                Meeting.mode != MeetingMode.WRITTEN,
            )
            .order_by(Meeting.scheduled_at)
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
