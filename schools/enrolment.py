"""Enrolment checks: class sizes (班额) and the students per stage that the allowance uses.

Pure rules over plain values (DOMAIN.md §5). The parameter ``schools.class_size`` holds the
standard class size per stage (小学 45, 初中 and 高中 50), the oversized threshold (大班额,
56 and more), the super-sized one (超大班额, 66 and more) and the size above which a class is
implausible (more than 100: probably a typing error, or more than the building holds).

Every check returns :class:`~schools.findings.Finding` values carrying the grade and class
they are about, with a message naming them. Levels:

- error: a negative number, a grade outside 1–12 or outside the school's stages, the same
  class twice, students in a grade without classes. The page must not save the input.
- warning: an implausible class (> 100), a super-sized or an oversized class.
- notice: a class above the standard size but below the oversized threshold.

A class gets only its most serious size finding (a class of 70 is super-sized, not also
oversized). When only grade totals are known (classes and students per grade), the largest
class holds at least ceil(students ÷ classes) students, so that lower bound is checked: a
grade whose average already reaches 56 certainly has an oversized class.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from core.i18n import Msg, msg
from schools.findings import Finding, Level
from schools.stages import STAGE_ORDER, GradeLayout, Stage, grade_label

CLASS_SIZE_KEY = "schools.class_size"
SOURCE = "DOMAIN.md §5（标准班额、大班额、超大班额）"

DEFAULTS: dict[str, Any] = {
    CLASS_SIZE_KEY: {
        "standard": {"primary": 45, "junior": 50, "senior": 50},
        #: a class of at least this many is oversized (大班额)
        "oversized": 56,
        #: a class of at least this many is super-sized (超大班额)
        "super_sized": 66,
        #: a class of more than this many is implausible: check the number
        "implausible_above": 100,
    }
}


@dataclass(frozen=True)
class ClassSizeRules:
    """The parameter ``schools.class_size`` in typed form."""

    standard: Mapping[Stage, int]
    oversized: int
    super_sized: int
    implausible_above: int

    @classmethod
    def from_value(cls, value: Mapping[str, Any] | None = None) -> ClassSizeRules:
        """Build the rules from the stored value; DEFAULTS when None, missing keys defaulted."""
        merged = {**DEFAULTS[CLASS_SIZE_KEY], **(value or {})}
        rules = cls(
            standard={Stage(k): int(v) for k, v in merged["standard"].items()},
            oversized=int(merged["oversized"]),
            super_sized=int(merged["super_sized"]),
            implausible_above=int(merged["implausible_above"]),
        )
        if not 0 < rules.oversized < rules.super_sized <= rules.implausible_above:
            raise ValueError("class size thresholds must rise: oversized < super-sized ≤ limit")
        if any(rules.standard.get(stage, 0) <= 0 for stage in STAGE_ORDER):
            raise ValueError("every stage needs a positive standard class size")
        return rules


@dataclass(frozen=True)
class ClassSize:
    """One class: its grade (1–12), its name in the grade ("3班") and its students."""

    grade: int
    name: str
    students: int


@dataclass(frozen=True)
class GradeEnrolment:
    """One grade's totals: how many classes and students it has."""

    grade: int
    classes: int
    students: int


def size_level(students: int, stage: Stage, rules: ClassSizeRules) -> str | None:
    """Return the size code of a class: implausible, super_sized, oversized, above_standard."""
    if students > rules.implausible_above:
        return "implausible"
    if students >= rules.super_sized:
        return "super_sized"
    if students >= rules.oversized:
        return "oversized"
    if students > rules.standard[stage]:
        return "above_standard"
    return None


def classes_needed(students: int, stage: Stage, rules: ClassSizeRules) -> int:
    """Return how many classes of the standard size ``students`` need."""
    return math.ceil(max(students, 0) / rules.standard[stage])


def _where(grade: int, name: str | None) -> Msg:
    if name:
        return msg("%(grade)s %(class_name)s", grade=grade_label(grade), class_name=name)
    return grade_label(grade)


