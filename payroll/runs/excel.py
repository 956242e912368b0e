"""Workbooks of a run from its stored lines: the 工资表, the bank file, the withholding
client's 正常工资薪金收入 and 全年一次性奖金收入 sheets, the tax detail, and the contribution
sheet for the social-insurance and housing-fund centres.

The client's sheets use ``payroll.excel_specs`` exactly (DOMAIN §9). A locked line is read
back as stored; the client takes one row per person and month, so its sheets cover every run
of the period paid before this one as well (a correction paid in the same month is declared
with the regular run), and the 累计 special additional columns come from the year's fold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, or_, select

from core.excel import Column, Spec
from core.extensions import db
from hr.models import Person
from payroll.amounts import ZERO
from payroll.excel_specs import (
    PAYROLL_COLUMNS,
    PAYROLL_MONEY_FIELDS,
    PAYROLL_SPEC,
    RESIDENT_ID_CARD,
    TAX_BONUS_SPEC,
    TAX_DETAIL_SPEC,
    TAX_WAGES_ADDITIONAL,
    TAX_WAGES_SPEC,
    totals,
    with_subtotals,
)
from payroll.runs import ledger
from payroll.runs.models import PayRun, PayRunLine
from payroll.runs.states import LOCKED
from payroll.tax import YearToDate

BANK_SPEC = Spec(
    (
        Column("序号", "serial", "int"),
        Column("工号", "staff_number", "code"),
        Column("户名", "name", "text"),
        Column("银行账号", "bank_account", "code"),
        Column("金额", "amount", "money"),
        Column("用途", "purpose", "text"),
    ),
    sheet_name="代发工资",
    title="代发工资",
)

_SIDES = (
    ("养老保险", "pension"),
    ("职业年金", "annuity"),
    ("医疗保险", "medical"),
    ("失业保险", "unemployment"),
    ("住房公积金", "housing_fund"),
)
CONTRIBUTIONS_SPEC = Spec(
    (
        Column("工号", "staff_number", "code"),
        Column("姓名", "name", "text"),
        Column("证件号码", "id_number", "code"),
        Column("缴费基数", "contribution_base", "money"),
        Column("公积金基数", "fund_base", "money"),
        *(
            Column(f"{header}（{side_label}）", f"{prefix}{field}", "money")
            for header, field in _SIDES
            for side_label, prefix in (("个人", ""), ("单位", "employer_"))
        ),
        Column("单位缴纳合计", "employer_total", "money"),
    ),
    sheet_name="社保公积金",
    title="社会保险和住房公积金缴费明细",
)
CONTRIBUTION_FIELDS = tuple(c.field for c in CONTRIBUTIONS_SPEC.columns[3:])

KINDS = ("payroll", "bank", "tax-wages", "tax-bonus", "tax-detail", "contributions")


def _lines(run: PayRun):
    return db.session.execute(
        select(PayRunLine, Person.citizen_id)
        .join(Person, Person.id == PayRunLine.person_id)
        .where(PayRunLine.run_id == run.id)
        .order_by(PayRunLine.department, PayRunLine.staff_number, PayRunLine.id)
    )


def payroll_rows(run: PayRun) -> tuple[Iterator[dict[str, Any]], dict[str, Decimal]]:
    """Return the 工资表 rows with department subtotals, and the totals row.

    The rows stream from the database as plain columns (no line objects, none of their JSON),
    so a run of 100,000 people is never held in memory; the totals dict is filled as they
    are read, and is complete once the rows are: the writer reads it after the last row.
    """
    code = run.institution.credit_code
    total: dict[str, Decimal] = dict.fromkeys(PAYROLL_MONEY_FIELDS, ZERO)
    statement = (
        select(
            PayRunLine.staff_number,
            PayRunLine.name,
            PayRunLine.department,
            *(getattr(PayRunLine, field) for field in PAYROLL_MONEY_FIELDS),
        )
        .where(PayRunLine.run_id == run.id)
        .order_by(PayRunLine.department, PayRunLine.staff_number, PayRunLine.id)
        .execution_options(yield_per=2000)
    )

    def rows() -> Iterator[dict[str, Any]]:
        for staff_number, name, department, *amounts in db.session.execute(statement):
            row = {
                "institution_code": code,
                "staff_number": staff_number,
                "name": name,
                "department": department or "",
            }
            for field, amount in zip(PAYROLL_MONEY_FIELDS, amounts, strict=True):
                row[field] = amount
                if amount is not None:
                    total[field] += amount
            yield row

    return with_subtotals(rows()), total


def bank_rows(run: PayRun) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Return the bank file's rows (people with pay to receive) and its control total."""
    rows = []
    for line, _ in _lines(run):
        if line.net_pay <= 0:
            continue
        rows.append(
            {
                "serial": len(rows) + 1,
                "staff_number": line.staff_number,
                "name": line.name,
                "bank_account": line.bank_account,
                "amount": line.net_pay,
                "purpose": f"{run.period} 工资",
            }
        )
    control = {
        "serial": None,
        "name": f"共 {len(rows)} 笔",
        "amount": sum((r["amount"] for r in rows), ZERO),
    }
    return rows, control


