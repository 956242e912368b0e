"""Who may use the meetings, motions and voting routes (merged into the permission matrix).

Voting and recusing oneself need governance viewing rights here; whether the person may
actually vote is decided by their seat (a refusal is a 422, which the matrix accepts).
"""

from core.extensions import db
from institutions.governance import queries
from institutions.governance.meetings import operations as meeting_ops
from institutions.governance.models import CalledBy, MeetingKind, MeetingMode
from institutions.governance.motions import operations as motion_ops
from tests.access import CITY, SIGNED_IN, Access
from tests.governance_db.helpers import T0, make_council

GOVERNANCE_READ = CITY | {
    "sponsor",
    "institution_admin",
    "council_chair",
    "council_secretary",
    "council_member",
    "supervisor",
}
GOVERNANCE_WRITE = frozenset(
    {"superuser", "institution_admin", "council_chair", "council_secretary"}
)

ACCESS = {
    "governance.index": Access(GOVERNANCE_READ),
    "governance.my_votes": Access(SIGNED_IN),
    "governance.meeting_new": Access(GOVERNANCE_WRITE, ("GET", "POST")),
    "governance.meeting": Access(GOVERNANCE_READ),
    "governance.meeting_notice": Access(GOVERNANCE_WRITE, ("POST",)),
    "governance.meeting_notice_print": Access(GOVERNANCE_READ),
    "governance.attendance": Access(GOVERNANCE_WRITE, ("POST",)),
    "governance.paper_upload": Access(GOVERNANCE_WRITE, ("POST",)),
    "governance.paper_download": Access(GOVERNANCE_READ),
    "governance.motion_new": Access(GOVERNANCE_WRITE, ("GET", "POST")),
    "governance.motion_edit": Access(GOVERNANCE_WRITE, ("GET", "POST")),
    "governance.motion": Access(GOVERNANCE_READ),
    "governance.motion_open": Access(GOVERNANCE_WRITE, ("POST",)),
    "governance.motion_close": Access(GOVERNANCE_WRITE, ("POST",)),
    "governance.vote": Access(GOVERNANCE_READ, ("POST",)),
    "governance.recuse": Access(GOVERNANCE_READ, ("POST",)),
    "governance.motion_tally_print": Access(GOVERNANCE_READ),
}


def _meeting(institution):
    """Schedule a meeting of the institution's council, seating one first if it has none."""
    if not queries.seated_member_ids(institution.id, T0.date()):
        make_council(5, institution=institution)
    return meeting_ops.create_meeting(
        institution.id,
        title="理事会会议",
        kind=MeetingKind.SPECIAL,
        called_by=CalledBy.CHAIR,
        mode=MeetingMode.VIDEO,
        scheduled_at=T0,
        place="会议室",
    )


# Committed, so that a view rolling back a refused action keeps them.
def _meeting_id(world, institution) -> int:
    meeting = _meeting(institution)
    db.session.commit()
    return meeting.id


def _motion_id(world, institution) -> int:
    motion = motion_ops.add_motion(
        _meeting(institution), title="关于修订考勤办法的议案", text="同意。"
    )
    db.session.commit()
    return motion.id


def _paper_id(world, institution) -> int:
    paper = meeting_ops.add_paper(
        _meeting(institution), filename="议程.pdf", content=b"%PDF-1.4 agenda"
    )
    db.session.commit()
    return paper.id


ARGS = {
    "meeting_id": _meeting_id,
    "motion_id": _motion_id,
    "paper_id": _paper_id,
}
