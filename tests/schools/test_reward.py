"""绩效 70/30 split and the 奖励性 pool's allocation: exact sums, order, monotonicity, residue."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.apportion import from_fen, to_fen
from schools.findings import SchoolsRefusal
from schools.reward import (
    DEFAULTS,
    PERFORMANCE_PAY_KEY,
    PLAN_TEMPLATE,
    Factor,
    RewardPlan,
    TeacherPoints,
    allocate,
    check_plan,
    monthly_parts,
    split_performance,
)

PROPERTY = settings(database=None, deadline=None, max_examples=150)
D = Decimal
SHARE = DEFAULTS[PERFORMANCE_PAY_KEY]["basic_share"]
PLAN = RewardPlan.from_rows(PLAN_TEMPLATE)
KEYS = [f.key for f in PLAN.factors]


def test_the_default_split_is_70_30():
    assert SHARE == "0.70"
    split = split_performance(D("10000.00"), SHARE)
    assert (split.basic, split.reward) == (D("7000.00"), D("3000.00"))


def test_the_split_rounds_basic_half_up_and_gives_reward_the_rest():
    # 0.70 × 0.05 = 0.035 → 0.04; reward 0.01
    split = split_performance(D("0.05"), SHARE)
    assert (split.basic, split.reward) == (D("0.04"), D("0.01"))
    split = split_performance(D("12345.67"), "0.7")
    assert split.basic == D("8641.97")  # 8641.969
    assert split.reward == D("3703.70")


@PROPERTY
@given(st.integers(0, 10**10).map(from_fen), st.integers(0, 100))
def test_the_split_always_adds_up(total, percent):
    split = split_performance(total, D(percent) / 100)
    assert split.basic + split.reward == total
    assert split.basic >= 0 and split.reward >= 0
    assert abs(split.basic - total * D(percent) / 100) <= D("0.005")


def test_split_refusals():
    with pytest.raises(SchoolsRefusal):
        split_performance(D("-1"), SHARE)
    with pytest.raises(SchoolsRefusal):
        split_performance(D("1.001"), SHARE)
    with pytest.raises(TypeError):
        split_performance(1.5, SHARE)
    with pytest.raises(ValueError):
        split_performance(D("1"), "1.2")


def test_monthly_parts():
    assert monthly_parts(D("100.00")) == [D("8.34")] * 4 + [D("8.33")] * 8
    assert sum(monthly_parts(D("7000.01"))) == D("7000.01")
    assert monthly_parts(D("0.05"), 3) == [D("0.02"), D("0.02"), D("0.01")]


def test_plan_checks():
    assert check_plan(PLAN) == []
    bad = RewardPlan(
        (
            Factor("a", "班主任", D("50")),
            Factor("a", "班主任", D("0")),
            Factor("b", "成绩", D("49.5")),
        )
    )
    assert [f.code for f in check_plan(bad)] == [
        "duplicate_factor",
        "weight_not_positive",
        "weights_total",
    ]
    assert str(check_plan(bad)[-1].message) == "各分配因素的权重合计应为 100%，现为 99.5%"
    assert [f.code for f in check_plan(RewardPlan(()))] == ["no_factors"]
    # exact: 33.33 × 3 is not 100
    thirds = RewardPlan(tuple(Factor(k, k, D("33.33")) for k in "abc"))
    assert [f.code for f in check_plan(thirds)] == ["weights_total"]


def test_a_worked_allocation():
    # pool 10,000: 班主任 20% = 2,000, 超课时 30% = 3,000, 岗位 20% = 2,000, 成绩 30% = 3,000
    teachers = [
        TeacherPoints(
            1, "王老师", {"head_teacher": 10, "extra_lessons": 40, "posts": "1.2", "results": 90}
        ),
        TeacherPoints(2, "李老师", {"extra_lessons": 20, "posts": "1.0", "results": 80}),
        TeacherPoints(3, "张老师", {"head_teacher": 10, "posts": "1.0", "results": 70}),
    ]
    result = allocate(D("10000.00"), PLAN, teachers)
    amounts = result.amounts()
    # 王: 1000 + 2000 + 750 + 1125 = 4875; 李: 1000 + 625 + 1000 = 2625; 张: 1000 + 625 + 875 = 2500
    assert amounts == {1: D("4875.00"), 2: D("2625.00"), 3: D("2500.00")}
    assert result.residue_fen == 0
    assert result.teachers[0].by_factor == {
        "head_teacher": D("1000.00"),
        "extra_lessons": D("2000.00"),
        "posts": D("750.00"),
        "results": D("1125.00"),
    }
    assert result.factor_pools["extra_lessons"] == D("3000.00")


def test_the_residue_goes_to_the_largest_remainders_then_the_smaller_key():
    plan = RewardPlan((Factor("posts", "岗位", D("100")),))
    teachers = [TeacherPoints(k, f"教师{k}", {"posts": 1}) for k in (3, 1, 2)]
    result = allocate(D("100.00"), plan, teachers)
    assert [(t.key, t.amount) for t in result.teachers] == [
        (1, D("33.34")),
        (2, D("33.33")),
        (3, D("33.33")),
    ]
    assert result.residue_fen == 1
    teachers = [TeacherPoints("a", "甲", {"posts": 1}), TeacherPoints("b", "乙", {"posts": 2})]
    # exact 33.333… and 66.666…: b's remainder is larger
    assert allocate(D("1.00"), plan, teachers).amounts() == {"a": D("0.33"), "b": D("0.67")}


def test_a_factor_nobody_has_points_in_is_spread_over_the_others():
    teachers = [
        TeacherPoints(1, "甲", {"extra_lessons": 10, "posts": 1, "results": 50}),
        TeacherPoints(2, "乙", {"extra_lessons": 10, "posts": 1, "results": 50}),
    ]
    result = allocate(D("8000.00"), PLAN, teachers)
    assert result.unused_factors == ("head_teacher",)
    # the other weights 30:20:30 now share the whole pool: 3,000, 2,000, 3,000
    assert result.factor_pools == {
        "extra_lessons": D("3000.00"),
        "posts": D("2000.00"),
        "results": D("3000.00"),
    }
    assert result.amounts() == {1: D("4000.00"), 2: D("4000.00")}
    assert str(result.notices[0].message) == (
        "没有教师在「班主任工作」上有分值，其 20% 的份额按权重分给其他因素"
    )


def test_zero_pool_and_empty_lists():
    teachers = [TeacherPoints(1, "甲", {"posts": 1})]
    assert allocate(D("0"), PLAN, teachers).amounts() == {1: D("0.00")}
    assert allocate(D("0"), PLAN, []).amounts() == {}
    with pytest.raises(SchoolsRefusal) as refused:
        allocate(D("1.00"), PLAN, [])
    assert str(refused.value) == "没有教师在任何分配因素上有分值，奖励性绩效无法分配"
    with pytest.raises(SchoolsRefusal):
        allocate(D("1.00"), PLAN, [TeacherPoints(1, "甲", {})])


def test_allocation_refusals():
    with pytest.raises(SchoolsRefusal) as refused:
        allocate(D("1.00"), PLAN, [TeacherPoints(1, "王老师", {"results": -1})])
    assert str(refused.value) == "王老师的「教育教学成绩」分值不能为负数"
    with pytest.raises(SchoolsRefusal) as refused:
        allocate(D("1.00"), PLAN, [TeacherPoints(1, "王老师", {"bonus": 1})])
    assert str(refused.value) == "王老师的分值中有方案未列的因素「bonus」"
    bad_plan = RewardPlan((Factor("posts", "岗位", D("90")),))
    with pytest.raises(SchoolsRefusal) as refused:
        allocate(D("1.00"), bad_plan, [TeacherPoints(1, "甲", {"posts": 1})])
    assert refused.value.field == "plan"
    with pytest.raises(SchoolsRefusal):
        allocate(D("-1.00"), PLAN, [TeacherPoints(1, "甲", {"posts": 1})])
    with pytest.raises(ValueError):
        allocate(D("1.00"), PLAN, [TeacherPoints(1, "甲", {"posts": 1})] * 2)
    with pytest.raises(TypeError):
        allocate(D("1.00"), PLAN, [TeacherPoints(1, "甲", {"posts": 1.5})])


# -- properties ---------------------------------------------------------------------------

points = st.integers(0, 200).map(D) | st.decimals(0, 200, places=2)
teacher_rows = st.lists(
    st.fixed_dictionaries({}, optional={key: points for key in KEYS}),
    min_size=1,
    max_size=25,
)
pools = st.integers(0, 10**9).map(from_fen)


def _teachers(rows):
    return [TeacherPoints(n, f"教师{n}", row) for n, row in enumerate(rows)]


def _allocate(pool, teachers):
    try:
        return allocate(pool, PLAN, teachers)
    except SchoolsRefusal:
        # only when no teacher has any points and there is money to give
        assert to_fen(pool) > 0
        assert all(not any(t.points.values()) for t in teachers)
        return None


@PROPERTY
@given(pools, teacher_rows)
def test_the_amounts_sum_to_the_pool_exactly_and_are_never_negative(pool, rows):
    result = _allocate(pool, _teachers(rows))
    if result is None:
        return
    amounts = result.amounts()
    assert sum(amounts.values()) == pool
    assert all(amount >= 0 for amount in amounts.values())
    for teacher in result.teachers:
        fen = to_fen(teacher.amount)
        assert math.floor(teacher.exact_fen) <= fen <= math.ceil(teacher.exact_fen)
    assert sum((t.exact_fen for t in result.teachers), Fraction(0)) == to_fen(pool)
    assert 0 <= result.residue_fen < max(len(rows), 1)


@PROPERTY
@given(pools, teacher_rows, st.randoms(use_true_random=False))
def test_the_order_of_teachers_does_not_matter(pool, rows, random):
    teachers = _teachers(rows)
    shuffled = list(teachers)
    random.shuffle(shuffled)
    first, second = _allocate(pool, teachers), _allocate(pool, shuffled)
    if first is None:
        assert second is None
        return
    assert first.amounts() == second.amounts()
    assert first.teachers == second.teachers


@PROPERTY
@given(pools, teacher_rows, st.data())
def test_more_points_never_lower_a_teachers_amount(pool, rows, data):
    teachers = _teachers(rows)
    index = data.draw(st.integers(0, len(teachers) - 1))
    factor = data.draw(st.sampled_from(KEYS))
    extra = data.draw(st.integers(1, 100).map(D) | st.decimals("0.01", 50, places=2))
    before = _allocate(pool, teachers)
    row = dict(rows[index])
    row[factor] = D(row.get(factor, 0)) + extra
    after = _allocate(
        pool, [*teachers[:index], TeacherPoints(index, f"教师{index}", row), *teachers[index + 1 :]]
    )
    assert after is not None
    if before is not None:
        assert after.amounts()[index] >= before.amounts()[index]


@PROPERTY
@given(pools, teacher_rows)
def test_teachers_with_equal_points_differ_by_at_most_a_fen(pool, rows):
    teachers = _teachers(rows + rows[:1])  # the last teacher copies the first
    result = _allocate(pool, teachers)
    if result is None:
        return
    amounts = result.amounts()
    assert abs(amounts[0] - amounts[len(rows)]) <= D("0.01")
