"""Motion reads: the tally and its recount, who may vote and whose results are visible,
proxies' instructions, proposed recusals, what awaits a vote, written votes due and to remind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from core.extensions import db
from core.i18n import Msg, msg
from core.models import utcnow
from institutions.governance import conflicts
from institutions.governance.charter import Charter
from institutions.governance.models import (
    Attendance,
    Ballot,
    Body,
    BodyKind,
    DecisionFailure,
    Meeting,
    MeetingMode,
    Motion,
    MotionStatus,
    Resolution,
    Seat,
)
from institutions.governance.queries import (
    attendance_of,
    ballot_history,
    chair_id,
    electorate,
    holds_seat,
    latest_ballots,
    latest_declarations,
    local_date,
    motion_charter,
    present_and_proxies,
    recused_ids,
)
from institutions.governance.tally import Choice, MotionCategory, Outcome, Status, tally


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


def ballot_refusal(
    motion: Motion,
    voter_id: int,
    for_member_id: int | None,
    now: datetime,
    *,
    attendance: list[Attendance] | None = None,
    recused: set[int] | None = None,
) -> Msg | None:
    """Return why ``voter_id`` may not vote on the motion now (for a member, if given), or None.

    A page that has the meeting's attendance rows and the recused members passes them.
    """
    status = MotionStatus(motion.status)
    if status is MotionStatus.DRAFT:
        return msg("议案尚未开始表决")
    if status.is_decided:
        return msg("议案表决已结束")
    meeting = motion.meeting
    if meeting.is_written and motion.vote_deadline_at and now > motion.vote_deadline_at:
        return msg("通讯表决已截止")
    voters = set(electorate(motion))
    today = local_date(now)
    if voter_id not in voters:
        if holds_seat(voter_id, motion.institution_id, BodyKind.SUPERVISORS, today):
            return msg("监事列席理事会会议，不参加表决")
        return msg("你不是该单位理事会的在任理事，不能表决")
    if recused is None:
        recused = recused_ids(motion)
    if voter_id in recused:
        return msg("你已对本议案回避，不能表决")
    rows = {
        row.member_id: row for row in (attendance_of(meeting) if attendance is None else attendance)
    }
    if meeting.is_written:
        if for_member_id is not None and for_member_id != voter_id:
            return msg("通讯表决不适用委托，每位理事本人表决")
        return None
    voter_row = rows.get(voter_id)
    if voter_row is None or not voter_row.is_present:
        return msg("你未登记出席本次会议，不能表决（不能出席的理事可以书面委托出席的理事代为表决）")
    if for_member_id is None or for_member_id == voter_id:
        return None
    if for_member_id not in voters:
        return msg("被代理人不是在任理事")
    absent_row = rows.get(for_member_id)
    if absent_row is None or absent_row.proxy_to_id != voter_id or absent_row.is_present:
        return msg("该理事未委托你代为表决")
    if for_member_id in recused:
        return msg("委托人已对本议案回避，不能代为表决")
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


def decision_failures(motion: Motion) -> list[DecisionFailure]:
    """Return the followers of the decided motion that failed, oldest first."""
    return list(
        db.session.scalars(
            select(DecisionFailure)
            .where(DecisionFailure.motion_id == motion.id)
            .order_by(DecisionFailure.id)
        )
    )
