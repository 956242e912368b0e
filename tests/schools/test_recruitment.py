"""Self-hired teachers: the plan decided by the school council (a motion subject), the
ranked list, offers, and hires through HR's entry within the filed 员额."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from core.extensions import db
from core.ids import china_today, make_citizen_id
from hr.models import Contract, Employment
from hr.staff.operations import StaffError
from institutions.governance import subjects
from institutions.governance.models import GovernanceError
from institutions.governance.motions import operations as motion_ops
from schools.findings import SchoolsRefusal
from schools.recruitment import operations as ops
from schools.recruitment import ranking
from schools.recruitment.models import CandidateStatus, PlanStatus
from tests.factories import add_quota, create_institution
from tests.governance_db.helpers import T0, convene, make_council, vote_all

TODAY = china_today()
PLAN = {
    "subject": "数学",
    "stage": "junior",
    "count": 2,
    "requirements": "本科及以上，具有初中数学教师资格证",
    "pay_low": "90000",
    "pay_high": "120000",
    "weight_written": "30",
    "weight_interview": "30",
    "weight_trial": "40",
}


def cid(n: int) -> str:
    return make_citizen_id("510107", date(1995, 1 + n % 12, 1 + n % 28), n, n % 2 == 0)


@pytest.fixture
def council():
    return make_council(5, institution=create_institution(name="自聘实验学校"))


def _decide(council, plan, choice):
    meeting = convene(council)
    ops.submit_plan(plan, meeting, actor=council.secretary)
    motion = db.session.get(subjects.Motion, plan.motion_id)
    motion_ops.open_voting(motion, now=T0)
    vote_all(motion, council.members, choice)
    motion_ops.close_motion(motion, now=T0 + timedelta(hours=1))
    return motion


def _approved(council, **changes):
    plan = ops.draft_plan(council.institution, {**PLAN, **changes})
    _decide(council, plan, "yes")
    assert plan.status == PlanStatus.APPROVED
    return plan


def test_the_plan_is_a_registered_motion_subject(app):
    kind = subjects.registered()["schools.recruitment_plan"]
    assert kind.owner == "schools"


def test_the_council_decision_moves_the_plan(app, council):
    passed = ops.draft_plan(council.institution, PLAN)
    rejected = ops.draft_plan(council.institution, {**PLAN, "subject": "语文"})
    motion = _decide(council, passed, "yes")
    _decide(council, rejected, "no")
    assert passed.status == PlanStatus.APPROVED
    assert passed.resolution_ref and passed.decided_on
    assert motion.subject_kind == "schools.recruitment_plan"
    assert motion.subject_id == str(passed.id)
    assert subjects.describe(motion).label.startswith("教师招聘计划")
    assert rejected.status == PlanStatus.REJECTED
    with pytest.raises(SchoolsRefusal):
        ops.add_candidate(rejected, {"name": "甲", "citizen_id": cid(1)})
    with pytest.raises(SchoolsRefusal, match="只有草稿状态"):
        ops.submit_plan(passed, convene(council))


def test_a_plan_cannot_be_linked_to_another_schools_motion(app, council):
    theirs = make_council(5, institution=create_institution(name="另一所学校"))
    their_plan = ops.draft_plan(theirs.institution, PLAN)
    meeting = convene(council)
    with pytest.raises(GovernanceError, match="本单位没有该教师招聘计划"):
        subjects.propose_motion(
            "schools.recruitment_plan",
            council.institution.id,
            their_plan.id,
            meeting=meeting,
            title="借用",
            text="跨校",
        )
    with pytest.raises(GovernanceError, match="本单位没有该教师招聘计划"):
        motion_ops.add_motion(
            meeting,
            title="绕过登记",
            text="直接写入",
            subject_kind="schools.recruitment_plan",
            subject_id=str(their_plan.id),
        )
    # submitting their plan to our meeting is refused, and the plan stays a draft
    with pytest.raises(SchoolsRefusal, match="会议不属于本单位"):
        ops.submit_plan(their_plan, meeting)
    assert their_plan.status == PlanStatus.DRAFT and their_plan.motion_id is None


def test_only_an_approved_plan_takes_candidates(app, council):
    plan = ops.draft_plan(council.institution, PLAN)
    with pytest.raises(SchoolsRefusal) as refused:
        ops.add_candidate(plan, {"name": "甲", "citizen_id": cid(1)})
    assert "尚未经理事会批准" in str(refused.value)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weight_trial": "30"}, "weight_trial"),
        ({"count": 0}, "count"),
        ({"pay_high": "80000"}, "pay_high"),
        ({"stage": "college"}, "stage"),
    ],
)
def test_a_bad_plan_is_refused(app, council, changes, field):
    with pytest.raises(SchoolsRefusal) as refused:
        ops.draft_plan(council.institution, {**PLAN, **changes})
    assert field in refused.value.by_field()


def _scored(plan, n, written, interview, trial):
    candidate = ops.add_candidate(plan, {"name": f"考生{n}", "citizen_id": cid(n)})
    return ops.record_scores(
        candidate, {"written": written, "interview": interview, "trial": trial}
    )


def test_the_ranked_list_and_its_tie_rule(app, council):
    plan = _approved(council)
    a = _scored(plan, 1, "80", "80", "80")  # 80.00
    b = _scored(plan, 2, "90", "70", "80")  # 80.00, same trial, lower interview
    c = _scored(plan, 3, "60", "80", "95")  # 18+24+38 = 80.00, best trial
    d = _scored(plan, 4, "99", "", "")  # not ranked
    e = _scored(plan, 5, "80", "80", "80")  # same as a, registered later
    places = ops.ranked(plan)
    assert [(p.rank, cand.id) for p, cand in places] == [
        (1, c.id),
        (2, a.id),
        (3, e.id),
        (4, b.id),
    ]
    assert all(p.total == Decimal("80.00") for p, _ in places)
    assert d.id not in {cand.id for _, cand in places}
    with pytest.raises(SchoolsRefusal):
        ops.record_scores(a, {"written": "101"})


def _hire(candidate, n):
    plan = candidate.plan
    if plan.posted_on is None:
        ops.post_results(plan, {"posted_on": plan.decided_on, "days": 7}, today=TODAY)
    return ops.hire(
        candidate,
        {
            "staff_number": f"ZP{n:03d}",
            "start_on": TODAY,
            "salary_step": 10,
            "contract_end_on": TODAY.replace(year=TODAY.year + 3),
            "probation_months": 2,
        },
        today=TODAY,
    )


def test_a_hire_creates_the_filed_employment_and_a_contract(app, council):
    add_quota(council.institution, kind="filed", change=5)
    plan = _approved(council)
    candidate = ops.offer(_scored(plan, 1, "80", "85", "90"))
    _hire(candidate, 1)
    assert candidate.status == CandidateStatus.HIRED
    employment = db.session.get(Employment, candidate.employment_id)
    assert employment.identity == "filed" and employment.institution_id == plan.institution_id
    contract = db.session.scalar(select(Contract).where(Contract.employment_id == employment.id))
    assert contract.contract_type == "fixed_term" and contract.start_on == TODAY


def test_a_hire_beyond_the_filed_quota_is_refused_with_hrs_message(app, council):
    add_quota(council.institution, kind="filed", change=1)
    plan = _approved(council)
    first = ops.offer(_scored(plan, 1, "80", "85", "90"))
    second = ops.offer(_scored(plan, 2, "70", "75", "80"))
    _hire(first, 1)
    with db.session.begin_nested(), pytest.raises(StaffError) as refused:
        _hire(second, 2)
    message = str(refused.value.by_field()["identity"])
    assert message.startswith("员额（备案制）已满，不能再进人") and "核定 1 名" in message
    assert second.status == CandidateStatus.OFFERED and second.employment_id is None


def test_the_plans_count_caps_offers_and_hires(app, council):
    add_quota(council.institution, kind="filed", change=10)
    plan = _approved(council, count=1)
    first = ops.offer(_scored(plan, 1, "80", "85", "90"))
    second = _scored(plan, 2, "70", "75", "80")
    with pytest.raises(SchoolsRefusal, match="已录满"):
        ops.offer(second)
    _hire(first, 1)
    with pytest.raises(SchoolsRefusal, match="只有已发录用通知"):
        _hire(first, 2)


_score = st.decimals(min_value=0, max_value=100, places=2)
_weight = st.integers(min_value=0, max_value=100)


@given(st.lists(st.tuples(_score, _score, _score), max_size=12), _weight, _weight)
def test_ranking_properties(rows, w1, w2):
    if w1 + w2 > 100:
        w1, w2 = w1 // 2, w2 // 2
    weights = ranking.Weights(Decimal(w1), Decimal(w2), Decimal(100 - w1 - w2))
    assert ranking.weights_problem(weights) is None
    scores = [ranking.Scores(i, *row) for i, row in enumerate(rows)]
    places = ranking.rank(scores, weights)
    assert [p.rank for p in places] == list(range(1, len(rows) + 1))
    assert sorted(p.id for p in places) == list(range(len(rows)))
    totals = [p.total for p in places]
    assert totals == sorted(totals, reverse=True)
    assert all(Decimal(0) <= t <= Decimal(100) for t in totals)


def test_a_candidate_needs_a_valid_id_number_once_per_plan(app, council):
    plan = _approved(council)
    good = cid(3)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")  # wrong check digit
    with pytest.raises(SchoolsRefusal) as refused:
        ops.add_candidate(plan, {"name": "甲", "citizen_id": bad})
    assert "citizen_id" in refused.value.by_field()
    ops.add_candidate(plan, {"name": "甲", "citizen_id": good.lower()})
    with pytest.raises(SchoolsRefusal, match="已报名本计划"):
        ops.add_candidate(plan, {"name": "甲", "citizen_id": good})


def test_offers_are_posted_for_a_period_before_anyone_starts(app, council):
    add_quota(council.institution, kind="filed", change=5)
    plan = _approved(council)
    first = _scored(plan, 1, "80", "85", "90")
    with pytest.raises(SchoolsRefusal, match="还没有发出录用通知"):
        ops.post_results(plan, {"posted_on": plan.decided_on, "days": 7}, today=TODAY)
    ops.offer(first)
    data = {
        "staff_number": "ZP001",
        "start_on": TODAY,
        "salary_step": 10,
        "contract_end_on": TODAY.replace(year=TODAY.year + 3),
    }
    with pytest.raises(SchoolsRefusal, match="须先公示"):
        ops.hire(first, data, today=TODAY)
    with pytest.raises(SchoolsRefusal) as refused:
        ops.post_results(
            plan, {"posted_on": plan.decided_on - timedelta(days=1), "days": 5}, today=TODAY
        )
    assert set(refused.value.errors) == {"posted_on", "days"}
    with pytest.raises(SchoolsRefusal) as refused:
        ops.post_results(plan, {"posted_on": TODAY + timedelta(days=1), "days": 7}, today=TODAY)
    assert set(refused.value.errors) == {"posted_on"}
    ops.post_results(plan, {"posted_on": TODAY, "days": 7}, today=TODAY)
    assert plan.posting_ends_on == TODAY + timedelta(days=6)
    with pytest.raises(SchoolsRefusal, match="已经公示"):
        ops.offer(_scored(plan, 2, "70", "75", "80"))
    with pytest.raises(SchoolsRefusal, match="公示期满之后"):
        ops.hire(first, {**data, "start_on": plan.posting_ends_on}, today=TODAY)
    ops.hire(first, {**data, "start_on": plan.posting_ends_on + timedelta(days=1)}, today=TODAY)
    assert first.status == CandidateStatus.HIRED
