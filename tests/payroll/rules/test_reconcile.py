"""Reconciliation with the withholding client's computed results."""

from __future__ import annotations

from decimal import Decimal

from payroll.reconcile import Status, TaxFigures, compare, reconcile
from payroll.tax import (
    SpecialAdditional,
    SpecialDeductions,
    TaxParams,
    TaxPeriod,
    WagePayment,
    YearToDate,
    tax_month,
)

D = Decimal
TAX = TaxParams.from_values({})


def ours_for_may(additional: str = "2000") -> TaxFigures:
    ytd, result = YearToDate(2025), None
    for month in range(1, 6):
        payment = WagePayment(
            D("20000"),
            special=SpecialDeductions(pension=D("4480")),
            additional=SpecialAdditional(children_education=D(additional)),
        )
        result = tax_month(ytd, TaxPeriod(2025, month, month), payment, TAX)
        ytd = result.ytd
    return TaxFigures.from_wage_tax(result.wage, name="张三")


def test_matching_figures_are_not_reported():
    ours = ours_for_may()
    # 5 × (20,000 − 5,000 − 4,480 − 2,000) = 42,600 → 4,260 − 2,520 = 1,740.00
    assert ours.cumulative_tax == D("1740.00")
    theirs = TaxFigures(
        name="张三",
        cumulative_tax=D("1740.00"),
        withheld_before=ours.withheld_before,
        balance=ours.balance,
    )
    assert compare("ID1", ours, theirs) is None
    assert reconcile({"ID1": ours}, {"ID1": theirs}) == []


def test_a_difference_is_shown_side_by_side_with_a_hint():
    ours = ours_for_may()
    # The employee added elderly support in the app: the client deducts 3,000 more a month.
    theirs = TaxFigures(
        name="张三",
        cumulative_additional=D("25000.00"),
        cumulative_tax=D("240.00"),
        withheld_before=ours.withheld_before,
        balance=D("240.00") - ours.withheld_before,
    )
    [found] = reconcile({"ID1": ours}, {"ID1": theirs})
    assert found.status is Status.DIFFERS
    assert found.differing == ("cumulative_additional", "cumulative_tax", "balance")
    row = next(r for r in found.rows if r.field == "cumulative_additional")
    assert (row.ours, row.theirs, row.difference) == (D("10000.00"), D("25000.00"), D("-15000.00"))
    assert str(row.label) == "累计专项附加扣除"
    unknown = next(r for r in found.rows if r.field == "cumulative_income")
    assert unknown.theirs is None and not unknown.differs and unknown.difference is None
    assert any("个税 App" in str(hint) for hint in found.hints)


def test_a_negative_balance_shown_as_zero_by_the_client_is_not_a_difference():
    ours = TaxFigures(cumulative_tax=D("495.60"), withheld_before=D("636.48"), balance=D("-140.88"))
    theirs = TaxFigures(cumulative_tax=D("495.60"), withheld_before=D("636.48"), balance=D("0.00"))
    assert compare("ID1", ours, theirs) is None
    assert compare("ID1", ours, TaxFigures(balance=D("-140.88"))) is None


def test_tolerance_and_names():
    ours = TaxFigures(name="张三", cumulative_tax=D("100.00"))
    assert compare("ID1", ours, TaxFigures(name="张三", cumulative_tax=D("100.01"))) is not None
    assert (
        compare("ID1", ours, TaxFigures(name="张三", cumulative_tax=D("100.01")), D("0.01")) is None
    )
    found = compare("ID1", ours, TaxFigures(name="张叁", cumulative_tax=D("100.00")))
    assert found.name_differs and found.differing == ()
    assert str(found.hints[0]) == "姓名不一致：请核对证件号码"


def test_people_on_one_side_only():
    ours = {"A": TaxFigures(name="甲", cumulative_tax=D("1")), "B": TaxFigures(name="乙")}
    theirs = {"B": TaxFigures(name="乙"), "C": TaxFigures(name="丙", cumulative_tax=D("2"))}
    found = reconcile(ours, theirs)
    assert [(d.key, d.status) for d in found] == [
        ("A", Status.ONLY_OURS),
        ("C", Status.ONLY_THEIRS),
    ]
    assert found[1].name == "丙"
    assert next(r for r in found[1].rows if r.field == "cumulative_tax").theirs == D("2")
