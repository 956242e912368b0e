"""De-administration: management grade without rank, targets, 3–5 year terms, ≤ 10 years, assessments."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hospitals.leadership import (
    DEFAULTS,
    LEADERSHIP_KEY,
    Assessment,
    AssessmentKind,
    AssessmentResult,
    LeadershipRules,
    LeaderTerm,
    Target,
    add_years,
    check_assessments,
    check_term,
    tenure_start,
)

PROPERTY = settings(database=None, deadline=None, max_examples=200)
RULES = LeadershipRules.from_value()
TARGETS = (Target("quality", "医疗质量"), Target("finance", "运行效率"))
ALL_MET = {"quality": "达成", "finance": "达成"}
ANNUAL, END = AssessmentKind.ANNUAL, AssessmentKind.END_OF_TERM
CONTINUE, ADJUST, DISMISS = (
    AssessmentResult.CONTINUE,
    AssessmentResult.ADJUST,
    AssessmentResult.DISMISS,
)


def _term(start=date(2024, 1, 1), end=date(2026, 12, 31), **kwargs):
    values = {
        "person": 1,
        "name": "王院长",
        "post": "院长",
        "start_on": start,
        "end_on": end,
        "management_grade": 5,
        "targets": TARGETS,
    }
    values.update(kwargs)
    return LeaderTerm(**values)


def _codes(findings):
    return [f.code for f in findings]


def _annual(year, result=CONTINUE, **kwargs):
    return Assessment(ANNUAL, date(year, 12, 20), result, year=year, targets=ALL_MET, **kwargs)


def test_defaults():
    assert DEFAULTS[LEADERSHIP_KEY]["same_post_max_years"] == 10
    assert (RULES.term_min_years, RULES.term_max_years) == (3, 5)


def test_a_clean_term():
    term = _term(assessments=(_annual(2024), _annual(2025)))
    assert check_term(term, RULES, today=date(2026, 6, 1)) == []


def test_management_grade_required_and_no_administrative_rank():
    findings = check_term(
        _term(management_grade=None, administrative_rank="正处级"), RULES, today=date(2024, 6, 1)
    )
    assert _codes(findings) == ["no_management_grade", "administrative_rank"]
    assert str(findings[1].message) == (
        "王院长仍登记有行政级别「正处级」；公立医院领导人员实行管理岗位等级，"
        "不再确定行政级别（国办发〔2017〕67号）"
    )
    assert _codes(check_term(_term(management_grade=11), RULES, today=date(2024, 6, 1))) == [
        "management_grade_out_of_range"
    ]
    assert check_term(_term(administrative_rank="  "), RULES, today=date(2024, 6, 1)) == []


def test_targets_required():
    findings = check_term(_term(targets=()), RULES, today=date(2024, 6, 1))
    assert _codes(findings) == ["no_targets"]
    assert str(findings[0].message) == "王院长的任期合同没有任期目标"


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [
        (date(2024, 1, 1), date(2026, 12, 31), True),  # exactly 3 years
        (date(2024, 1, 1), date(2026, 12, 30), False),  # a day short
        (date(2024, 1, 1), date(2028, 12, 31), True),  # exactly 5 years
        (date(2024, 1, 1), date(2029, 1, 1), False),  # a day too long
        (date(2024, 2, 29), date(2027, 2, 27), True),  # leap day: 3 years end on 2027-02-27
        (date(2024, 2, 29), date(2027, 2, 26), False),
    ],
)
def test_term_length_three_to_five_years(start, end, ok):
    codes = _codes(check_term(_term(start=start, end=end), RULES, today=start))
    assert ("term_length" not in codes) is ok


def test_term_length_message_and_reversed_dates():
    findings = check_term(_term(end=date(2025, 12, 31)), RULES, today=date(2024, 6, 1))
    assert str(findings[0].message) == (
        "王院长的任期为 2.00 年（2024-01-01 至 2025-12-31），应为 3–5 年"
    )
    findings = check_term(_term(end=date(2023, 1, 1)), RULES, today=date(2024, 6, 1))
    assert _codes(findings) == ["term_dates"]


def test_ten_years_in_the_same_post_including_consecutive_terms():
    first = _term(start=date(2016, 1, 1), end=date(2020, 12, 31))
    second = _term(start=date(2021, 1, 1), end=date(2025, 12, 31))
    third = _term(start=date(2026, 1, 1), end=date(2028, 12, 31))
    assert tenure_start(second, [first], RULES) == date(2016, 1, 1)
    # 2016–2025 is exactly 10 years: allowed, but no further term fits
    findings = check_term(second, RULES, today=date(2021, 6, 1), history=[first])
    assert _codes(findings) == ["no_further_term"]
    findings = check_term(third, RULES, today=date(2026, 6, 1), history=[first, second])
    assert _codes(findings) == ["same_post_too_long"]
    assert str(findings[0].message) == (
        "王院长自 2016-01-01 起连续担任院长，至 2028-12-31 将满 13.00 年，"
        "超过同一岗位 10 年的上限（2025-12-31 届满）"
    )


def test_a_short_break_does_not_restart_tenure_but_a_long_one_does():
    first = _term(start=date(2014, 1, 1), end=date(2018, 12, 31))
    after_short_break = _term(start=date(2019, 6, 1), end=date(2024, 5, 31))
    assert tenure_start(after_short_break, [first], RULES) == date(2014, 1, 1)
    assert "same_post_too_long" in _codes(
        check_term(after_short_break, RULES, today=date(2020, 1, 1), history=[first])
    )
    after_long_break = _term(start=date(2020, 1, 2), end=date(2024, 12, 31))
    assert tenure_start(after_long_break, [first], RULES) == date(2020, 1, 2)


def test_other_posts_and_people_do_not_count():
    other_post = _term(start=date(2014, 1, 1), end=date(2018, 12, 31), post="副院长")
    other_person = _term(start=date(2014, 1, 1), end=date(2018, 12, 31), person=2)
    term = _term(start=date(2019, 1, 1), end=date(2023, 12, 31))
    assert tenure_start(term, [other_post, other_person], RULES) == date(2019, 1, 1)


def test_assessments_must_cover_every_target_and_nothing_else():
    assessment = Assessment(ANNUAL, date(2024, 12, 20), CONTINUE, 2024, {"quality": "达成", "x": 1})
    findings = check_assessments(_term(assessments=(assessment,)), RULES, today=date(2025, 1, 1))
    assert _codes(findings) == ["targets_not_assessed", "unknown_targets"]
    assert str(findings[0].message) == "王院长的年度考核（2024-12-20）未考核任期目标：运行效率"


def test_annual_assessment_years():
    term = _term(assessments=(_annual(2024), _annual(2024), _annual(2027), _annual(2023)))
    codes = _codes(check_assessments(term, RULES, today=date(2025, 6, 1)))
    assert sorted(codes) == ["annual_twice", "annual_year", "annual_year", "before_term"]


def test_missing_annual_and_end_of_term_assessments():
    term = _term(assessments=(_annual(2024),))
    findings = check_assessments(term, RULES, today=date(2027, 3, 1))
    assert _codes(findings) == ["annual_missing", "annual_missing", "end_of_term_missing"]
    assert [f.subject for f in findings[:2]] == [("annual", 2025), ("annual", 2026)]
    assert str(findings[2].message) == "王院长的任期已于 2026-12-31 届满，尚无任期考核"
    # the year not yet over is not missing
    assert check_assessments(term, RULES, today=date(2025, 12, 31)) == []


def test_a_term_starting_mid_year_is_assessed_for_that_year_end():
    term = _term(start=date(2024, 7, 1), end=date(2027, 6, 30))
    codes = _codes(check_assessments(term, RULES, today=date(2025, 1, 10)))
    assert codes == ["annual_missing"]


def test_end_of_term_assessment_window_and_once():
    early = Assessment(END, date(2026, 3, 1), CONTINUE, targets=ALL_MET)
    term = _term(assessments=(_annual(2024), _annual(2025), early))
    codes = _codes(check_assessments(term, RULES, today=date(2026, 3, 2)))
    assert codes == ["end_of_term_too_early"]
    in_window = Assessment(END, date(2026, 11, 1), CONTINUE, targets=ALL_MET)
    twice = (in_window, replace(in_window, held_on=date(2026, 11, 2)))
    term = _term(assessments=(_annual(2024), _annual(2025), *twice))
    assert _codes(check_assessments(term, RULES, today=date(2026, 11, 5))) == ["end_of_term_twice"]


def test_adjust_and_dismiss_need_a_reason_and_dismissal_ends_the_term():
    term = _term(assessments=(_annual(2024, ADJUST),))
    findings = check_assessments(term, RULES, today=date(2025, 1, 5))
    assert _codes(findings) == ["reason_required"]
    assert str(findings[0].message) == "王院长的年度考核结果为「调整」，须写明理由"
    term = _term(
        assessments=(
            _annual(2024, DISMISS, reason="目标未完成"),
            _annual(2025),
        )
    )
    findings = check_assessments(term, RULES, today=date(2026, 1, 5))
    assert _codes(findings) == ["after_dismissal", "term_continues_after_dismissal"]
    ended = replace(term, end_on=date(2024, 12, 20), assessments=term.assessments[:1])
    assert check_assessments(ended, RULES, today=date(2026, 1, 5)) == []


def test_rules_are_parameters():
    rules = LeadershipRules.from_value({"term_max_years": 4})
    assert "term_length" in _codes(
        check_term(_term(end=date(2028, 12, 31)), rules, today=date(2024, 1, 1))
    )
    with pytest.raises(ValueError):
        LeadershipRules.from_value({"term_min_years": 6})


def test_add_years():
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


@PROPERTY
@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
    st.integers(0, 8 * 366),
)
def test_term_length_rule_matches_calendar_years(start, days):
    end = start + timedelta(days=days)
    codes = _codes(check_term(_term(start=start, end=end), RULES, today=start))
    after_end = end + timedelta(days=1)
    expected_ok = add_years(start, 3) <= after_end <= add_years(start, 5)
    assert ("term_length" not in codes) is expected_ok


@PROPERTY
@given(
    st.lists(st.tuples(st.integers(3, 5), st.integers(0, 500)), min_size=1, max_size=5),
)
def test_tenure_limit_over_chains_of_terms(terms):
    start = date(2000, 1, 1)
    history = []
    for years, gap in terms:
        end = add_years(start, years) - timedelta(days=1)
        history.append(_term(start=start, end=end))
        start = end + timedelta(days=1 + gap)
    last = history[-1]
    since = tenure_start(last, history[:-1], RULES)
    codes = _codes(check_term(last, RULES, today=last.start_on, history=history[:-1]))
    too_long = last.end_on + timedelta(days=1) > add_years(since, 10)
    assert ("same_post_too_long" in codes) is too_long
    # the chain starts at the latest term preceded by a break of more than 365 days
    expected = history[0].start_on
    for previous, current in zip(history, history[1:], strict=False):
        if (current.start_on - previous.end_on).days - 1 > 365:
            expected = current.start_on
    assert since == expected
