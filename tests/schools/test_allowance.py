"""Teacher allowance (员额) from enrolment: every stage, combined schools, rounding, gaps."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schools.allowance import (
    ALLOWANCE_KEY,
    DEFAULTS,
    AllowanceRules,
    Rounding,
    StaffCount,
    compute,
    exact_allowance,
    round_allowance,
)
from schools.findings import SchoolsRefusal
from schools.stages import SchoolType, Stage

PROPERTY = settings(database=None, deadline=None)
RULES = AllowanceRules.from_value()
UP = AllowanceRules.from_value({"rounding": "up"})
P, J, S = Stage.PRIMARY, Stage.JUNIOR, Stage.SENIOR


def _codes(report):
    return [finding.code for finding in report.findings]


def test_defaults_are_the_national_standard():
    value = DEFAULTS[ALLOWANCE_KEY]
    assert value["students_per_staff"] == {"primary": "19", "junior": "13.5", "senior": "12.5"}
    assert value["rounding"] == "half_up"
    assert value["non_teaching_cap"] == {"primary": "0.09", "junior": "0.15", "senior": "0.16"}
    assert RULES.students_per_staff[J] == Decimal("13.5")
    assert RULES.counted_identities == {"establishment", "filed", "contract"}


@pytest.mark.parametrize(
    ("stage", "students", "half_up", "up"),
    [
        # 小学 1:19
        (P, 0, 0, 0),
        (P, 19, 1, 1),
        (P, 380, 20, 20),
        (P, 390, 21, 21),  # 20.526…
        (P, 389, 20, 21),  # 20.473…
        (P, 399, 21, 21),  # 21 exactly
        # 初中 1:13.5
        (J, 27, 2, 2),
        (J, 270, 20, 20),
        (J, 283, 21, 21),  # 20.962…
        (J, 276, 20, 21),  # 20.444…
        (J, 277, 21, 21),  # 20.518…
        # 高中 1:12.5
        (S, 25, 2, 2),
        (S, 500, 40, 40),
        (S, 506, 40, 41),  # 40.48
        (S, 507, 41, 41),  # 40.56
    ],
)
def test_every_stage_and_both_rounding_modes(stage, students, half_up, up):
    assert compute({stage: students}, [], RULES).allowance == half_up
    assert compute({stage: students}, [], UP).allowance == up


def test_half_up_rounds_an_exact_half_up():
    # 高中 1:12.5: 6.25 students per half post; 81.25 students impossible, so use the rule
    assert round_allowance(Fraction(15, 2), Rounding.HALF_UP) == 8
    assert round_allowance(Fraction(15, 2), Rounding.UP) == 8
    assert round_allowance(Fraction(71, 10), Rounding.HALF_UP) == 7
    assert round_allowance(Fraction(71, 10), Rounding.UP) == 8
    assert round_allowance(Fraction(7), Rounding.UP) == 7


def test_exact_allowance_keeps_the_fraction():
    assert exact_allowance(100, "13.5") == Fraction(200, 27)
    assert exact_allowance(25, Decimal("12.5")) == 2


def test_nine_year_school_sums_rounded_stage_allowances():
    # 小学 390 → 20.53 → 21; 初中 276 → 20.44 → 20; together 41 (rounding the sum 40.97 also 41)
    report = compute({P: 390, J: 276}, [], RULES, stages=SchoolType.NINE_YEAR.stages)
    assert [s.allowance for s in report.stages] == [21, 20]
    assert [s.exact for s in report.stages] == [Decimal("20.53"), Decimal("20.44")]
    assert report.allowance == 41
    # rounded up: 21 + 21
    assert compute({P: 390, J: 276}, [], UP, stages=[P, J]).allowance == 42


def test_each_stage_is_rounded_on_its_own():
    # 初中 7 → 0.52 → 1 and 高中 7 → 0.56 → 1: the sum of rounded stages (2), not round(1.08)
    report = compute({J: 7, S: 7}, [], RULES, stages=SchoolType.COMPLETE_SECONDARY.stages)
    assert report.allowance == 2


def test_complete_secondary_and_twelve_year():
    report = compute({J: 540, S: 500}, [], RULES, stages=SchoolType.COMPLETE_SECONDARY.stages)
    assert [(s.stage, s.allowance) for s in report.stages] == [(J, 40), (S, 40)]
    assert report.allowance == 80
    report = compute({P: 190, J: 135, S: 125}, [], RULES, stages=SchoolType.TWELVE_YEAR.stages)
    assert report.allowance == 10 + 10 + 10


def test_offered_stage_without_students_has_no_allowance():
    report = compute({P: 380}, [], RULES, stages=[P, J])
    assert report.stage(J).allowance == 0
    assert report.stage(S) is None


def test_gap_by_stage_and_identity():
    staff = [
        StaffCount("establishment", 12, P),
        StaffCount("filed", 5, P),
        StaffCount("contract", 1, P),
        StaffCount("dispatch", 2, P),  # shown, not counted
        StaffCount("establishment", 25, J),
    ]
    report = compute({P: 380, J: 270}, staff, RULES)
    primary, junior = report.stages
    assert primary.staff.of("filed") == 5
    assert primary.staff.of("dispatch") == 2
    assert primary.staff.counted == 18
    assert (primary.gap, primary.shortfall, primary.surplus) == (2, 2, 0)
    assert (junior.gap, junior.shortfall, junior.surplus) == (-5, 0, 5)
    assert report.gap == 40 - 43
    codes = _codes(report)
    assert codes.count("shortfall") == 1
    assert codes.count("surplus") == 1
    shortfall = next(f for f in report.findings if f.code == "shortfall")
    assert shortfall.stage is P
    assert str(shortfall.message) == (
        "小学教职工缺 2 人：按 380 名学生核定员额 20 人，计入员额的在岗教职工 18 人"
    )


def test_counted_identities_are_a_parameter():
    rules = AllowanceRules.from_value({"counted_identities": ["establishment", "filed"]})
    report = compute({P: 380}, [StaffCount("contract", 3, P)], rules)
    assert report.staff.counted == 0
    assert report.staff.of("contract") == 3


def test_shared_staff_count_for_the_school_only():
    staff = [StaffCount("establishment", 20, P), StaffCount("filed", 3, None, teaching=False)]
    report = compute({P: 380}, staff, RULES)
    assert report.stage(P).gap == 0
    assert report.shared.counted == 3
    assert report.gap == -3


def test_non_teaching_cap_of_a_single_stage():
    # 小学 cap 9%: of 33 staff at most floor(2.97) = 2 may be non-teaching
    within = compute(
        {P: 627},
        [StaffCount("establishment", 31, P), StaffCount("establishment", 2, P, teaching=False)],
        RULES,
    )
    assert within.non_teaching_cap == Fraction(9, 100)
    assert within.non_teaching_allowed == 2
    assert "non_teaching_over_cap" not in _codes(within)
    over = compute(
        {P: 627},
        [StaffCount("establishment", 30, P), StaffCount("establishment", 3, P, teaching=False)],
        RULES,
    )
    assert over.non_teaching_share == Fraction(3, 33)
    assert over.non_teaching_excess == 1
    finding = next(f for f in over.findings if f.code == "non_teaching_over_cap")
    assert str(finding.message) == "非教学人员 3 人，占教职工的 9.1%，超过上限 9%（最多 2 人）"


def test_non_teaching_cap_exactly_at_the_limit_is_within():
    # 高中 16%: 4 non-teaching of 25 staff is exactly 16%
    staff = [StaffCount("establishment", 21, S), StaffCount("filed", 4, S, teaching=False)]
    report = compute({S: 300}, staff, RULES)
    assert report.non_teaching_share == Fraction(4, 25)
    assert report.non_teaching_excess == 0
    staff[1] = StaffCount("filed", 5, S, teaching=False)
    report = compute({S: 300}, staff, RULES)
    assert report.non_teaching_excess == 1
    finding = next(f for f in report.findings if f.code == "non_teaching_over_cap")
    assert str(finding.message) == "非教学人员 5 人，占教职工的 19.2%，超过上限 16%（最多 4 人）"


def test_combined_school_cap_is_weighted_by_exact_allowance():
    # 小学 722 → 38 staff-worth, 初中 270 → 20: (9% × 38 + 15% × 20) / 58
    report = compute({P: 722, J: 270}, [], RULES)
    assert report.non_teaching_cap == (Fraction(9, 100) * 38 + Fraction(15, 100) * 20) / 58
    # the weights are the exact allowances, not the rounded ones
    report = compute({P: 10, J: 10}, [], RULES)
    wp, wj = Fraction(10, 19), Fraction(20, 27)
    assert report.non_teaching_cap == (Fraction(9, 100) * wp + Fraction(15, 100) * wj) / (wp + wj)


def test_combined_school_without_students_uses_the_plain_average_cap():
    report = compute({}, [], RULES, stages=[J, S])
    assert report.non_teaching_cap == Fraction(31, 200)
    assert report.allowance == 0
    assert report.non_teaching_share is None


def test_combined_school_cap_lies_between_its_stages_caps():
    report = compute({P: 500, J: 400, S: 300}, [], RULES)
    assert Fraction(9, 100) < report.non_teaching_cap < Fraction(16, 100)


def test_combined_school_over_the_weighted_cap_says_so():
    staff = [StaffCount("establishment", 35, P), StaffCount("filed", 17, J)]
    staff.append(StaffCount("establishment", 8, None, teaching=False))
    report = compute({P: 722, J: 270}, staff, RULES)
    finding = next(f for f in report.findings if f.code == "non_teaching_over_cap")
    assert "按各学段员额加权的上限 11.1%" in str(finding.message)


def test_teaching_needed_and_a_hidden_teacher_shortage():
    # 小学 380 → 20; cap 9% → at most 1 non-teaching post in the allowance: 19 teachers needed
    staff = [StaffCount("establishment", 15, P), StaffCount("establishment", 5, P, teaching=False)]
    report = compute({P: 380}, staff, RULES)
    assert report.gap == 0
    assert report.teaching_needed == 19
    assert report.teaching_gap == 4
    assert "teaching_shortfall" in _codes(report)


def test_stage_not_offered_is_an_error_and_left_out():
    report = compute({P: 380, S: 100}, [StaffCount("filed", 4, S)], RULES, stages=[P])
    assert [s.stage for s in report.stages] == [P]
    assert report.allowance == 20
    assert report.staff.counted == 0
    errors = [f.code for f in report.findings if f.is_error]
    assert errors == ["stage_not_offered", "staff_stage_not_offered"]


def test_negative_counts_are_refused():
    with pytest.raises(SchoolsRefusal) as refused:
        compute({P: -1}, [], RULES)
    assert str(refused.value) == "小学学生数不能为负数（-1）"
    assert refused.value.field == "students"
    with pytest.raises(SchoolsRefusal):
        compute({P: 1}, [StaffCount("filed", -2, P)], RULES)


def test_programming_errors():
    with pytest.raises(TypeError):
        compute({P: 1.5}, [], RULES)
    with pytest.raises(ValueError):
        compute({P: 1}, [StaffCount("volunteer", 1, P)], RULES)
    with pytest.raises(SchoolsRefusal):
        compute({}, [], RULES)
    with pytest.raises(ValueError):
        AllowanceRules.from_value({"rounding": "down"})
    with pytest.raises(ValueError):
        AllowanceRules.from_value({"students_per_staff": {"primary": "0"}})


@PROPERTY
@given(st.integers(0, 5000), st.sampled_from([P, J, S]))
def test_rounding_modes_bound_the_exact_value(students, stage):
    value = exact_allowance(students, RULES.students_per_staff[stage])
    half_up = compute({stage: students}, [], RULES).allowance
    up = compute({stage: students}, [], UP).allowance
    assert up == math.ceil(value)
    assert abs(half_up - value) <= Fraction(1, 2)
    assert half_up <= up <= half_up + 1


@PROPERTY
@given(st.integers(0, 3000), st.integers(0, 3000), st.integers(0, 3000))
def test_combined_allowance_is_the_sum_of_single_stage_schools(p, j, s):
    together = compute({P: p, J: j, S: s}, [], RULES).allowance
    apart = sum(compute({stage: n}, [], RULES).allowance for stage, n in ((P, p), (J, j), (S, s)))
    assert together == apart


@PROPERTY
@given(st.integers(0, 3000), st.integers(1, 100))
def test_more_students_never_lower_the_allowance(students, extra):
    for rules in (RULES, UP):
        for stage in (P, J, S):
            before = compute({stage: students}, [], rules).allowance
            assert compute({stage: students + extra}, [], rules).allowance >= before
