"""Meeting reads: quorum, the notice period and its recipients, meetings a charter change
can go to, and a meeting's papers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from core.extensions import db
from institutions.governance.charter import Charter
from institutions.governance.models import (
    Ballot,
    BodyKind,
    Meeting,
    MeetingMode,
    MeetingStatus,
    Motion,
    MotionStatus,
    Paper,
    Seat,
)
from institutions.governance.queries import (
    active_seats,
    charter_for,
    meeting_day,
    present_and_proxies,
    seated_member_ids,
)
from institutions.governance.tally import MotionCategory, tally


def notice_recipients(meeting: Meeting) -> list[Seat]:
    """Return the seats a meeting notice goes to: council members and supervisors."""
    seats = active_seats(meeting.institution_id, meeting_day(meeting))
    kinds = (BodyKind.COUNCIL, BodyKind.SUPERVISORS)
    return [seat for seat in seats if seat.body.kind in kinds]


#: DOMAIN.md §1: a special meeting's notice goes out at least this many days before.
SPECIAL_NOTICE_DAYS = 3


def required_notice_days(meeting: Meeting, charter: Charter | None = None) -> int:
    """Return the days of notice the meeting needs: the charter's for a regular meeting."""
    if meeting.kind == "special":
        return SPECIAL_NOTICE_DAYS
    return (charter or charter_for(meeting.institution_id)).notice_days


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


def papers_for(meeting_id: int, motion_id: int) -> list[Paper]:
    """Return a motion's papers and the meeting's general ones, in upload order."""
    return list(
        db.session.scalars(_papers_statement(), {"meeting_id": meeting_id, "motion_id": motion_id})
    )


def paper_of(institution_id: int, paper_id: int) -> Paper | None:
    return db.session.scalar(
        select(Paper).where(Paper.id == paper_id, Paper.institution_id == institution_id)
    )


def upcoming_and_past(
    institution_id: int, local_midnight: datetime, *, past_limit: int
) -> tuple[list[Meeting], list[Meeting]]:
    """Return (meetings ahead, the latest ``past_limit`` past ones) of the institution."""
    mine = select(Meeting).where(Meeting.institution_id == institution_id)
    # a meeting that is over (its minutes drafted) is past, even if it was held today
    ahead = (Meeting.scheduled_at >= local_midnight) & (Meeting.status != MeetingStatus.CONCLUDED)
    upcoming = list(db.session.scalars(mine.where(ahead).order_by(Meeting.scheduled_at)))
    past = list(
        db.session.scalars(
            mine.where(~ahead).order_by(Meeting.scheduled_at.desc()).limit(past_limit)
        )
    )
    return upcoming, past


def open_motions(institution_id: int) -> list[Motion]:
    """Return the institution's motions being voted on, with their meetings."""
    return list(
        db.session.scalars(
            select(Motion)
            .join(Meeting, Motion.meeting_id == Meeting.id)
            .options(contains_eager(Motion.meeting))
            .where(Motion.institution_id == institution_id, Motion.status == MotionStatus.OPEN)
            .order_by(Meeting.scheduled_at, Motion.position)
        )
    )


def voted_in_person(motions: list[Motion], member_id: int) -> set[int]:
    """Return the ids of ``motions`` on which the member cast their own ballot."""
    if not motions:
        return set()
    return set(
        db.session.scalars(
            select(Ballot.motion_id).where(
                Ballot.motion_id.in_([m.id for m in motions]),
                Ballot.member_id == member_id,
                Ballot.by_proxy_for_id.is_(None),
            )
        )
    )


def decided_motions(institution_id: int, *, limit: int) -> list[Motion]:
    """Return the institution's latest decided motions with their resolutions."""
    return list(
        db.session.scalars(
            select(Motion)
            .options(selectinload(Motion.resolution))
            .where(
                Motion.institution_id == institution_id,
                Motion.status.not_in([MotionStatus.DRAFT, MotionStatus.OPEN]),
            )
            .order_by(Motion.closed_at.desc(), Motion.id.desc())
            .limit(limit)
        )
    )
