"""The reward-performance allocation: opened on the plan the staff congress adopted, points
entered, amounts computed to the fen, confirmed and handed to the payroll run of its period."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.extensions import db
from core.roles import Role
from payroll.inputs import collect
from schools.findings import SchoolsRefusal
from schools.rewards import operations
from schools.staff_congress import operations as congress
from tests.factories import create_employment, create_institution, create_user

WEIGHTS = {"head_teacher": "20", "extra_lessons": "30", "posts": "20", "results": "30"}


@pytest.fixture
def school():
    return create_institution(name="绩效分配学校")


@pytest.fixture
def staff(school):
    return [create_employment(school, start_on=date(2020, 9, 1)) for _ in range(3)]


@pytest.fixture
def plan_number(school, staff):
    """The number of the staff congress resolution adopting the plan (all three vote yes)."""
    delegates = [congress.add_delegate(school.id, e, True) for e in staff]
    vote = congress.record_vote(
        school.id,
        {"title": "2026 年奖励性绩效分配方案", "kind": "reward_plan", "held_on": date(2026, 9, 10)},
        [d.id for d in delegates],
        {d.id: "yes" for d in delegates},
    )
    return vote.number


def _open(school, pool="10000.00", weights=WEIGHTS, period="2026-12", ref="教代会〔2026〕第1号"):
    return operations.open_allocation(school.id, period, Decimal(pool), weights, ref)


def test_opening_checks_the_period_the_plan_and_the_congress_resolution(school, staff, plan_number):
    assert plan_number == "教代会〔2026〕第1号"
    with pytest.raises(SchoolsRefusal):
        _open(school, period="2026-13")
    with pytest.raises(SchoolsRefusal):
        _open(school, weights={**WEIGHTS, "results": "20"})  # totals 90
    with pytest.raises(SchoolsRefusal):
        _open(school, pool="-1")
    with pytest.raises(SchoolsRefusal):
        _open(school, ref="教代会〔2026〕第9号")  # no such resolution
    allocation = _open(school)
    assert len(allocation.lines) == 3
    with pytest.raises(SchoolsRefusal):
        _open(school)  # one allocation a period


def test_amounts_add_up_to_the_pool_to_the_fen(school, staff, plan_number):
    allocation = _open(school, pool="10000.01")
    points = {
        staff[0].id: {"head_teacher": "10", "extra_lessons": "3", "posts": "1", "results": "90"},
        staff[1].id: {"extra_lessons": "7", "posts": "1", "results": "85"},
        staff[2].id: {"posts": "1.2", "results": "88"},
    }
    operations.compute(allocation, points)
    amounts = [line.amount for line in allocation.lines]
    assert sum(amounts) == Decimal("10000.01")
    # the 班主任 share (20%) goes to the only 班主任
    assert amounts[0] > amounts[1] > amounts[2]


def test_bad_points_are_refused(school, staff, plan_number):
    allocation = _open(school)
    with pytest.raises(SchoolsRefusal):
        operations.compute(allocation, {staff[0].id: {"posts": "-1"}})
    with pytest.raises(SchoolsRefusal):
        operations.compute(allocation, {staff[0].id: {"posts": "abc"}})


def test_only_a_confirmed_allocation_reaches_payroll(school, staff, plan_number):
    allocation = _open(school)
    operations.compute(allocation, {e.id: {"posts": "1"} for e in staff})
    assert collect(school.id, "2026-12").amounts == {}
    operations.confirm(allocation)
    collected = collect(school.id, "2026-12")
    assert {e: items["reward_performance"] for e, items in collected.amounts.items()} == {
        staff[0].id: Decimal("3333.34"),
        staff[1].id: Decimal("3333.33"),
        staff[2].id: Decimal("3333.33"),
    }
    assert collected.sources[staff[0].id]["reward_performance"] == [
        f"schools.reward:{allocation.id}"
    ]
    assert collect(school.id, "2026-11").amounts == {}
    with pytest.raises(SchoolsRefusal):
        operations.compute(allocation, {staff[0].id: {"posts": "2"}})


def test_confirming_needs_a_computation(school, staff, plan_number):
    allocation = _open(school)
    with pytest.raises(SchoolsRefusal):
        operations.confirm(allocation)


def test_finance_allocates_on_the_pages(school, staff, plan_number, login_as):
    finance = create_user(Role.FINANCE_OFFICER, institution=school)
    db.session.commit()  # refusals roll back to here
    client = login_as(finance)
    response = client.post(
        f"/schools/{school.id}/rewards/new",
        data={
            "period": "2026-12",
            "pool": "9000.00",
            "plan_ref": plan_number,
            **{f"weight_{k}": v for k, v in WEIGHTS.items()},
        },
    )
    assert response.status_code == 302
    page_url = response.headers["Location"]
    allocation_id = int(page_url.rstrip("/").rsplit("/", 1)[1])
    form = {f"p-{e.id}-posts": "1" for e in staff}
    refused = client.post(f"{page_url}/points", data={**form, f"p-{staff[0].id}-posts": "-2"})
    assert refused.status_code == 422
    assert 'value="-2"' in refused.get_data(as_text=True)  # what was typed stays
    assert client.post(f"{page_url}/points", data=form).status_code == 302
    assert 'id="reward-total">9,000.00<' in client.get(page_url).get_data(as_text=True)
    confirm = f"/schools/{school.id}/rewards/{allocation_id}/confirm"
    assert client.post(confirm).status_code == 302
    assert sum(
        collect(school.id, "2026-12").amounts[e.id]["reward_performance"] for e in staff
    ) == Decimal("9000.00")
    hr = create_user(Role.HR_OFFICER, institution=school)
    assert login_as(hr).get(page_url).status_code == 200
    assert client.post(f"{page_url}/points", data=form).status_code == 403
