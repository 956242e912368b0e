"""What schools report to the staffing office: the same figures as the school's page, for a
whole scope in a fixed number of queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

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
