"""The 月度工资 import for a run (DOMAIN §9) through the one import path (core/imports.py).

One row per person: 单位代码 and 工号 name the employment (active in the run's period), 姓名
must be that person's; a blank 岗位工资, 薪级工资 or deduction is computed, a filled one is
taken as given; blank pay items are 0. Unknown or inactive staff, duplicates, another
institution's rows, a run that is no longer open: every error by row and column, nothing
written. Importing replaces every amount imported for the run before (idempotent).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select

from core.excel import CellError
from core.extensions import db
from core.i18n import msg
from core.imports import Checked, ImportContext, Importer, Preview, Summary
from hr.models import Employment, Person
from payroll.excel_specs import (
    MONTHLY_MONEY_HEADERS,
    MONTHLY_PAY_SPEC,
    SPECIAL_DEDUCTIONS_SPEC,
    special_deductions_from_row,
)
from payroll.permissions import PAYROLL_MANAGE
from payroll.runs import ledger, queries
from payroll.runs import operations as ops
from payroll.runs.models import PayRun
from payroll.runs.states import edit_refusal
from payroll.tax import SpecialAdditional, additional_increment

HEADER = {field: header for header, field in MONTHLY_MONEY_HEADERS}


@dataclass
class MonthlyPlan:
    """The amounts of a checked file, by employment and item."""

    run_id: int
    amounts: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    filename: str | None = None


def _error(row: int | None, column: str | None, message) -> CellError:
    return CellError(row, column, message)


class MonthlyPayImporter(Importer[MonthlyPlan]):
    name = "payroll.monthly"
    label = msg("月度工资导入")
    spec = MONTHLY_PAY_SPEC
    permission = PAYROLL_MANAGE
    max_rows = 300_000
    job_threshold = 5_000

    def check(self, rows: list[dict[str, Any]], context: ImportContext) -> Checked[MonthlyPlan]:
        run = db.session.get(PayRun, context.options.get("run_id"))
        if run is None or run.institution_id != context.institution_id:
            return Checked(None, [_error(None, None, msg("工资批次不存在"))])
        refusal = edit_refusal(run.status)
        if refusal is not None:
            return Checked(None, [_error(None, None, refusal)])
        code = run.institution.credit_code
        start, end = queries.period_bounds(run.year, run.month)
        numbers = {row["staff_number"] for row in rows}
        staff = {
            number: (employment_id, name)
            for number, employment_id, name in db.session.execute(
                select(Employment.staff_number, Employment.id, Person.name)
                .join(Person, Person.id == Employment.person_id)
                .where(
                    Employment.institution_id == run.institution_id,
                    Employment.staff_number.in_(sorted(numbers)),
                    Employment.start_on <= end,
                    or_(Employment.end_on.is_(None), Employment.end_on >= start),
                )
            )
        }
        errors: list[CellError] = []
        seen: dict[str, int] = {}
        plan = MonthlyPlan(run.id)
        for row in rows:
            line = row["_row"]
            if row["institution_code"] != code:
                errors.append(_error(line, "单位代码", msg("不是本单位的代码 %(code)s", code=code)))
                continue
            number = row["staff_number"]
            if number in seen:
                errors.append(_error(line, "工号", msg("与第 %(r)d 行重复", r=seen[number])))
                continue
            seen[number] = line
            found = staff.get(number)
            if found is None:
                errors.append(
                    _error(
                        line, "工号", msg("本单位 %(period)s 没有这个在职工号", period=run.period)
                    )
                )
                continue
            employment_id, name = found
            if row["name"] != name:
                errors.append(
                    _error(line, "姓名", msg("与工号对应的姓名「%(name)s」不一致", name=name))
                )
                continue
            plan.amounts[employment_id] = {
                item: row[item] for _, item in MONTHLY_MONEY_HEADERS if row.get(item) is not None
            }
        return Checked(None if errors else plan, errors)

    def preview(self, plan: MonthlyPlan, context: ImportContext) -> Preview:
        totals: dict[str, Decimal] = {}
        for items in plan.amounts.values():
            for item, amount in items.items():
                totals[item] = totals.get(item, Decimal("0.00")) + amount
        given = sum(
            1
            for items in plan.amounts.values()
            for item in items
            if item in ("post_wage", "step_wage")
        )
        warnings = []
        if given:
            warnings.append(
                msg("%(n)d 项岗位工资或薪级工资按文件填写的金额，不按工资标准表计算", n=given)
            )
        return Preview(
            rows=len(plan.amounts),
            counts=[(msg("人员"), len(plan.amounts))],
            totals=[(HEADER[item], f"{amount:,.2f}") for item, amount in totals.items()],
            changes=[msg("导入后替换本批次之前导入的全部金额，并须重新计算")],
            warnings=warnings,
        )

    def write(
        self, plan: MonthlyPlan, context: ImportContext, progress: Callable[[int, int], None]
    ) -> Summary:
        run = db.session.get(PayRun, plan.run_id)
        count = ops.replace_imported(run, plan.amounts, context.actor)
        progress(len(plan.amounts), len(plan.amounts))
        return Summary(
            msg(
                "已导入 %(n)d 人的 %(m)d 项金额；请重新计算工资批次。", n=len(plan.amounts), m=count
            ),
            next_url=None,
        )


MONTHLY_IMPORTER = MonthlyPayImporter()


# --------------------------------------------------------------------------- declared deductions


@dataclass
class DeclaredPlan:
    """This month's increments of the declared deductions, by employment and item."""

    run_id: int
    amounts: dict[int, dict[str, Decimal]] = field(default_factory=dict)


