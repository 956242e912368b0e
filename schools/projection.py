"""Enrolment projection: the next school years from the grade cohorts, with the allowance each year.

Pure rules over plain values (issue 12, "so the principal sees the shortage coming").
School years are named by the calendar year they start in (2026 = 2026–2027 学年).

The cohort model, year by year from the latest year of history (the base year):

- every cohort moves up one grade; the students of the school's last grade leave;
- the first grade of a stage whose previous stage the school also teaches (grade 7 of a
  九年一贯制 school, grade 10 of a 完全中学) receives the previous grade's students times
  that stage's *transition rate* (default 1; below 1 some leave at the stage change, above 1
  the school also admits students from outside), rounded half up;
- an *entry grade* (the first grade of a stage the school enters at: grade 1 of a primary
  school, grade 7 of a junior school) receives the number the user gives for that year, or
  else the *trend*: the least-squares line through that grade's students over the last
  ``trend_years`` years of history (one year of history: the same number again), rounded half
  up and never below zero.

Each year's allowance is computed with :func:`schools.allowance.compute` from the projected
students per stage, against the staff given (today's staff, held constant), so the gap
shows how many staff the school must add by that year. ``standard_classes`` is the number
of classes of the standard size each grade needs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

from core.apportion import exact
from core.i18n import Msg, msg
from schools.allowance import AllowanceReport, AllowanceRules, StaffCount, compute
from schools.enrolment import ClassSizeRules, classes_needed
from schools.findings import SchoolsRefusal
from schools.stages import STAGE_ORDER, GradeLayout, Stage, grade_label, stages_from

PROJECTION_KEY = "schools.projection"
SOURCE = "issue 12（按年级队列推算，入学年级按填报数或趋势）"
DEFAULTS: dict[str, Any] = {
    PROJECTION_KEY: {
        #: how many school years to project when the user does not say
        "years": 5,
        #: how many of the latest years of history the entry-grade trend is fitted on
        "trend_years": 3,
    }
}
MAX_YEARS = 10


class EntrySource(StrEnum):
    """Where a projected entry grade's number came from."""

    GIVEN = "given"
    TREND = "trend"

    @property
    def label(self) -> Msg:
        return msg("填报数") if self is EntrySource.GIVEN else msg("历年趋势")


@dataclass(frozen=True)
class ProjectionYear:
    """One school year of the projection (or the base year of history)."""

    year: int
    is_projected: bool
    #: students per grade, in grade order
    grades: Mapping[int, int]
    #: classes of the standard size each grade needs
    standard_classes: Mapping[int, int]
    #: how each entry grade's number was obtained (projected years only)
    entry_sources: Mapping[int, EntrySource]
    allowance: AllowanceReport

    @property
    def students(self) -> int:
        return sum(self.grades.values())

    def by_stage(self) -> dict[Stage, int]:
        """Students per stage this year."""
        return {figure.stage: figure.students for figure in self.allowance.stages}


@dataclass(frozen=True)
class Projection:
    """The base year and the projected years, oldest first."""

    years: tuple[ProjectionYear, ...]
    entry_grades: tuple[int, ...]

    @property
    def base(self) -> ProjectionYear:
        return self.years[0]

    @property
    def projected(self) -> tuple[ProjectionYear, ...]:
        return self.years[1:]

    def first_shortfall(self) -> ProjectionYear | None:
        """Return the first year whose staff counted fall short of the allowance."""
        return next((year for year in self.years if year.allowance.shortfall), None)


def entry_grades(stages: Iterable[Stage], layout: GradeLayout) -> tuple[int, ...]:
    """Return the grades the school admits at: the first grade of each stage it enters at."""
    offered = stages_from(stages)
    entries = []
    for stage in offered:
        index = STAGE_ORDER.index(stage)
        if index == 0 or STAGE_ORDER[index - 1] not in offered:
            entries.append(layout.first[stage])
    return tuple(entries)


def trend(history: Mapping[int, int], year: int, *, last: int) -> int:
    """Return the least-squares line through the latest ``last`` points, at ``year``.

    ``history`` maps a year to a count. Half-up to a whole number, never below 0; with a
    single point the count itself; with none, 0.
    """
    points = sorted(history.items())[-last:] if last > 0 else []
    if not points:
        return 0
    n = len(points)
    mean_x = Fraction(sum(x for x, _ in points), n)
    mean_y = Fraction(sum(y for _, y in points), n)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else Fraction(0)
    value = mean_y + slope * (year - mean_x)
    return max(_half_up(value), 0)


def _half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


def _entrants_for(given: int | Mapping[int, int] | None, year: int) -> int | None:
    if given is None:
        return None
    if isinstance(given, Mapping):
        return given.get(year)
    return given


