"""School stages (学段), school types and the grade layout that every schools rule shares.

Pure values, no Flask. Grades are numbered 1–12 across the whole school career (1–6
小学, 7–9 初中, 10–12 高中 in the 六三三 layout Sichuan uses); the layout is a dated
parameter (``schools.grade_layout``) so a 五四制 district can move grade 6 to 初中.

A school offers one stage or several: 九年一贯制 is 小学 + 初中, 完全中学 初中 + 高中,
十二年一贯制 all three.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from core.i18n import Msg, msg

GRADE_LAYOUT_KEY = "schools.grade_layout"
SOURCE = "六三学制（四川）；DOMAIN.md §5"


class Stage(StrEnum):
    """学段, youngest first; the values match hr.structure's stage keys."""

    PRIMARY = "primary"
    JUNIOR = "junior"
    SENIOR = "senior"

    @property
    def label(self) -> Msg:
        return _STAGE_LABELS[self]


_STAGE_LABELS = {
    Stage.PRIMARY: msg("小学"),
    Stage.JUNIOR: msg("初中"),
    Stage.SENIOR: msg("高中"),
}

#: stages in school order (the order a cohort passes through them)
STAGE_ORDER = (Stage.PRIMARY, Stage.JUNIOR, Stage.SENIOR)


class SchoolType(StrEnum):
    """办学类型: which stages a school offers."""

    PRIMARY = "primary"
    JUNIOR = "junior"
    SENIOR = "senior"
    NINE_YEAR = "nine_year"
    COMPLETE_SECONDARY = "complete_secondary"
    TWELVE_YEAR = "twelve_year"

    @property
    def label(self) -> Msg:
        return _TYPE_LABELS[self]

    @property
    def stages(self) -> tuple[Stage, ...]:
        return _TYPE_STAGES[self]

    @property
    def is_combined(self) -> bool:
        return len(self.stages) > 1


_TYPE_LABELS = {
    SchoolType.PRIMARY: msg("小学"),
    SchoolType.JUNIOR: msg("初级中学"),
    SchoolType.SENIOR: msg("高级中学"),
    SchoolType.NINE_YEAR: msg("九年一贯制学校"),
    SchoolType.COMPLETE_SECONDARY: msg("完全中学"),
    SchoolType.TWELVE_YEAR: msg("十二年一贯制学校"),
}
_TYPE_STAGES = {
    SchoolType.PRIMARY: (Stage.PRIMARY,),
    SchoolType.JUNIOR: (Stage.JUNIOR,),
    SchoolType.SENIOR: (Stage.SENIOR,),
    SchoolType.NINE_YEAR: (Stage.PRIMARY, Stage.JUNIOR),
    SchoolType.COMPLETE_SECONDARY: (Stage.JUNIOR, Stage.SENIOR),
    SchoolType.TWELVE_YEAR: (Stage.PRIMARY, Stage.JUNIOR, Stage.SENIOR),
}

#: The stored value: first and last grade of each stage (六三三).
DEFAULTS: dict[str, Any] = {
    GRADE_LAYOUT_KEY: {"primary": [1, 6], "junior": [7, 9], "senior": [10, 12]},
}


@dataclass(frozen=True)
class GradeLayout:
    """Which grades each stage holds; stages are consecutive runs of grades 1–12."""

    first: Mapping[Stage, int]
    last: Mapping[Stage, int]

    @classmethod
    def from_value(cls, value: Mapping[str, Any] | None = None) -> GradeLayout:
        """Build the layout from the stored parameter value (DEFAULTS when None)."""
        value = value if value is not None else DEFAULTS[GRADE_LAYOUT_KEY]
        first: dict[Stage, int] = {}
        last: dict[Stage, int] = {}
        expected = 1
        for stage in STAGE_ORDER:
            low, high = (int(g) for g in value[stage.value])
            if low != expected or high < low:
                raise ValueError(f"grade layout: {stage.value} must start at {expected}")
            first[stage], last[stage] = low, high
            expected = high + 1
        return cls(first=first, last=last)

    def grades(self, stage: Stage) -> range:
        """Return the grades of ``stage`` in order."""
        return range(self.first[stage], self.last[stage] + 1)

    def stage_of(self, grade: int) -> Stage | None:
        """Return the stage holding ``grade``, or None outside 1–12 (or the layout)."""
        for stage in STAGE_ORDER:
            if self.first[stage] <= grade <= self.last[stage]:
                return stage
        return None

    def school_grades(self, stages: Iterable[Stage]) -> list[int]:
        """Return every grade a school with ``stages`` teaches, in order."""
        wanted = set(stages)
        return [g for stage in STAGE_ORDER if stage in wanted for g in self.grades(stage)]


def grade_label(grade: int) -> Msg:
    """Return how a grade is named: 一年级 … 九年级, 高一 … 高三."""
    label = _GRADE_LABELS.get(grade)
    if label is None:
        return msg("%(grade)d 年级", grade=grade)
    return label


_GRADE_LABELS = {
    1: msg("一年级"),
    2: msg("二年级"),
    3: msg("三年级"),
    4: msg("四年级"),
    5: msg("五年级"),
    6: msg("六年级"),
    7: msg("七年级"),
    8: msg("八年级"),
    9: msg("九年级"),
    10: msg("高一"),
    11: msg("高二"),
    12: msg("高三"),
}


def stages_from(stages: Iterable[Stage | str]) -> tuple[Stage, ...]:
    """Return stages as ``Stage`` values in school order, without repeats."""
    wanted = {Stage(stage) for stage in stages}
    return tuple(stage for stage in STAGE_ORDER if stage in wanted)


def school_year_label(year: int) -> Msg:
    """Return how a school year is written; ``year`` is the calendar year it starts in."""
    return msg("%(start)d–%(end)d 学年", start=year, end=year + 1)