def _grade_findings(
    grade: int, layout: GradeLayout, offered: frozenset[Stage], name: str | None = None
) -> tuple[Stage | None, list[Finding]]:
    """Return the grade's stage, or None with an error if the school does not teach it."""
    stage = layout.stage_of(grade) if 1 <= grade <= 12 else None
    if stage is None:
        return None, [
            Finding(
                Level.ERROR,
                "unknown_grade",
                msg("年级「%(grade)s」不存在，应为 1–12 年级", grade=grade),
                grade=grade,
                class_name=name,
            )
        ]
    if stage not in offered:
        return None, [
            Finding(
                Level.ERROR,
                "grade_not_offered",
                msg(
                    "%(where)s：本校未设%(stage)s学段",
                    where=_where(grade, name),
                    stage=stage.label,
                ),
                stage=stage,
                grade=grade,
                class_name=name,
            )
        ]
    return stage, []


def _size_finding(
    code: str | None,
    *,
    where: Msg,
    students: int,
    stage: Stage,
    grade: int,
    name: str | None,
    rules: ClassSizeRules,
) -> list[Finding]:
    if code is None:
        return []
    if code == "implausible":
        level, text = (
            Level.WARNING,
            msg(
                "%(where)s：学生 %(n)d 人，超过 %(limit)d 人，请核对人数是否填错",
                where=where,
                n=students,
                limit=rules.implausible_above,
            ),
        )
    elif code == "super_sized":
        level, text = (
            Level.WARNING,
            msg(
                "%(where)s：学生 %(n)d 人，属超大班额（%(limit)d 人及以上）",
                where=where,
                n=students,
                limit=rules.super_sized,
            ),
        )
    elif code == "oversized":
        level, text = (
            Level.WARNING,
            msg(
                "%(where)s：学生 %(n)d 人，属大班额（%(limit)d 人及以上）",
                where=where,
                n=students,
                limit=rules.oversized,
            ),
        )
    else:
        level, text = (
            Level.NOTICE,
            msg(
                "%(where)s：学生 %(n)d 人，超过%(stage)s标准班额 %(limit)d 人",
                where=where,
                n=students,
                stage=stage.label,
                limit=rules.standard[stage],
            ),
        )
    return [Finding(level, code, text, stage=stage, grade=grade, class_name=name)]


def check_classes(
    classes: Iterable[ClassSize],
    rules: ClassSizeRules,
    *,
    stages: Iterable[Stage | str],
    layout: GradeLayout | None = None,
) -> list[Finding]:
    """Return every finding about a list of classes, in grade and class order."""
    layout = layout or GradeLayout.from_value()
    offered = frozenset(Stage(stage) for stage in stages)
    findings: list[Finding] = []
    seen: set[tuple[int, str]] = set()
    for item in sorted(classes, key=lambda c: (c.grade, c.name)):
        name = item.name.strip()
        stage, problems = _grade_findings(item.grade, layout, offered, name)
        findings += problems
        where = _where(item.grade, name)
        if (item.grade, name) in seen:
            findings.append(
                Finding(
                    Level.ERROR,
                    "duplicate_class",
                    msg("%(where)s：同一班级填报了两次", where=where),
                    stage=stage,
                    grade=item.grade,
                    class_name=name,
                )
            )
            continue
        seen.add((item.grade, name))
        if item.students < 0:
            findings.append(
                Finding(
                    Level.ERROR,
                    "negative",
                    msg("%(where)s：学生数不能为负数（%(n)d）", where=where, n=item.students),
                    stage=stage,
                    grade=item.grade,
                    class_name=name,
                )
            )
            continue
        if stage is not None:
            findings += _size_finding(
                size_level(item.students, stage, rules),
                where=where,
                students=item.students,
                stage=stage,
                grade=item.grade,
                name=name,
                rules=rules,
            )
    return findings


