"""The monthly pay table's import (core/imports.py): one row per person per month.

Checked as a whole before anything is written: every 工号 must be staff of the hospital
employed in that month, the name must match the person on file, and a person's month may
appear once. A month already imported for a person is replaced, so a corrected file can
simply be imported again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import delete, select, tuple_

from core import audit
from core.excel import CellError
from core.extensions import db
from core.i18n import msg
from core.imports import Checked, ImportContext, Importer, Preview, Summary
from hospitals.models import PAY_COMPONENTS, PayRecord
from hospitals.pay.excel import PAY_IMPORT
from hospitals.periods import first_day
from hospitals.permissions import HOSPITALS_MANAGE
from hr.models import Employment, Person

ZERO = Decimal(0)


@dataclass(frozen=True)
class PayRow:
    """One checked row: whose month and its amounts."""

    row: int
    employment_id: int
    period: str
    amounts: dict[str, Decimal]
    performance_score: Decimal | None


def _last_day(period: str) -> date:
    start = first_day(period)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


class PayRecordImporter(Importer[list[PayRow]]):
    name = "hospitals.pay_records"
    label = msg("月度工资（同岗同酬分析）")
    spec = PAY_IMPORT
    permission = HOSPITALS_MANAGE
    max_rows = 100_000
    job_threshold = 20_000

    def check(self, rows, context: ImportContext) -> Checked[list[PayRow]]:
        """Unknown staff, names that do not match, months outside the employment, repeats."""
        errors: list[CellError] = []
        numbers = sorted({row["staff_number"] for row in rows})
        staff = {
            number: (employment_id, name, start_on, end_on)
            for number, employment_id, name, start_on, end_on in db.session.execute(
                select(
                    Employment.staff_number,
                    Employment.id,
                    Person.name,
                    Employment.start_on,
                    Employment.end_on,
                )
                .join(Person, Person.id == Employment.person_id)
                .where(
                    Employment.institution_id == context.institution_id,
                    Employment.staff_number.in_(numbers),
                )
            )
        }
        seen: dict[tuple[str, str], int] = {}
        plan: list[PayRow] = []
        for row in rows:
            number, period, where = row["staff_number"], row["period"], row["_row"]
            found = staff.get(number)
            if found is None:
                errors.append(
                    CellError(where, "工号", msg("本院没有工号为「%(n)s」的人员", n=number))
                )
                continue
            employment_id, name, start_on, end_on = found
            if row["name"] != name:
                errors.append(
                    CellError(
                        where,
                        "姓名",
                        msg("工号 %(n)s 登记的姓名是「%(name)s」", n=number, name=name),
                    )
                )
            if start_on > _last_day(period) or (end_on is not None and end_on < first_day(period)):
                errors.append(
                    CellError(where, "月份", msg("%(name)s在 %(p)s 不在职", name=name, p=period))
                )
            key = (number, period)
            if key in seen:
                errors.append(
                    CellError(where, "月份", msg("与第 %(r)d 行是同一人同一月份", r=seen[key]))
                )
                continue
            seen[key] = where
            plan.append(
                PayRow(
                    row=where,
                    employment_id=employment_id,
                    period=period,
                    amounts={c: row.get(c) or ZERO for c in PAY_COMPONENTS},
                    performance_score=row.get("performance_score"),
                )
            )
        return Checked(None if errors else plan, errors)

    def _existing(self, plan: list[PayRow]) -> int:
        keys = [(item.employment_id, item.period) for item in plan]
        found = 0
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            found += len(
                db.session.execute(
                    select(PayRecord.id).where(
                        tuple_(PayRecord.employment_id, PayRecord.period).in_(chunk)
                    )
                ).all()
            )
        return found

    def preview(self, plan: list[PayRow], context: ImportContext) -> Preview:
        replaced = self._existing(plan)
        months = Counter(item.period for item in plan)
        total = sum((sum(item.amounts.values(), ZERO) for item in plan), ZERO)
        return Preview(
            rows=len(plan),
            counts=[(msg("新增记录"), len(plan) - replaced), (msg("替换已有记录"), replaced)]
            + [(msg("%(p)s 月", p=period), n) for period, n in sorted(months.items())],
            totals=[(msg("应发合计"), f"{total:,.2f}")],
        )

    def write(
        self, plan: list[PayRow], context: ImportContext, progress: Callable[[int, int], None]
    ) -> Summary:
        keys = [(item.employment_id, item.period) for item in plan]
        for start in range(0, len(keys), 500):
            db.session.execute(
                delete(PayRecord).where(
                    tuple_(PayRecord.employment_id, PayRecord.period).in_(keys[start : start + 500])
                )
            )
        db.session.add_all(
            PayRecord(
                institution_id=context.institution_id,
                employment_id=item.employment_id,
                period=item.period,
                performance_score=item.performance_score,
                **item.amounts,
            )
            for item in plan
        )
        db.session.flush()
        periods = sorted({item.period for item in plan})
        audit.record(
            "pay_records.import",
            institution_id=context.institution_id,
            summary=msg("%(n)d 条，%(a)s 至 %(b)s", n=len(plan), a=periods[0], b=periods[-1]),
            actor=context.actor,
        )
        progress(len(plan), len(plan))
        return Summary(
            msg("已导入 %(n)d 条月度工资记录。", n=len(plan)), [(msg("记录"), len(plan))]
        )


PAY_IMPORTER = PayRecordImporter()
