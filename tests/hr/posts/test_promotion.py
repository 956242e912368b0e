"""Promotion rules and starting steps (DOMAIN.md §2–§3), without a database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hr.models import GRADES, PostCategory
from hr.posts.promotion import (
    DEFAULTS,
    STARTING_STEPS_KEY,
    Post,
    duration_text,
    ensure_defaults,
    full_months,
    new_step_on_promotion,
    promotion_warnings,
    starting_step,
    starting_steps_on,
    years_in_grade_on,
)

ON = date(2026, 4, 20)


def _warn(was: tuple, will: tuple, since=date(2020, 1, 1), on=ON, years=3) -> list[str]:
    return promotion_warnings(Post(*was, since), Post(*will), on, years_in_grade=years)


def test_promotion_within_a_tier_needs_three_years_in_the_lower_grade():
    assert _warn(("professional", 9), ("professional", 8), since=date(2024, 1, 15)) == [
        "在专技 9 级任职 2 年 3 个月，未满 3 年"
    ]
    assert _warn(("professional", 9), ("professional", 8), since=date(2023, 4, 20)) == []
    assert _warn(("professional", 9), ("professional", 8), since=date(2023, 4, 21)) == [
        "在专技 9 级任职 2 年 11 个月，未满 3 年"
    ]


def test_years_in_grade_is_a_setting():
    since = date(2024, 1, 15)
    assert _warn(("management", 8), ("management", 7), since=since, years=2) == []
    assert _warn(("management", 8), ("management", 7), since=since, years=5) == [
        "在管理 8 级任职 2 年 3 个月，未满 5 年"
    ]


def test_skipping_grades_inside_a_tier():
    assert _warn(("professional", 10), ("professional", 8)) == [
        "从专技 10 级直接聘到专技 8 级，跨越了 1 个等级（专技 9 级）"
    ]
    assert _warn(("worker", 5), ("worker", 2)) == [
        "从工勤 5 级直接聘到工勤 2 级，跨越了 2 个等级（工勤 4 级、工勤 3 级）"
    ]


def test_entering_a_higher_tier_starts_at_its_lowest_grade():
    # a new 副高 title: from any 中级 grade to 专技 7 级 is the normal step, years aside
    assert _warn(("professional", 10), ("professional", 7), since=date(2025, 1, 1)) == []
    assert _warn(("professional", 8), ("professional", 6)) == [
        "首次聘入副高级岗位一般从专技 7 级起聘，拟聘专技 6 级"
    ]


def test_jumping_over_a_whole_tier():
    assert _warn(("professional", 12), ("professional", 7)) == [
        "从助理级岗位直接聘到副高级岗位，跨越了中级岗位"
    ]


def test_cross_category_and_demotion_are_flagged():
    assert _warn(("management", 7), ("professional", 8)) == [
        "由管理 7 级转聘为专技 8 级，属跨类别转岗（管理 → 专业技术），请核实是否符合转岗条件"
    ]
    assert _warn(("professional", 8), ("professional", 9)) == [
        "由专技 8 级低聘为专技 9 级（降低岗位等级）"
    ]


def test_no_warning_for_a_first_post_or_the_same_grade():
    assert promotion_warnings(None, Post("professional", 2), ON) == []
    assert _warn(("professional", 8), ("professional", 8), since=ON) == []
    # 普通工 to 技术工 5 级 is one step
    assert _warn(("worker", 6), ("worker", 5)) == []


def test_months_and_their_wording():
    assert full_months(date(2024, 1, 31), date(2024, 2, 29)) == 0
    assert full_months(date(2024, 1, 15), date(2026, 4, 15)) == 27
    assert full_months(date(2026, 5, 1), date(2026, 4, 1)) == 0
    assert duration_text(27) == "2 年 3 个月"
    assert duration_text(24) == "2 年"
    assert duration_text(5) == "5 个月"
    assert duration_text(0) == "不足 1 个月"


def test_starting_steps_from_domain():
    assert starting_step("professional", 1) == 39
    assert [starting_step("professional", g) for g in (2, 4, 5, 7, 8, 10, 11, 12, 13)] == [
        25,
        25,
        16,
        16,
        9,
        9,
        5,
        5,
        1,
    ]
    assert [starting_step("management", g) for g in range(1, 11)] == [
        46,
        39,
        31,
        26,
        21,
        17,
        12,
        8,
        4,
        1,
    ]
    assert [starting_step("worker", g) for g in range(1, 7)] == [26, 20, 14, 8, 2, 1]
    with pytest.raises(ValueError, match="no starting step for professional grade 14"):
        starting_step("professional", 14)


def test_every_grade_has_a_starting_step():
    for category in PostCategory:
        for grade in GRADES[category]:
            assert starting_step(category.value, grade) >= 1


def test_a_promotion_keeps_the_step_but_raises_it_to_the_starting_step():
    assert new_step_on_promotion(5, "professional", 8) == 9
    assert new_step_on_promotion(12, "professional", 8) == 12
    table = {"professional": {"8": 11}}
    assert new_step_on_promotion(5, "professional", 8, table) == 11


@given(
    st.integers(1, 65),
    st.sampled_from([(c.value, g) for c in PostCategory for g in GRADES[c]]),
)
def test_new_step_is_never_lower_and_never_below_the_start(step, post):
    category, grade = post
    new = new_step_on_promotion(step, category, grade)
    assert new >= step
    assert new >= starting_step(category, grade)
    assert new in (step, starting_step(category, grade))


@given(
    st.dates(date(2000, 1, 1), date(2030, 12, 31)),
    st.integers(0, 3000),
    st.integers(1, 5),
)
def test_years_warning_exactly_when_less_than_the_required_years(since, days, years):
    on = since + timedelta(days=days)
    warned = any("未满" in w for w in _warn(("management", 9), ("management", 8), since, on, years))
    assert warned == (full_months(since, on) < 12 * years)


def test_rules_are_parameters(app):
    from core.parameters import ensure_parameter

    ensure_defaults()
    assert years_in_grade_on(ON) == 3
    assert starting_steps_on(ON) == DEFAULTS[STARTING_STEPS_KEY]
    ensure_parameter("hr.promotion", {"years_in_grade": 2}, effective_from=date(2027, 1, 1))
    assert years_in_grade_on(date(2027, 3, 1)) == 2
    assert years_in_grade_on(ON) == 3


# --------------------------------------------------------------------------- title → grade

from hr.posts.promotion import TITLE_GRADES_KEY, title_grades, title_warnings  # noqa: E402


@pytest.mark.parametrize(
    ("title", "grade", "warns"),
    [
        ("二级教师", 8, True),  # the issue: 二级教师 appointed to 专技 8 级
        ("二级教师", 11, False),
        ("二级教师", 12, False),
        ("二级教师", 13, True),
        ("正高级教师", 1, False),
        ("高级教师", 4, True),
        ("一级教师", 10, False),
        ("三级教师", 12, True),
        ("主任医师", 1, True),  # 主任医(护)师 2–4
        ("主任护师", 2, False),
        ("副主任医师", 7, False),
        ("主管护师", 8, False),
        ("护士", 13, False),
        ("医士", 11, True),
        (" 主治医师 ", 9, False),
        ("工程师", 8, False),  # not in the table: nothing to check against
        (None, 8, False),
    ],
)
def test_title_warnings(title, grade, warns):
    found = title_warnings(title, "professional", grade)
    assert bool(found) == warns
    if warns:
        assert "与职称不符" in str(found[0])


def test_title_warning_names_the_grades_and_only_professional_posts_are_checked():
    [warning] = title_warnings("二级教师", "professional", 8)
    assert str(warning) == "职称「二级教师」对应专技 11–12 级，拟聘专技 8 级与职称不符"
    [warning] = title_warnings("三级教师", "professional", 11)
    assert "对应专技 13 级" in str(warning)
    assert title_warnings("二级教师", "management", 8) == []
    assert title_warnings("二级教师", "professional", 8, {"二级教师": [8, 12]}) == []


@given(
    title=st.sampled_from(sorted(DEFAULTS[TITLE_GRADES_KEY])),
    grade=st.integers(1, 13),
)
def test_title_warnings_match_the_table(title, grade):
    low, high = DEFAULTS[TITLE_GRADES_KEY][title]
    assert title_grades(title) == range(low, high + 1)
    assert (title_warnings(title, "professional", grade) == []) == (low <= grade <= high)
