"""What schools report to the staffing office: the same figures as the school's page, for a
whole scope in a fixed number of queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import g

from core.extensions import db
from core.ids import china_today
from hr.models import Identity
from institutions import indicators as registry
from schools import indicators, operations, queries
from schools.enrolment import GradeEnrolment
from tests.factories import create_employment, create_institution

TODAY = china_today()
THIS_YEAR = queries.school_year_of(TODAY)
KEYS = [
    indicators.TWO_SELF_PILOT,
    indicators.TEACHER_SHORTFALL,
    indicators.STUDENTS,
    indicators.ALLOWANCE,
    indicators.ALLOWANCE_OCCUPANCY,
]


def _school(school_type, students, staff, *, lump_sum=True, year=THIS_YEAR):
    school = create_institution()
    profile = operations.save_profile(school, {"school_type": school_type, "is_lump_sum": lump_sum})
    grades = [GradeEnrolment(g, -(-n // 45), n) for g, n in students.items()]
    operations.save_enrolment(profile, year, grades, today=TODAY)
    for identity, n in staff.items():
        for _ in range(n):
            create_employment(school, identity=identity, start_on=date(2020, 9, 1))
    return school, profile


def test_the_figures_match_the_school_page():
    cases = [
        _school("primary", {1: 190, 2: 200}, {Identity.FILED.value: 8}),
        _school(
            "nine_year",
            {1: 100, 7: 140},
            {Identity.ESTABLISHMENT.value: 30, Identity.DISPATCH.value: 3},
            lump_sum=False,
        ),
        _school("complete_secondary", {7: 54, 10: 126}, {Identity.CONTRACT.value: 2}),
    ]
    ids = [school.id for school, _ in cases]
    found = registry.values(KEYS, ids, TODAY)
    for school, profile in cases:
        enrolment = queries.enrolment_year(school.id, THIS_YEAR)
        report = queries.allowance_for(profile, enrolment, TODAY).report
        assert found[indicators.ALLOWANCE][school.id] == report.allowance
        assert found[indicators.TEACHER_SHORTFALL][school.id] == report.shortfall
        assert found[indicators.STUDENTS][school.id] == enrolment.students
    first = cases[0][0].id
    # 390 / 19 = 20.53 -> 21; 8 counted
    assert found[indicators.ALLOWANCE][first] == 21
    assert found[indicators.ALLOWANCE_OCCUPANCY][first] == Decimal("38.1")
    assert found[indicators.TWO_SELF_PILOT] == {ids[0]: True, ids[1]: False, ids[2]: True}
    # the nine-year school has 30 counted for 100/19 -> 5 and 140/13.5 -> 10: no shortfall
    assert found[indicators.TEACHER_SHORTFALL][ids[1]] == 0


def test_the_latest_year_up_to_the_date_is_used():
    school, profile = _school("primary", {1: 380}, {}, year=THIS_YEAR - 1)
    operations.save_enrolment(profile, THIS_YEAR, [GradeEnrolment(1, 1, 19)], today=TODAY)
    now = registry.values([indicators.ALLOWANCE], [school.id], TODAY)
    before = registry.values([indicators.ALLOWANCE], [school.id], date(THIS_YEAR, 8, 31))
    assert now[indicators.ALLOWANCE][school.id] == 1
    assert before[indicators.ALLOWANCE][school.id] == 20


def test_a_scope_costs_the_same_queries_whatever_its_size(count_queries):
    small = [_school("primary", {1: 100}, {Identity.FILED.value: 2})[0].id for _ in range(2)]
    large = small + [
        _school("nine_year", {1: 100, 8: 90}, {Identity.FILED.value: 3})[0].id for _ in range(6)
    ]
    counts = []
    for ids in (small, large):
        with count_queries() as counter:
            registry.values(KEYS, ids, TODAY)
        counts.append(counter["n"])
    assert counts[0] == counts[1]


def test_teachers_by_identity_leave_out_administration_and_logistics(count_queries):
    from hr.models import DepartmentKind
    from tests.factories import create_department

    school, _profile = _school(
        "primary", {1: 190}, {Identity.ESTABLISHMENT.value: 3, Identity.FILED.value: 2}
    )
    office = create_department(school, name="校办", kind=DepartmentKind.ADMINISTRATIVE.value)
    create_employment(
        school, identity=Identity.FILED.value, start_on=date(2020, 9, 1), department=office
    )
    create_employment(school, identity=Identity.FILED.value, start_on=date(2099, 9, 1))
    hospital = create_institution(kind="hospital")
    create_employment(hospital, identity=Identity.ESTABLISHMENT.value)
    with count_queries() as counter:
        found = registry.values(
            [indicators.TEACHERS_ESTABLISHMENT, indicators.TEACHERS_FILED],
            [school.id, hospital.id],
            TODAY,
        )
    assert found[indicators.TEACHERS_ESTABLISHMENT] == {school.id: 3}
    assert found[indicators.TEACHERS_FILED] == {school.id: 2}
    assert counter["n"] == 1  # one statement for both identities


def _budget(profile, year, spend=(), runs=()):
    from payroll.runs.models import PayRun
    from schools.budget import operations as budget_ops

    operations.save_enrolment(profile, year, [GradeEnrolment(1, 9, 380)], today=TODAY)
    budget = budget_ops.draft_budget(profile, year, [("操场", Decimal("100000"))], today=TODAY)
    budget_ops.approve_budget(budget, "〔2025〕第1号", date(year, 9, 3))
    for line, on, amount in spend:
        budget_ops.record_spending(
            budget,
            {"line": line, "spent_on": on, "amount": Decimal(amount), "description": "支出"},
        )
    for period, status, gross, employer in runs:
        db.session.add(
            PayRun(
                institution_id=profile.institution_id,
                period=period,
                status=status,
                gross=Decimal(gross),
                employer_total=Decimal(employer),
            )
        )
    db.session.flush()
    return budget


def test_budget_execution_and_last_years_surplus_match_the_school_page():
    from schools.budget import queries as budget_queries

    y = THIS_YEAR
    school, profile = _school("primary", {1: 19}, {})
    # 380 pupils: 20 员额 × 150,000 = 3,000,000; 380 × 650 = 247,000; a project of 100,000
    last = _budget(
        profile,
        y - 1,
        spend=[("operations", date(y - 1, 10, 8), "200000"), ("projects", date(y, 3, 1), "60000")],
        runs=[
            (f"{y - 1}-09", "paid", "200000.00", "50000.00"),
            (f"{y}-08", "approved", "200000.00", "50000.00"),
            (f"{y}-09", "approved", "1.00", "0.00"),  # the next budget year's
        ],
    )
    this = _budget(
        profile,
        y,
        spend=[("operations", date(y, 9, 20), "47000")],
        runs=[
            (f"{y}-10", "approved", "240000.00", "60000.00"),
            (f"{y}-11", "computed", "240000.00", "60000.00"),  # not yet approved
        ],
    )
    other, _other_profile = _school("primary", {1: 19}, {})  # no budget: absent
    on = date(y, 10, 31)
    found = registry.values(
        [indicators.BUDGET_EXECUTION, indicators.BUDGET_SURPLUS], [school.id, other.id], on
    )
    page = budget_queries.figures(last)
    # what the school keeps: 3,247,000 − 200,000 − 500,000 (payroll); project balance returned
    assert page.surplus.retained == Decimal("2547000.00")
    assert found[indicators.BUDGET_SURPLUS] == {school.id: page.surplus.retained}
    # this year: (47,000 + 1 + 300,000) of 3,347,000 (the September run is in this year)
    assert found[indicators.BUDGET_EXECUTION] == {school.id: Decimal("10.4")}
    assert budget_queries.figures(this).execution.total.spent == Decimal("347001.00")


def test_budget_indicators_cost_the_same_queries_whatever_the_scope(count_queries):
    ids = []
    for _n in range(4):
        school, profile = _school("primary", {1: 19}, {})
        _budget(profile, THIS_YEAR, runs=[(f"{THIS_YEAR}-09", "paid", "1000.00", "100.00")])
        ids.append(school.id)
    counts = []
    for scope in (ids[:1], ids):
        g.pop("schools_budget_rule_versions", None)  # as in a new request
        with count_queries() as counter:
            registry.values([indicators.BUDGET_EXECUTION, indicators.BUDGET_SURPLUS], scope, TODAY)
        counts.append(counter["n"])
    # one statement each, and the budget rules read once for both
    assert counts == [3, 3]
