"""Builders for governance tests: a seated council, a meeting, an open motion.

Plain functions rather than fixtures, so each test shows what it builds. Everything is
flushed, not committed; the suite's per-test transaction rolls it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from core.auth.models import User
from core.roles import Role
from institutions.governance.council import operations as council_ops
from institutions.governance.meetings import operations as meeting_ops
from institutions.governance.models import (
    BodyKind,
    CalledBy,
    Constituency,
    Meeting,
    MeetingKind,
    MeetingMode,
    Motion,
    Office,
    Presence,
)
from institutions.governance.motions import operations as motion_ops
from institutions.models import Institution
from tests import factories

#: 10:00 on 2 March 2026 in Chengdu.
T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
TERM_START = date(2025, 9, 1)
TERM_END = date(2029, 8, 31)


@dataclass
class Council:
    institution: Institution
    #: members[0] is the chair, members[1] the secretary
    members: list[User]
    supervisor: User
    head: User
    others: dict[str, User] = field(default_factory=dict)

    @property
    def chair(self) -> User:
        return self.members[0]

    @property
    def secretary(self) -> User:
        return self.members[1]


def make_council(
    size: int = 7, *, institution: Institution | None = None, charter: dict | None = None
) -> Council:
    """Seat a council of ``size`` members (outside members a majority), a supervisor, a head."""
    institution = institution or factories.create_institution()
    if charter is not None:
        council_ops.save_charter(institution.id, charter)
    members = []
    for i in range(size):
        role = Role.COUNCIL_CHAIR if i == 0 else Role.COUNCIL_MEMBER
        user = factories.create_user(role, institution=institution, full_name=f"理事{i}号")
        office = Office.CHAIR if i == 0 else Office.SECRETARY if i == 1 else Office.MEMBER
        constituency = Constituency.STAFF if i in (1, 2) else Constituency.SPONSOR
        council_ops.seat_member(
            institution.id,
            user,
            body=BodyKind.COUNCIL,
            office=office,
            constituency=constituency,
            term_start_on=TERM_START,
            term_end_on=TERM_END,
        )
        members.append(user)
    supervisor = factories.create_user(Role.SUPERVISOR, institution=institution, full_name="监事甲")
    council_ops.seat_member(
        institution.id,
        supervisor,
        body=BodyKind.SUPERVISORS,
        office=Office.SUPERVISOR,
        constituency=Constituency.STAFF,
        term_start_on=TERM_START,
    )
    head = factories.create_user(
        Role.INSTITUTION_ADMIN, institution=institution, full_name="校长乙"
    )
    council_ops.seat_member(
        institution.id, head, body=BodyKind.MANAGEMENT, office=Office.HEAD, term_start_on=TERM_START
    )
    return Council(institution, members, supervisor, head)


def convene(
    council: Council,
    *,
    mode: MeetingMode = MeetingMode.VIDEO,
    absent: tuple[int, ...] = (),
    proxies: dict[int, int] | None = None,
    scheduled_at: datetime = T0,
    kind: MeetingKind = MeetingKind.SPECIAL,
) -> Meeting:
    """Hold a meeting: members present except the ``absent`` indexes (proxies by index)."""
    meeting = meeting_ops.create_meeting(
        council.institution.id,
        title="理事会会议",
        kind=kind,
        called_by=CalledBy.CHAIR,
        mode=mode,
        scheduled_at=scheduled_at,
        place="会议室",
        actor=council.secretary,
    )
    if mode is MeetingMode.WRITTEN:
        return meeting
    proxies = proxies or {}
    for i, member in enumerate(council.members):
        if i not in absent:
            meeting_ops.record_attendance(meeting, member, Presence.VIDEO)
    for i in absent:
        holder = council.members[proxies[i]] if i in proxies else None
        meeting_ops.record_attendance(
            meeting,
            council.members[i],
            Presence.ABSENT,
            proxy_to=holder,
            proxy_instruction="全部议案投同意票" if holder else None,
        )
    return meeting


def motion_on(meeting: Meeting, **fields) -> Motion:
    fields.setdefault("title", "关于修订考勤办法的议案")
    fields.setdefault("text", "同意修订后的考勤办法。")
    return motion_ops.add_motion(meeting, **fields)


def open_motion(council: Council, *, now: datetime = T0, **fields) -> Motion:
    """Convene a video meeting with everyone present and open the vote on one motion."""
    motion = motion_on(convene(council), **fields)
    motion_ops.open_voting(motion, actor=council.chair, now=now)
    return motion


def vote_all(motion: Motion, members: list[User], choice: str, *, now: datetime = T0) -> None:
    for member in members:
        motion_ops.cast_ballot(motion, member, choice, now=now + timedelta(minutes=1))
