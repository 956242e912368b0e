"""Reads for 同岗同酬: a year of a hospital's pay as the gap rule's input.

A month paid by an approved (or paid) regular payroll run of the hospital is read from that
run's lines, with the month's performance score from the council-approved allocation
(``PerformanceShare.score``); the other months are read from the imported pay table
(``PayRecord``). So a hospital that imported its past year and now pays through payroll is
compared over both, each month counted once.

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
from decimal import Decimal

from sqlalchemy import and_, func, select

from core.extensions import db
from core.parameters import parameter
from hospitals.findings import Finding
from hospitals.models import (
    PAY_COMPONENTS,
    PayGapSummary,
    PayRecord,
    PerformanceScheme,
    PerformanceShare,
    SchemeStatus,
)
from hospitals.paycompare import PayLine, compare
from hospitals.paygap import PAY_GAP_KEY, GapReport, GapRules, identity_gaps, run_warnings
from hospitals.paygap import PayRecord as GapInput
from hospitals.periods import first_day
from hr.models import Appointment, Department, Employment, Person, grade_label
from payroll.runs.models import PayRun, PayRunLine
from payroll.runs.states import LOCKED, RunKind

NO_DEPARTMENT = "（未分部门）"


def gap_rules(on: date) -> GapRules:
    """Return the pay-gap tolerances in force on ``on``."""
    return GapRules.from_value(parameter(PAY_GAP_KEY, on))


#: the pay table's components as payroll's line columns
LINE_COLUMNS = {
    "post_pay": "post_wage",
    "scale_pay": "step_wage",
    "basic_performance": "basic_performance",
    "reward_performance": "reward_performance",
    "allowances": "allowances",
}


def _run_filter(institution_id: int):
    return and_(
        PayRun.institution_id == institution_id,
        PayRun.kind == RunKind.REGULAR.value,
        PayRun.status.in_(sorted(LOCKED)),
    )


def run_periods(institution_id: int, year: int) -> list[str]:
    """Return the year's months paid by an approved regular payroll run, in order."""
    return list(
        db.session.scalars(
            select(PayRun.period)
            .where(
                _run_filter(institution_id),
                PayRun.period.between(f"{year:04d}-01", f"{year:04d}-12"),
            )
            .order_by(PayRun.period)
        )
    )


def pay_years(institution_id: int) -> list[int]:
    """Return the years with pay records or approved payroll runs, latest first."""
    periods = set(
        db.session.scalars(
            select(func.substr(PayRecord.period, 1, 4))
            .where(PayRecord.institution_id == institution_id)
            .distinct()
        )
    )
    periods |= set(
        db.session.scalars(
            select(func.substr(PayRun.period, 1, 4)).where(_run_filter(institution_id)).distinct()
        )
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
    institution_id: int,
    year: int,
    rules: GapRules,
    period: str | None = None,
    extra: tuple[str, ...] = (),
) -> Iterator[GapInput]:
    """Yield the year's (or one month's) pay records as the gap rule's input, months on a
    post only.

    The post components the rules compare are added up in SQL into one column
    (``POST_SUM``), so a year of a large hospital's pay converts two amounts a row, not five;
    pass the rules through :func:`summed_rules` to read it. ``extra`` components (pay table
    names) are read as well, each under its own name.
    """
    posts = _posts(institution_id)
    staff = _staff(institution_id)
    unknown = set(rules.post_components) - set(PAY_COMPONENTS)
    if unknown:
        raise ValueError(f"unknown pay components {sorted(unknown)}")
    paid = set(run_periods(institution_id, year))
    if period is not None:
        paid &= {period}
    days: dict[str, date] = {}
    performance_key = rules.performance_component
    for employment_id, month, post, reward, score, *more in _imported_rows(
        institution_id, year, rules, period, paid, extra
    ) + (_run_rows(institution_id, rules, sorted(paid), extra) if paid else []):
        day = days.get(month)
        if day is None:
            day = days[month] = first_day(month)
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
            components={
                POST_SUM: post,
                performance_key: reward,
                **dict(zip(extra, more, strict=True)),
            },
            score=score,
            month=(int(month[:4]), int(month[5:7])),
        )


def _summed(columns):
    total = columns[0]
    for column in columns[1:]:
        total = total + column
    return total


def _imported_rows(institution_id: int, year: int, rules: GapRules, period, paid, extra=()) -> list:
    """The imported pay table's rows of the year (or month), except months paid by a run."""
    post_sum = _summed([getattr(PayRecord, name) for name in rules.post_components])
    performance = getattr(PayRecord, rules.performance_component)
    query = select(
        PayRecord.employment_id,
        PayRecord.period,
        post_sum,
        performance,
        PayRecord.performance_score,
        *(getattr(PayRecord, name) for name in extra),
    ).where(
        PayRecord.institution_id == institution_id,
        PayRecord.period.between(f"{year:04d}-01", f"{year:04d}-12")
        if period is None
        else PayRecord.period == period,
    )
    if paid:
        query = query.where(PayRecord.period.not_in(sorted(paid)))
    return db.session.execute(query).all()


