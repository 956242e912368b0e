"""The year-end surplus: how it may divide (pure rule), and the council deciding it as a
motion subject of the school's own budget."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.extensions import db
from core.ids import china_today
from core.roles import Role
from institutions.governance import subjects
from institutions.governance.models import GovernanceError, Motion
from institutions.governance.motions import operations as gov
from schools import operations as school_ops
from schools.budget import operations as budget_ops
from schools.budget import surplus
from schools.enrolment import GradeEnrolment
from schools.findings import SchoolsRefusal
from schools.models import SurplusStatus
from schools.surplus import SurplusRules, use_refusals
from tests.factories import create_institution, create_user
from tests.governance_db.helpers import T0, convene, make_council, vote_all

TODAY = china_today()
YEAR = 2025
RULES = SurplusRules(Decimal("0.30"))


def test_a_division_must_add_up_stay_positive_and_keep_rewards_under_the_cap():
    retained = Decimal("1000000.00")
    assert use_refusals(retained, Decimal("700000"), Decimal("300000"), RULES) == {}
    assert use_refusals(retained, retained, Decimal("0"), RULES) == {}
    too_much = use_refusals(retained, Decimal("699999.99"), Decimal("300000.01"), RULES)
    assert set(too_much) == {"rewards"}
    assert "30%" in str(too_much["rewards"]) and "300000.00" in str(too_much["rewards"])
    short = use_refusals(retained, Decimal("600000"), Decimal("300000"), RULES)
    assert set(short) == {"carry_over"}
    negative = use_refusals(retained, Decimal("1000001"), Decimal("-1"), RULES)
    assert set(negative) == {"rewards"}
    assert set(use_refusals(Decimal("-5.00"), Decimal("0"), Decimal("0"), RULES)) == {"retained"}
    assert set(use_refusals(Decimal("0.00"), Decimal("0"), Decimal("0"), RULES)) == {"retained"}


@given(
    retained=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2),
    cap=st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=2),
)
def test_the_largest_reward_share_always_divides_exactly(retained, cap):
    rules = SurplusRules(cap)
    limit = rules.reward_limit(retained)
    assert Decimal("0.00") <= limit <= retained
    assert use_refusals(retained, retained - limit, limit, rules) == {}
    if limit < retained:
        assert "rewards" in use_refusals(
            retained, retained - limit - Decimal("0.01"), limit + Decimal("0.01"), rules
        )


@pytest.fixture
def council():
    return make_council(5, institution=create_institution(name="结余实验学校"))


@pytest.fixture
def budget(council):
    profile = school_ops.save_profile(
        council.institution, {"school_type": "primary", "is_lump_sum": True}
    )
    # 380 pupils: 20 员额 × 150,000 + 380 × 650 = 3,247,000
    school_ops.save_enrolment(profile, YEAR, [GradeEnrolment(1, 9, 380)], today=TODAY)
    budget = budget_ops.draft_budget(profile, YEAR, [], today=TODAY)
    budget_ops.approve_budget(budget, "〔2025〕第7号", date(2025, 9, 10))
    budget_ops.record_spending(
        budget,
        {
            "line": "operations",
            "spent_on": date(2025, 10, 8),
            "amount": Decimal("247000"),
            "description": "日常运行",
        },
    )
    return budget  # surplus: the whole personnel line, 3,000,000


def _decide(council, budget, choice, carry="2100000", rewards="900000"):
    meeting = convene(council)
    plan = surplus.submit(
        budget,
        {"carry_over": carry, "rewards": rewards},
        meeting,
        today=TODAY,
        actor=council.members[1],
    )
    motion = db.session.get(Motion, plan.motion_id)
    gov.open_voting(motion, now=T0)
    vote_all(motion, council.members, choice)
    gov.close_motion(motion, now=T0 + timedelta(hours=1))
    return plan, motion


def test_the_surplus_is_a_registered_motion_subject_of_the_budget_kind(app):
    kind = subjects.registered()["schools.budget_surplus"]
    assert kind.owner == "schools" and kind.motion_kind == "budget"


def test_the_council_decides_the_division(app, council, budget):
    plan, motion = _decide(council, budget, "no")
    assert plan.status == SurplusStatus.REJECTED and plan.retained == Decimal("3000000.00")
    # a new division may go to the council after a rejection
    plan, motion = _decide(council, budget, "yes", carry="2200000", rewards="800000")
    assert plan.status == SurplusStatus.APPROVED
    assert plan.resolution_ref and plan.decided_on
    assert (plan.carry_over, plan.rewards) == (Decimal("2200000.00"), Decimal("800000.00"))
    assert motion.subject_kind == "schools.budget_surplus" and motion.subject_id == str(plan.id)
    assert subjects.describe(motion).label.startswith("2025")
    with pytest.raises(SchoolsRefusal, match="已提交理事会"):
        surplus.submit(
            budget, {"carry_over": "3000000", "rewards": "0"}, convene(council), today=TODAY
        )


def test_a_bad_division_or_an_open_year_is_refused_and_nothing_is_written(app, council, budget):
    meeting = convene(council)
    with pytest.raises(SchoolsRefusal) as refused:
        surplus.submit(
            budget, {"carry_over": "2000000", "rewards": "1000000"}, meeting, today=TODAY
        )
    assert set(refused.value.errors) == {"rewards"}
    with pytest.raises(SchoolsRefusal, match="预算年度结束后"):
        surplus.submit(
            budget, {"carry_over": "3000000", "rewards": "0"}, meeting, today=date(2026, 8, 31)
        )
    assert surplus.plan_of(budget) is None


def test_a_plan_cannot_be_decided_by_another_schools_motion(app, council, budget):
    plan, _motion = _decide(council, budget, "yes")
    theirs = make_council(5, institution=create_institution(name="另一所学校"))
    with pytest.raises(GovernanceError):
        subjects.propose_motion(
            "schools.budget_surplus",
            theirs.institution.id,
            plan.id,
            meeting=convene(theirs),
            title="借用",
            text="跨校",
        )
    with pytest.raises(SchoolsRefusal, match="会议不属于本单位"):
        surplus.submit(
            budget, {"carry_over": "3000000", "rewards": "0"}, convene(theirs), today=TODAY
        )


def test_finance_submits_the_division_from_the_budget_page(app, client, login_as, council, budget):
    meeting = convene(council)
    their_meeting = convene(make_council(5, institution=create_institution(name="邻校")))
    finance = create_user(Role.FINANCE_OFFICER, institution=council.institution)
    db.session.commit()
    login_as(finance)
    url = f"/schools/{council.institution.id}/budget/{YEAR}"
    page = client.get(url).get_data(as_text=True)
    assert 'id="surplus-use"' in page and "900,000.00" in page  # the rewards limit
    refused = client.post(
        f"{url}/surplus",
        data={"carry_over": "1000000", "rewards": "2000000", "meeting_id": meeting.id},
    )
    assert refused.status_code == 422
    theirs = client.post(
        f"{url}/surplus",
        data={"carry_over": "3000000", "rewards": "0", "meeting_id": their_meeting.id},
    )
    assert theirs.status_code == 404
    assert "用于教师奖励的结余不能超过结余的 30%" in refused.get_data(as_text=True)
    done = client.post(
        f"{url}/surplus",
        data={"carry_over": "2400000", "rewards": "600000", "meeting_id": meeting.id},
    )
    assert done.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "理事会审议中" in page and "600,000.00" in page
