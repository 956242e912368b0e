"""Performance schemes: the indicator catalogue, rejection with the rule, and the allocation."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.apportion import from_fen, to_fen
from hospitals.findings import FloorBreached, HospitalsRefusal, SchemeRejected
from hospitals.indicators import (
    ALLOWED,
    FORBIDDEN,
    Dimension,
    Direction,
    Indicator,
    by_dimension,
    forbidden,
    lookup,
)
from hospitals.scheme import (
    Department,
    Person,
    Scheme,
    SchemeIndicator,
    Target,
    allocate,
    check_scheme,
    normalize,
    validate_scheme,
)

PROPERTY = settings(database=None, deadline=None, max_examples=150)
D = Decimal

WEIGHTS = (
    SchemeIndicator("post_coefficient", D("30")),
    SchemeIndicator("rbrvs_points", D("40")),
    SchemeIndicator("medical_record_quality", D("20")),
    SchemeIndicator("inpatient_satisfaction", D("10")),
)
KEYS = [i.key for i in WEIGHTS]


def _scheme(pool="100000.00", indicators=WEIGHTS, **kwargs):
    return Scheme(pool=D(pool), indicators=tuple(indicators), **kwargs)


def _codes(scheme, extra=None):
    return [f.code for f in check_scheme(scheme, extra)]


# -- the catalogue ------------------------------------------------------------------------


def test_the_catalogue_covers_every_dimension():
    groups = by_dimension()
    assert all(groups[dimension] for dimension in Dimension)
    assert {"rbrvs_points", "drg_points", "outpatient_visits", "inpatient_discharges"} <= set(
        ALLOWED
    )
    assert {"grade4_surgery_share", "cmi"} <= {i.key for i in groups[Dimension.DIFFICULTY]}
    assert ALLOWED["average_length_of_stay"].direction is Direction.LOWER_BETTER
    assert str(ALLOWED["cmi"].label) == "病例组合指数（CMI）"


def test_no_allowed_indicator_is_forbidden():
    for key, indicator in ALLOWED.items():
        assert forbidden(key, indicator.label.id) is None, key
    assert not set(ALLOWED) & set(FORBIDDEN)


@pytest.mark.parametrize("key", sorted(FORBIDDEN))
def test_every_named_forbidden_indicator_is_refused(key):
    assert forbidden(key) is FORBIDDEN[key]
    assert lookup(key) is None


@pytest.mark.parametrize(
    ("key", "label", "rule"),
    [
        ("custom1", "科室药品收入", "挂钩"),
        ("custom2", "检查化验收入占比", "挂钩"),
        ("custom3", "开单数量", "挂钩"),
        ("custom4", "耗材销售额", "挂钩"),
        ("custom5", "医生创收", "创收指标"),
        ("custom6", "年度收入任务", "创收指标"),
        ("lab_revenue_share", "检验科绩效", "挂钩"),
        ("physician_commission", "绩效", "挂钩"),
    ],
)
def test_a_hospitals_own_indicator_speaking_of_revenue_is_forbidden(key, label, rule):
    reason = forbidden(key, label)
    assert reason is not None
    assert rule in str(reason.rule)


def test_own_indicators_are_allowed_when_clean():
    extra = {"mdt_cases": Indicator("mdt_cases", "多学科会诊例数", Dimension.DIFFICULTY)}
    assert lookup("mdt_cases", extra) is extra["mdt_cases"]
    assert lookup("mdt_cases") is None
    sneaky = {"x": Indicator("x", "药品收入占比", Dimension.COST_CONTROL)}
    assert lookup("x", sneaky) is None
    assert "x" not in {i.key for group in by_dimension(sneaky).values() for i in group}


# -- validation ---------------------------------------------------------------------------


def test_a_good_scheme_passes():
    assert check_scheme(_scheme()) == []
    validate_scheme(_scheme())


def test_weights_must_add_up_to_exactly_one_hundred():
    thirds = [SchemeIndicator(k, D("33.33")) for k in ("cmi", "drg_points", "bed_days")]
    findings = check_scheme(_scheme(indicators=thirds))
    assert [f.code for f in findings] == ["weights_total"]
    assert str(findings[0].message) == "各指标权重合计应为 100%，现为 99.99%"
    over = [SchemeIndicator("cmi", D("60.5")), SchemeIndicator("drg_points", D("40"))]
    assert _codes(_scheme(indicators=over)) == ["weights_total"]
    exact = [SchemeIndicator("cmi", D("60.50")), SchemeIndicator("drg_points", D("39.5"))]
    assert _codes(_scheme(indicators=exact)) == []


def test_forbidden_indicator_is_rejected_citing_the_rule():
    indicators = [
        SchemeIndicator("rbrvs_points", D("70")),
        SchemeIndicator("drug_revenue", D("30")),
    ]
    with pytest.raises(SchemeRejected) as rejected:
        validate_scheme(_scheme(indicators=indicators))
    problems = rejected.value.problems
    assert [p.code for p in problems] == ["forbidden_indicator"]
    text = str(problems[0].message)
    assert text.startswith(
        "指标「药品收入」不得用于绩效分配：医务人员薪酬不得与药品、卫生材料、检查、化验"
    )
    assert "人社部发〔2017〕10号" in text
    assert "人社部发〔2021〕52号" in text
    assert "九项准则" in text
    assert str(rejected.value) == text
    assert problems[0].subject == "drug_revenue"


def test_a_hospitals_own_revenue_indicator_is_rejected_with_its_label():
    indicators = [
        SchemeIndicator("rbrvs_points", D("80")),
        SchemeIndicator("own_1", D("20"), label="检查收入完成率"),
    ]
    findings = check_scheme(_scheme(indicators=indicators))
    assert [f.code for f in findings] == ["forbidden_indicator"]
    assert str(findings[0].message).startswith("指标「检查收入完成率」不得用于绩效分配")


def test_revenue_targets_are_rejected():
    targets = (
        Target("心内科", "outpatient_visits", D("12000")),
        Target("骨科", "medical_revenue", D("5000000")),
        Target("王医生", "own", D("300000"), label="个人创收目标"),
    )
    findings = check_scheme(_scheme(targets=targets))
    assert [(f.code, f.subject) for f in findings] == [
        ("revenue_target", "骨科"),
        ("revenue_target", "王医生"),
    ]
    assert str(findings[1].message) == (
        "不得向「王医生」下达「个人创收目标」目标：严禁向科室和医务人员下达创收指标"
        "（人社部发〔2017〕10号、人社部发〔2021〕52号）"
    )


def test_other_rejections_are_listed_together():
    indicators = [
        SchemeIndicator("cmi", D("50")),
        SchemeIndicator("cmi", D("0")),
        SchemeIndicator("bogus", D("50")),
    ]
    scheme = _scheme(pool="-1", indicators=indicators, floor=D("0.001"))
    assert _codes(scheme) == [
        "pool",
        "floor",
        "duplicate_indicator",
        "weight_not_positive",
        "unknown_indicator",
    ]
    assert _codes(_scheme(indicators=[])) == ["no_indicators"]
    findings = check_scheme(_scheme(indicators=[SchemeIndicator("bogus", D("100"))]))
    assert str(findings[0].message) == "指标「bogus」不在允许的考核指标目录中"


# -- allocation ---------------------------------------------------------------------------


def _people(*rows):
    return [Person(key, name, dept, scores) for key, name, dept, scores in rows]


DEPARTMENTS = [Department("cardio", "心内科", 60), Department("ortho", "骨科", 40)]


def test_a_worked_allocation():
    people = _people(
        (
            1,
            "王医生",
            "cardio",
            {
                "post_coefficient": 100,
                "rbrvs_points": 100,
                "medical_record_quality": 100,
                "inpatient_satisfaction": 100,
            },
        ),
        (
            2,
            "李护士",
            "cardio",
            {
                "post_coefficient": 50,
                "rbrvs_points": 50,
                "medical_record_quality": 50,
                "inpatient_satisfaction": 50,
            },
        ),
        (3, "张医生", "ortho", {"rbrvs_points": 80}),
    )
    result = allocate(_scheme(), DEPARTMENTS, people)
    assert [(d.key, d.amount) for d in result.departments] == [
        ("cardio", D("60000.00")),
        ("ortho", D("40000.00")),
    ]
    # 王 scores 100, 李 50: 2 : 1 of 60,000
    assert result.amounts() == {1: D("40000.00"), 2: D("20000.00"), 3: D("40000.00")}
    assert result.departments[0].people[0].score == D("100.0000")
    assert result.departments[1].people[0].score == D("32.0000")  # 40% × 80


def test_residue_goes_to_the_largest_remainder_then_the_smaller_key():
    scheme = _scheme(pool="100.00", indicators=[SchemeIndicator("cmi", D("100"))])
    departments = [Department(k, k, 1) for k in ("c", "a", "b")]
    people = _people(*[(k, k, k, {"cmi": 1}) for k in ("c", "a", "b")])
    result = allocate(scheme, departments, people)
    assert [(d.key, d.amount) for d in result.departments] == [
        ("a", D("33.34")),
        ("b", D("33.33")),
        ("c", D("33.33")),
    ]


def test_normalize_scores():
    assert normalize({"a": 50, "b": 100, "c": 0}) == {
        "a": D("50.0000"),
        "b": D("100.0000"),
        "c": D("0.0000"),
    }
    # lower is better: the best (lowest) scores 100, a value of 0 is the best possible
    assert normalize({"a": D("2.5"), "b": 5, "c": 0}, lower_is_better=True) == {
        "a": D("0.0000"),
        "b": D("0.0000"),
        "c": D("100"),
    }
    scores = normalize({"a": D("2.5"), "b": 5}, lower_is_better=True)
    assert scores == {"a": D("100.0000"), "b": D("50.0000")}
    assert normalize({"a": 0, "b": 0}) == {"a": D("0.0000"), "b": D("0.0000")}
    with pytest.raises(HospitalsRefusal):
        normalize({"a": -1})


def test_floor_refuses_with_the_names():
    people = _people(
        (1, "王医生", "cardio", {"rbrvs_points": 90}),
        (2, "李护士", "cardio", {"rbrvs_points": 10}),
        (3, "张医生", "ortho", {"rbrvs_points": 1}),
        (4, "赵医生", "ortho", {"rbrvs_points": 99}),
    )
    scheme = _scheme(pool="10000.00", floor=D("500.00"))
    with pytest.raises(FloorBreached) as refused:
        allocate(scheme, DEPARTMENTS, people)
    # 心内科 6,000: 5,400 / 600; 骨科 4,000: 40 / 3,960
    assert [(p.key, p.name, p.amount) for p in refused.value.people] == [(3, "张医生", D("40.00"))]
    assert str(refused.value) == "1 人的分配额低于保底额 500.00 元：张医生"
    assert refused.value.field == "floor"
    allocate(_scheme(pool="10000.00", floor=D("40.00")), DEPARTMENTS, people)


def test_allocation_refusals():
    good = {"rbrvs_points": 1}
    cases = [
        (_people((1, "王", "icu", good)), "王所在的科室「icu」不在本方案中"),
        (
            _people((1, "王", "cardio", {"drg_points": 1})),
            "王的数据中有本方案未用的指标「drg_points」",
        ),
        (
            _people((1, "王", "cardio", {"rbrvs_points": -1})),
            "王的「RBRVS 工作量点数」得分不能为负数",
        ),
        (
            _people((1, "王", "cardio", good), (2, "李", "cardio", good)),
            "科室「骨科」分得 40000.00 元，但没有人员或人员得分均为 0",
        ),
        (
            [Person(9, "院长甲", "cardio", good, is_head=True)],
            "院长甲是院长，薪酬由举办单位核定，不参加院内绩效分配",
        ),
    ]
    for people, text in cases:
        with pytest.raises(HospitalsRefusal) as refused:
            allocate(_scheme(), DEPARTMENTS, people)
        assert str(refused.value) == text
    with pytest.raises(HospitalsRefusal):
        allocate(_scheme(), [Department("x", "x", -1)], [])
    with pytest.raises(HospitalsRefusal):
        allocate(_scheme(), [Department("x", "x", 0)], [])
    with pytest.raises(SchemeRejected):
        allocate(_scheme(indicators=[SchemeIndicator("drug_revenue", D("100"))]), DEPARTMENTS, [])
    with pytest.raises(ValueError):
        allocate(_scheme(), DEPARTMENTS, _people((1, "a", "cardio", good), (1, "b", "ortho", good)))


def test_a_zero_pool_pays_nobody_and_a_department_without_points_gets_nothing():
    people = _people((1, "王", "cardio", {"rbrvs_points": 1}), (2, "李", "ortho", {}))
    result = allocate(_scheme(pool="0"), DEPARTMENTS, people)
    assert set(result.amounts().values()) == {D("0.00")}
    departments = [Department("cardio", "心内科", 1), Department("ortho", "骨科", 0)]
    result = allocate(_scheme(pool="10.00"), departments, people)
    assert result.amounts() == {1: D("10.00"), 2: D("0.00")}


# -- properties ---------------------------------------------------------------------------

scores = st.integers(0, 100).map(D) | st.decimals(0, 100, places=1)
person_rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.fixed_dictionaries({}, optional={k: scores for k in KEYS}),
    ),
    min_size=1,
    max_size=30,
)
department_points = st.tuples(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))
pools = st.integers(0, 10**9).map(from_fen)


def _world(points, rows):
    departments = [Department(k, f"科室{k}", p) for k, p in zip("abc", points, strict=True)]
    people = [Person(n, f"职工{n}", dept, row) for n, (dept, row) in enumerate(rows)]
    return departments, people


def _try(pool, departments, people, floor=None):
    try:
        return allocate(_scheme(pool=pool, floor=floor), departments, people)
    except FloorBreached:
        raise
    except HospitalsRefusal:
        return None


@PROPERTY
@given(pools, department_points, person_rows)
def test_the_pool_is_allocated_exactly(pool, points, rows):
    departments, people = _world(points, rows)
    result = _try(pool, departments, people)
    if result is None:
        return
    assert sum(result.amounts().values()) == pool
    assert sum(d.amount for d in result.departments) == pool
    for department in result.departments:
        assert sum(p.amount for p in department.people) == department.amount
        for person in department.people:
            assert person.amount >= 0
            assert (
                math.floor(person.exact_fen) <= to_fen(person.amount) <= math.ceil(person.exact_fen)
            )
    point_total = sum(points)
    for department in result.departments if point_total else ():
        share = Fraction(to_fen(pool) * points["abc".index(department.key)], point_total)
        assert math.floor(share) <= to_fen(department.amount) <= math.ceil(share)


@PROPERTY
@given(pools, department_points, person_rows, st.randoms(use_true_random=False))
def test_invariant_to_the_order_of_people_and_departments(pool, points, rows, random):
    departments, people = _world(points, rows)
    first = _try(pool, departments, people)
    random.shuffle(departments)
    random.shuffle(people)
    second = _try(pool, departments, people)
    assert (first is None) == (second is None)
    if first is not None:
        assert first == second


@PROPERTY
@given(pools, department_points, person_rows, st.data())
def test_monotone_in_score(pool, points, rows, data):
    departments, people = _world(points, rows)
    index = data.draw(st.integers(0, len(people) - 1))
    indicator = data.draw(st.sampled_from(KEYS))
    extra = data.draw(st.integers(1, 50).map(D) | st.decimals("0.1", 20, places=1))
    before = _try(pool, departments, people)
    person = people[index]
    raised = Person(
        person.key,
        person.name,
        person.department,
        {**person.scores, indicator: D(person.scores.get(indicator, 0)) + extra},
    )
    after = _try(pool, departments, [*people[:index], raised, *people[index + 1 :]])
    if before is not None:
        assert after is not None
        assert after.amounts()[person.key] >= before.amounts()[person.key]


@PROPERTY
@given(pools, department_points, person_rows, st.integers(0, 10**7).map(from_fen))
def test_the_floor_is_respected_or_the_allocation_refused_naming_exactly_those_below(
    pool, points, rows, floor
):
    departments, people = _world(points, rows)
    unfloored = _try(pool, departments, people)
    if unfloored is None:
        return
    below = sorted(p.key for p in unfloored.people() if p.amount < floor)
    try:
        result = allocate(_scheme(pool=pool, floor=floor), departments, people)
    except FloorBreached as refused:
        assert sorted(s.key for s in refused.people) == below
        assert below
        return
    assert not below
    assert all(p.amount >= floor for p in result.people())
    assert result == unfloored
