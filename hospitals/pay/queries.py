"""Reads for 同岗同酬: a year of a hospital's pay records as the gap rule's input.

Each month's record is placed on the post the person held on the first day of that month
(a new post's pay applies from the month after the change, DOMAIN.md §3) and in their
department. Months in which the person held no post are left out of the comparison: those
people are listed as staff without a post (``hospitals.transition``), not compared.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

from sqlalchemy import func, select

from core.extensions import db
from core.parameters import parameter
from hospitals.findings import Finding
from hospitals.models import PAY_COMPONENTS, PayRecord
from hospitals.paygap import PAY_GAP_KEY, GapReport, GapRules, identity_gaps, run_warnings
from hospitals.paygap import PayRecord as GapInput
from hospitals.periods import first_day
from hr.models import Appointment, Department, Employment, Person, grade_label

NO_DEPARTMENT = "（未分部门）"


def gap_rules(on: date) -> GapRules:
    """Return the pay-gap tolerances in force on ``on``."""
    return GapRules.from_value(parameter(PAY_GAP_KEY, on))


def pay_years(institution_id: int) -> list[int]:
    """Return the years with pay records, latest first."""
    periods = db.session.scalars(
        select(func.substr(PayRecord.period, 1, 4))
        .where(PayRecord.institution_id == institution_id)
        .distinct()
    )
    return sorted({int(p) for p in periods}, reverse=True)


def _posts(institution_id: int) -> dict[int, tuple[list[date], list[tuple[date | None, str]]]]:
    """Return, per employment, its appointments' start days and (end day, grade label)."""
    posts: dict[int, tuple[list[date], list[tuple[date | None, str]]]] = {}
    rows = db.session.execute(
        select(
            Appointment.employment_id,
            Appointment.start_on,
            Appointment.end_on,
            Appointment.category,
            Appointment.grade,
        )
        .where(Appointment.institution_id == institution_id)
        .order_by(Appointment.employment_id, Appointment.start_on, Appointment.id)
    )
    labels: dict[tuple[str, int], str] = {}
    for employment_id, start_on, end_on, category, grade in rows:
        label = labels.get((category, grade))
        if label is None:
            label = labels[(category, grade)] = grade_label(category, grade)
        starts, spans = posts.setdefault(employment_id, ([], []))
        starts.append(start_on)
        spans.append((end_on, label))
    return posts


def _grade_on(posts, employment_id: int, day: date) -> str | None:
    found = posts.get(employment_id)
    if found is None:
        return None
    starts, spans = found
    index = bisect_right(starts, day) - 1
    # the latest appointment started by ``day`` that still runs then
    while index >= 0:
        end_on, label = spans[index]
        if end_on is None or end_on >= day:
            return label
        index -= 1
    return None


#: The one column the query sums the post components into (see :func:`gap_inputs`).
POST_SUM = "post_sum"


def _staff(institution_id: int) -> dict[int, tuple[str, str, str, str]]:
    """Return {employment id: (staff number, name, identity, department)}."""
    rows = db.session.execute(
        select(
            Employment.id,
            Employment.staff_number,
            Person.name,
            Employment.identity,
            Department.name,
        )
        .join(Person, Person.id == Employment.person_id)
        .outerjoin(Department, Department.id == Employment.department_id)
        .where(Employment.institution_id == institution_id)
    )
    return {
        employment_id: (number, name, identity, department or NO_DEPARTMENT)
        for employment_id, number, name, identity, department in rows
    }


def gap_inputs(
    institution_id: int, year: int, rules: GapRules, period: str | None = None
) -> Iterator[GapInput]:
    """Yield the year's (or one month's) pay records as the gap rule's input, months on a
    post only.

    The post components the rules compare are added up in SQL into one column
    (``POST_SUM``), so a year of a large hospital's pay converts two amounts a row, not five;
    pass the rules through :func:`summed_rules` to read it.
    """
    posts = _posts(institution_id)
    staff = _staff(institution_id)
    unknown = set(rules.post_components) - set(PAY_COMPONENTS)
    if unknown:
        raise ValueError(f"unknown pay components {sorted(unknown)}")
    columns = [getattr(PayRecord, name) for name in rules.post_components]
    post_sum = columns[0]
    for column in columns[1:]:
        post_sum = post_sum + column
    performance = getattr(PayRecord, rules.performance_component)
    rows = db.session.execute(
        select(
            PayRecord.employment_id,
            PayRecord.period,
            post_sum,
            performance,
            PayRecord.performance_score,
        ).where(
            PayRecord.institution_id == institution_id,
            PayRecord.period.between(f"{year:04d}-01", f"{year:04d}-12")
            if period is None
            else PayRecord.period == period,
        )
    )
    days: dict[str, date] = {}
    performance_key = rules.performance_component
    for employment_id, period, post, reward, score in rows:
        day = days.get(period)
        if day is None:
            day = days[period] = first_day(period)
        grade = _grade_on(posts, employment_id, day)
        if grade is None:
            continue
        number, name, identity, department = staff[employment_id]
        yield GapInput(
            person=number,
            name=name,
            department=department,
            grade=grade,
            identity=identity,
            components={POST_SUM: post, performance_key: reward},
            score=score,
            month=(int(period[:4]), int(period[5:7])),
        )


def summed_rules(rules: GapRules) -> GapRules:
    """Return the rules reading the post components from the one summed column."""
    return replace(rules, post_components=(POST_SUM,))


def gap_report(institution_id: int, year: int, on: date) -> GapReport:
    """Return the identity gaps of a hospital's year of pay, by department and post grade."""
    rules = gap_rules(on)
    return identity_gaps(gap_inputs(institution_id, year, rules), summed_rules(rules))


def latest_period(institution_id: int, year: int) -> str | None:
    """Return the latest month of the year with pay records."""
    return db.session.scalar(
        select(func.max(PayRecord.period)).where(
            PayRecord.institution_id == institution_id,
            PayRecord.period.between(f"{year:04d}-01", f"{year:04d}-12"),
        )
    )


def month_warnings(institution_id: int, period: str, on: date) -> list[Finding]:
    """Return the run check of one month: the same post and score paid differently by identity."""
    rules = gap_rules(on)
    records = gap_inputs(institution_id, int(period[:4]), rules, period)
    return run_warnings(records, summed_rules(rules))


def records_count(institution_id: int, year: int) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(
                PayRecord.institution_id == institution_id,
                PayRecord.period.between(f"{year:04d}-01", f"{year:04d}-12"),
            )
        )
        or 0
    )
