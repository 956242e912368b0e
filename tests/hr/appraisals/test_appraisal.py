"""Rules of the annual appraisal: the 优秀 cap, two consecutive 不合格, the 薪级 step."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.parameters import parameter
from hr.appraisals import grading as rules

PROPERTY = settings(database=None, max_examples=300, deadline=None)
GRADES = ["excellent", "pass", "basic", "fail", "undetermined"]
CAP = Decimal("0.20")


@pytest.mark.parametrize(
    ("headcount", "allowed"), [(0, 0), (1, 0), (4, 0), (5, 1), (9, 1), (10, 2), (30, 6), (34, 6)]
)
def test_excellent_allowed_is_floor_of_share(headcount, allowed):
    assert rules.excellent_allowed(CAP, headcount) == allowed


def test_excellent_refusal_message():
    grades = ["excellent"] * 8 + ["pass"] * 22
    assert rules.excellent_refusal(CAP, grades) == "优秀 8 人，超过上限 6 人（20%）"
    assert rules.excellent_refusal(CAP, ["excellent"] * 6 + ["pass"] * 24) is None
    assert rules.excellent_refusal(Decimal("0.125"), ["excellent"] * 2 + ["pass"] * 6) == (
        "优秀 2 人，超过上限 1 人（12.5%）"
    )


def test_undetermined_does_not_count_but_ungraded_does():
    # 10 people: 2 优秀 allowed; 5 of them 不定等次 → only 5 count → 1 allowed
    assert rules.counted_headcount(["pass"] * 5 + ["undetermined"] * 5) == 5
    assert rules.excellent_refusal(CAP, ["excellent"] * 2 + ["pass"] * 3 + ["undetermined"] * 5)
    # not yet graded (None) still take part in the round, so they count
    assert rules.counted_headcount(["excellent", None, None, None, None]) == 5
    assert rules.excellent_refusal(CAP, ["excellent", None, None, None, None]) is None


def test_cap_percent():
    assert rules.cap_percent(Decimal("0.200")) == "20%"
    assert rules.cap_percent(Decimal("0.15")) == "15%"
    assert rules.cap_percent(Decimal("0.125")) == "12.5%"


def test_consecutive_fails():
    last = {1: "fail", 2: "fail", 3: "pass", 4: "fail"}
    this = {1: "fail", 2: "basic", 3: "fail", 5: "fail"}
    assert rules.consecutive_fails(last, this) == {1}
    assert rules.consecutive_fails({}, this) == set()


@pytest.mark.parametrize(
    ("grade", "current", "top", "expected"),
    [
        ("excellent", 10, 65, 11),
        ("pass", 10, 65, 11),
        ("basic", 10, 65, 10),
        ("fail", 10, 65, 10),
        ("undetermined", 10, 65, 10),
        (None, 10, 65, 10),
        ("pass", 65, 65, 65),
        ("pass", 39, 40, 40),
        ("excellent", 40, 40, 40),
    ],
)
def test_next_step(grade, current, top, expected):
    assert rules.next_step(grade, current, top) == expected


def test_step_max_by_category():
    maxima = rules.DEFAULTS["hr.salary_step_max"]
    assert rules.step_max("management", maxima) == 65
    assert rules.step_max("professional", maxima) == 65
    assert rules.step_max("worker", maxima) == 40
    assert rules.step_max(None, maxima) == 65  # no post held: the 管理/专技 scale


def test_step_reason_and_date():
    assert rules.step_reason(2026, "合格") == "2026 年度考核合格，薪级晋升一级"
    assert rules.step_effective_on(2026) == date(2027, 1, 1)


def test_ensure_defaults_seeds_parameters():
    rules.ensure_defaults()
    rules.ensure_defaults()
    assert parameter("hr.appraisal_excellent_cap", date(2026, 12, 31)) == "0.20"
    assert parameter("hr.salary_step_max", date(2027, 1, 1))["worker"] == 40


step_rows = st.dictionaries(
    st.integers(1, 10_000),
    st.tuples(st.sampled_from([*GRADES, None]), st.integers(1, 65), st.sampled_from([40, 65])).map(
        lambda t: (t[0], min(t[1], t[2]), t[2])
    ),
    max_size=50,
)


@PROPERTY
@given(step_rows)
def test_steps_never_decrease_never_exceed_max_and_rise_by_one_at_most(rows):
    new = rules.next_steps(rows)
    assert set(new) == set(rows)
    for key, (grade, current, top) in rows.items():
        assert current <= new[key] <= current + 1
        assert new[key] <= top
        assert (new[key] == current + 1) == (grade in rules.STEP_UP_GRADES and current < top)


@PROPERTY
@given(
    grade=st.sampled_from([*GRADES, None]),
    current=st.integers(1, 100),
    top=st.sampled_from([40, 65]),
)
def test_out_of_range_steps_are_never_lowered(grade, current, top):
    assert rules.next_step(grade, current, top) >= current


@PROPERTY
@given(
    grades=st.lists(st.sampled_from([*GRADES, None]), max_size=200),
    cap=st.decimals(Decimal("0"), Decimal("1"), places=3),
)
def test_cap_refusal_iff_more_excellent_than_allowed(grades, cap):
    allowed = rules.excellent_allowed(cap, rules.counted_headcount(grades))
    assert 0 <= allowed <= rules.counted_headcount(grades)
    assert allowed <= cap * len([g for g in grades if g != "undetermined"])
    excellent = grades.count("excellent")
    assert (rules.excellent_refusal(cap, grades) is None) == (excellent <= allowed)


@PROPERTY
@given(
    last=st.dictionaries(st.integers(1, 50), st.sampled_from(GRADES)),
    this=st.dictionaries(st.integers(1, 50), st.sampled_from(GRADES)),
)
def test_consecutive_fails_are_fails_in_both_years(last, this):
    flagged = rules.consecutive_fails(last, this)
    assert flagged == {k for k in this if this[k] == "fail" and last.get(k) == "fail"}
