"""Teacher allowance (教职工员额) from enrolment, and how the staff employed compare with it.

Pure rules over plain values (DOMAIN.md §5, 中央编办发〔2014〕72号). The parameter
``schools.allowance`` holds the national staffing standard as *students per staff member*
(高中 12.5, 初中 13.5, 小学 19), the rounding rule and the non-teaching caps.

How the figures are computed:

- **Allowance per stage** = students ÷ students-per-staff, computed exactly and rounded to
  whole persons by the ``rounding`` parameter: ``half_up`` (四舍五入, 7.5 → 8) or ``up``
  (进一, 7.1 → 8). Each stage is rounded on its own, so every stage has a whole allowance
  to compare with its staff; a combined school's allowance (九年一贯制, 完全中学, 十二年一贯制)
  is the sum of its rounded stage allowances.
- **Staff counted** against the allowance: the identities in ``counted_identities``
  (default 事业编制, 员额 and 合同制; 劳务派遣 staff are employed by an agency and are shown
  but not counted). Staff are given per stage, or with no stage when they serve the whole
  school (most non-teaching staff of a combined school); those count in the school total
  only.
- **Gap** = allowance − staff counted: positive is a shortfall (缺员), negative a surplus
  (超员), per stage and for the school.
- **Non-teaching share** = non-teaching staff ÷ all staff counted, against the stage's cap
  (小学 9%, 初中 15%, 高中 16%). For a combined school the cap is the average of its stages'
  caps weighted by each stage's exact allowance (students ÷ ratio), i.e. by the staff the
  standard gives each stage: a 九年一贯制 school with 38 primary-staff-worth of pupils and 20
  junior-staff-worth gets (9% × 38 + 15% × 20) ÷ 58 ≈ 11.07%. With no students at all the
  plain average of the stages' caps applies. The share is compared exactly; it is over the
  cap when non-teaching staff exceed floor(cap × staff counted).
- **Teaching posts needed** = allowance − floor(cap × allowance): the least number of
  teachers the allowance implies once the non-teaching posts it allows are taken out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

from core.apportion import exact
from core.i18n import Msg, msg
from core.money import round_half_up
from hr.models import Identity
from schools.findings import Finding, Level, SchoolsRefusal, limit_percent, percent
from schools.stages import STAGE_ORDER, Stage, stages_from

ALLOWANCE_KEY = "schools.allowance"
SOURCE = "中央编办发〔2014〕72号；DOMAIN.md §2、§5"
__all__ = [
    "ALLOWANCE_KEY",
    "DEFAULTS",
    "AllowanceReport",
    "AllowanceRules",
    "Rounding",
    "StaffCount",
    "StaffTally",
    "StageAllowance",
    "compute",
    "exact_allowance",
    "round_allowance",
]


class Rounding(StrEnum):
    """How a fractional allowance becomes whole persons."""

    HALF_UP = "half_up"  # 四舍五入
    UP = "up"  # 进一

    @property
    def label(self) -> Msg:
        return msg("四舍五入") if self is Rounding.HALF_UP else msg("进一法")


DEFAULTS: dict[str, Any] = {
    ALLOWANCE_KEY: {
        #: 教职工与学生比 1 : n, as n (students per staff member)
        "students_per_staff": {"primary": "19", "junior": "13.5", "senior": "12.5"},
        "rounding": Rounding.HALF_UP.value,
        #: largest share of non-teaching staff among all staff counted
        "non_teaching_cap": {"primary": "0.09", "junior": "0.15", "senior": "0.16"},
        #: identities that count against the allowance
        "counted_identities": [
            Identity.ESTABLISHMENT.value,
            Identity.FILED.value,
            Identity.CONTRACT.value,
        ],
    }
}


@dataclass(frozen=True)
class AllowanceRules:
    """The parameter ``schools.allowance`` in typed form."""

    students_per_staff: Mapping[Stage, Decimal]
    rounding: Rounding
    non_teaching_cap: Mapping[Stage, Decimal]
    counted_identities: frozenset[str]

    @classmethod
    def from_value(cls, value: Mapping[str, Any] | None = None) -> AllowanceRules:
        """Build the rules from the stored value; DEFAULTS when None, missing keys defaulted."""
        merged = {**DEFAULTS[ALLOWANCE_KEY], **(value or {})}
        ratios = {Stage(k): Decimal(str(v)) for k, v in merged["students_per_staff"].items()}
        caps = {Stage(k): Decimal(str(v)) for k, v in merged["non_teaching_cap"].items()}
        for stage in STAGE_ORDER:
            if ratios.get(stage, 0) <= 0:
                raise ValueError(f"students_per_staff for {stage.value} must be positive")
            if not 0 <= caps.get(stage, -1) <= 1:
                raise ValueError(f"non_teaching_cap for {stage.value} must be within 0–1")
        return cls(
            students_per_staff=ratios,
            rounding=Rounding(merged["rounding"]),
            non_teaching_cap=caps,
            counted_identities=frozenset(Identity(i).value for i in merged["counted_identities"]),
        )


@dataclass(frozen=True)
class StaffCount:
    """A number of staff with one identity, teaching or not, in one stage (None: whole school)."""

    identity: str
    count: int
    stage: Stage | None = None
    teaching: bool = True


@dataclass(frozen=True)
class StaffTally:
    """Staff by identity, and the counted ones split into teaching and non-teaching."""

    #: every identity given, counted or not: {"establishment": 30, "filed": 12, …}
    by_identity: Mapping[str, int] = field(default_factory=dict)
    teaching: int = 0
    non_teaching: int = 0

    @property
    def counted(self) -> int:
        """Staff counted against the allowance."""
        return self.teaching + self.non_teaching

    def of(self, identity: str) -> int:
        """Return how many staff have ``identity`` (0 if none)."""
        return self.by_identity.get(str(identity), 0)


@dataclass(frozen=True)
class StageAllowance:
    """One stage: its students, the standard, the allowance and the staff against it."""

    stage: Stage
    students: int
    students_per_staff: Decimal
    #: students ÷ students_per_staff before rounding, to two decimals (for display)
    exact: Decimal
    allowance: int
    staff: StaffTally
    non_teaching_cap: Decimal

    @property
    def gap(self) -> int:
        """Allowance − staff counted: > 0 a shortfall, < 0 a surplus."""
        return self.allowance - self.staff.counted

    @property
    def shortfall(self) -> int:
        return max(self.gap, 0)

    @property
    def surplus(self) -> int:
        return max(-self.gap, 0)


@dataclass(frozen=True)
class AllowanceReport:
    """A school's allowance, staff and gaps, per stage and in total, with findings."""

    stages: tuple[StageAllowance, ...]
    #: staff given without a stage (they serve the whole school)
    shared: StaffTally
    #: all staff, stage or not
    staff: StaffTally
    allowance: int
    #: the non-teaching cap that applies (weighted for a combined school), as a share
    non_teaching_cap: Fraction
    findings: tuple[Finding, ...]

    @property
    def gap(self) -> int:
        """Allowance − staff counted, for the whole school."""
        return self.allowance - self.staff.counted

    @property
    def shortfall(self) -> int:
        return max(self.gap, 0)

    @property
    def surplus(self) -> int:
        return max(-self.gap, 0)

    @property
    def non_teaching_share(self) -> Fraction | None:
        """Non-teaching staff ÷ staff counted, or None with no staff."""
        if self.staff.counted == 0:
            return None
        return Fraction(self.staff.non_teaching, self.staff.counted)

    @property
    def non_teaching_allowed(self) -> int:
        """The most non-teaching staff the cap allows with the staff counted now."""
        return math.floor(self.non_teaching_cap * self.staff.counted)

    @property
    def non_teaching_excess(self) -> int:
        return max(self.staff.non_teaching - self.non_teaching_allowed, 0)

    @property
    def teaching_needed(self) -> int:
        """Teachers the allowance implies: allowance − floor(cap × allowance)."""
        return self.allowance - math.floor(self.non_teaching_cap * self.allowance)

    @property
    def teaching_gap(self) -> int:
        """Teachers needed − teachers counted: > 0 teachers are missing."""
        return self.teaching_needed - self.staff.teaching

    def stage(self, stage: Stage | str) -> StageAllowance | None:
        """Return the figures of one stage, or None if the school does not offer it."""
        for item in self.stages:
            if item.stage == stage:
                return item
        return None


