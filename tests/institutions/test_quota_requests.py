"""先减后加: the clean-up gate, approval after reductions, the region's pool, no cut below use."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from institutions.staffing.requests import (
    DEFAULT_EVALUATION_MAX_AGE_MONTHS,
    CleanupState,
    Pool,
    PoolError,
    WeakenedFunction,
    approval_problems,
    evaluation_cutoff,
    missing_cleanup,
    reduction_problem,
    request_problems,
)

TODAY = date(2026, 11, 27)
PROPERTY = settings(database=None, max_examples=200)

COMPLETE = CleanupState(
    vacancies_reported=True,
    secondments_reported=True,
    off_quota_reported=True,
    weakened_functions_reported=True,
    weakened_functions=(WeakenedFunction("校办企业管理", 2),),
    evaluation_finalised_on=date(2026, 6, 30),
)


def missing(state: CleanupState, **kwargs) -> list[str]:
    return [str(m) for m in missing_cleanup(state, today=TODAY, **kwargs)]


# --------------------------------------------------------------------------- the gate


def test_a_complete_clean_up_lets_the_request_through():
    assert missing(COMPLETE) == []
    # No weakened function at all, reported as such, is complete too.
    assert missing(replace(COMPLETE, weakened_functions=())) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"vacancies_reported": False}, "尚未报告空编情况"),
        ({"secondments_reported": False}, "尚未报告借调、抽调出单位的人员情况"),
        ({"off_quota_reported": False}, "尚未报告编外用人情况"),
        ({"weakened_functions_reported": False}, "尚未报告弱化、取消的职能及核减编制建议"),
        (
            {"weakened_functions": (WeakenedFunction("校办企业管理"),)},
            "弱化职能「校办企业管理」尚未提出核减编制建议",
        ),
        (
            {"weakened_functions": (WeakenedFunction("代管食堂", -1),)},
            "弱化职能「代管食堂」的核减建议不能为负数",
        ),
        ({"evaluation_finalised_on": None}, "尚无定稿的职能运行评估"),
        (
            {"evaluation_finalised_on": date(2025, 11, 26)},
            "最近一次职能运行评估于 2025-11-26 定稿，已超过 12 个月，请重新评估",
        ),
    ],
)
def test_each_missing_item_is_named_alone(change, expected):
    assert missing(replace(COMPLETE, **change)) == [expected]


def test_everything_missing_is_listed_at_once():
    found = missing(CleanupState())
    assert len(found) == 5
    assert found[0] == "尚未报告空编情况" and found[-1] == "尚无定稿的职能运行评估"


def test_every_weakened_function_without_a_proposal_is_named():
    state = replace(
        COMPLETE,
        weakened_functions=(
            WeakenedFunction("甲"),
            WeakenedFunction("乙", 0),
            WeakenedFunction("丙"),
        ),
    )
    assert missing(state) == [
        "弱化职能「甲」尚未提出核减编制建议",
        "弱化职能「丙」尚未提出核减编制建议",
    ]
    assert state.proposed_reduction == 0
    assert COMPLETE.proposed_reduction == 2


def test_the_evaluation_age_is_a_parameter_and_its_last_day_counts():
    one_year = date(2025, 11, 27)
    assert missing(replace(COMPLETE, evaluation_finalised_on=one_year)) == []
    assert missing(replace(COMPLETE, evaluation_finalised_on=one_year), evaluation_max_age_months=6)
    assert DEFAULT_EVALUATION_MAX_AGE_MONTHS == 12


@pytest.mark.parametrize(
    ("today", "months", "cutoff"),
    [
        (date(2026, 11, 27), 12, date(2025, 11, 27)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2028, 2, 29), 12, date(2027, 2, 28)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
        (date(2026, 5, 1), 0, date(2026, 5, 1)),
    ],
)
def test_evaluation_cutoff(today, months, cutoff):
    assert evaluation_cutoff(today, months) == cutoff


def test_a_request_needs_a_positive_number_and_a_reason():
    assert request_problems(3, "新增班级") == []
    assert len(request_problems(0, " ")) == 2
    assert request_problems(True, "理由")  # not a number of places
    assert request_problems(10_000, "理由")


# --------------------------------------------------------------------------- approval


def test_approval_waits_for_the_proposed_reductions_to_be_carried_out():
    pool = Pool(freed=5)
    problems = approval_problems(3, proposed_reduction=2, executed_reduction=1, pool=pool)
    assert [str(p) for p in problems] == ["拟核减编制 2 名，已执行 1 名，须先执行其余 1 名的核减"]
    assert approval_problems(3, proposed_reduction=2, executed_reduction=2, pool=pool) == []


def test_an_approval_the_pool_cannot_cover_is_refused():
    pool = Pool(freed=5, drawn=3)
    assert pool.available == 2
    with pytest.raises(PoolError) as raised:
        pool.draw(3)
    assert str(raised.value) == "本区域腾出的编制只剩 2 名，不足以批准 3 名；须先核减其他编制"
    assert pool.draw(2) == Pool(freed=5, drawn=5)
    problems = approval_problems(3, proposed_reduction=0, executed_reduction=0, pool=pool)
    assert [p.id for p in problems] == [raised.value.message.id]
    assert approval_problems(0, proposed_reduction=0, executed_reduction=0, pool=pool)


def test_a_pool_moves_only_by_positive_numbers():
    with pytest.raises(ValueError):
        Pool().free(-1)
    with pytest.raises(ValueError):
        Pool(freed=3).draw(0)


@PROPERTY
@given(
    st.integers(0, 500),
    st.lists(st.tuples(st.booleans(), st.integers(1, 20)), max_size=40),
)
def test_the_region_total_never_grows(start, steps):
    """Reductions go into the pool, approvals come out of it: the total can only fall."""
    total, pool = start, Pool()
    for is_reduction, number in steps:
        if is_reduction:
            number = min(number, total)
            if number == 0:
                continue
            total, pool = total - number, pool.free(number)
        else:
            try:
                pool = pool.draw(number)
            except PoolError:
                continue
            total += number
        assert total <= start
        assert pool.available >= 0
        assert total + pool.available == start


# --------------------------------------------------------------------------- reductions


def test_a_reduction_below_occupancy_or_zero_is_refused():
    common = {"kind_label": "事业编制", "on": date(2025, 1, 1)}
    below = reduction_problem(**common, approved=10, occupied=9, change=-2)
    assert str(below) == (
        "事业编制不能核减到在编人数以下：2025-01-01 核定 10 名、在编 9 名，"
        "核减 2 名后只剩 8 名；请先办理人员分流或调出"
    )
    negative = reduction_problem(**common, approved=1, occupied=None, change=-2)
    assert "将为负数" in str(negative)
    assert reduction_problem(**common, approved=10, occupied=9, change=-1) is None
    assert reduction_problem(**common, approved=10, occupied=None, change=-10) is None
    assert reduction_problem(**common, approved=0, occupied=5, change=3) is None  # an increase


@PROPERTY
@given(st.integers(0, 200), st.integers(0, 200), st.integers(-200, 200))
def test_a_change_stands_exactly_when_it_leaves_room_for_everyone(approved, occupied, change):
    problem = reduction_problem(
        kind_label="事业编制", on=TODAY, approved=approved, occupied=occupied, change=change
    )
    allowed = change >= 0 or (approved + change >= 0 and approved + change >= occupied)
    assert (problem is None) == allowed
