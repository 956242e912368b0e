"""The spending import through the one import path (core/imports.py).

Every row is checked as the form checks one spending, in file order, each against the
spending before it (so two rows that together overrun a line are caught); the whole file
imports or nothing does. The budget is the school year in the context's options.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.excel import CellError
from core.i18n import msg
from core.imports import Checked, ImportContext, Importer, Preview, Summary
from schools.budget import operations, queries
from schools.excel import SPENDING_SPEC
from schools.findings import SchoolsRefusal
from schools.lumpsum import line_label
from schools.models import EnrolmentSource, SchoolBudget
from schools.permissions import SCHOOLS_BUDGET

#: which column a refusal about a field is shown under
_HEADERS = {
    "line": "预算科目",
    "spent_on": "支出日期",
    "amount": "金额",
    "decision_ref": "理事会决定文号",
}


@dataclass(frozen=True)
class SpendingRow:
    row: int
    spent_on: date
    line: str
    amount: Decimal
    description: str
    decision_ref: str | None


class SpendingImporter(Importer[list[SpendingRow]]):
    name = "schools.spending"
    label = msg("包干经费支出导入")
    spec = SPENDING_SPEC
    permission = SCHOOLS_BUDGET
    max_rows = 20_000
    job_threshold = 5_000

    def _budget(self, context: ImportContext) -> SchoolBudget | None:
        year = context.options.get("year")
        if context.institution_id is None or year is None:
            return None
        return queries.budget_of(context.institution_id, int(year))

    def check(self, rows, context: ImportContext) -> Checked[list[SpendingRow]]:
        budget = self._budget(context)
        if budget is None:
            return Checked(None, [CellError(None, None, msg("该学年还没有包干预算"))])
        spent = queries.spent_by_line(budget)
        errors: list[CellError] = []
        plan = []
        for row in rows:
            decision_ref = (row.get("decision_ref") or "").strip() or None
            try:
                operations.check_spending(
                    budget, row["line"], row["spent_on"], row["amount"], decision_ref, spent
                )
            except SchoolsRefusal as refusal:
                for field, message in refusal.by_field().items():
                    errors.append(CellError(row["_row"], _HEADERS.get(field or ""), message))
                continue
            spent[row["line"]] = spent.get(row["line"], Decimal("0.00")) + row["amount"]
            plan.append(
                SpendingRow(
                    row["_row"],
                    row["spent_on"],
                    row["line"],
                    row["amount"],
                    row["description"],
                    decision_ref,
                )
            )
        return Checked(None if errors else plan, errors)

    def preview(self, plan: list[SpendingRow], context: ImportContext) -> Preview:
        totals: dict[str, Decimal] = {}
        for item in plan:
            totals[item.line] = totals.get(item.line, Decimal("0.00")) + item.amount
        return Preview(
            rows=len(plan),
            counts=[(msg("支出笔数"), len(plan))],
            totals=[(line_label(line), f"{amount:,.2f}") for line, amount in totals.items()],
            changes=[
                msg(
                    "%(date)s %(line)s %(amount)s 元：%(text)s",
                    date=item.spent_on.isoformat(),
                    line=line_label(item.line),
                    amount=item.amount,
                    text=item.description,
                )
                for item in plan[:20]
            ],
        )

    def write(
        self, plan: list[SpendingRow], context: ImportContext, progress: Callable[[int, int], None]
    ) -> Summary:
        budget = self._budget(context)
        spent = queries.spent_by_line(budget)
        for done, item in enumerate(plan, 1):
            operations.record_spending(
                budget,
                {
                    "line": item.line,
                    "spent_on": item.spent_on,
                    "amount": item.amount,
                    "description": item.description,
                    "decision_ref": item.decision_ref,
                },
                source=EnrolmentSource.IMPORT,
                actor=context.actor,
                spent=spent,
            )
            if done % 500 == 0:
                progress(done, len(plan))
        progress(len(plan), len(plan))
        return Summary(msg("已导入 %(n)d 笔支出。", n=len(plan)), [(msg("支出笔数"), len(plan))])


SPENDING_IMPORTER = SpendingImporter()