def check_grades(
    grades: Iterable[GradeEnrolment],
    rules: ClassSizeRules,
    *,
    stages: Iterable[Stage | str],
    layout: GradeLayout | None = None,
) -> list[Finding]:
    """Return every finding about grade totals; sizes are checked on the largest class's floor."""
    layout = layout or GradeLayout.from_value()
    offered = frozenset(Stage(stage) for stage in stages)
    findings: list[Finding] = []
    seen: set[int] = set()
    for item in sorted(grades, key=lambda g: g.grade):
        stage, problems = _grade_findings(item.grade, layout, offered)
        findings += problems
        where = grade_label(item.grade)
        if item.grade in seen:
            findings.append(
                Finding(
                    Level.ERROR,
                    "duplicate_grade",
                    msg("%(where)s：同一年级填报了两次", where=where),
                    stage=stage,
                    grade=item.grade,
                )
            )
            continue
        seen.add(item.grade)
        bad = False
        for value, field_label in ((item.students, msg("学生数")), (item.classes, msg("班级数"))):
            if value < 0:
                bad = True
                findings.append(
                    Finding(
                        Level.ERROR,
                        "negative",
                        msg(
                            "%(where)s：%(field)s不能为负数（%(n)d）",
                            where=where,
                            field=field_label,
                            n=value,
                        ),
                        stage=stage,
                        grade=item.grade,
                    )
                )
        if bad:
            continue
        if item.classes == 0:
            if item.students > 0:
                findings.append(
                    Finding(
                        Level.ERROR,
                        "no_classes",
                        msg(
                            "%(where)s：有 %(n)d 名学生，但班级数为 0",
                            where=where,
                            n=item.students,
                        ),
                        stage=stage,
                        grade=item.grade,
                    )
                )
            continue
        if stage is None:
            continue
        largest = math.ceil(item.students / item.classes)
        code = size_level(largest, stage, rules)
        findings += _grade_size_finding(code, item, largest, stage, rules)
    return findings


def _grade_size_finding(
    code: str | None,
    item: GradeEnrolment,
    largest: int,
    stage: Stage,
    rules: ClassSizeRules,
) -> list[Finding]:
    if code is None:
        return []
    where = msg(
        "%(grade)s（%(classes)d 个班，共 %(students)d 人）",
        grade=grade_label(item.grade),
        classes=item.classes,
        students=item.students,
    )
    limits = {
        "implausible": (Level.WARNING, rules.implausible_above),
        "super_sized": (Level.WARNING, rules.super_sized),
        "oversized": (Level.WARNING, rules.oversized),
        "above_standard": (Level.NOTICE, rules.standard[stage]),
    }
    level, limit = limits[code]
    texts = {
        "implausible": msg(
            "%(where)s：平均每班超过 %(limit)d 人，请核对人数是否填错", where=where, limit=limit
        ),
        "super_sized": msg(
            "%(where)s：至少有一个班不少于 %(n)d 人，属超大班额（%(limit)d 人及以上）",
            where=where,
            n=largest,
            limit=limit,
        ),
        "oversized": msg(
            "%(where)s：至少有一个班不少于 %(n)d 人，属大班额（%(limit)d 人及以上）",
            where=where,
            n=largest,
            limit=limit,
        ),
        "above_standard": msg(
            "%(where)s：平均班额超过%(stage)s标准班额 %(limit)d 人",
            where=where,
            stage=stage.label,
            limit=limit,
        ),
    }
    return [Finding(level, code, texts[code], stage=stage, grade=item.grade)]


def grades_from_classes(classes: Iterable[ClassSize]) -> list[GradeEnrolment]:
    """Return grade totals (classes, students) from a list of classes."""
    totals: dict[int, list[int]] = {}
    for item in classes:
        entry = totals.setdefault(item.grade, [0, 0])
        entry[0] += 1
        entry[1] += item.students
    return [GradeEnrolment(grade, n, students) for grade, (n, students) in sorted(totals.items())]


def students_by_stage(
    grades: Iterable[GradeEnrolment], layout: GradeLayout | None = None
) -> dict[Stage, int]:
    """Return the students of each stage (the allowance's input); unknown grades are skipped."""
    layout = layout or GradeLayout.from_value()
    totals: dict[Stage, int] = {}
    for item in grades:
        stage = layout.stage_of(item.grade)
        if stage is not None:
            totals[stage] = totals.get(stage, 0) + item.students
    return totals
