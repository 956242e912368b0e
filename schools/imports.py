"""The enrolment import through the one import path (core/imports.py).

A file holds one or more school years, one row per grade. Each year is checked with the
same rules as the form (schools.enrolment.check_grades) and replaces what was recorded for
that year; the whole file imports or nothing does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.excel import CellError
from core.extensions import db
from core.i18n import msg
from core.ids import china_today
from core.imports import Checked, ImportContext, Importer, Preview, Summary
from schools import operations, queries
from schools.enrolment import GradeEnrolment
from schools.excel import ENROLMENT_SPEC
from schools.findings import Level, SchoolsRefusal
from schools.models import EnrolmentSource, SchoolProfile
from schools.permissions import SCHOOLS_MANAGE
from schools.stages import school_year_label

#: which column a finding about a grade is shown under
_FIELD_HEADERS = {"classes": "班级数", "students": "学生数"}


@dataclass(frozen=True)
class YearPlan:
    year: int
    grades: tuple[GradeEnrolment, ...]
    #: warnings (oversized classes …) and whether the year replaces a recorded one
    warnings: tuple
    replaces: bool


class EnrolmentImporter(Importer[list[YearPlan]]):
    name = "schools.enrolment"
    label = msg("分年级学生数导入")
    spec = ENROLMENT_SPEC
    permission = SCHOOLS_MANAGE
    max_rows = 2_000
    job_threshold = 2_000

    def _profile(self, context: ImportContext) -> SchoolProfile | None:
        if context.institution_id is None:
            return None
        return queries.profile_of(context.institution_id)

    def check(self, rows, context: ImportContext) -> Checked[list[YearPlan]]:
        profile = self._profile(context)
        if profile is None:
            return Checked(None, [CellError(None, None, msg("请先填写学校概况"))])
        errors: list[CellError] = []
        by_year: dict[int, dict[int, dict]] = {}
        for row in rows:
            grades = by_year.setdefault(row["year"], {})
            if row["grade"] in grades:
                errors.append(
                    CellError(
                        row["_row"],
                        "年级",
                        msg("与第 %(r)d 行是同一学年同一年级", r=grades[row["grade"]]["_row"]),
                    )
                )
                continue
            grades[row["grade"]] = row
        today = china_today()
        plan = []
        for year, grades in sorted(by_year.items()):
            first_row = min(row["_row"] for row in grades.values())
            try:
                operations.check_year(year, today)
            except SchoolsRefusal as refusal:
                errors.append(CellError(first_row, "学年", refusal.message))
                continue
            items = tuple(
                GradeEnrolment(g, row["classes"], row["students"])
                for g, row in sorted(grades.items())
            )
            try:
                findings = operations.check_enrolment(profile, year, items)
            except SchoolsRefusal as refusal:
                for field, message in refusal.by_field().items():
                    grade = int(str(field).rsplit("_", 1)[1]) if field else None
                    row = grades.get(grade, {"_row": first_row})
                    errors.append(CellError(row["_row"], "学生数", message))
                continue
            plan.append(
                YearPlan(
                    year,
                    items,
                    tuple(f.message for f in findings if f.level is Level.WARNING),
                    queries.enrolment_year(profile.institution_id, year) is not None,
                )
            )
        return Checked(None if errors else plan, errors)

    def preview(self, plan: list[YearPlan], context: ImportContext) -> Preview:
        return Preview(
            rows=sum(len(item.grades) for item in plan),
            counts=[
                (msg("学年"), len(plan)),
                (msg("其中替换已填报的学年"), sum(1 for item in plan if item.replaces)),
            ],
            changes=[
                msg(
                    "%(year)s：%(grades)d 个年级，%(classes)d 个班，%(students)d 名学生%(replace)s",
                    year=school_year_label(item.year),
                    grades=len(item.grades),
                    classes=sum(g.classes for g in item.grades),
                    students=sum(g.students for g in item.grades),
                    replace=msg("（替换已填报的数据）") if item.replaces else "",
                )
                for item in plan
            ],
            warnings=[
                msg("%(year)s：%(warning)s", year=school_year_label(item.year), warning=w)
                for item in plan
                for w in item.warnings
            ][:50],
        )

    def write(
        self, plan: list[YearPlan], context: ImportContext, progress: Callable[[int, int], None]
    ) -> Summary:
        profile = self._profile(context)
        today = china_today()
        for done, item in enumerate(plan, 1):
            operations.save_enrolment(
                profile,
                item.year,
                item.grades,
                today=today,
                source=EnrolmentSource.IMPORT,
                actor=context.actor,
            )
            progress(done, len(plan))
        db.session.flush()
        return Summary(
            msg("已导入 %(n)d 个学年的分年级学生数。", n=len(plan)), [(msg("学年"), len(plan))]
        )


ENROLMENT_IMPORTER = EnrolmentImporter()