def _check_count(value: Any, where: Msg) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("student numbers must be int")
    if value < 0:
        raise SchoolsRefusal(msg("%(where)s：学生数不能为负数（%(n)d）", where=where, n=value))


def project(
    history: Mapping[int, Mapping[int, int]],
    *,
    stages: Iterable[Stage | str],
    rules: AllowanceRules,
    class_rules: ClassSizeRules,
    years: int = DEFAULTS[PROJECTION_KEY]["years"],
    trend_years: int = DEFAULTS[PROJECTION_KEY]["trend_years"],
    entrants: Mapping[int, int | Mapping[int, int]] | None = None,
    transition: Mapping[Stage | str, Decimal | int | str] | None = None,
    staff: Iterable[StaffCount] = (),
    layout: GradeLayout | None = None,
) -> Projection:
    """Project enrolment ``years`` school years past the latest year in ``history``.

    ``history`` maps a school year to {grade: students} (grades the school does not teach are
    ignored). ``entrants`` maps an entry grade to a number for every year, or to {year:
    number}; years without one follow the trend. ``transition`` maps a stage to the rate at
    which the previous stage's last grade moves into it inside the school (default 1).
    """
    layout = layout or GradeLayout.from_value()
    offered = stages_from(stages)
    if not offered:
        raise SchoolsRefusal(msg("请至少选择一个学段"), field="stages")
    if not history:
        raise SchoolsRefusal(msg("至少需要一个学年的分年级学生数"), field="history")
    if not 1 <= years <= MAX_YEARS:
        raise SchoolsRefusal(msg("预测年数应为 1–%(max)d 年", max=MAX_YEARS), field="years")
    grades = layout.school_grades(offered)
    entries = entry_grades(offered, layout)
    entrants = dict(entrants or {})
    for grade in entrants:
        if grade not in entries:
            raise SchoolsRefusal(
                msg("%(grade)s不是本校的起始年级", grade=grade_label(grade)), field="entrants"
            )
    for grade, given in entrants.items():
        for value in given.values() if isinstance(given, Mapping) else [given]:
            _check_count(value, grade_label(grade))
    rates: dict[Stage, Fraction] = {}
    for stage, rate in (transition or {}).items():
        value = exact(rate)
        if value < 0:
            raise SchoolsRefusal(
                msg("%(stage)s升学率不能为负数", stage=Stage(stage).label), field="transition"
            )
        rates[Stage(stage)] = value
    for year, counts in history.items():
        for grade, count in counts.items():
            _check_count(count, msg("%(year)d 年%(grade)s", year=year, grade=grade_label(grade)))

    staff = list(staff)
    base_year = max(history)
    current = {grade: int(history[base_year].get(grade, 0)) for grade in grades}
    result = [_year(base_year, current, {}, offered, rules, class_rules, staff, layout, False)]
    for year in range(base_year + 1, base_year + years + 1):
        moved: dict[int, int] = {}
        sources: dict[int, EntrySource] = {}
        for grade in grades:
            if grade in entries:
                given = _entrants_for(entrants.get(grade), year)
                if given is not None:
                    moved[grade], sources[grade] = given, EntrySource.GIVEN
                else:
                    past = {y: int(c[grade]) for y, c in history.items() if grade in c}
                    moved[grade] = trend(past, year, last=trend_years)
                    sources[grade] = EntrySource.TREND
            elif grade == layout.first[layout.stage_of(grade)]:
                rate = rates.get(layout.stage_of(grade), Fraction(1))
                moved[grade] = _half_up(current[grade - 1] * rate)
            else:
                moved[grade] = current[grade - 1]
        current = moved
        result.append(
            _year(year, current, sources, offered, rules, class_rules, staff, layout, True)
        )
    return Projection(years=tuple(result), entry_grades=entries)


def _year(
    year: int,
    grades: Mapping[int, int],
    sources: Mapping[int, EntrySource],
    offered: tuple[Stage, ...],
    rules: AllowanceRules,
    class_rules: ClassSizeRules,
    staff: list[StaffCount],
    layout: GradeLayout,
    projected: bool,
) -> ProjectionYear:
    by_stage = {stage: 0 for stage in offered}
    classes = {}
    for grade, students in grades.items():
        stage = layout.stage_of(grade)
        by_stage[stage] += students
        classes[grade] = classes_needed(students, stage, class_rules)
    return ProjectionYear(
        year=year,
        is_projected=projected,
        grades=dict(grades),
        standard_classes=classes,
        entry_sources=dict(sources),
        allowance=compute(by_stage, staff, rules, stages=offered),
    )
