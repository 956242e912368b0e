"""Who may use the council, charter, minutes and resolution routes (merged into the matrix).

Signing minutes, reporting execution and recording opinions are open to every reader and
refused (422, with a message) by the seat check; the declaration page is for seated members
only, and nobody in the matrix's world holds a seat, so every role gets 403 there.
"""

from __future__ import annotations

from datetime import timedelta

from core.extensions import db
from core.roles import Role
from institutions.governance import queries
from institutions.governance.council import operations as council_ops
from institutions.governance.meetings import operations as meeting_ops
from institutions.governance.models import (
    BodyKind,
    CalledBy,
    Constituency,
    MeetingKind,
    MeetingMode,
    Office,
    Presence,
)
from institutions.governance.motions import operations as motion_ops
from tests import factories
from tests.access import CITY, Access
from tests.governance_db.helpers import T0, TERM_START, make_council

GOVERNANCE_READ = CITY | {
    "sponsor",
    "institution_admin",
    "council_chair",
    "council_secretary",
    "council_member",
    "supervisor",
}
GOVERNANCE_MANAGE = frozenset(
    {"superuser", "institution_admin", "council_chair", "council_secretary"}
)
SEATED_ONLY: frozenset[str] = frozenset()

ACCESS = {
    "governance.council": Access(GOVERNANCE_READ),
    "governance.seat_new": Access(GOVERNANCE_MANAGE, ("GET", "POST")),
    "governance.seat_end": Access(GOVERNANCE_MANAGE, ("POST",)),
    "governance.charter": Access(GOVERNANCE_READ),
    "governance.charter_save": Access(CITY | {"sponsor"}, ("POST",)),
    "governance.charter_propose": Access(GOVERNANCE_MANAGE, ("POST",)),
    "governance.declaration": Access(SEATED_ONLY, ("GET", "POST")),
    "governance.minutes": Access(GOVERNANCE_READ),
    "governance.minutes_print": Access(GOVERNANCE_READ),
    "governance.minutes_draft": Access(GOVERNANCE_MANAGE, ("POST",)),
    "governance.minutes_sign": Access(GOVERNANCE_READ, ("POST",)),
    "governance.minutes_correct": Access(GOVERNANCE_MANAGE, ("POST",)),
    "governance.resolutions": Access(GOVERNANCE_READ),
    "governance.resolutions_export": Access(GOVERNANCE_READ),
    "governance.resolution": Access(GOVERNANCE_READ),
    "governance.resolution_print": Access(GOVERNANCE_READ),
    "governance.execution_new": Access(GOVERNANCE_READ, ("POST",)),
    "governance.opinion_new": Access(GOVERNANCE_READ, ("POST",)),
}


def council_members(institution) -> list:
    """Return the council seated in ``institution`` on T0, seating one if there is none."""
    seats = queries.active_seats(institution.id, queries.local_date(T0), BodyKind.COUNCIL)
    if seats:
        return [seat.user for seat in seats]
    return make_council(3, institution=institution).members


def _seat(world, institution) -> int:
    user = factories.create_user(Role.COUNCIL_MEMBER, institution=institution)
    seat = council_ops.seat_member(
        institution.id,
        user,
        body=BodyKind.COUNCIL,
        office=Office.MEMBER,
        constituency=Constituency.EXPERT,
        term_start_on=TERM_START,
    )
    return seat.id


def meeting_in(institution, *, scheduled_at=T0):
    """Return a video meeting of ``institution``'s council with every member present."""
    members = council_members(institution)
    meeting = meeting_ops.create_meeting(
        institution.id,
        title="理事会会议",
        kind=MeetingKind.SPECIAL,
        called_by=CalledBy.CHAIR,
        mode=MeetingMode.VIDEO,
        scheduled_at=scheduled_at,
        place="会议室",
    )
    for member in members:
        meeting_ops.record_attendance(meeting, member, Presence.VIDEO)
    return meeting


def resolution_in(institution, *, title="关于修订考勤办法的议案"):
    """Return a resolution of ``institution``: a motion passed unanimously at a meeting."""
    meeting = meeting_in(institution)
    motion = motion_ops.add_motion(meeting, title=title, text="同意修订后的考勤办法。")
    motion_ops.open_voting(motion, now=T0)
    for member in council_members(institution):
        motion_ops.cast_ballot(motion, member, "yes", now=T0 + timedelta(minutes=1))
    motion_ops.close_motion(motion, now=T0 + timedelta(hours=1))
    db.session.flush()
    return motion.resolution


def _committed(make):
    """Return an ARGS factory that commits, so a view rolling back a refusal keeps the object."""

    def factory(world, institution) -> int:
        made = make(world, institution)
        db.session.commit()
        return made

    return factory


ARGS = {
    "seat_id": _committed(_seat),
    "meeting_id": _committed(lambda world, institution: meeting_in(institution).id),
    "resolution_id": _committed(lambda world, institution: resolution_in(institution).id),
}