def exact_allowance(students: int, students_per_staff: Decimal | int | str) -> Fraction:
    """Return students ÷ students-per-staff exactly."""
    return Fraction(int(students)) / exact(students_per_staff)


def round_allowance(value: Fraction, rounding: Rounding | str) -> int:
    """Return a non-negative exact allowance as whole persons by ``rounding``."""
    rounding = Rounding(rounding)
    if rounding is Rounding.UP:
        return math.ceil(value)
    return math.floor(value + Fraction(1, 2))


def _tally(rows: Iterable[StaffCount], counted: frozenset[str]) -> StaffTally:
    by_identity: dict[str, int] = {}
    teaching = non_teaching = 0
    for row in rows:
        by_identity[row.identity] = by_identity.get(row.identity, 0) + row.count
        if row.identity in counted:
            if row.teaching:
                teaching += row.count
            else:
                non_teaching += row.count
    return StaffTally(by_identity=by_identity, teaching=teaching, non_teaching=non_teaching)


def _check_input(students: Mapping[Stage, int], staff: list[StaffCount]) -> None:
    for stage, count in students.items():
        if isinstance(count, bool) or not isinstance(count, int):
            raise TypeError("student numbers must be int")
        if count < 0:
            raise SchoolsRefusal(
                msg("%(stage)s学生数不能为负数（%(n)d）", stage=stage.label, n=count),
                field="students",
            )
    for row in staff:
        if isinstance(row.count, bool) or not isinstance(row.count, int):
            raise TypeError("staff counts must be int")
        if row.count < 0:
            raise SchoolsRefusal(msg("教职工人数不能为负数（%(n)d）", n=row.count), field="staff")
        Identity(row.identity)  # an unknown identity is a programming error