def contribution_rows(run: PayRun) -> tuple[list[dict[str, Any]], dict[str, Decimal]]:
    rows = [
        {
            "staff_number": line.staff_number,
            "name": line.name,
            "id_number": citizen_id,
            **{field: getattr(line, field) for field in CONTRIBUTION_FIELDS},
        }
        for line, citizen_id in _lines(run)
    ]
    return rows, totals(rows, CONTRIBUTION_FIELDS[2:])


def tax_detail_rows(run: PayRun) -> list[dict[str, Any]]:
    rows = []
    for line, citizen_id in _lines(run):
        detail = line.detail or {}
        rows.append(
            {
                "staff_number": line.staff_number,
                "name": line.name,
                "id_number": citizen_id,
                "period": run.period,
                "wage_income": line.wage_income,
                "cumulative_income": line.cumulative_income,
                "cumulative_tax_free_income": Decimal(
                    detail.get("cumulative_tax_free_income", "0")
                ),
                "cumulative_basic_deduction": Decimal(
                    detail.get("cumulative_basic_deduction", "0")
                ),
                "cumulative_special": Decimal(detail.get("cumulative_special", "0")),
                "cumulative_additional": Decimal(detail.get("cumulative_additional", "0")),
                "cumulative_other": Decimal(detail.get("cumulative_other", "0")),
                "cumulative_taxable": line.cumulative_taxable,
                "tax_rate": Decimal(detail.get("tax_rate", "0")),
                "quick_deduction": Decimal(detail.get("quick_deduction", "0")),
                "cumulative_tax": line.cumulative_tax,
                "withheld_before": line.withheld_before,
                "tax_balance": Decimal(detail.get("tax_balance", "0")),
                "income_tax": line.income_tax,
                "bonus": line.bonus or None,
                "bonus_tax": line.bonus_tax,
            }
        )
    return rows


def _period_lines(run: PayRun) -> dict[int, list[tuple[PayRunLine, str]]]:
    """Return {person id: lines declared in the run's month, in payment order}: the run's
    own and those of the locked runs of the same month paid before it."""
    found: dict[int, list[tuple[PayRunLine, str]]] = defaultdict(list)
    rows = db.session.execute(
        select(PayRunLine, Person.citizen_id)
        .join(PayRun, PayRun.id == PayRunLine.run_id)
        .join(Person, Person.id == PayRunLine.person_id)
        .where(
            PayRun.institution_id == run.institution_id,
            PayRun.period == run.period,
            or_(PayRun.id == run.id, and_(PayRun.id < run.id, PayRun.status.in_(LOCKED))),
        )
        .order_by(PayRunLine.staff_number, PayRun.id)
    )
    for line, citizen_id in rows:
        found[line.person_id].append((line, citizen_id))
    return found


def _year_before(run: PayRun, person_ids: list[int]) -> dict[int, YearToDate]:
    """Return each person's year to date before the run's month (the months before it)."""
    from payroll.runs.queries import basis_records

    return {
        person_id: ledger.year_to_date(
            run.year, [record for record in records if int(record["month"]) < run.month]
        )
        for person_id, records in basis_records(run, person_ids).items()
    }


def tax_wages_rows(run: PayRun) -> list[dict[str, Any]]:
    """Return the 正常工资薪金收入 rows of the run's month, one per person."""
    by_person = _period_lines(run)
    before = _year_before(run, list(by_person))
    rows = []
    for person_id, lines in by_person.items():
        records = [ledger.record_from_json(line.tax_record) for line, _ in lines]
        ytd = before.get(person_id, YearToDate(run.year))
        for record in records:
            ytd = ytd.add(record)
        payment = records[0].wage
        for record in records[1:]:
            payment = payment + record.wage
        line, citizen_id = lines[-1]
        row: dict[str, Any] = {
            "staff_number": line.staff_number,
            "name": line.name,
            "id_type": RESIDENT_ID_CARD,
            "id_number": citizen_id,
            "income": payment.income,
            "tax_free_income": payment.tax_free_income or None,
            "pension": payment.special.pension,
            "medical": payment.special.medical,
            "unemployment": payment.special.unemployment,
            "housing_fund": payment.special.housing_fund,
            "private_pension": ytd.other.private_pension or None,
            "annuity": payment.other.annuity or None,
            "health_insurance": payment.other.health_insurance or None,
            "deferred_pension": payment.other.deferred_pension or None,
            "other": payment.other.other or None,
        }
        if not ytd.additional.unclassified:
            for _, field in TAX_WAGES_ADDITIONAL:
                row[field] = getattr(ytd.additional, field) or None
        rows.append(row)
    return rows