def _run_rows(institution_id: int, rules: GapRules, periods: list[str], extra=()) -> list:
    """The lines of the approved regular runs of ``periods``, with the month's approved
    allocation score (None where the person had no share)."""
    post_sum = _summed([getattr(PayRunLine, LINE_COLUMNS[name]) for name in rules.post_components])
    performance = getattr(PayRunLine, LINE_COLUMNS[rules.performance_component])
    scored = (
        select(
            PerformanceScheme.period,
            PerformanceShare.employment_id,
            PerformanceShare.score,
        )
        .join(PerformanceShare, PerformanceShare.scheme_id == PerformanceScheme.id)
        .where(
            PerformanceScheme.institution_id == institution_id,
            PerformanceScheme.status == SchemeStatus.APPROVED.value,
            PerformanceScheme.period.in_(periods),
        )
        .subquery()
    )
    return db.session.execute(
        select(
            PayRunLine.employment_id,
            PayRun.period,
            post_sum,
            performance,
            scored.c.score,
            *(getattr(PayRunLine, LINE_COLUMNS[name]) for name in extra),
        )
        .join(PayRun, PayRun.id == PayRunLine.run_id)
        .outerjoin(
            scored,
            and_(
                scored.c.period == PayRun.period,
                scored.c.employment_id == PayRunLine.employment_id,
            ),
        )
        .where(_run_filter(institution_id), PayRun.period.in_(periods))
    ).all()


def summed_rules(rules: GapRules) -> GapRules:
    """Return the rules reading the post components from the one summed column."""
    return replace(rules, post_components=(POST_SUM,))


def gap_report(institution_id: int, year: int, on: date) -> GapReport:
    """Return the identity gaps of a hospital's year of pay, by department and post grade."""
    rules = gap_rules(on)
    return identity_gaps(gap_inputs(institution_id, year, rules), summed_rules(rules))


def latest_period(institution_id: int, year: int) -> str | None:
    """Return the latest month of the year with pay records or an approved run."""
    imported = db.session.scalar(
        select(func.max(PayRecord.period)).where(
            PayRecord.institution_id == institution_id,
            PayRecord.period.between(f"{year:04d}-01", f"{year:04d}-12"),
        )
    )
    runs = run_periods(institution_id, year)
    return max(filter(None, [imported, runs[-1] if runs else None]), default=None)


def month_warnings(institution_id: int, period: str, on: date) -> list[Finding]:
    """Return the run check of one month: the same post and score paid differently by identity."""
    rules = gap_rules(on)
    records = gap_inputs(institution_id, int(period[:4]), rules, period)
    return run_warnings(records, summed_rules(rules))


def records_count(institution_id: int, year: int) -> int:
    """Return how many monthly pay records the year's comparison reads (imported and run)."""
    paid = run_periods(institution_id, year)
    imported = select(func.count()).where(
        PayRecord.institution_id == institution_id,
        PayRecord.period.between(f"{year:04d}-01", f"{year:04d}-12"),
    )
    if paid:
        imported = imported.where(PayRecord.period.not_in(paid))
    lines = 0
    if paid:
        lines = db.session.scalar(
            select(func.count())
            .select_from(PayRunLine)
            .join(PayRun, PayRun.id == PayRunLine.run_id)
            .where(_run_filter(institution_id), PayRun.period.in_(paid))
        )
    return (db.session.scalar(imported) or 0) + (lines or 0)


def summary_of(institution_id: int, year: int) -> PayGapSummary | None:
    """Return the year's confirmed gap summary (None if HR has not confirmed one)."""
    return db.session.scalar(
        select(PayGapSummary).where(
            PayGapSummary.institution_id == institution_id, PayGapSummary.year == year
        )
    )


def allocated_rewards(institution_id: int, year: int) -> tuple[str | None, dict[str, Decimal]]:
    """Return the latest council-approved allocation of the year (its month) and what it
    gives each person, by staff number."""
    period = db.session.scalar(
        select(func.max(PerformanceScheme.period)).where(
            PerformanceScheme.institution_id == institution_id,
            PerformanceScheme.status == SchemeStatus.APPROVED.value,
            PerformanceScheme.period.between(f"{year:04d}-01", f"{year:04d}-12"),
        )
    )
    if period is None:
        return None, {}
    rows = db.session.execute(
        select(Employment.staff_number, PerformanceShare.amount)
        .join(PerformanceShare, PerformanceShare.employment_id == Employment.id)
        .join(PerformanceScheme, PerformanceScheme.id == PerformanceShare.scheme_id)
        .where(
            PerformanceScheme.institution_id == institution_id,
            PerformanceScheme.period == period,
        )
    )
    return period, dict(rows.all())


def pay_comparison(institution_id: int, year: int, on: date) -> tuple[str | None, list]:
    """Return each person's old (identity) and new (post-and-performance) month of the year,
    with the month of the allocation the new 奖励性绩效 comes from."""
    rules = gap_rules(on)
    # 薪级 already compared as post pay where a hospital configures it so: not added twice
    separate_scale = "scale_pay" not in rules.post_components
    lines = [
        PayLine(
            person=r.person,
            name=r.name,
            department=r.department,
            grade=r.grade,
            identity=r.identity,
            post=r.components[POST_SUM],
            scale=r.components["scale_pay"] if separate_scale else Decimal(0),
            reward=r.components[rules.performance_component],
        )
        for r in gap_inputs(institution_id, year, rules, extra=("scale_pay",))
    ]
    period, allocated = allocated_rewards(institution_id, year)
    return period, compare(lines, rules.reference_identity, allocated)