def _weighted_cap(
    stages: tuple[Stage, ...], exacts: Mapping[Stage, Fraction], rules: AllowanceRules
) -> Fraction:
    caps = {stage: exact(rules.non_teaching_cap[stage]) for stage in stages}
    weight = sum((exacts[stage] for stage in stages), Fraction(0))
    if weight == 0:
        return sum(caps.values(), Fraction(0)) / len(stages)
    return sum((caps[stage] * exacts[stage] for stage in stages), Fraction(0)) / weight


def compute(
    students: Mapping[Stage | str, int],
    staff: Iterable[StaffCount],
    rules: AllowanceRules,
    *,
    stages: Iterable[Stage | str] | None = None,
) -> AllowanceReport:
    """Return the allowance per stage and in total, and the staff counted against it.

    ``students`` maps a stage to its enrolment; ``stages`` are the stages the school offers
    (default: those in ``students``). A stage offered without an entry in ``students`` has
    no students. Students or staff in a stage the school does not offer are errors in the
    findings and are left out of the figures; a negative count is refused.
    """
    students = {Stage(stage): count for stage, count in students.items()}
    staff = list(staff)
    _check_input(students, staff)
    offered = stages_from(stages if stages is not None else students)
    if not offered:
        raise SchoolsRefusal(msg("请至少选择一个学段"), field="stages")
    findings: list[Finding] = []

    for stage in STAGE_ORDER:
        if stage not in offered and students.get(stage):
            findings.append(
                Finding(
                    Level.ERROR,
                    "stage_not_offered",
                    msg(
                        "本校未设%(stage)s学段，但填报了 %(n)d 名%(stage)s学生",
                        stage=stage.label,
                        n=students[stage],
                    ),
                    stage=stage,
                )
            )
    strays = [row for row in staff if row.stage is not None and row.stage not in offered]
    for stage in stages_from(row.stage for row in strays):
        findings.append(
            Finding(
                Level.ERROR,
                "staff_stage_not_offered",
                msg(
                    "本校未设%(stage)s学段，但有 %(n)d 名教职工登记在该学段",
                    stage=stage.label,
                    n=sum(row.count for row in strays if row.stage == stage),
                ),
                stage=stage,
            )
        )
    staff = [row for row in staff if row.stage is None or row.stage in offered]
    counted = rules.counted_identities

    exacts = {
        stage: exact_allowance(students.get(stage, 0), rules.students_per_staff[stage])
        for stage in offered
    }
    figures = []
    for stage in offered:
        figure = StageAllowance(
            stage=stage,
            students=students.get(stage, 0),
            students_per_staff=rules.students_per_staff[stage],
            exact=_decimal(exacts[stage]),
            allowance=round_allowance(exacts[stage], rules.rounding),
            staff=_tally((row for row in staff if row.stage == stage), counted),
            non_teaching_cap=rules.non_teaching_cap[stage],
        )
        figures.append(figure)
        findings += _gap_findings(figure)

    report = AllowanceReport(
        stages=tuple(figures),
        shared=_tally((row for row in staff if row.stage is None), counted),
        staff=_tally(staff, counted),
        allowance=sum(figure.allowance for figure in figures),
        non_teaching_cap=_weighted_cap(offered, exacts, rules),
        findings=(),
    )
    findings += _school_findings(report, combined=len(offered) > 1)
    return replace(report, findings=tuple(findings))


