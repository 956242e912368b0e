"""Enrolment projection: cohorts move up, entry grades by number or trend, allowance per year."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schools.allowance import AllowanceRules, StaffCount, compute
from schools.enrolment import ClassSizeRules
from schools.findings import SchoolsRefusal
from schools.projection import EntrySource, entry_grades, project, trend
from schools.stages import GradeLayout, SchoolType, Stage

PROPERTY = settings(database=None, deadline=None)
RULES = AllowanceRules.from_value()
CLASSES = ClassSizeRules.from_value()
LAYOUT = GradeLayout.from_value()
P, J, S = Stage.PRIMARY, Stage.JUNIOR, Stage.SENIOR


def _project(history, stages, **kwargs):
    return project(history, stages=stages, rules=RULES, class_rules=CLASSES, **kwargs)


PRIMARY_2025 = {2025: {1: 100, 2: 110, 3: 120, 4: 130, 5: 140, 6: 150}}


def test_cohorts_move_up_and_the_last_grade_leaves():
    projection = _project(PRIMARY_2025, [P], years=3, entrants={1: 90})
    assert [y.year for y in projection.years] == [2025, 2026, 2027, 2028]
    assert projection.base.is_projected is False
    assert projection.years[1].grades == {1: 90, 2: 100, 3: 110, 4: 120, 5: 130, 6: 140}
    assert projection.years[3].grades == {1: 90, 2: 90, 3: 90, 4: 100, 5: 110, 6: 120}
    assert projection.years[1].entry_sources == {1: EntrySource.GIVEN}


def test_entrants_per_year_and_trend_for_the_missing_years():
    history = {2023: {1: 80}, 2024: {1: 90}, 2025: {1: 100, 2: 85}}
    projection = _project(history, [P], years=3, entrants={1: {2027: 50}})
    firsts = [y.grades[1] for y in projection.projected]
    # 2026 by trend (80, 90, 100 → 110), 2027 given, 2028 by trend (→ 130)
    assert firsts == [110, 50, 130]
    assert [y.entry_sources[1] for y in projection.projected] == [
        EntrySource.TREND,
        EntrySource.GIVEN,
        EntrySource.TREND,
    ]
    assert projection.years[2].grades[2] == 110


def test_trend_is_a_least_squares_line_rounded_half_up():
    assert trend({2023: 80, 2024: 90, 2025: 100}, 2026, last=3) == 110
    # only the latest three years count
    assert trend({2020: 500, 2023: 80, 2024: 90, 2025: 100}, 2026, last=3) == 110
    # 100, 101, 103: slope 1.5, mean 101.33 at 2024 → 2026: 104.33 → 104
    assert trend({2023: 100, 2024: 101, 2025: 103}, 2026, last=3) == 104
    # 10, 11, 11: slope 0.5, mean 10.67 at 2024 → 11.67 at 2026 → 12
    assert trend({2023: 10, 2024: 11, 2025: 11}, 2026, last=3) == 12
    assert trend({2025: 77}, 2030, last=3) == 77
    assert trend({}, 2026, last=3) == 0
    # a falling trend never goes below zero
    assert trend({2023: 30, 2024: 20, 2025: 10}, 2028, last=3) == 0


def test_nine_year_school_moves_grade_six_into_seven_at_the_transition_rate():
    history = {2025: {g: 100 for g in range(1, 10)}}
    projection = _project(
        history, SchoolType.NINE_YEAR.stages, years=1, entrants={1: 100}, transition={J: "0.95"}
    )
    assert entry_grades(SchoolType.NINE_YEAR.stages, LAYOUT) == (1,)
    nxt = projection.years[1]
    assert nxt.grades[7] == 95
    assert nxt.grades[8] == 100
    assert 10 not in nxt.grades
    # half-up: 101 × 0.95 = 95.95 → 96; 90 × 0.85 = 76.5 → 77
    p = _project(
        {2025: {6: 101}}, [P, J], years=1, entrants={1: 0}, transition={J: Decimal("0.95")}
    )
    assert p.years[1].grades[7] == 96
    p = _project({2025: {6: 90}}, [P, J], years=1, entrants={1: 0}, transition={J: "0.85"})
    assert p.years[1].grades[7] == 77


def test_transition_rate_above_one_admits_from_outside():
    p = _project({2025: {6: 100}}, [P, J], years=1, entrants={1: 0}, transition={J: "1.2"})
    assert p.years[1].grades[7] == 120


def test_complete_secondary_school():
    history = {2025: {7: 300, 8: 300, 9: 300, 10: 200, 11: 200, 12: 200}}
    stages = SchoolType.COMPLETE_SECONDARY.stages
    assert entry_grades(stages, LAYOUT) == (7,)
    projection = _project(history, stages, years=1, entrants={7: 320}, transition={S: "0.6"})
    assert projection.years[1].grades == {7: 320, 8: 300, 9: 300, 10: 180, 11: 200, 12: 200}


def test_a_junior_school_admits_at_grade_seven_and_a_senior_school_at_ten():
    assert entry_grades([J], LAYOUT) == (7,)
    assert entry_grades([S], LAYOUT) == (10,)
    assert entry_grades([P, S], LAYOUT) == (1, 10)


def test_allowance_every_year_against_todays_staff():
    staff = [StaffCount("establishment", 40, P)]
    history = {2025: {g: 133 for g in range(1, 7)}}  # 798 students → 42
    projection = _project(history, [P], years=4, entrants={1: 190}, staff=staff)
    allowances = [y.allowance.allowance for y in projection.years]
    # each year one cohort of 133 is replaced by 190: +57 students, +3 staff a year
    assert allowances == [42, 45, 48, 51, 54]
    assert [y.allowance.gap for y in projection.years] == [2, 5, 8, 11, 14]
    assert projection.first_shortfall().year == 2025
    for year in projection.years:
        assert year.allowance == compute(year.by_stage(), staff, RULES, stages=[P])


def test_first_shortfall_is_none_when_staff_suffice():
    history = {2025: {1: 19}}
    staff = [StaffCount("filed", 5, P)]
    projection = _project(history, [P], years=2, entrants={1: 19}, staff=staff)
    assert projection.first_shortfall() is None


def test_standard_classes_per_grade():
    projection = _project({2025: {1: 91, 7: 100}}, [P, J], years=1, entrants={1: 45})
    assert projection.base.standard_classes[1] == 3
    assert projection.base.standard_classes[7] == 2
    assert projection.years[1].standard_classes[1] == 1


def test_grades_outside_the_school_are_ignored_and_missing_grades_are_zero():
    projection = _project({2025: {1: 50, 10: 999}}, [P], years=1, entrants={1: 50})
    assert projection.base.grades == {1: 50, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0}


def test_five_four_layout():
    layout = GradeLayout.from_value({"primary": [1, 5], "junior": [6, 9], "senior": [10, 12]})
    history = {2025: {5: 100}}
    projection = project(
        history,
        stages=[P, J],
        rules=RULES,
        class_rules=CLASSES,
        layout=layout,
        years=1,
        entrants={1: 0},
        transition={J: "0.5"},
    )
    assert projection.years[1].grades[6] == 50
    assert projection.years[1].by_stage() == {P: 0, J: 50}


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"history": {}}, "至少需要一个学年的分年级学生数"),
        ({"years": 0}, "预测年数应为 1–10 年"),
        ({"years": 11}, "预测年数应为 1–10 年"),
        ({"entrants": {2: 10}}, "二年级不是本校的起始年级"),
        ({"entrants": {1: -5}}, "一年级：学生数不能为负数（-5）"),
        ({"history": {2025: {3: -1}}}, "2025 年三年级：学生数不能为负数（-1）"),
        ({"transition": {J: "-0.1"}}, "初中升学率不能为负数"),
        ({"stages": []}, "请至少选择一个学段"),
    ],
)
def test_refusals(kwargs, text):
    arguments = {"history": {2025: {1: 10}}, "stages": [P, J], **kwargs}
    history = arguments.pop("history")
    with pytest.raises(SchoolsRefusal) as refused:
        _project(history, **arguments)
    assert str(refused.value) == text


@PROPERTY
@given(
    st.lists(st.integers(0, 400), min_size=9, max_size=9),
    st.integers(1, 5),
)
def test_students_are_conserved_inside_a_nine_year_school(counts, years):
    history = {2025: dict(zip(range(1, 10), counts, strict=True))}
    projection = _project(history, [P, J], years=years, entrants={1: 0})
    for before, after in zip(projection.years, projection.years[1:], strict=False):
        # with no entrants and a transition rate of 1, only grade 9 leaves
        assert after.students == before.students - before.grades[9]
        assert all(after.grades[g + 1] == before.grades[g] for g in range(1, 9))


@PROPERTY
@given(st.lists(st.integers(0, 400), min_size=3, max_size=3), st.integers(2026, 2035))
def test_trend_through_points_on_a_line_stays_on_it(start, year):
    a, step = start[0], start[1] - 200
    points = {2023 + k: a + step * k for k in range(3)}
    if any(v < 0 for v in points.values()):
        return
    assert trend(points, year, last=3) == max(a + step * (year - 2023), 0)
