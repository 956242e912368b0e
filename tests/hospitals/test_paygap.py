"""Same post, same pay: identity gaps per department and grade, the people behind them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hospitals.paygap import (
    DEFAULTS,
    PAY_GAP_KEY,
    GapRules,
    Measure,
    PayRecord,
    identity_gaps,
    run_warnings,
)

PROPERTY = settings(database=None, deadline=None, max_examples=100)
RULES = GapRules.from_value()
D = Decimal
EST, FILED, CONTRACT, DISPATCH = "establishment", "filed", "contract", "dispatch"


def _pay(
    person,
    identity,
    *,
    post="1000",
    scale="500",
    basic="2000",
    reward="1600",
    allowances="300",
    score="80",
    department="心内科",
    grade="专技 8 级",
    month=1,
    name=None,
):
    return PayRecord(
        person=person,
        name=name or f"职工{person}",
        department=department,
        grade=grade,
        identity=identity,
        components={
            "post_pay": D(post),
            "scale_pay": D(scale),
            "basic_performance": D(basic),
            "reward_performance": D(reward),
            "allowances": D(allowances),
        },
        score=None if score is None else D(score),
        month=(2026, month),
    )


def test_defaults():
    value = DEFAULTS[PAY_GAP_KEY]
    assert value["post_components"] == ["post_pay", "basic_performance", "allowances"]
    assert value["reference_identity"] == "establishment"
    assert (RULES.tolerance_share, RULES.tolerance_amount) == (D("0.02"), D("10.00"))


def test_equal_pay_has_no_gap():
    records = [_pay(1, EST), _pay(2, CONTRACT), _pay(3, DISPATCH)]
    report = identity_gaps(records, RULES)
    assert report.gaps == ()
    assert [c.measure for c in report.cells] == [Measure.POST_PAY, Measure.PAY_PER_POINT]
    assert [g.identity for g in report.cells[0].groups] == [CONTRACT, DISPATCH, EST]


def test_a_contract_group_paid_less_on_the_same_post():
    records = [
        _pay(1, EST, name="王医生"),
        _pay(2, EST, name="李医生"),
        _pay(3, CONTRACT, basic="1600", name="张医生"),
        _pay(4, CONTRACT, basic="1800", name="赵医生"),
        _pay(5, CONTRACT, basic="1995", name="钱医生"),  # within ¥10 of the reference
    ]
    report = identity_gaps(records, RULES)
    assert len(report.gaps) == 1
    gap = report.gaps[0]
    assert (gap.department, gap.grade, gap.measure) == ("心内科", "专技 8 级", Measure.POST_PAY)
    assert (gap.identity, gap.reference_identity) == (CONTRACT, EST)
    assert gap.reference_mean == D("3300.00")
    assert gap.mean == D("3098.33")
    assert gap.gap == D("-201.67")
    assert gap.gap_share == D("-0.0611")
    assert [(p.name, p.value) for p in gap.people] == [
        ("张医生", D("2900.00")),
        ("赵医生", D("3100.00")),
    ]
    assert report.people() == [3, 4]
    assert str(gap.message) == (
        "心内科 专技 8 级：合同制人员的岗位相关工资（岗位工资、基础性绩效、津贴补贴）平均 3098.33 元，"
        "比事业编制人员（3300.00 元）低 201.67 元（6.1%），涉及 2 人"
    )


def test_seniority_pay_is_not_an_identity_gap():
    records = [_pay(1, EST, scale="900"), _pay(2, CONTRACT, scale="80")]
    assert identity_gaps(records, RULES).gaps == ()
    # unless the hospital chooses to compare it
    rules = GapRules.from_value(
        {"post_components": ["post_pay", "scale_pay", "basic_performance", "allowances"]}
    )
    assert [g.identity for g in identity_gaps(records, rules).gaps] == [CONTRACT]


def test_performance_differences_explained_by_scores_are_not_gaps():
    records = [
        _pay(1, EST, score="100", reward="2000"),
        _pay(2, CONTRACT, score="50", reward="1000"),
    ]
    assert identity_gaps(records, RULES).gaps == ()
    # the same score earning less by identity is a gap per score point
    records = [
        _pay(1, EST, score="100", reward="2000"),
        _pay(2, CONTRACT, score="100", reward="1500"),
    ]
    (gap,) = identity_gaps(records, RULES).gaps
    assert gap.measure is Measure.PAY_PER_POINT
    assert (gap.mean, gap.reference_mean, gap.gap) == (D("15.0000"), D("20.0000"), D("-5.0000"))


def test_both_tolerances_must_be_exceeded():
    # ¥60 on ¥3,300 is 1.8%: under 2%
    assert identity_gaps([_pay(1, EST), _pay(2, CONTRACT, basic="1940")], RULES).gaps == ()
    # 2% of a small reference can be under ¥10
    small = [
        _pay(1, EST, post="100", basic="100", allowances="0"),
        _pay(2, CONTRACT, post="100", basic="92", allowances="0"),
    ]
    assert identity_gaps(small, RULES).gaps == ()
    strict = GapRules.from_value({"tolerance_share": "0", "tolerance_amount": "0"})
    assert len(identity_gaps(small, strict).gaps) == 1


def test_a_group_paid_more_is_shown_too():
    (gap,) = identity_gaps([_pay(1, EST), _pay(2, FILED, post="1400")], RULES).gaps
    assert gap.gap == D("400.00")
    assert "高 400.00 元" in str(gap.message)


def test_without_establishment_staff_the_best_paid_group_is_the_reference():
    records = [_pay(1, FILED), _pay(2, DISPATCH, post="700")]
    (gap,) = identity_gaps(records, RULES).gaps
    assert (gap.identity, gap.reference_identity) == (DISPATCH, FILED)


def test_posts_are_compared_only_with_themselves():
    records = [
        _pay(1, EST, grade="专技 8 级"),
        _pay(2, CONTRACT, grade="专技 9 级", post="800"),
        _pay(3, CONTRACT, department="骨科", post="700"),
    ]
    assert identity_gaps(records, RULES).gaps == ()


def test_months_are_averaged_per_person():
    records = [_pay(1, EST, month=m) for m in range(1, 13)]
    records += [
        _pay(2, CONTRACT, month=m, basic="1400" if m <= 6 else "2000") for m in range(1, 13)
    ]
    (gap,) = identity_gaps(records, RULES).gaps
    assert gap.mean == D("3000.00")
    assert gap.people[0].months == 12


def test_run_warnings_compare_same_post_and_score():
    records = [
        _pay(1, EST, score="90", reward="1800", name="王医生"),
        _pay(2, CONTRACT, score="90", reward="1500", name="张医生"),
        _pay(3, CONTRACT, score="60", reward="1200", name="赵医生"),
        _pay(4, EST, score="60", reward="1200", scale="900", name="钱医生"),
    ]
    findings = run_warnings(records, RULES)
    assert [f.code for f in findings] == ["same_post_same_score"]
    text = str(findings[0].message)
    assert text.startswith(
        "绩效分值 90：心内科 专技 8 级：合同制人员的同分值人员的岗位工资与绩效合计平均"
    )
    assert text.endswith("请核对：张医生")
    assert findings[0].subject == ("心内科", "专技 8 级")
    assert run_warnings(records[2:], RULES) == []


def test_people_without_a_score_form_their_own_group():
    records = [_pay(1, EST, score=None), _pay(2, CONTRACT, score=None, basic="1000")]
    findings = run_warnings(records, RULES)
    assert str(findings[0].message).startswith("绩效分值 —：")
    report = identity_gaps(records, RULES)
    assert [c.measure for c in report.cells] == [Measure.POST_PAY]


def test_floats_are_refused():
    record = _pay(1, EST)
    bad = PayRecord(1, "x", "心内科", "专技 8 级", EST, {"post_pay": 1000.0})
    with pytest.raises(TypeError):
        identity_gaps([record, bad], RULES)


identities = st.sampled_from([EST, FILED, CONTRACT, DISPATCH])
people = st.lists(
    st.tuples(
        identities,
        st.sampled_from(["心内科", "骨科"]),
        st.sampled_from(["专技 8 级", "专技 11 级"]),
        st.integers(0, 900),  # 薪级
        st.integers(1, 100),  # score
    ),
    min_size=1,
    max_size=30,
)
POST = {"专技 8 级": D("780"), "专技 11 级": D("680")}
RATE = {"专技 8 级": D("21.5"), "专技 11 级": D("18")}


def _fair(rows, months=2):
    """Pay that depends on the post, seniority and score only, never on identity."""
    return [
        _pay(
            n,
            identity,
            department=department,
            grade=grade,
            post=POST[grade],
            scale=scale,
            reward=RATE[grade] * score,
            score=score,
            month=m,
        )
        for n, (identity, department, grade, scale, score) in enumerate(rows)
        for m in range(1, months + 1)
    ]


@PROPERTY
@given(people)
def test_pay_that_ignores_identity_shows_no_gap(rows):
    records = _fair(rows)
    assert identity_gaps(records, RULES).gaps == ()
    assert run_warnings([r for r in records if r.month == (2026, 1)], RULES) == []


@PROPERTY
@given(people, identities, st.integers(200, 2000))
def test_cutting_one_identitys_post_pay_shows_a_gap_naming_all_of_them(rows, victim, cut):
    records = [
        r
        if r.identity != victim
        else PayRecord(
            r.person,
            r.name,
            r.department,
            r.grade,
            r.identity,
            {**r.components, "post_pay": r.components["post_pay"] - cut},
            r.score,
            r.month,
        )
        for r in _fair(rows)
    ]
    report = identity_gaps(records, RULES)
    cells = {(r.department, r.grade) for r in records if r.identity == victim}
    others = {(r.department, r.grade) for r in records if r.identity != victim}
    expected = {
        (cell, p)
        for cell in cells & others
        for p in {
            r.person for r in records if r.identity == victim and (r.department, r.grade) == cell
        }
    }
    # cut ≥ ¥200 on ≤ ¥3,080 is > 2% and > ¥10; when the victim is the reference, the others gain
    found = {
        ((g.department, g.grade), p.person)
        for g in report.gaps
        if g.measure is Measure.POST_PAY
        for p in g.people
    }
    if victim == EST:
        assert {cell for cell, _ in found} == cells & others
    else:
        assert found == expected
