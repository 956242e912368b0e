"""Motion subjects: the registry, refusal of another institution's object, charter changes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from institutions.governance import charter_changes, queries, subjects
from institutions.governance.models import GovernanceError, MeetingMode, MotionStatus
from institutions.governance.motions import operations as motion_ops
from institutions.governance.motions import queries as motion_queries
from institutions.governance.tally import MotionCategory, MotionKind
from tests.governance_db.helpers import T0, convene, make_council, vote_all


def refused(message: str):
    return pytest.raises(GovernanceError, match=message)


def test_the_charter_change_is_a_registered_subject(app):
    kinds = subjects.registered()
    assert kinds["governance.charter"] is charter_changes.SUBJECT
    assert kinds["governance.charter"].owner == "institutions.governance"


def test_a_subject_of_another_institution_is_refused(app):
    ours, theirs = make_council(5), make_council(5)
    their_motion = charter_changes.propose_charter_change(
        theirs.institution.id, {"notice_days": 7}, meeting=convene(theirs)
    )
    their_proposal = their_motion.subject_id
    meeting = convene(ours)
    with refused("本单位没有该章程修改"):
        subjects.propose_motion(
            "governance.charter",
            ours.institution.id,
            their_proposal,
            meeting=meeting,
            title="关于修改章程设置的议案",
            text="照抄",
        )
    with refused("本单位没有该章程修改"):
        motion_ops.add_motion(
            meeting,
            title="绕过登记",
            text="直接写入",
            subject_kind="governance.charter",
            subject_id=their_proposal,
        )
    with refused("会议不属于本单位"):
        subjects.propose_motion(
            "governance.charter",
            theirs.institution.id,
            their_proposal,
            meeting=meeting,
            title="关于修改章程设置的议案",
            text="跨单位",
        )
    with refused("未知的议案事项类型"):
        subjects.resolve("hr.nothing", ours.institution.id, 1)


def test_a_passed_charter_change_applies_the_settings_and_a_rejected_one_does_not(app):
    council = make_council(6)
    institution_id = council.institution.id
    meeting = convene(council)
    passed = charter_changes.propose_charter_change(
        institution_id, {"large_sum_threshold": "50000"}, meeting=meeting, actor=council.secretary
    )
    rejected = charter_changes.propose_charter_change(
        institution_id, {"notice_days": 3}, meeting=meeting, actor=council.secretary
    )
    assert passed.kind == MotionKind.CHARTER and passed.category == MotionCategory.MAJOR
    assert "大额资金标准：由「100000」改为「50000」" in passed.text
    assert subjects.describe(passed).label.startswith("章程设置修改提案")
    assert [m.id for _, m in charter_changes.pending_proposals(institution_id)] == [
        rejected.id,
        passed.id,
    ]
    for motion, choice in ((passed, "yes"), (rejected, "no")):
        motion_ops.open_voting(motion, now=T0)
        vote_all(motion, council.members, choice)
        motion_ops.close_motion(motion, now=T0 + timedelta(hours=1))
    assert passed.status == MotionStatus.PASSED and rejected.status == MotionStatus.REJECTED
    charter = queries.charter_for(institution_id)
    assert str(charter.large_sum_threshold) == "50000"
    assert charter.notice_days == 10
    assert charter_changes.pending_proposals(institution_id) == []
    assert motion_queries.decision_failures(passed) == []


def test_a_charter_change_cannot_go_to_a_written_vote_or_change_nothing(app):
    council = make_council(5)
    with refused("章程修改不能通讯表决"):
        charter_changes.propose_charter_change(
            council.institution.id,
            {"notice_days": 5},
            meeting=convene(council, mode=MeetingMode.WRITTEN),
        )
    with refused("与现行设置相同"):
        charter_changes.propose_charter_change(council.institution.id, {}, meeting=convene(council))
