"""Loading a new 岗位工资 or 薪级工资 table (工资标准表) from Excel, through the one import
path (core/imports.py): the whole table checked by ``payroll.scales`` (every grade or step
once, amounts positive and in order), every error by row and column, nothing written unless
all is right; on confirmation it becomes a new version of the dated parameter from the
chosen day (``core.parameters.add_version``, audited), so months before it keep the old one.

The day it takes effect and the document it comes from are options of the import
(``effective_from``, ``source``), chosen before the upload.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from core.excel import CellError, Spec
from core.extensions import db
from core.i18n import Msg, msg
from core.imports import Checked, ImportContext, Importer, Preview, Summary
from core.parameters import ParameterVersion, add_version
from core.permissions import PARAMETERS_MANAGE
from payroll import scales
from payroll.excel_specs import POST_WAGE_TABLE_SPEC, STEP_WAGE_TABLE_SPEC


@dataclass
class TablePlan:
    """A checked table, ready to become a parameter version."""

    key: str
    value: dict[str, dict[str, str]]
    effective_from: date
    source: str | None
    #: the latest version's value (what the preview compares with)
    latest: dict[str, Any]


def latest_version(key: str) -> ParameterVersion | None:
    """Return the newest version of a table (by the day it takes effect)."""
    return db.session.scalar(
        select(ParameterVersion)
        .where(ParameterVersion.key == key, ParameterVersion.scope == "")
        .order_by(ParameterVersion.effective_from.desc())
        .limit(1)
    )


def effective_day(text: Any) -> date | None:
    """Return the ISO day given as an option, or None."""
    try:
        return date.fromisoformat(str(text or "").strip())
    except ValueError:
        return None


class ScaleTableImporter(Importer[TablePlan]):
    """One of the two tables; subclasses name the parameter and how rows become a value."""

    key: str
    permission = PARAMETERS_MANAGE
    #: the categories the preview compares (the step table's 管理 and 专技 are one column)
    categories: tuple[str, ...] = scales.CATEGORIES
    max_rows = 200
    job_threshold = 10_000  # a table is a few dozen rows: never a job

    def load(self, rows: list[dict[str, Any]]) -> scales.TableLoad:
        raise NotImplementedError

    def check(self, rows: list[dict[str, Any]], context: ImportContext) -> Checked[TablePlan]:
        errors: list[CellError] = []
        day = effective_day(context.options.get("effective_from"))
        latest = latest_version(self.key)
        if latest is None:
            errors.append(CellError(None, None, msg("没有现行标准，不能导入新版本")))
        elif day is None:
            errors.append(CellError(None, None, msg("请先选择新标准的生效日期")))
        elif latest is not None and day <= latest.effective_from:
            errors.append(
                CellError(
                    None,
                    None,
                    msg(
                        "生效日期须晚于现行标准的生效日期（%(day)s）",
                        day=latest.effective_from.isoformat(),
                    ),
                )
            )
        loaded = self.load(rows)
        errors.extend(
            # a grade or step missing from the whole table is no one row's or column's
            CellError(e.row, e.column, e.reason, location=None if e.row else "")
            for e in loaded.errors
        )
        if errors or loaded.value is None or day is None or latest is None:
            return Checked(None, errors)
        source = str(context.options.get("source") or "").strip() or None
        return Checked(TablePlan(self.key, loaded.value, day, source, latest.value), [])

    def preview(self, plan: TablePlan, context: ImportContext) -> Preview:
        changes: list[Msg | str] = []
        unchanged = 0
        for category in self.categories:
            new = plan.value.get(category, {})
            old = plan.latest.get(category, {})
            for key in sorted(set(new) | set(old), key=int):
                if Decimal(new.get(key, "0")) == Decimal(old.get(key, "0")):
                    unchanged += 1
                    continue
                changes.append(
                    msg(
                        "%(what)s：%(old)s → %(new)s",
                        what=self.describe_key(category, int(key)),
                        old=old.get(key, "—"),
                        new=new.get(key, "—"),
                    )
                )
        warnings: list[Msg | str] = []
        if not changes:
            warnings.append(msg("新标准与现行标准完全相同"))
        return Preview(
            rows=sum(len(v) for v in plan.value.values()),
            counts=[(msg("调整的标准"), len(changes)), (msg("不变的标准"), unchanged)],
            totals=[(msg("生效日期"), plan.effective_from.isoformat())],
            changes=changes[:200],
            warnings=warnings,
        )

    def describe_key(self, category: str, number: int) -> Msg | str:
        raise NotImplementedError

    def write(
        self, plan: TablePlan, context: ImportContext, progress: Callable[[int, int], None]
    ) -> Summary:
        add_version(
            plan.key,
            json.dumps(plan.value, ensure_ascii=False),
            effective_from=plan.effective_from,
            source=plan.source,
            actor=context.actor,
        )
        progress(1, 1)
        return Summary(
            msg(
                "已导入新的%(table)s，自 %(day)s 起生效。",
                table=self.label,
                day=plan.effective_from.isoformat(),
            )
        )

    def current_rows(self, value: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Rows of the template: the table in ``value`` as the sheet lays it out."""
        raise NotImplementedError


class PostWageTableImporter(ScaleTableImporter):
    name = "payroll.post_wage_table"
    label = msg("岗位工资标准")
    spec: Spec = POST_WAGE_TABLE_SPEC
    key = scales.POST_WAGE_KEY

    def load(self, rows):
        return scales.load_post_wage_table(rows)

    def describe_key(self, category, number):
        return scales.grade_name(category, number)

    def current_rows(self, value):
        return [
            {
                "category": scales.CATEGORY_LABELS[category],
                "grade": scales.GENERAL_WORKER_LABEL
                if category == scales.WORKER and int(grade) == 6
                else grade,
                "amount": Decimal(amount),
            }
            for category in scales.CATEGORIES
            for grade, amount in sorted(value.get(category, {}).items(), key=lambda i: int(i[0]))
        ]


class StepWageTableImporter(ScaleTableImporter):
    name = "payroll.salary_step_table"
    label = msg("薪级工资标准")
    spec: Spec = STEP_WAGE_TABLE_SPEC
    key = scales.STEP_WAGE_KEY

    def load(self, rows):
        from core.ids import china_today
        from core.parameters import parameter
        from payroll.params import STEP_MAX_KEY

        step_max = parameter(STEP_MAX_KEY, china_today())
        return scales.load_salary_step_table(
            rows, {k: int(v) for k, v in step_max.items()} if step_max else None
        )

    categories = (scales.PROFESSIONAL, scales.WORKER)

    def describe_key(self, category, number):
        if category == scales.WORKER:
            return msg("工人第 %(step)d 级薪级", step=number)
        return msg("管理和专业技术人员第 %(step)d 级薪级", step=number)

    def current_rows(self, value):
        staff = value.get(scales.PROFESSIONAL, {})
        worker = value.get(scales.WORKER, {})
        steps = sorted({int(s) for s in (*staff, *worker)})
        return [
            {
                "step": step,
                "staff": Decimal(staff[str(step)]) if str(step) in staff else None,
                "worker": Decimal(worker[str(step)]) if str(step) in worker else None,
            }
            for step in steps
        ]


POST_WAGE_IMPORTER = PostWageTableImporter()
STEP_WAGE_IMPORTER = StepWageTableImporter()
#: by the name the URLs use
TABLES: dict[str, ScaleTableImporter] = {"post": POST_WAGE_IMPORTER, "step": STEP_WAGE_IMPORTER}
