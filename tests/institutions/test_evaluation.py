"""Function evaluation (职能运行评估): classification, scores, and the 编制 recommendation."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from institutions.staffing.evaluation import (
    DEFAULTS,
    Action,
    BasisKind,
    Classification,
    Function,
    LegalBasis,
    PostOperation,
    Scheme,
    classify,
    duty_level,
    evaluate,
    finalise_problems,
    operation_score,
)

D = Decimal
EDUCATION_LAW = LegalBasis(BasisKind.LAW, "《中华人民共和国教育法》", article="第二十九条")
SANDING = LegalBasis(BasisKind.SANDING, "三定规定", document_number="武编发〔2020〕3号")
PROPERTY = settings(database=None, max_examples=100)


def fn(name="教学", **overrides) -> Function:
    values = {"bases": (EDUCATION_LAW,), "staff": D(10)}
    values.update(overrides)
    return Function(name, **values)


def ratings(level: int) -> dict:
    return {"workload": level, "frequency": level, "importance": level, "risk": level}


FULL = PostOperation(approved=40, posts=40, actual=40, structure_compliant=True)

# --------------------------------------------------------------------------- classification


def test_duty_level_is_the_weighted_mean_of_the_ratings():
    function = fn(workload=5, frequency=1, importance=4, risk=2)
    # (5×35 + 1×15 + 4×30 + 2×20) / 100
    assert duty_level(function) == D("3.50")
    equal = replace(DEFAULTS, workload_weight=D(1), frequency_weight=D(1), importance_weight=D(1))
    assert duty_level(function, replace(equal, risk_weight=D(1))) == D("3.00")


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (D("5"), Classification.STRENGTHEN),
        (D("4.00"), Classification.STRENGTHEN),
        (D("3.99"), Classification.KEEP),
        (D("2.50"), Classification.KEEP),
        (D("2.49"), Classification.WEAKEN),
        (D("1.50"), Classification.WEAKEN),
        (D("1.49"), Classification.CANCEL),
        (D("1"), Classification.CANCEL),
    ],
)
def test_classification_thresholds(level, expected):
    assert classify(level) is expected


def test_the_office_may_adjust_a_classification_but_must_say_why():
    function = fn(**ratings(3), adjusted=Classification.WEAKEN)
    result = evaluate([function], FULL).functions[0]
    assert (result.suggested, result.classification, result.is_adjusted) == (
        Classification.KEEP,
        Classification.WEAKEN,
        True,
    )
    problems = finalise_problems([function])
    assert [str(p) for p in problems] == ["职能「教学」测算为「保持」，调整为「弱化」须写明理由"]
    assert finalise_problems([replace(function, adjustment_reason="生源减少")]) == []


def test_finalising_needs_functions_with_names_and_ratings_in_range():
    assert "尚未填报任何职能" in [str(p) for p in finalise_problems([])]
    problems = [str(p) for p in finalise_problems([fn(" ", workload=0, risk=6)])]
    assert "有职能未填写名称" in problems
    assert any("工作量评分应为 1–5，现为 0" in p for p in problems)
    assert any("风险程度评分应为 1–5，现为 6" in p for p in problems)
    # Out-of-range ratings still compute, at the nearest end.
    assert duty_level(fn(**ratings(9))) == D("5.00")


def test_a_function_without_legal_basis_is_flagged_but_may_be_finalised():
    bare = fn("代管食堂", bases=())
    blank = fn("接待", bases=(LegalBasis(BasisKind.DOCUMENT, "  "),))
    result = evaluate([fn(), bare, blank], FULL)
    flags = [str(f) for f in result.flags]
    assert "职能「代管食堂」没有职能来源依据" in flags
    assert "职能「接待」没有职能来源依据" in flags
    assert result.basis_score == D("33.3")
    assert finalise_problems([bare]) == []


# --------------------------------------------------------------------------- scores


def test_operation_score_parts():
    assert operation_score(FULL) == D("100.0")
    # 30 at work of 40: usage 75; posts 40/40: 100; structure fails: 0.
    half = PostOperation(
        approved=40, posts=40, actual=34, seconded_out=4, structure_compliant=False
    )
    assert operation_score(half) == D("62.5")  # (75×50 + 100×25 + 0×25) / 100
    # Unknown structure leaves its weight out; over quota lowers usage as vacancies do.
    over = PostOperation(approved=40, posts=40, actual=44)
    assert operation_score(over) == D("93.3")  # (90×50 + 100×25) / 75
    assert operation_score(PostOperation(approved=0, posts=3, actual=0)) is None


def test_the_score_weighs_the_three_dimensions():
    result = evaluate([fn(**ratings(5)), fn("后勤", bases=(), **ratings(1))], FULL)
    assert (result.basis_score, result.duty_score, result.operation_score) == (
        D("50.0"),
        D("50.0"),
        D("100.0"),
    )
    assert result.score == D("65.0")  # (50×30 + 50×40 + 100×30) / 100
    only_operation = evaluate([], FULL)
    assert only_operation.score == D("100.0")
    assert evaluate([], PostOperation(0, 0, 0)).score is None


def test_operation_flags():
    result = evaluate(
        [fn()],
        PostOperation(approved=10, posts=12, actual=11, seconded_out=2, structure_compliant=False),
    )
    flags = [str(f) for f in result.flags]
    assert "超编：核定编制 10 名，实有 11 名，超出 1 名" in flags
    assert "岗位设置数 12 个，超过核定编制 10 名" in flags
    assert "有 2 名在编人员被借调、抽调出单位" in flags
    assert "岗位结构比例不符合规定" in flags


# --------------------------------------------------------------------------- recommendation


def test_a_sound_unit_keeps_its_quota():
    advice = evaluate([fn(**ratings(3))], FULL).recommendation
    assert (advice.action, advice.number, advice.reducible_now) == (Action.KEEP, 0, 0)


def test_weakened_and_cancelled_functions_and_secondments_are_proposed_for_reduction():
    functions = [
        fn("教学", **ratings(3), staff=D(30)),
        fn("校办企业管理", **ratings(2), staff=D(5)),  # weakened: releases 2.5 → with the rest
        fn("代管食堂", bases=(), **ratings(1), staff=D("1.5")),  # cancelled: releases 1.5
    ]
    operation = PostOperation(approved=40, posts=40, actual=39, seconded_out=1)
    advice = evaluate(functions, operation).recommendation
    # floor(1.5 + 2.5) = 4 from functions, 1 seconded out; 1 vacancy is within 5 % of 40.
    assert (advice.action, advice.number, advice.reducible_now) == (Action.REDUCE, 5, 1)
    reasons = [str(r) for r in advice.reasons]
    assert "取消职能 1 项、弱化职能 1 项，可腾出编制 4 名" in reasons
    assert "借调、抽调出 1 名，计为不需要的编制 1 名" in reasons


def test_vacancies_beyond_the_tolerance_are_proposed_for_reduction():
    operation = PostOperation(approved=40, posts=40, actual=32)
    advice = evaluate([fn(**ratings(3))], operation).recommendation
    assert (advice.action, advice.number, advice.reducible_now) == (Action.REDUCE, 6, 6)
    assert "空编 8 名，超出可保留的 2 名" in [str(r) for r in advice.reasons]


def test_a_need_is_met_from_vacancies_then_released_staff_before_anything_is_added():
    grow = fn("课后服务", **ratings(5), staff=D(2), staff_needed=D("6.5"))  # needs 4.5 → 5
    shrink = fn("校办企业管理", **ratings(2), staff=D(2))  # releases 1
    operation = PostOperation(approved=40, posts=40, actual=38)  # 2 vacant
    advice = evaluate([grow, shrink], operation).recommendation
    assert (advice.action, advice.number) == (Action.ADD, 2)
    reasons = [str(r) for r in advice.reasons]
    assert "强化职能尚需编制 5 名" in reasons
    assert "其中 2 名以现有空编解决" in reasons
    assert "其中 1 名以内部调剂腾出的编制解决" in reasons
    # With more released than needed, the rest is a reduction.
    advice = evaluate([grow, replace(shrink, staff=D(12))], operation).recommendation
    assert (advice.action, advice.number, advice.reducible_now) == (Action.REDUCE, 3, 0)


def test_only_strengthened_functions_ask_for_more():
    kept = fn(**ratings(3), staff=D(2), staff_needed=D(9))
    assert evaluate([kept], FULL).recommendation.action is Action.KEEP


# --------------------------------------------------------------------------- the scheme


def test_defaults_are_usable_and_round_trip_through_storage():
    assert DEFAULTS.problems() == []
    stored = DEFAULTS.to_mapping()
    assert stored["duty_weight"] == "40"
    assert Scheme.from_mapping(stored) == DEFAULTS
    assert Scheme.from_mapping({"duty_weight": 50}).duty_weight == D(50)
    with pytest.raises(ValueError):
        Scheme.from_mapping({"bogus": 1})
    with pytest.raises(ValueError):
        Scheme.from_mapping({"duty_weight": "很多"})
    with pytest.raises(ValueError):
        Scheme.from_mapping({"duty_weight": "NaN"})


def test_unusable_schemes_say_why():
    bad = replace(
        DEFAULTS,
        basis_weight=D(0),
        duty_weight=D(0),
        operation_weight=D(0),
        keep_from=D(5),
        strengthen_from=D(4),
        weaken_share=D(2),
        risk_weight=D(-1),
    )
    problems = [str(p) for p in bad.problems()]
    assert len(problems) == 4
    assert any("不能为负数" in p for p in problems)
    assert any("之和须大于 0" in p for p in problems)
    assert any("弱化 ≤ 保持 ≤ 强化" in p for p in problems)
    assert any("0 到 1 之间" in p for p in problems)
    assert len(finalise_problems([fn()], bad)) == 4


# --------------------------------------------------------------------------- properties

rating = st.integers(min_value=1, max_value=5)
staff = st.decimals(min_value=0, max_value=50, places=1)
weights = st.decimals(min_value=0, max_value=100, places=1)


@st.composite
def functions(draw: st.DrawFn) -> Function:
    needed = draw(st.none() | staff)
    return Function(
        draw(st.sampled_from(["教学", "后勤", "科研", "培训"])),
        bases=draw(st.sampled_from([(), (EDUCATION_LAW,), (EDUCATION_LAW, SANDING)])),
        workload=draw(rating),
        frequency=draw(rating),
        importance=draw(rating),
        risk=draw(rating),
        staff=draw(staff),
        staff_needed=needed,
        adjusted=draw(st.none() | st.sampled_from(Classification)),
    )


@st.composite
def operations(draw: st.DrawFn) -> PostOperation:
    approved = draw(st.integers(0, 200))
    actual = draw(st.integers(0, 220))
    return PostOperation(
        approved=approved,
        posts=draw(st.integers(0, 220)),
        actual=actual,
        seconded_out=draw(st.integers(0, actual)),
        structure_compliant=draw(st.none() | st.booleans()),
    )


@st.composite
def schemes(draw: st.DrawFn) -> Scheme:
    weaken, keep, strengthen = sorted(
        draw(st.lists(st.decimals(1, 5, places=1), min_size=3, max_size=3))
    )
    scheme = replace(
        DEFAULTS,
        basis_weight=draw(weights),
        duty_weight=draw(weights),
        operation_weight=draw(weights),
        workload_weight=draw(weights),
        risk_weight=draw(weights),
        weaken_from=weaken,
        keep_from=keep,
        strengthen_from=strengthen,
        weaken_share=draw(st.decimals(0, 1, places=2)),
        vacancy_tolerance=draw(st.decimals(0, 1, places=2)),
        seconded_share=draw(st.decimals(0, 1, places=2)),
    )
    assume(not scheme.problems())
    return scheme


@PROPERTY
@given(st.lists(functions(), max_size=6), operations(), schemes())
def test_scores_are_within_0_and_100_and_the_advice_is_sane(fs, operation, scheme):
    result = evaluate(fs, operation, scheme)
    for value in (result.basis_score, result.duty_score, result.operation_score, result.score):
        assert value is None or D(0) <= value <= D(100)
    advice = result.recommendation
    assert advice.number >= 0
    assert (advice.action is Action.KEEP) == (advice.number == 0)
    if advice.action is Action.REDUCE:
        assert advice.number <= operation.approved
        assert 0 <= advice.reducible_now <= min(advice.number, max(0, operation.vacancies))
    else:
        assert advice.reducible_now == 0


@PROPERTY
@given(st.lists(functions(), min_size=1, max_size=6), operations(), st.integers(2, 9))
def test_scaling_the_dimension_weights_leaves_the_score_alone(fs, operation, factor):
    scaled = replace(
        DEFAULTS,
        basis_weight=DEFAULTS.basis_weight * factor,
        duty_weight=DEFAULTS.duty_weight * factor,
        operation_weight=DEFAULTS.operation_weight * factor,
    )
    assert evaluate(fs, operation, scaled).score == evaluate(fs, operation).score


ORDER = [
    Classification.CANCEL,
    Classification.WEAKEN,
    Classification.KEEP,
    Classification.STRENGTHEN,
]


@PROPERTY
@given(functions(), st.sampled_from(["workload", "frequency", "importance", "risk"]), schemes())
def test_a_higher_rating_never_lowers_the_level_or_the_class(function, name, scheme):
    raised = replace(function, **{name: min(5, getattr(function, name) + 1)})
    assert duty_level(raised, scheme) >= duty_level(function, scheme)
    before = ORDER.index(classify(duty_level(function, scheme), scheme))
    assert ORDER.index(classify(duty_level(raised, scheme), scheme)) >= before


@PROPERTY
@given(st.lists(functions(), max_size=6), operations())
def test_adding_a_cancelled_function_never_turns_a_reduction_into_an_addition(fs, operation):
    extra = fn("取消项", **ratings(1), staff=D(3))
    before = evaluate(fs, operation).recommendation
    after = evaluate([*fs, extra], operation).recommendation
    signed = {Action.ADD: 1, Action.KEEP: 0, Action.REDUCE: -1}
    assert signed[after.action] * after.number <= signed[before.action] * before.number
