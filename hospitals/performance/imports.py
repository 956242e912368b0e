"""The import of monthly indicator figures (core/imports.py): one row per department or
person per indicator, for the month of an open scheme.

Checked as a whole: the month must have a scheme not yet approved, the department must be
one of the hospital's, a person (工号) must be employed in that department that month, the
indicator must be one of that scheme's, values are never negative, and a row may not repeat.
A figure imported again replaces the old one, and the schemes touched go back to draft.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, select

from core import audit
from core.excel import CellError
from core.extensions import db
from core.i18n import msg
from core.imports import Checked, ImportContext, Importer, Preview, Summary
from hospitals.indicators import ALLOWED
from hospitals.models import (
    IndicatorFigure,
    PerformanceScheme,
    PerformanceShare,
    SchemeStatus,
)
from hospitals.performance.excel import FIGURES_IMPORT
from hospitals.performance.lines import parse_lines
from hospitals.periods import first_day
from hospitals.permissions import HOSPITALS_MANAGE
from hr.models import Department, Employment, Person


@dataclass(frozen=True)
class FigureRow:
    row: int
    scheme_id: int
    department_id: int
    employment_id: int | None
    indicator: str
    value: Decimal


def _indicator_key(text: str) -> str | None:
    try:
        [item] = parse_lines(f"{text} 1")
    except ValueError:
        return None
    return item.key if item.key in ALLOWED else None


class FiguresImporter(Importer[list[FigureRow]]):
    name = "hospitals.performance_figures"
    label = msg("绩效指标数据")
    spec = FIGURES_IMPORT
    permission = HOSPITALS_MANAGE
    max_rows = 100_000
    job_threshold = 20_000

    def check(self, rows, context: ImportContext) -> Checked[list[FigureRow]]:
        errors: list[CellError] = []
        institution_id = context.institution_id
        schemes = {
            s.period: s
            for s in db.session.scalars(
                select(PerformanceScheme).where(
                    PerformanceScheme.institution_id == institution_id,
                    PerformanceScheme.period.in_({row["period"] for row in rows}),
                )
            )
        }
        departments = {
            d.name: d.id
            for d in db.session.scalars(
                select(Department).where(Department.institution_id == institution_id)
            )
        }
        numbers = {row["staff_number"] for row in rows if row.get("staff_number")}
        staff = {
            e.staff_number: (e, name)
            for e, name in db.session.execute(
                select(Employment, Person.name)
                .join(Person, Person.id == Employment.person_id)
                .where(
                    Employment.institution_id == institution_id,
                    Employment.staff_number.in_(numbers),
                )
            )
        }
        seen: dict[tuple, int] = {}
        plan: list[FigureRow] = []
        for row in rows:
            where = row["_row"]
            before = len(errors)
            scheme = schemes.get(row["period"])
            if scheme is None:
                errors.append(
                    CellError(where, "月份", msg("%(p)s 还没有绩效方案", p=row["period"]))
                )
            elif scheme.is_locked:
                locked = (
                    msg("%(p)s 的方案正在理事会审议，不能再改数据", p=row["period"])
                    if scheme.status == SchemeStatus.SUBMITTED.value
                    else msg("%(p)s 的方案已批准，不能再改数据", p=row["period"])
                )
                errors.append(CellError(where, "月份", locked))
            department_id = departments.get(row["department"])
            if department_id is None:
                errors.append(
                    CellError(where, "科室", msg("本院没有科室「%(d)s」", d=row["department"]))
                )
            employment_id = None
            number = row.get("staff_number")
            if number:
                found = staff.get(number)
                if found is None:
                    errors.append(
                        CellError(where, "工号", msg("本院没有工号为「%(n)s」的人员", n=number))
                    )
                else:
                    employment, name = found
                    employment_id = employment.id
                    if row.get("name") and row["name"] != name:
                        errors.append(
                            CellError(
                                where,
                                "姓名",
                                msg("工号 %(n)s 登记的姓名是「%(name)s」", n=number, name=name),
                            )
                        )
                    if department_id is not None and employment.department_id != department_id:
                        errors.append(
                            CellError(
                                where,
                                "科室",
                                msg("%(name)s不在科室「%(d)s」", name=name, d=row["department"]),
                            )
                        )
                    day = first_day(row["period"])
                    if employment.start_on > day or (
                        employment.end_on is not None and employment.end_on < day
                    ):
                        errors.append(
                            CellError(
                                where,
                                "工号",
                                msg("%(name)s在 %(p)s 不在职", name=name, p=row["period"]),
                            )
                        )
            key = _indicator_key(row["indicator"])
            if scheme is not None and (
                key is None or key not in {i.key for i in scheme.indicators}
            ):
                errors.append(
                    CellError(
                        where,
                        "指标",
                        msg(
                            "「%(i)s」不是 %(p)s 方案的考核指标",
                            i=row["indicator"],
                            p=row["period"],
                        ),
                    )
                )
            if len(errors) > before:
                continue
            identity = (scheme.id, department_id, employment_id, key)
            if identity in seen:
                errors.append(CellError(where, "指标", msg("与第 %(r)d 行重复", r=seen[identity])))
                continue
            seen[identity] = where
            plan.append(
                FigureRow(where, scheme.id, department_id, employment_id, key, row["value"])
            )
        return Checked(None if errors else plan, errors)

    def preview(self, plan: list[FigureRow], context: ImportContext) -> Preview:
        people = sum(1 for item in plan if item.employment_id is not None)
        return Preview(
            rows=len(plan),
            counts=[
                (msg("科室数据"), len(plan) - people),
                (msg("个人数据"), people),
                (msg("涉及方案"), len({item.scheme_id for item in plan})),
            ],
            warnings=[msg("导入后，涉及的方案需要重新计算分配")] if plan else [],
        )

    def write(
        self, plan: list[FigureRow], context: ImportContext, progress: Callable[[int, int], None]
    ) -> Summary:
        scheme_ids = sorted({item.scheme_id for item in plan})
        existing = {
            (f.scheme_id, f.department_id, f.employment_id, f.indicator): f
            for f in db.session.scalars(
                select(IndicatorFigure).where(IndicatorFigure.scheme_id.in_(scheme_ids))
            )
        }
        for item in plan:
            key = (item.scheme_id, item.department_id, item.employment_id, item.indicator)
            figure = existing.get(key)
            if figure is None:
                db.session.add(
                    IndicatorFigure(
                        scheme_id=item.scheme_id,
                        department_id=item.department_id,
                        employment_id=item.employment_id,
                        indicator=item.indicator,
                        value=item.value,
                    )
                )
            else:
                figure.value = item.value
        db.session.execute(
            delete(PerformanceShare).where(PerformanceShare.scheme_id.in_(scheme_ids))
        )
        for scheme in db.session.scalars(
            select(PerformanceScheme).where(PerformanceScheme.id.in_(scheme_ids))
        ):
            scheme.status = SchemeStatus.DRAFT.value
        db.session.flush()
        audit.record(
            "performance_figures.import",
            institution_id=context.institution_id,
            summary=msg("%(n)d 条", n=len(plan)),
            actor=context.actor,
        )
        progress(len(plan), len(plan))
        return Summary(
            msg("已导入 %(n)d 条绩效指标数据。", n=len(plan)), [(msg("记录"), len(plan))]
        )


FIGURES_IMPORTER = FiguresImporter()
