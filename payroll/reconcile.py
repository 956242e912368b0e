"""Reconciliation with the withholding client (扣缴端): whose tax figure differs, and why.

Pure module. After finance imports our 正常工资薪金收入 sheet into the tax bureau's client and
lets it compute, the client exports per person 累计应纳税额, 累计已预缴税额 and 应补(退)税额
(and, in fuller exports, the cumulative figures behind them). :func:`reconcile` compares them
with ours person by person and returns every person whose figures differ, with both
cumulative calculations side by side and hints where the cause usually lies, so finance can
find it before declaring.

应补(退)税额: ours is the raw balance (cumulative tax − withheld, negative when more was
withheld than is due so far); the client may show such a balance as 0 during the year. A 0
there against a negative balance here is not a difference.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from core.i18n import Msg, msg
from payroll.amounts import ZERO
from payroll.tax import WageTax


@dataclass(frozen=True)
class TaxFigures:
    """One person's cumulative wage-tax figures for a period; None where not known."""

    name: str = ""
    cumulative_income: Decimal | None = None
    cumulative_tax_free_income: Decimal | None = None
    cumulative_basic_deduction: Decimal | None = None
    cumulative_special: Decimal | None = None
    cumulative_additional: Decimal | None = None
    cumulative_other: Decimal | None = None
    cumulative_taxable: Decimal | None = None
    rate: Decimal | None = None
    quick_deduction: Decimal | None = None
    cumulative_tax: Decimal | None = None
    withheld_before: Decimal | None = None
    balance: Decimal | None = None

    @classmethod
    def from_wage_tax(cls, wage: WageTax, name: str = "") -> TaxFigures:
        """Return our figures from the wage tax of the period's (last) payment."""
        return cls(
            name=name,
            cumulative_income=wage.cumulative_income,
            cumulative_tax_free_income=wage.cumulative_tax_free_income,
            cumulative_basic_deduction=wage.cumulative_basic_deduction,
            cumulative_special=wage.cumulative_special.total,
            cumulative_additional=wage.cumulative_additional.total,
            cumulative_other=wage.cumulative_other.total,
            cumulative_taxable=wage.cumulative_taxable,
            rate=wage.rate,
            quick_deduction=wage.quick_deduction,
            cumulative_tax=wage.cumulative_tax,
            withheld_before=wage.withheld_before,
            balance=wage.balance,
        )


#: The compared figures in the order of the calculation, with their Chinese labels.
FIGURES: tuple[tuple[str, Msg], ...] = (
    ("cumulative_income", msg("累计收入额")),
    ("cumulative_tax_free_income", msg("累计免税收入")),
    ("cumulative_basic_deduction", msg("累计减除费用")),
    ("cumulative_special", msg("累计专项扣除")),
    ("cumulative_additional", msg("累计专项附加扣除")),
    ("cumulative_other", msg("累计其他扣除")),
    ("cumulative_taxable", msg("累计应纳税所得额")),
    ("rate", msg("税率")),
    ("quick_deduction", msg("速算扣除数")),
    ("cumulative_tax", msg("累计应纳税额")),
    ("withheld_before", msg("累计已预缴税额")),
    ("balance", msg("应补(退)税额")),
)

_HINTS: dict[str, Msg] = {
    "cumulative_income": msg("累计收入不一致：请核对本期收入和以前月份的申报（含更正）"),
    "cumulative_tax_free_income": msg("累计免税收入不一致：请核对免税收入"),
    "cumulative_basic_deduction": msg(
        "累计减除费用不一致：请核对任职受雇日期、首次取得工资或 6 万元减除标记"
    ),
    "cumulative_special": msg("累计专项扣除不一致：请核对社保、公积金及公积金免税限额"),
    "cumulative_additional": msg(
        "累计专项附加扣除不一致：员工可能在个税 App 中新增或修改了申报，请重新下载专项附加扣除"
    ),
    "cumulative_other": msg("累计其他扣除不一致：请核对职业年金扣除限额和个人养老金"),
    "withheld_before": msg("累计已预缴税额不一致：以前月份的申报或更正与本系统不同"),
}


