"""DOMAIN.md §1 "Notice and timing": notice periods, voting not before the start, overdue
written votes closed when read."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.extensions import db
from core.models import utcnow
from institutions.governance.meetings import operations as meeting_ops
from institutions.governance.minutes import operations as minutes_ops
from institutions.governance.models import GovernanceError, MeetingKind, MeetingMode, MotionStatus
from institutions.governance.motions import operations as motion_ops
from tests.governance_db.helpers import T0, convene, make_council, motion_on, vote_all


def refused(message: str):
    return pytest.raises(GovernanceError, match=message)


def test_voting_at_a_meeting_opens_no_earlier_than_its_start(app):
    council = make_council(5)
    meeting = convene(council, scheduled_at=T0 + timedelta(hours=2))
    motion = motion_on(meeting)
    with refused("会议尚未开始（2026-03-02 12:00），不能开始表决"):
        motion_ops.open_voting(motion, now=T0)
    motion_ops.open_voting(motion, now=T0 + timedelta(hours=2))
    assert motion.status == MotionStatus.OPEN


def test_notice_periods_for_regular_and_special_meetings(app):
    council = make_council(5)
    special = convene(council, scheduled_at=T0 + timedelta(days=1))
    warnings = meeting_ops.send_notice(special, now=T0)
    assert warnings == [
        "临时会议应提前 3 天通知，本次仅提前 1 天；除非全体理事书面同意豁免，会议通知期限不足"
    ]
    meeting_ops.record_notice_waiver(special, "全体理事于 3 月 1 日书面同意豁免通知期限")
    assert meeting_ops.send_notice(special, now=T0) == []
    assert (
        meeting_ops.send_notice(convene(council, scheduled_at=T0 + timedelta(days=3)), now=T0) == []
    )
    regular = convene(council, kind=MeetingKind.REGULAR, scheduled_at=T0 + timedelta(days=4))
    assert meeting_ops.send_notice(regular, now=T0) == ["定期会议应提前 10 天通知，本次仅提前 4 天"]
    with refused("只有临时会议可以"):
        meeting_ops.record_notice_waiver(regular, "同意")
    late = meeting_ops.send_notice(convene(council, scheduled_at=T0), now=T0 + timedelta(minutes=1))
    assert late == [
        "临时会议应提前 3 天通知，本次仅提前 0 天；除非全体理事书面同意豁免，会议通知期限不足"
    ]


def test_an_overdue_written_vote_is_closed_when_its_page_is_read(client, login_as, app):
    council = make_council(3)
    now = utcnow()
    meeting = convene(council, mode=MeetingMode.WRITTEN, scheduled_at=now - timedelta(days=5))
    motion = motion_on(meeting)
    motion_ops.open_voting(motion, now=now - timedelta(days=5), deadline=now - timedelta(hours=1))
    vote_all(motion, council.members[:2], "yes", now=now - timedelta(days=4))
    db.session.commit()
    login_as(council.members[2])
    base = f"/governance/{council.institution.id}"
    page = client.get(f"{base}/motions/{motion.id}")
    assert page.status_code == 200
    db.session.expire_all()
    assert motion.status == MotionStatus.PASSED
    assert motion.resolution is not None
    assert "通过" in page.get_data(as_text=True)


def test_a_meeting_held_and_concluded_today_is_past_not_upcoming(client, login_as, app):
    council = make_council(3)
    now = utcnow()
    held = convene(council, scheduled_at=now - timedelta(minutes=30))
    held.title = "今天上午已开完的会议"
    later = convene(council, scheduled_at=now + timedelta(days=2))
    later.title = "后天的会议"
    motion = motion_on(held)
    motion_ops.open_voting(motion, now=now - timedelta(minutes=20))
    for member in council.members:
        motion_ops.cast_ballot(motion, member, "yes", now=now - timedelta(minutes=15))
    motion_ops.close_motion(motion, now=now - timedelta(minutes=10))
    minutes_ops.draft_minutes(held, now=now - timedelta(minutes=5))
    db.session.commit()
    login_as(council.chair)
    html = client.get(f"/governance/{council.institution.id}/").get_data(as_text=True)
    upcoming, past = html.split('id="past-title"', 1)
    upcoming = upcoming.split('id="upcoming-title"', 1)[1]
    assert "后天的会议" in upcoming and "今天上午已开完的会议" not in upcoming
    assert "今天上午已开完的会议" in past