def tax_bonus_rows(run: PayRun) -> list[dict[str, Any]]:
    """Return the 全年一次性奖金收入 rows: bonuses taxed separately in the run's month."""
    rows = []
    for lines in _period_lines(run).values():
        bonus = sum(
            (Decimal(line.tax_record.get("bonus", "0")) for line, _ in lines), Decimal("0.00")
        )
        if not bonus:
            continue
        line, citizen_id = lines[-1]
        rows.append(
            {
                "staff_number": line.staff_number,
                "name": line.name,
                "id_type": RESIDENT_ID_CARD,
                "id_number": citizen_id,
                "bonus": bonus,
            }
        )
    return rows


def workbook_for(run: PayRun, kind: str) -> tuple[Spec, Any, dict[str, Any] | None, str]:
    """Return (spec, rows, totals row or None, file stem) of an export of ``run``."""
    stem = f"{run.institution.name}-{run.period}"
    if kind == "payroll":
        rows, total = payroll_rows(run)
        return PAYROLL_SPEC, rows, total, f"{stem}-工资表"
    if kind == "bank":
        rows, control = bank_rows(run)
        return BANK_SPEC, rows, control, f"{stem}-代发工资"
    if kind == "tax-wages":
        return TAX_WAGES_SPEC, tax_wages_rows(run), None, f"{stem}-正常工资薪金收入"
    if kind == "tax-bonus":
        return TAX_BONUS_SPEC, tax_bonus_rows(run), None, f"{stem}-全年一次性奖金收入"
    if kind == "tax-detail":
        return TAX_DETAIL_SPEC, tax_detail_rows(run), None, f"{stem}-个税明细"
    if kind == "contributions":
        rows, total = contribution_rows(run)
        return CONTRIBUTIONS_SPEC, rows, total, f"{stem}-社保公积金"
    raise LookupError(kind)


def our_tax_figures(run: PayRun) -> dict[str, Any]:
    """Return {证件号码: our cumulative figures after the run's month} for reconciliation."""
    from payroll.reconcile import TaxFigures

    def number(detail: dict, key: str) -> Decimal | None:
        value = detail.get(key)
        return None if value is None else Decimal(str(value))

    found = {}
    for lines in _period_lines(run).values():
        line, citizen_id = lines[-1]
        detail = line.detail or {}
        found[citizen_id] = TaxFigures(
            name=line.name,
            cumulative_income=line.cumulative_income,
            cumulative_tax_free_income=number(detail, "cumulative_tax_free_income"),
            cumulative_basic_deduction=number(detail, "cumulative_basic_deduction"),
            cumulative_special=number(detail, "cumulative_special"),
            cumulative_additional=number(detail, "cumulative_additional"),
            cumulative_other=number(detail, "cumulative_other"),
            cumulative_taxable=line.cumulative_taxable,
            rate=number(detail, "tax_rate"),
            quick_deduction=number(detail, "quick_deduction"),
            cumulative_tax=line.cumulative_tax,
            withheld_before=line.withheld_before,
            balance=number(detail, "tax_balance"),
        )
    return found


REGISTER_SPEC = Spec(
    (
        Column("所属期", "period", "text"),
        Column("批次", "kind", "text"),
        *(Column(header, field, "money") for header, field in PAYROLL_COLUMNS),
    ),
    sheet_name="个人工资台账",
    title="个人工资台账",
)


def register_rows(employment_id: int, year: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Return one person's locked lines of a year, month by month, and the year's totals."""
    rows = []
    lines = db.session.execute(
        select(PayRunLine, PayRun.period, PayRun.corrects_period)
        .join(PayRun, PayRun.id == PayRunLine.run_id)
        .where(
            PayRunLine.employment_id == employment_id,
            PayRunLine.year == year,
            PayRun.status.in_(LOCKED),
        )
        .order_by(PayRun.period, PayRun.id)
    )
    for line, period, corrects in lines:
        rows.append(
            {
                "period": period,
                "kind": f"更正 {corrects}" if corrects else "月度工资",
                **{field: getattr(line, field) for field in PAYROLL_MONEY_FIELDS},
            }
        )
    return rows, {"period": "合计", **totals(rows, PAYROLL_MONEY_FIELDS)}