class Status(StrEnum):
    DIFFERS = "differs"
    ONLY_OURS = "only_ours"  # we computed tax for someone the client did not
    ONLY_THEIRS = "only_theirs"  # the client has someone we did not pay this period


@dataclass(frozen=True)
class FigureRow:
    """One figure side by side."""

    field: str
    label: Msg
    ours: Decimal | None
    theirs: Decimal | None
    differs: bool

    @property
    def difference(self) -> Decimal | None:
        """Return ours − theirs (None when either side is unknown)."""
        if self.ours is None or self.theirs is None:
            return None
        return self.ours - self.theirs


@dataclass(frozen=True)
class Discrepancy:
    """A person whose figures differ, with both calculations side by side."""

    key: str
    name: str
    status: Status
    rows: tuple[FigureRow, ...]
    #: the fields that differ (empty for ONLY_OURS / ONLY_THEIRS)
    differing: tuple[str, ...]
    name_differs: bool
    hints: tuple[Msg, ...]


def _same(field: str, ours: Decimal | None, theirs: Decimal | None, tolerance: Decimal) -> bool:
    if ours is None or theirs is None:
        return True  # nothing to compare
    if abs(ours - theirs) <= tolerance:
        return True
    return field == "balance" and ours < 0 and theirs == 0


def compare(
    key: str, ours: TaxFigures, theirs: TaxFigures, tolerance: Decimal = ZERO
) -> Discrepancy | None:
    """Return how one person's figures differ, or None when they agree."""
    rows = tuple(
        FigureRow(
            field,
            label,
            getattr(ours, field),
            getattr(theirs, field),
            not _same(field, getattr(ours, field), getattr(theirs, field), tolerance),
        )
        for field, label in FIGURES
    )
    differing = tuple(row.field for row in rows if row.differs)
    name_differs = bool(ours.name and theirs.name and ours.name != theirs.name)
    if not differing and not name_differs:
        return None
    hints = tuple(_HINTS[field] for field in differing if field in _HINTS)
    if name_differs:
        hints = (msg("姓名不一致：请核对证件号码"), *hints)
    return Discrepancy(
        key, ours.name or theirs.name, Status.DIFFERS, rows, differing, name_differs, hints
    )


def reconcile(
    ours: Mapping[str, TaxFigures],
    theirs: Mapping[str, TaxFigures],
    tolerance: Decimal = ZERO,
) -> list[Discrepancy]:
    """Return every person whose figures differ or who is on one side only.

    Both mappings are keyed the same way, by 证件号码 (the client's key). Figures unknown on
    either side are shown but not compared. Results come in key order.
    """
    result: list[Discrepancy] = []
    for key in sorted(set(ours) | set(theirs)):
        mine, yours = ours.get(key), theirs.get(key)
        if mine is not None and yours is not None:
            found = compare(key, mine, yours, tolerance)
            if found is not None:
                result.append(found)
            continue
        present = mine if mine is not None else yours
        assert present is not None
        empty = TaxFigures()
        side_ours = mine if mine is not None else empty
        side_theirs = yours if yours is not None else empty
        rows = tuple(
            FigureRow(field, label, getattr(side_ours, field), getattr(side_theirs, field), False)
            for field, label in FIGURES
        )
        status = Status.ONLY_OURS if mine is not None else Status.ONLY_THEIRS
        hint = (
            msg("扣缴端没有此人的计算结果：请核对是否已导入正常工资薪金收入")
            if status is Status.ONLY_OURS
            else msg("本系统本期没有此人的工资：请核对人员信息或是否在本单位发放")
        )
        result.append(Discrepancy(key, present.name, status, rows, (), False, (hint,)))
    return result


__all__ = [
    "FIGURES",
    "Discrepancy",
    "FigureRow",
    "Status",
    "TaxFigures",
    "compare",
    "reconcile",
]