def _decimal(value: Fraction) -> Decimal:
    return round_half_up(Decimal(value.numerator) / Decimal(value.denominator))


def _gap_findings(figure: StageAllowance) -> list[Finding]:
    if figure.shortfall:
        return [
            Finding(
                Level.WARNING,
                "shortfall",
                msg(
                    "%(stage)s教职工缺 %(n)d 人：按 %(students)d 名学生核定员额 %(allowance)d 人，"
                    "计入员额的在岗教职工 %(staff)d 人",
                    stage=figure.stage.label,
                    n=figure.shortfall,
                    students=figure.students,
                    allowance=figure.allowance,
                    staff=figure.staff.counted,
                ),
                stage=figure.stage,
            )
        ]
    if figure.surplus:
        return [
            Finding(
                Level.NOTICE,
                "surplus",
                msg(
                    "%(stage)s教职工超出员额 %(n)d 人：核定员额 %(allowance)d 人，"
                    "计入员额的在岗教职工 %(staff)d 人",
                    stage=figure.stage.label,
                    n=figure.surplus,
                    allowance=figure.allowance,
                    staff=figure.staff.counted,
                ),
                stage=figure.stage,
            )
        ]
    return []


def _school_findings(report: AllowanceReport, *, combined: bool) -> list[Finding]:
    findings = []
    share = report.non_teaching_share
    if share is not None and report.non_teaching_excess:
        cap_words = msg("按各学段员额加权的上限") if combined else msg("上限")
        findings.append(
            Finding(
                Level.WARNING,
                "non_teaching_over_cap",
                msg(
                    "非教学人员 %(n)d 人，占教职工的 %(share)s%%，超过%(cap_words)s "
                    "%(cap)s%%（最多 %(allowed)d 人）",
                    n=report.staff.non_teaching,
                    share=percent(share),
                    cap_words=cap_words,
                    cap=limit_percent(report.non_teaching_cap),
                    allowed=report.non_teaching_allowed,
                ),
            )
        )
    if combined and report.shortfall:
        findings.append(
            Finding(
                Level.WARNING,
                "school_shortfall",
                msg(
                    "全校教职工缺 %(n)d 人（核定员额 %(allowance)d 人，计入员额的在岗 %(staff)d 人）",
                    n=report.shortfall,
                    allowance=report.allowance,
                    staff=report.staff.counted,
                ),
            )
        )
    # Too many non-teaching staff can hide a shortage of teachers behind a full headcount.
    if report.teaching_gap > max(report.gap, 0):
        findings.append(
            Finding(
                Level.WARNING,
                "teaching_shortfall",
                msg(
                    "教学人员缺 %(n)d 人：核定员额 %(allowance)d 人中至少 %(needed)d 人应为"
                    "教学人员，现有 %(teachers)d 人",
                    n=report.teaching_gap,
                    allowance=report.allowance,
                    needed=report.teaching_needed,
                    teachers=report.staff.teaching,
                ),
            )
        )
    return findings
