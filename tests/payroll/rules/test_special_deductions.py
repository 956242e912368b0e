"""专项附加扣除 from a standing declaration, and the late-declaration catch-up."""

from __future__ import annotations

from decimal import Decimal

from payroll.special_deductions import DEFAULTS, Declaration, Standards, catch_up, monthly_amounts
from payroll.tax import SpecialAdditional

D = Decimal
STANDARDS = Standards.from_value(None)


def test_standards_are_domains():
    assert DEFAULTS["payroll.special_additional_standards"] == {
        "children_education": "2000",
        "infant_care": "2000",
        "continuing_education_degree": "400",
        "continuing_education_certificate": "3600",
        "housing_loan_interest": "1000",
        "housing_rent": "1500",
        "elderly_support_only_child": "3000",
        "elderly_support_share_max": "1500",
    }


def test_a_typical_declaration():
    amounts, problems = monthly_amounts(
        Declaration(
            children=2, children_share=D("0.5"), housing_loan=True, elderly_only_child=True
        ),
        STANDARDS,
    )
    assert problems == []
    assert amounts == SpecialAdditional(
        children_education=D("2000.00"),  # 2 children × 2,000 × 50%
        housing_loan_interest=D("1000.00"),
        elderly_support=D("3000.00"),
    )
    assert amounts.total == D("6000.00")


def test_infants_continuing_education_and_the_certificate_month():
    amounts, _ = monthly_amounts(
        Declaration(infants=1, continuing_degree=True, certificate_this_month=True), STANDARDS
    )
    assert amounts.infant_care == D("2000.00")
    assert amounts.continuing_education == D("4000.00")  # 400 + 3,600 once


def test_loan_and_rent_in_the_same_month_is_refused():
    amounts, problems = monthly_amounts(
        Declaration(housing_loan=True, housing_rent=True), STANDARDS
    )
    assert [p.code for p in problems] == ["loan_and_rent"]
    assert amounts.housing_loan_interest == D("1000.00") and amounts.housing_rent == 0


def test_a_siblings_elderly_share_is_capped():
    amounts, problems = monthly_amounts(Declaration(elderly_share=D("2000")), STANDARDS)
    assert amounts.elderly_support == D("1500.00")
    assert str(problems[0].message) == "非独生子女赡养老人每月分摊额 2000.00 超出 0–1500.00"
    amounts, problems = monthly_amounts(Declaration(elderly_share=D("1000")), STANDARDS)
    assert amounts.elderly_support == D("1000.00") and problems == []


def test_a_share_must_be_half_or_whole():
    _, problems = monthly_amounts(Declaration(children=1, children_share=D("0.3")), STANDARDS)
    assert str(problems[0].message) == "子女教育的扣除比例只能是 100% 或 50%（现为 0.3）"


def test_rent_follows_the_city_standard():
    standards = Standards.from_value({"housing_rent": "1100"})
    amounts, _ = monthly_amounts(Declaration(housing_rent=True), standards)
    assert amounts.housing_rent == D("1100.00")


def test_a_late_declaration_catches_up():
    monthly = SpecialAdditional(children_education=D("2000.00"))
    assert catch_up(monthly, 5) == SpecialAdditional(children_education=D("10000.00"))
