"""The payroll workbooks (DOMAIN.md §9): column specs, and rows to and from pay lines.

Pure module. Specs are ``core.excel.Spec`` (read with ``read_workbook``, written with
``write_workbook`` / ``write_template``); headers are Chinese whatever the UI language, and
those of the withholding client's sheets are exactly the client's (order may vary on
import). The row functions turn a :class:`~payroll.compute.PayLine` into an export row and an
import row into :class:`~payroll.compute.PayInputs` or tax figures; the caller supplies who
the person is (:class:`Person`).

- ``MONTHLY_PAY_SPEC`` — 月度工资 import (blank 岗位工资/薪级工资 and deductions computed).
- ``TAX_WAGES_SPEC`` / ``TAX_BONUS_SPEC`` — the client's 正常工资薪金收入 and 全年一次性奖金收入.
- ``SPECIAL_DEDUCTIONS_SPEC`` — the client's export of declared 专项附加扣除 (cumulative).
- ``TAX_RESULTS_SPEC`` — the client's computed results, for :mod:`payroll.reconcile`.
- ``PAYROLL_SPEC`` — the 工资表 export; ``TAX_DETAIL_SPEC`` — our cumulative figures.
- ``POST_WAGE_TABLE_SPEC`` / ``STEP_WAGE_TABLE_SPEC`` — a newer scale table to load.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.excel import Column, Spec
from payroll import scales
from payroll.amounts import ZERO
from payroll.compute import DEDUCTIONS, EARNINGS, PayInputs, PayLine
from payroll.reconcile import TaxFigures
from payroll.tax import OtherDeductions, SpecialAdditional

RESIDENT_ID_CARD = "居民身份证"
ID_TYPES = (
    RESIDENT_ID_CARD,
    "中国护照",
    "港澳居民来往内地通行证",
    "台湾居民来往大陆通行证",
    "外国护照",
    "外国人永久居留身份证",
    "港澳居民居住证",
    "台湾居民居住证",
)


def _money(header: str, field: str, help: str = "", *, negative: bool = False) -> Column:  # noqa: A002
    return Column(header, field, "money", min=None if negative else Decimal(0), help=help)


# --------------------------------------------------------------------------- 月度工资 import

_COMPUTED_HELP = "留空则按岗位工资表和人员信息计算；填写则按填写的金额"
_DEDUCTION_HELP = "留空则按缴费基数和比例计算；填写则按填写的金额（如社保、公积金中心核定数）"

#: header -> PayInputs field, in the order of the sheet
MONTHLY_MONEY_HEADERS: tuple[tuple[str, str], ...] = (
    ("岗位工资", "post_wage"),
    ("薪级工资", "step_wage"),
    ("基础性绩效", "basic_performance"),
    ("奖励性绩效", "reward_performance"),
    ("津贴补贴", "allowances"),
    ("其他应发", "other_pay"),
    ("全年一次性奖金", "bonus"),
    ("养老保险", "pension"),
    ("职业年金", "annuity"),
    ("医疗保险", "medical"),
    ("失业保险", "unemployment"),
    ("住房公积金", "housing_fund"),
    ("专项附加扣除", "special_additional"),
    ("其他扣款", "other_deductions"),
)

MONTHLY_PAY_SPEC = Spec(
    (
        Column("单位代码", "institution_code", "code", required=True),
        Column("工号", "staff_number", "code", required=True),
        Column("姓名", "name", "text", required=True, help="须与工号对应的人员姓名一致"),
        *(
            _money(
                header,
                field,
                _COMPUTED_HELP
                if field in ("post_wage", "step_wage")
                else _DEDUCTION_HELP
                if field in DEDUCTIONS
                else "",
            )
            for header, field in MONTHLY_MONEY_HEADERS
        ),
    ),
    sheet_name="月度工资",
    title="月度工资",
)


def inputs_from_row(
    row: Mapping[str, Any],
    *,
    special_additional: SpecialAdditional | None = None,
    tax_deductions: OtherDeductions | None = None,
) -> PayInputs:
    """Return the pay inputs of one 月度工资 row (as ``read_workbook`` returns it).

    Blank 岗位工资, 薪级工资 and deduction cells stay None (computed); blank pay items are 0.
    A filled 专项附加扣除 is this month's amount known only as a total (``unclassified``);
    when blank, ``special_additional`` (from the person's declaration or the client's
    export) is used, or nothing.
    """
    values: dict[str, Any] = {}
    for field in ("post_wage", "step_wage", *DEDUCTIONS):
        values[field] = row.get(field)
    for field in EARNINGS[2:]:  # after 岗位工资 and 薪级工资
        values[field] = row.get(field) or ZERO
    values["other_deductions"] = row.get("other_deductions") or ZERO
    total = row.get("special_additional")
    if total is not None:
        values["special_additional"] = SpecialAdditional(unclassified=total)
    elif special_additional is not None:
        values["special_additional"] = special_additional
    if tax_deductions is not None:
        values["tax_deductions"] = tax_deductions
    return PayInputs(**values)


# --------------------------------------------------------------------------- the client's sheets


@dataclass(frozen=True)
class Person:
    """Who a line is for, as the sheets name them."""

    staff_number: str
    name: str
    id_number: str
    id_type: str = RESIDENT_ID_CARD
    institution_code: str = ""
    department: str = ""


def _person_columns() -> tuple[Column, ...]:
    return (
        Column("工号", "staff_number", "code"),
        Column("*姓名", "name", "text", required=True),
        Column("*证件类型", "id_type", "choice", required=True, choices=ID_TYPES),
        Column("*证件号码", "id_number", "code", required=True),
    )


#: The client's 累计 special additional columns -> SpecialAdditional field.
TAX_WAGES_ADDITIONAL: tuple[tuple[str, str], ...] = (
    ("累计子女教育", "children_education"),
    ("累计继续教育", "continuing_education"),
    ("累计住房贷款利息", "housing_loan_interest"),
    ("累计住房租金", "housing_rent"),
    ("累计赡养老人", "elderly_support"),
    ("累计3岁以下婴幼儿照护", "infant_care"),
)

TAX_WAGES_SPEC = Spec(
    (
        *_person_columns(),
        _money("本期收入", "income", negative=True),
        _money("本期免税收入", "tax_free_income", negative=True),
        _money("基本养老保险费", "pension", negative=True),
        _money("基本医疗保险费", "medical", negative=True),
        _money("失业保险费", "unemployment", negative=True),
        _money("住房公积金", "housing_fund", negative=True),
        *(_money(header, field) for header, field in TAX_WAGES_ADDITIONAL),
        _money("累计个人养老金", "private_pension"),
        _money("企业(职业)年金", "annuity", negative=True),
        _money("商业健康保险", "health_insurance", negative=True),
        _money("税延养老保险", "deferred_pension", negative=True),
        _money("其他", "other", negative=True),
        _money("准予扣除的捐赠额", "donation"),
        _money("减免税额", "tax_relief"),
        Column("备注", "note", "text"),
    ),
    sheet_name="正常工资薪金收入",
    title="正常工资薪金收入",
)


def _blank_zero(value: Decimal) -> Decimal | None:
    return value if value else None


def _lines(lines: PayLine | Sequence[PayLine]) -> list[PayLine]:
    found = [lines] if isinstance(lines, PayLine) else list(lines)
    if not found:
        raise ValueError("no pay line")
    return found


def tax_wages_row(lines: PayLine | Sequence[PayLine], person: Person) -> dict[str, Any]:
    """Return the 正常工资薪金收入 row of a person's pay line(s) of one period.

    The client takes one row per person and month: pass every line paid to the person in
    the period, in the order paid (the regular run, then any correction run); the period
    amounts are summed and the cumulative ones are those after the last line.
    本期收入 is the wage income (with the employer's taxable fund excess and any bonus not
    taxed separately); 住房公积金 is the tax-free part. The 累计 special additional columns are
    the year's cumulative amounts by category, left blank when part of them is known only as a
    total (the client then uses the employee's own declarations).
    """
    found = _lines(lines)
    payment = found[0].record.wage
    for line in found[1:]:
        payment = payment + line.record.wage
    wage = found[-1].tax.wage
    cumulative = wage.cumulative_additional
    row: dict[str, Any] = {
        "staff_number": person.staff_number,
        "name": person.name,
        "id_type": person.id_type,
        "id_number": person.id_number,
        "income": payment.income,
        "tax_free_income": _blank_zero(payment.tax_free_income),
        "pension": payment.special.pension,
        "medical": payment.special.medical,
        "unemployment": payment.special.unemployment,
        "housing_fund": payment.special.housing_fund,
        "private_pension": _blank_zero(wage.cumulative_other.private_pension),
        "annuity": _blank_zero(payment.other.annuity),
        "health_insurance": _blank_zero(payment.other.health_insurance),
        "deferred_pension": _blank_zero(payment.other.deferred_pension),
        "other": _blank_zero(payment.other.other),
    }
    if not cumulative.unclassified:
        for _, field in TAX_WAGES_ADDITIONAL:
            row[field] = _blank_zero(getattr(cumulative, field))
    return row


TAX_BONUS_SPEC = Spec(
    (
        *_person_columns(),
        _money("全年一次性奖金额", "bonus"),
        _money("免税收入", "tax_free_income"),
        _money("其他", "other"),
        _money("准予扣除的捐赠额", "donation"),
        _money("减免税额", "tax_relief"),
        Column("备注", "note", "text"),
    ),
    sheet_name="全年一次性奖金收入",
    title="全年一次性奖金收入",
)


def tax_bonus_row(lines: PayLine | Sequence[PayLine], person: Person) -> dict[str, Any] | None:
    """Return the 全年一次性奖金收入 row of a person's line(s) of one period, or None if no
    bonus is taxed separately."""
    bonuses = [line.tax.bonus.bonus for line in _lines(lines) if line.tax.bonus is not None]
    if not bonuses:
        return None
    return {
        "staff_number": person.staff_number,
        "name": person.name,
        "id_type": person.id_type,
        "id_number": person.id_number,
        "bonus": sum(bonuses, ZERO),
    }


#: The client's export of declared deductions: header -> field (cumulative to the period).
SPECIAL_DEDUCTION_HEADERS: tuple[tuple[str, str], ...] = (
    ("子女教育", "children_education"),
    ("继续教育", "continuing_education"),
    ("住房贷款利息", "housing_loan_interest"),
    ("住房租金", "housing_rent"),
    ("赡养老人", "elderly_support"),
    ("3岁以下婴幼儿照护", "infant_care"),
    ("个人养老金", "private_pension"),
)

SPECIAL_DEDUCTIONS_SPEC = Spec(
    (
        Column("序号", "serial", "text"),
        *_person_columns(),
        Column("所得期间起", "period_from", "text"),
        Column("所得期间止", "period_to", "text"),
        *(_money(header, field) for header, field in SPECIAL_DEDUCTION_HEADERS),
        Column("备注", "note", "text"),
    ),
    sheet_name="专项附加扣除",
    title="专项附加扣除",
)


def special_deductions_from_row(row: Mapping[str, Any]) -> tuple[SpecialAdditional, Decimal]:
    """Return the cumulative 专项附加扣除 by category and the cumulative 个人养老金 of a row."""
    additional = SpecialAdditional(
        **{
            field: row.get(field) or ZERO
            for _, field in SPECIAL_DEDUCTION_HEADERS
            if field != "private_pension"
        }
    )
    return additional, row.get("private_pension") or ZERO


#: The client's computed results: header -> TaxFigures field. The first three are required.
TAX_RESULT_HEADERS: tuple[tuple[str, str], ...] = (
    ("累计应纳税额", "cumulative_tax"),
    ("累计已预缴税额", "withheld_before"),
    ("应补(退)税额", "balance"),
    ("累计收入额", "cumulative_income"),
    ("累计免税收入", "cumulative_tax_free_income"),
    ("累计减除费用", "cumulative_basic_deduction"),
    ("累计专项扣除", "cumulative_special"),
    ("累计专项附加扣除", "cumulative_additional"),
    ("累计其他扣除", "cumulative_other"),
    ("累计应纳税所得额", "cumulative_taxable"),
    ("速算扣除数", "quick_deduction"),
)

TAX_RESULTS_SPEC = Spec(
    (
        Column("序号", "serial", "text"),
        *_person_columns(),
        *(
            Column(header, field, "money", required=index < 3)
            for index, (header, field) in enumerate(TAX_RESULT_HEADERS)
        ),
        Column("税率", "rate", "decimal"),
        Column("备注", "note", "text"),
    ),
    sheet_name="计算结果",
    title="扣缴端计算结果",
)


def tax_figures_from_row(row: Mapping[str, Any]) -> tuple[str, TaxFigures]:
    """Return (证件号码, figures) of one computed-results row, for ``reconcile``.

    A rate written as a percentage (3 for 3%) is read as a share (0.03).
    """
    rate = row.get("rate")
    if rate is not None and rate > 1:
        rate = rate / 100
    figures = TaxFigures(
        name=row.get("name") or "",
        rate=rate,
        **{field: row.get(field) for _, field in TAX_RESULT_HEADERS},
    )
    return row["id_number"], figures


# --------------------------------------------------------------------------- our exports

PAYROLL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("岗位工资", "post_wage"),
    ("薪级工资", "step_wage"),
    ("基础性绩效", "basic_performance"),
    ("奖励性绩效", "reward_performance"),
    ("津贴补贴", "allowances"),
    ("其他应发", "other_pay"),
    ("全年一次性奖金", "bonus"),
    ("应发合计", "gross"),
    ("养老保险", "pension"),
    ("职业年金", "annuity"),
    ("医疗保险", "medical"),
    ("失业保险", "unemployment"),
    ("住房公积金", "housing_fund"),
    ("个人所得税", "income_tax"),
    ("年终奖个税", "bonus_tax"),
    ("其他扣款", "other_deductions"),
    ("扣款合计", "total_deductions"),
    ("实发工资", "net_pay"),
    ("专项附加扣除", "special_additional"),
)
#: the money fields of the 工资表 (summed in totals and subtotals)
PAYROLL_MONEY_FIELDS = tuple(field for _, field in PAYROLL_COLUMNS)

PAYROLL_SPEC = Spec(
    (
        Column("单位代码", "institution_code", "code"),
        Column("工号", "staff_number", "code"),
        Column("姓名", "name", "text"),
        Column("部门", "department", "text"),
        *(_money(header, field, negative=True) for header, field in PAYROLL_COLUMNS),
    ),
    sheet_name="工资表",
    title="工资表",
)


def payroll_row(line: PayLine, person: Person) -> dict[str, Any]:
    """Return the 工资表 row of a pay line."""
    flat = line.as_dict()
    row: dict[str, Any] = {field: flat[field] for field in PAYROLL_MONEY_FIELDS}
    row.update(
        institution_code=person.institution_code,
        staff_number=person.staff_number,
        name=person.name,
        department=person.department,
    )
    return row


def totals(rows: Iterable[Mapping[str, Any]], money_fields: Iterable[str]) -> dict[str, Decimal]:
    """Return the sum of each money field over the rows (None counts as 0)."""
    names = tuple(money_fields)
    result = dict.fromkeys(names, ZERO)
    for row in rows:
        for name in names:
            value = row.get(name)
            if value is not None:
                result[name] += value
    return result


def with_subtotals(
    rows: Iterable[Mapping[str, Any]],
    *,
    key: str = "department",
    money_fields: Iterable[str] = PAYROLL_MONEY_FIELDS,
    label: Callable[[Any], str] = lambda group: f"{group or '未分部门'} 小计",
    label_field: str = "name",
) -> Iterator[dict[str, Any]]:
    """Yield rows (sorted by ``key`` already) with a subtotal row after each group.

    A subtotal row carries ``"_subtotal": True`` (for bold formatting), the group label in
    ``label_field`` and the sums of ``money_fields``. The caller adds the grand total with
    :func:`totals` (``write_workbook(..., totals=...)``).
    """
    names = tuple(money_fields)
    group: Any = object()
    sums: dict[str, Decimal] = {}
    started = False
    for row in rows:
        value = row.get(key)
        if started and value != group:
            yield {label_field: label(group), key: group, **sums, "_subtotal": True}
        if not started or value != group:
            group, sums, started = value, dict.fromkeys(names, ZERO), True
        for name in names:
            amount = row.get(name)
            if amount is not None:
                sums[name] += amount
        yield dict(row)
    if started:
        yield {label_field: label(group), key: group, **sums, "_subtotal": True}


TAX_DETAIL_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("本期收入", "wage_income", "money"),
    ("累计收入额", "cumulative_income", "money"),
    ("累计免税收入", "cumulative_tax_free_income", "money"),
    ("累计减除费用", "cumulative_basic_deduction", "money"),
    ("累计专项扣除", "cumulative_special", "money"),
    ("累计专项附加扣除", "cumulative_additional", "money"),
    ("累计其他扣除", "cumulative_other", "money"),
    ("累计应纳税所得额", "cumulative_taxable", "money"),
    ("税率", "tax_rate", "decimal"),
    ("速算扣除数", "quick_deduction", "money"),
    ("累计应纳税额", "cumulative_tax", "money"),
    ("累计已预缴税额", "withheld_before", "money"),
    ("应补(退)税额", "tax_balance", "money"),
    ("本期个人所得税", "income_tax", "money"),
    ("全年一次性奖金", "bonus", "money"),
    ("年终奖个税", "bonus_tax", "money"),
)

TAX_DETAIL_SPEC = Spec(
    (
        Column("工号", "staff_number", "code"),
        Column("姓名", "name", "text"),
        Column("证件号码", "id_number", "code"),
        Column("所属期", "period", "text"),
        *(
            Column(
                header,
                field,
                kind,  # type: ignore[arg-type]
                num_format="0%" if field == "tax_rate" else None,
            )
            for header, field, kind in TAX_DETAIL_COLUMNS
        ),
    ),
    sheet_name="个税明细",
    title="个人所得税计算明细",
)


def tax_detail_row(line: PayLine, person: Person, period: str) -> dict[str, Any]:
    """Return the tax detail row of a pay line (``period`` as "YYYY-MM")."""
    flat = line.as_dict()
    row: dict[str, Any] = {field: flat[field] for _, field, _ in TAX_DETAIL_COLUMNS}
    row["bonus"] = line.tax.bonus.bonus if line.tax.bonus is not None else None
    row.update(
        staff_number=person.staff_number,
        name=person.name,
        id_number=person.id_number,
        period=period,
    )
    return row


# --------------------------------------------------------------------------- scale tables

POST_WAGE_TABLE_SPEC = Spec(
    (
        Column(
            scales.CATEGORY_HEADER,
            "category",
            "choice",
            required=True,
            choices=tuple(scales.CATEGORY_BY_LABEL),
        ),
        Column(
            scales.GRADE_HEADER,
            "grade",
            "text",
            required=True,
            help="1–13 级（管理 1–10 级，工勤技能 1–5 级）；工勤技能的普通工填“普通工”",
        ),
        _money(scales.POST_AMOUNT_HEADER, "amount", "元/月"),
    ),
    sheet_name="岗位工资标准",
    title="岗位工资标准",
)

STEP_WAGE_TABLE_SPEC = Spec(
    (
        Column(scales.STEP_HEADER, "step", "int", required=True, min=1),
        _money(scales.STAFF_STEP_HEADER, "staff", "元/月"),
        _money(scales.WORKER_STEP_HEADER, "worker", "元/月；高于工人最高薪级的行留空"),
    ),
    sheet_name="薪级工资标准",
    title="薪级工资标准",
)


#: the cross-institution 工资表: one row per institution, the items summed (no person)
INSTITUTION_PAY_SPEC = Spec(
    (
        Column("单位代码", "institution_code", "code"),
        Column("单位名称", "institution", "text"),
        Column("举办单位", "sponsor", "text"),
        Column("批次数", "runs", "int"),
        Column("人数", "people", "int"),
        *(
            _money(header, field, negative=True)
            for header, field in PAYROLL_COLUMNS
            if field != "special_additional"
        ),
        _money("单位缴纳合计", "employer_total"),
    ),
    sheet_name="工资汇总",
    title="工资汇总表",
)


def frozen_columns(spec: Spec) -> int:
    """Return how many leading columns an export of ``spec`` keeps in view when scrolled
    sideways: those up to the person's (or the group's) name, if the sheet has one."""
    for index, column in enumerate(spec.columns, start=1):
        if column.field in ("name", "institution"):
            return index
    return 0


def _check_specs() -> None:
    """Keep the 月度工资 headers and the PayInputs fields in step (run at import)."""
    fields_ = {field for _, field in MONTHLY_MONEY_HEADERS}
    expected = set(EARNINGS) | set(DEDUCTIONS) | {"special_additional", "other_deductions"}
    if fields_ != expected:  # pragma: no cover - a programming error
        raise AssertionError(f"月度工资 columns out of step: {fields_ ^ expected}")


_check_specs()


__all__ = [
    "INSTITUTION_PAY_SPEC",
    "MONTHLY_PAY_SPEC",
    "PAYROLL_SPEC",
    "POST_WAGE_TABLE_SPEC",
    "SPECIAL_DEDUCTIONS_SPEC",
    "STEP_WAGE_TABLE_SPEC",
    "TAX_BONUS_SPEC",
    "TAX_DETAIL_SPEC",
    "TAX_RESULTS_SPEC",
    "TAX_WAGES_SPEC",
    "Person",
    "frozen_columns",
    "inputs_from_row",
    "payroll_row",
    "special_deductions_from_row",
    "tax_bonus_row",
    "tax_detail_row",
    "tax_figures_from_row",
    "tax_wages_row",
    "totals",
    "with_subtotals",
]
