"""Lump-sum budget: the formula, execution by line and month, alerts at 90% and 100%, surplus."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.apportion import from_fen
from schools.allowance import AllowanceRules, compute
from schools.findings import SchoolsRefusal
from schools.lumpsum import (
    BUDGET_KEY,
    DEFAULTS,
    LUMP_SUM_KEY,
    BudgetLine,
    BudgetRules,
    EarmarkedProject,
    LumpSumRules,
    Spending,
    execution,
    lump_sum,
    spending_refusal,
    surplus,
)
from schools.stages import Stage

PROPERTY = settings(database=None, deadline=None)
P, J, S = Stage.PRIMARY, Stage.JUNIOR, Stage.SENIOR
RATES = LumpSumRules.from_value(
    {
        "staff_cost_per_head": {"primary": "140000", "junior": "150000", "senior": "160000.5"},
        "per_student": {"primary": "800", "junior": "1000", "senior": "1200.333"},
    }
)
BUDGET = BudgetRules.from_value()
CALENDAR = BudgetRules.from_value({"first_month": 1})
D = Decimal


def test_defaults():
    assert DEFAULTS[LUMP_SUM_KEY]["per_student"] == {
        "primary": "650",
        "junior": "850",
        "senior": "1000",
    }
    assert DEFAULTS[BUDGET_KEY]["alert_thresholds"] == ["0.90", "1.00"]
    default = LumpSumRules.from_value()
    assert default.per_student[J] == D("850")


def test_the_formula_term_by_term():
    # 九年一贯制: 员额 38 + 20, students 722 + 270, two projects
    result = lump_sum(
        {P: 38, J: 20},
        {P: 722, J: 270},
        RATES,
        [EarmarkedProject("校舍维修", D("300000")), EarmarkedProject("图书", D("25000.50"))],
    )
    assert result.personnel == D("38") * 140000 + D("20") * 150000 == D("8320000")
    assert result.operations == D("722") * 800 + D("270") * 1000 == D("847600")
    assert result.projects == D("325000.50")
    assert result.total == D("9492600.50")
    assert result.budget() == {
        "personnel": D("8320000"),
        "operations": D("847600"),
        "projects": D("325000.50"),
    }
    lines = [(t.line, t.stage, t.quantity, t.rate, t.amount) for t in result.terms]
    assert lines[0] == (BudgetLine.PERSONNEL, P, 38, D("140000"), D("8320000") - D("3000000"))
    assert result.terms[-1].name == "图书"


def test_each_term_is_rounded_half_up_to_the_fen():
    # 1200.333 × 3 = 3600.999 → 3601.00; 160000.5 × 1 = 160000.50
    result = lump_sum({S: 1}, {S: 3}, RATES)
    assert result.operations == D("3601.00")
    assert result.personnel == D("160000.50")
    # 1200.333 × 5 = 6001.665 → 6001.67 (half up, not to even)
    assert lump_sum({}, {S: 5}, RATES).operations == D("6001.67")


def test_from_the_allowance_report():
    report = compute({P: 722, J: 270}, [], AllowanceRules.from_value())
    allowance = {s.stage: s.allowance for s in report.stages}
    students = {s.stage: s.students for s in report.stages}
    assert lump_sum(allowance, students, RATES).total == D("8320000") + D("847600")


def test_refusals():
    with pytest.raises(SchoolsRefusal) as refused:
        lump_sum({P: -1}, {}, RATES)
    assert str(refused.value) == "小学员额不能为负数（-1）"
    with pytest.raises(SchoolsRefusal):
        lump_sum({}, {J: -3}, RATES)
    with pytest.raises(SchoolsRefusal) as refused:
        lump_sum({}, {}, RATES, [EarmarkedProject("操场", D("-1"))])
    assert str(refused.value) == "专项「操场」金额不能为负数"
    with pytest.raises(TypeError):
        lump_sum({P: 1.0}, {}, RATES)


def test_budget_year_months():
    assert BUDGET.months(2025)[:2] == [(2025, 9), (2025, 10)]
    assert BUDGET.months(2025)[-1] == (2026, 8)
    assert CALENDAR.months(2026) == [(2026, m) for m in range(1, 13)]


def _spend(line, months_amounts):
    return [Spending(line, month, D(amount)) for month, amount in months_amounts]


def test_execution_by_line_and_month_with_alerts():
    months = CALENDAR.months(2026)
    budget = {"personnel": D("1000.00"), "operations": D("200.00"), "projects": D("0")}
    spending = _spend("personnel", [((2026, 1), "500"), ((2026, 3), "400"), ((2026, 5), "150")])
    spending += _spend("operations", [((2026, 2), "100"), ((2026, 2), "79.99")])
    result = execution(budget, spending, months, CALENDAR)
    personnel = result.line("personnel")
    assert [m.cumulative for m in personnel.months[:5]] == [D(500), D(500), D(900), D(900), D(1050)]
    assert [m.rate for m in personnel.months[:5]] == [
        D("0.5000"),
        D("0.5000"),
        D("0.9000"),
        D("0.9000"),
        D("1.0500"),
    ]
    assert personnel.spent == D("1050.00")
    assert personnel.balance == D("-50.00")
    operations = result.line("operations")
    assert operations.months[1].spent == D("179.99")
    assert operations.rate == D("0.9000")  # 89.995% shown rounded; not yet at the alert
    assert result.line("projects").rate is None
    assert result.total.budget == D("1200.00")
    assert result.total.spent == D("1229.99")
    alerts = [(a.line, a.month, a.threshold) for a in result.alerts]
    # the whole budget (1,200) stands at 1,079.99 in March, one fen short of 90%
    assert alerts == [
        ("personnel", (2026, 3), D("0.90")),
        ("personnel", (2026, 5), D("1.00")),
        (None, (2026, 5), D("0.90")),
        (None, (2026, 5), D("1.00")),
    ]
    assert str(result.alerts[0].message) == (
        "人员经费执行率 2026 年 3 月达到 90.0%（预算 1000.00 元，已支出 900.00 元），已达 90% 预警线"
    )
    assert str(result.alerts[2].message).startswith("预算合计执行率 2026 年 5 月")


def test_threshold_is_compared_exactly():
    months = CALENDAR.months(2026)
    below = execution(
        {"operations": D("200")}, _spend("operations", [((2026, 1), "179.99")]), months, CALENDAR
    )
    assert [a.line for a in below.alerts] == []
    at = execution(
        {"operations": D("200")}, _spend("operations", [((2026, 1), "180")]), months, CALENDAR
    )
    assert [(a.line, a.threshold) for a in at.alerts] == [
        ("operations", D("0.90")),
        (None, D("0.90")),
    ]


def test_one_month_can_cross_both_thresholds():
    months = CALENDAR.months(2026)
    result = execution(
        {"projects": D("100")}, _spend("projects", [((2026, 4), "120")]), months, CALENDAR
    )
    assert [(a.line, a.threshold) for a in result.alerts if a.line] == [
        ("projects", D("0.90")),
        ("projects", D("1.00")),
    ]


def test_spending_without_a_budget_alerts_once():
    months = CALENDAR.months(2026)
    result = execution(
        {"projects": D("0"), "personnel": D("1000")},
        _spend("projects", [((2026, 2), "10"), ((2026, 3), "10")]),
        months,
        CALENDAR,
    )
    project_alerts = [a for a in result.alerts if a.line == "projects"]
    assert len(project_alerts) == 1
    assert str(project_alerts[0].message) == "专项经费没有预算，2026 年 2 月已支出 10.00 元"


def test_refunds_lower_the_cumulative_figure():
    months = CALENDAR.months(2026)
    result = execution(
        {"operations": D("100")},
        _spend("operations", [((2026, 1), "50"), ((2026, 2), "-20")]),
        months,
        CALENDAR,
    )
    assert result.line("operations").months[1].cumulative == D("30.00")


def test_a_schools_own_line_keeps_its_name_and_comes_last():
    months = CALENDAR.months(2026)
    result = execution(
        {"教师培训": D("10"), "personnel": D("10")},
        _spend("教师培训", [((2026, 1), "10")]),
        months,
        CALENDAR,
    )
    assert [line.line for line in result.lines] == ["personnel", "教师培训"]
    assert str(result.alerts[0].message).startswith("教师培训执行率")


def test_execution_input_errors():
    months = CALENDAR.months(2026)
    with pytest.raises(ValueError):
        execution({"personnel": D(1)}, _spend("operations", [((2026, 1), "1")]), months, CALENDAR)
    with pytest.raises(ValueError):
        execution({"personnel": D(1)}, _spend("personnel", [((2027, 1), "1")]), months, CALENDAR)
    with pytest.raises(SchoolsRefusal):
        execution({"personnel": D(-1)}, [], months, CALENDAR)


def test_spending_beyond_a_line_needs_the_council():
    assert spending_refusal("operations", D(100), D(60), D(40), council_approved=False) is None
    refusal = spending_refusal("operations", D(100), D(60), D("40.01"), council_approved=False)
    assert str(refusal) == (
        "公用经费预算 100 元，已支出 60 元，本笔 40.01 元将超出预算 0.01 元；超预算支出须经理事会决定"
    )
    assert spending_refusal("operations", D(100), D(60), D(50), council_approved=True) is None


def test_surplus_keeps_the_lump_and_returns_unspent_projects():
    months = CALENDAR.months(2026)
    budget = {"personnel": D("1000"), "operations": D("200"), "projects": D("300")}
    spending = _spend("personnel", [((2026, 12), "1050")])
    spending += _spend("operations", [((2026, 12), "100")])
    spending += _spend("projects", [((2026, 12), "250")])
    result = surplus(execution(budget, spending, months, CALENDAR), CALENDAR)
    assert result.balances == {
        "personnel": D("-50.00"),
        "operations": D("100.00"),
        "projects": D("50.00"),
    }
    assert result.retained == D("50.00")  # the lump nets −50 + 100
    assert result.returned == D("50.00")
    assert result.total == D("100.00")
    keep = BudgetRules.from_value({"first_month": 1, "retain_project_balance": True})
    result = surplus(execution(budget, spending, months, keep), keep)
    assert (result.retained, result.returned) == (D("100.00"), D("0.00"))


def test_project_overspending_comes_out_of_the_lump():
    months = CALENDAR.months(2026)
    budget = {"personnel": D("1000"), "operations": D("200"), "projects": D("300")}
    spending = _spend("projects", [((2026, 1), "350")])
    result = surplus(execution(budget, spending, months, CALENDAR), CALENDAR)
    assert result.retained == D("1150.00")
    assert result.returned == D("0.00")


fen_amounts = st.integers(-10_000, 1_000_000).map(from_fen)


@PROPERTY
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["personnel", "operations", "projects"]),
            st.integers(1, 12),
            fen_amounts,
        ),
        max_size=40,
    ),
    st.tuples(*(st.integers(0, 10_000_000).map(from_fen) for _ in range(3))),
)
def test_execution_adds_up(rows, amounts):
    months = CALENDAR.months(2026)
    budget = dict(zip(["personnel", "operations", "projects"], amounts, strict=True))
    spending = [Spending(line, (2026, m), amount) for line, m, amount in rows]
    result = execution(budget, spending, months, CALENDAR)
    assert (
        sum(line.spent for line in result.lines)
        == result.total.spent
        == sum((s.amount for s in spending), D("0"))
    )
    for line in result.lines:
        assert line.months[-1].cumulative == line.spent
        assert sum(m.spent for m in line.months) == line.spent
    money = surplus(result, CALENDAR)
    assert money.retained + money.returned == money.total
    # each line alerts at most once per threshold, in month order
    for line in [*budget, None]:
        thresholds = [a.threshold for a in result.alerts if a.line == line]
        assert len(thresholds) == len(set(thresholds))
        assert thresholds == sorted(thresholds)