class DeclaredDeductionsImporter(Importer[DeclaredPlan]):
    """The withholding client's export of the 专项附加扣除 the staff declared, cumulative to
    the period: each category's cumulative figure less the year to date before this run is
    what this month deducts (a late declaration brings its earlier months at once)."""

    name = "payroll.declared"
    label = msg("专项附加扣除导入")
    spec = SPECIAL_DEDUCTIONS_SPEC
    permission = PAYROLL_MANAGE
    max_rows = 300_000
    job_threshold = 5_000

    def check(self, rows: list[dict[str, Any]], context: ImportContext) -> Checked[DeclaredPlan]:
        run = db.session.get(PayRun, context.options.get("run_id"))
        if run is None or run.institution_id != context.institution_id:
            return Checked(None, [_error(None, None, msg("工资批次不存在"))])
        refusal = edit_refusal(run.status)
        if refusal is not None:
            return Checked(None, [_error(None, None, refusal)])
        start, end = queries.period_bounds(run.year, run.month)
        staff = {
            citizen_id: (employment_id, person_id, name)
            for citizen_id, employment_id, person_id, name in db.session.execute(
                select(Person.citizen_id, Employment.id, Person.id, Person.name)
                .join(Person, Person.id == Employment.person_id)
                .where(
                    Employment.institution_id == run.institution_id,
                    Employment.start_on <= end,
                    or_(Employment.end_on.is_(None), Employment.end_on >= start),
                )
            )
        }
        errors: list[CellError] = []
        seen: dict[str, int] = {}
        found: dict[int, tuple[int, SpecialAdditional, Decimal]] = {}
        for row in rows:
            line = row["_row"]
            number = (row["id_number"] or "").upper()
            if number in seen:
                errors.append(_error(line, "*证件号码", msg("与第 %(r)d 行重复", r=seen[number])))
                continue
            seen[number] = line
            person = staff.get(number)
            if person is None:
                errors.append(
                    _error(
                        line,
                        "*证件号码",
                        msg("本单位 %(period)s 没有这个证件号码的在职人员", period=run.period),
                    )
                )
                continue
            employment_id, person_id, name = person
            if row["name"] != name:
                errors.append(
                    _error(line, "*姓名", msg("与证件号码对应的姓名「%(name)s」不一致", name=name))
                )
                continue
            additional, private_pension = special_deductions_from_row(row)
            found[employment_id] = (person_id, additional, private_pension)
        if errors:
            return Checked(None, errors)
        before = queries.basis_records(run, [p for p, _, _ in found.values()])
        plan = DeclaredPlan(run.id)
        for employment_id, (person_id, cumulative, pension) in found.items():
            ytd = ledger.year_to_date(run.year, before.get(person_id, []))
            increment = additional_increment(cumulative, ytd)
            items = {
                ledger.DECLARED_PREFIX + name: amount
                for name, amount in increment.as_dict().items()
                if name != "unclassified" and amount
            }
            pension_increment = pension - ytd.other.private_pension
            if pension_increment:
                items["private_pension"] = pension_increment
            plan.amounts[employment_id] = items
        return Checked(plan, [])

    def preview(self, plan: DeclaredPlan, context: ImportContext) -> Preview:
        total = sum(
            (amount for items in plan.amounts.values() for amount in items.values()),
            Decimal("0.00"),
        )
        return Preview(
            rows=len(plan.amounts),
            counts=[(msg("人员"), len(plan.amounts))],
            totals=[(msg("本月扣除合计"), f"{total:,.2f}")],
            changes=[msg("导入后替换本批次之前导入的专项附加扣除，并须重新计算")],
        )

    def write(
        self, plan: DeclaredPlan, context: ImportContext, progress: Callable[[int, int], None]
    ) -> Summary:
        run = db.session.get(PayRun, plan.run_id)
        ops.replace_imported(run, plan.amounts, context.actor, source="declared")
        progress(len(plan.amounts), len(plan.amounts))
        return Summary(
            msg("已导入 %(n)d 人的专项附加扣除；请重新计算工资批次。", n=len(plan.amounts))
        )


DECLARED_IMPORTER = DeclaredDeductionsImporter()
