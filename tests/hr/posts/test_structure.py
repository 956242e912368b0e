"""Post structure ratios: every rule of DOMAIN.md §2, without a database."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from hypothesis import assume, given
from hypothesis import strategies as st

from hr.posts.structure import (
    DEFAULTS,
    PARAMETER_KEY,
    check_plan,
    config_for,
    ensure_defaults,
    limit_percent,
    percent,
    professional_share,
    scope_for_kind,
)

GENERAL = DEFAULTS[""]
STRICT = {**GENERAL, "tolerance": "0"}
#: for plans of worker posts only: no professional share to keep
WORKERS_ONLY = {**STRICT, "professional_min_share": "0"}


def _rules(deviations) -> list[str]:
    return [d.rule for d in deviations]


def _at_target(m: int = 1, workers: int = 0, management: int = 0, e: int = 0) -> list:
    """Return a plan exactly at every target share (professional posts = 100 m + 10 e)."""
    lines = [
        # 正高 2:3:4 = 1:3:6 and 副高 5:6:7 = 2:4:4, together 10 m = 高 of 1:3:6
        ("professional", 2, m),
        ("professional", 3, 3 * m),
        ("professional", 4, 6 * m),
        # 中级 8:9:10 = 3:4:3, 30 m
        ("professional", 8, 9 * m),
        ("professional", 9, 12 * m),
        ("professional", 10, 9 * m),
        # 助理 11:12 = 5:5 and 员级 13, 60 m
        ("professional", 11, 30 * m - 5 * e),
        ("professional", 12, 30 * m - 5 * e),
        ("professional", 13, 10 * e),
        ("management", 7, management),
    ]
    if workers:
        # 1–2 级 5%, 1–3 级 25% of 20 w posts
        lines += [
            ("worker", 1, workers),
            ("worker", 3, 4 * workers),
            ("worker", 5, 10 * workers),
            ("worker", 6, 5 * workers),
        ]
    return lines


def test_a_plan_at_the_targets_has_no_deviation():
    assert check_plan(_at_target(), STRICT) == []
    assert check_plan(_at_target(2, workers=1, management=10), DEFAULTS["hospital"]) == []


def test_professional_share_below_seventy_percent():
    lines = [("professional", 12, 13), ("management", 9, 7)]
    [deviation] = check_plan(lines, GENERAL)
    assert deviation.rule == "professional_share"
    assert str(deviation.message).startswith("专业技术岗位占比 65.0%，低于规定的 70%")
    assert "专业技术岗位 13 个，岗位总数 20 个" in deviation.message
    assert (deviation.expected, deviation.actual) == (Fraction(7, 10), Fraction(13, 20))


def test_hospitals_need_eighty_percent_professional_posts():
    lines = [("professional", 12, 15), ("management", 9, 5)]  # 75%
    assert check_plan(lines, GENERAL) == []
    [deviation] = check_plan(lines, DEFAULTS["hospital"])
    assert "低于规定的 80%" in deviation.message


def test_too_many_senior_posts_break_high_middle_junior():
    # 2 of 10 professional posts are 高级: 20% > 10%; 高+中 = 6 of 10 = 60% > 40%
    lines = [("professional", 7, 2), ("professional", 10, 4), ("professional", 12, 4)]
    deviations = [d for d in check_plan(lines, STRICT) if d.rule == "tier_ratio"]
    assert [d.message for d in deviations] == [
        "高级岗位占专业技术岗位的 20.0%（2/10），超过「高:中:初 = 1:3:6」对应的上限 10%",
        "高级和中级岗位合计占专业技术岗位的 60.0%（6/10），超过「高:中:初 = 1:3:6」对应的上限 40%",
    ]


def test_a_wider_share_is_reported_only_when_it_exceeds_by_more():
    # 高 20% (10 points over) and 高+中 50% (10 points over): the same surplus, one message
    lines = [("professional", 7, 2), ("professional", 10, 3), ("professional", 12, 5)]
    assert _rules(check_plan(lines, STRICT)) == ["tier_ratio"]
    # one 正高 post at grade 2 breaks both 正高 caps, but it is one surplus
    [deviation] = check_plan([("professional", 2, 1)], {**STRICT, "tier_ratio": [1, 0, 0]})
    assert str(deviation.message).startswith("专技 2 级占正高级岗位的 100.0%（1/1）")


def test_fewer_senior_posts_than_allowed_is_no_deviation():
    lines = [("professional", 10, 1), ("professional", 12, 9)]
    assert [d for d in check_plan(lines, STRICT) if d.rule == "tier_ratio"] == []


def test_within_full_senior_grades_2_3_4():
    lines = [("professional", 2, 2), ("professional", 3, 4), ("professional", 4, 4)]
    messages = [d.message for d in check_plan(lines, STRICT) if d.rule == "within_tier"]
    assert messages == [
        "专技 2 级占正高级岗位的 20.0%（2/10），超过「正高级 2:3:4 级 = 1:3:6」对应的上限 10%",
        "专技 2–3 级合计占正高级岗位的 60.0%（6/10），超过「正高级 2:3:4 级 = 1:3:6」对应的上限 40%",
    ]


def test_within_associate_senior_grades_5_6_7():
    lines = [("professional", 5, 3), ("professional", 6, 3), ("professional", 7, 4)]
    [deviation] = [d for d in check_plan(lines, STRICT) if d.rule == "within_tier"]
    assert "专技 5 级占副高级岗位的 30.0%（3/10）" in deviation.message
    assert "上限 20%" in deviation.message


def test_within_middle_grades_8_9_10():
    lines = [("professional", 8, 3), ("professional", 9, 5), ("professional", 10, 2)]
    [deviation] = [d for d in check_plan(lines, STRICT) if d.rule == "within_tier"]
    assert "专技 8–9 级合计占中级岗位的 80.0%（8/10）" in deviation.message
    assert "「中级 8:9:10 级 = 3:4:3」对应的上限 70%" in deviation.message


def test_within_assistant_grades_11_12():
    lines = [("professional", 11, 6), ("professional", 12, 4)]
    [deviation] = [d for d in check_plan(lines, STRICT) if d.rule == "within_tier"]
    assert (
        "专技 11 级占助理级岗位的 60.0%（6/10），超过「助理级 11:12 级 = 5:5」" in deviation.message
    )


def test_worker_grades_1_to_3_at_most_a_quarter():
    lines = [("worker", 3, 3), ("worker", 5, 7)]
    [deviation] = check_plan(lines, WORKERS_ONLY)
    assert deviation.rule == "worker_cap"
    assert deviation.message == (
        "工勤 1–3 级岗位占工勤技能岗位的 30.0%（3/10），超过规定的上限 25%"
    )


def test_worker_grades_1_and_2_at_most_five_percent():
    lines = [("worker", 2, 1), ("worker", 5, 9)]
    [deviation] = check_plan(lines, WORKERS_ONLY)
    assert str(deviation.message).startswith("工勤 1–2 级岗位占工勤技能岗位的 10.0%（1/10）")
    assert deviation.expected == Fraction(1, 20)


def test_tolerance_lets_a_share_exceed_its_target_by_that_much():
    lines = [("worker", 3, 26), ("worker", 5, 74)]  # 26% against 25%
    assert check_plan(lines, {**WORKERS_ONLY, "tolerance": "0.01"}) == []
    [deviation] = check_plan(lines, {**WORKERS_ONLY, "tolerance": "0.005"})
    assert "（允许偏差 0.5 个百分点）" in deviation.message


def test_school_stage_variants_change_the_tier_ratio():
    school = DEFAULTS["school"]
    lines = [("professional", 7, 2), ("professional", 10, 3), ("professional", 12, 5)]
    assert [d.rule for d in check_plan(lines, school, "senior")] == []  # 高中 2:4:4
    [deviation] = check_plan(lines, school, "primary")  # 小学 0:5:5
    assert "「小学 高:中:初 = 0:5:5」对应的上限 0%" in deviation.message
    # the general ratio applies without a stage, and to an unknown stage
    assert _rules(check_plan(lines, school)) == _rules(check_plan(lines, school, "kindergarten"))


def test_empty_plan_and_missing_groups_are_no_deviation():
    assert check_plan([], GENERAL) == []
    assert check_plan([("management", 5, 3)], {**GENERAL, "professional_min_share": "0"}) == []


def test_lines_of_the_same_grade_are_added_up():
    assert check_plan([("worker", 3, 1), ("worker", 3, 1), ("worker", 5, 8)], WORKERS_ONLY) == []
    lines = [("worker", 3, 2), ("worker", 3, 1), ("worker", 5, 7)]
    assert len(check_plan(lines, WORKERS_ONLY)) == 1


def test_percentages_are_shown_half_up():
    assert percent(Fraction(1, 3)) == "33.3%"
    assert percent(Fraction(1, 8)) == "12.5%"
    assert percent(Fraction(1, 16)) == "6.3%"
    assert limit_percent(Fraction(7, 10)) == "70%"
    assert limit_percent(Fraction(1, 3)) == "33.3%"


def test_scope_per_institution_kind():
    assert scope_for_kind("school") == "school"
    assert scope_for_kind("hospital") == "hospital"
    assert scope_for_kind("other") == ""


def test_defaults_are_parameters_per_kind(app):
    from core.parameters import ensure_parameter

    ensure_defaults()
    ensure_defaults()  # safe to run again
    on = date(2026, 1, 1)
    assert config_for("hospital", on)["professional_min_share"] == "0.80"
    assert "stages" in config_for("school", on)
    assert config_for("other", on) == DEFAULTS[""]
    # a newer version for hospitals replaces the default from its date on
    ensure_parameter(
        PARAMETER_KEY,
        {**DEFAULTS["hospital"], "professional_min_share": "0.85"},
        effective_from=date(2027, 1, 1),
        scope="hospital",
    )
    assert config_for("hospital", date(2027, 6, 1))["professional_min_share"] == "0.85"
    assert config_for("hospital", on)["professional_min_share"] == "0.80"


# --------------------------------------------------------------------------- properties

counts = st.integers(min_value=0, max_value=60)
plans = st.lists(
    st.one_of(
        st.tuples(st.just("professional"), st.integers(1, 13), counts),
        st.tuples(st.just("management"), st.integers(1, 10), counts),
        st.tuples(st.just("worker"), st.integers(1, 6), counts),
    ),
    max_size=25,
)


@given(
    m=st.integers(1, 20),
    e=st.integers(0, 5),
    workers=st.integers(0, 10),
    extra_management=st.integers(0, 40),
)
def test_any_plan_exactly_at_the_targets_has_no_deviation(m, e, workers, extra_management):
    assume(5 * e <= 30 * m)
    professional = 100 * m
    # keep the professional share at or above 70%: others at most 3/7 of professional posts
    room = professional * 3 // 7 - 20 * workers
    assume(room >= 0)
    management = min(extra_management, room)
    assert check_plan(_at_target(m, workers, management, e), STRICT) == []


@given(plans, st.integers(1, 13))
def test_adding_a_professional_post_never_lowers_the_professional_share(lines, grade):
    before = professional_share(lines)
    after = professional_share([*lines, ("professional", grade, 1)])
    assert after is not None
    assert before is None or after >= before


@given(plans, st.integers(2, 5))
def test_scaling_a_plan_keeps_its_deviations(lines, factor):
    scaled = [(c, g, n * factor) for c, g, n in lines]
    assert _rules(check_plan(lines, STRICT)) == _rules(check_plan(scaled, STRICT))


@given(plans)
def test_every_deviation_reports_a_share_beyond_its_limit(lines):
    for deviation in check_plan(lines, GENERAL):
        if deviation.rule == "professional_share":
            assert deviation.actual < deviation.expected
        else:
            assert deviation.actual > deviation.expected + Fraction(1, 100)
        assert percent(deviation.actual) in deviation.message
