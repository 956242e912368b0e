"""Lump-sum budget (经费包干): the formula, execution by line and month, alerts and surplus.

Pure rules over plain values (DOMAIN.md §5, issue 12). Money is ``Decimal`` to the fen,
half up (``core.money``).

**The lump sum** of a school year is

    Σ over stages (员额 × staff cost per head)           → personnel line (人员经费)
  + Σ over stages (students × per-student standard)      → operations line (公用经费)
  + Σ earmarked projects                                 → projects line (专项经费)

The staff cost per head (pay + 绩效 + employer insurance, fund and annuity of a comparable
编制 teacher, a year) and the per-student standard are set by the education bureau: the
parameter ``schools.lump_sum``. Each product is rounded to the fen half up (rates may carry
more decimals than the fen); the total is the sum of the rounded terms.

**Execution**: for each budget line and month, the cumulative spending and the execution
rate = cumulative ÷ budget. An alert is raised the first month the cumulative spending of a
line (or of the whole budget) reaches each threshold of ``alert_thresholds`` (default 90%
and 100%); thresholds are compared exactly, the displayed rate is rounded to 0.01%. A line
with no budget and some spending is at the top alert at once. Negative amounts
(refunds, corrections) are allowed and lower the cumulative figure.

**Surplus (结余)** at year end, per line = budget − spent (negative: overspent). The
personnel and operations lines are one lump (包干): their balances offset each other and
the school keeps the net (结余留用). Unspent earmarked project money is returned to the
bureau unless ``retain_project_balance`` is set; project overspending comes out of the
lump. What the school keeps is ``retained`` (negative: a deficit to explain).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

from core.apportion import exact
from core.i18n import Msg, msg
from core.money import round_half_up, to_money
from schools.findings import SchoolsRefusal, limit_percent, percent
from schools.stages import STAGE_ORDER, Stage

LUMP_SUM_KEY = "schools.lump_sum"
BUDGET_KEY = "schools.budget"
SOURCE = (
    "DOMAIN.md §5（经费包干；生均公用经费国家基准定额：中西部小学 650 元、初中 850 元，"
    "普通高中不低于 1000 元）；人员经费标准由教育局核定"
)

ZERO = Decimal("0.00")

#: A month of a budget year: (year, month).
Month = tuple[int, int]

DEFAULTS: dict[str, Any] = {
    LUMP_SUM_KEY: {
        #: yuan a year per 员额: pay, 绩效, employer insurance, fund and annuity of a
        #: comparable 编制 teacher. A placeholder: the bureau sets its own figure.
        "staff_cost_per_head": {"primary": "150000", "junior": "150000", "senior": "150000"},
        #: 生均公用经费, yuan a student a year (national floor; Chengdu is higher)
        "per_student": {"primary": "650", "junior": "850", "senior": "1000"},
    },
    BUDGET_KEY: {
        #: cumulative execution shares that raise an alert, lowest first
        "alert_thresholds": ["0.90", "1.00"],
        #: whether unspent earmarked project money stays with the school
        "retain_project_balance": False,
        #: the month a budget year starts (9: a school year from September; 1: calendar year)
        "first_month": 9,
    },
}


class BudgetLine(StrEnum):
    """The budget lines of a lump sum."""

    PERSONNEL = "personnel"
    OPERATIONS = "operations"
    PROJECTS = "projects"

    @property
    def label(self) -> Msg:
        return _LINE_LABELS[self]


_LINE_LABELS = {
    BudgetLine.PERSONNEL: msg("人员经费"),
    BudgetLine.OPERATIONS: msg("公用经费"),
    BudgetLine.PROJECTS: msg("专项经费"),
}

#: Lines whose balances form the lump the school keeps.
LUMP_LINES = (BudgetLine.PERSONNEL, BudgetLine.OPERATIONS)


@dataclass(frozen=True)
class LumpSumRules:
    """The parameter ``schools.lump_sum`` in typed form (yuan a year)."""

    staff_cost_per_head: Mapping[Stage, Decimal]
    per_student: Mapping[Stage, Decimal]

    @classmethod
    def from_value(cls, value: Mapping[str, Any] | None = None) -> LumpSumRules:
        """Build the rules from the stored value; DEFAULTS when None, missing keys defaulted."""
        merged = {**DEFAULTS[LUMP_SUM_KEY], **(value or {})}
        rules = cls(
            staff_cost_per_head={
                Stage(k): Decimal(str(v)) for k, v in merged["staff_cost_per_head"].items()
            },
            per_student={Stage(k): Decimal(str(v)) for k, v in merged["per_student"].items()},
        )
        for stage in STAGE_ORDER:
            for table in (rules.staff_cost_per_head, rules.per_student):
                if table.get(stage, Decimal(-1)) < 0:
                    raise ValueError(f"lump-sum rates for {stage.value} must be given, ≥ 0")
        return rules


@dataclass(frozen=True)
class BudgetRules:
    """The parameter ``schools.budget`` in typed form."""

    alert_thresholds: tuple[Decimal, ...]
    retain_project_balance: bool
    first_month: int

    @classmethod
    def from_value(cls, value: Mapping[str, Any] | None = None) -> BudgetRules:
        merged = {**DEFAULTS[BUDGET_KEY], **(value or {})}
        thresholds = tuple(sorted(Decimal(str(t)) for t in merged["alert_thresholds"]))
        if any(t <= 0 for t in thresholds):
            raise ValueError("alert thresholds must be positive")
        first = int(merged["first_month"])
        if not 1 <= first <= 12:
            raise ValueError("first_month must be 1–12")
        return cls(thresholds, bool(merged["retain_project_balance"]), first)

    def months(self, year: int) -> list[Month]:
        """Return the twelve months of the budget year starting in ``year``."""
        return [
            (year + (self.first_month - 1 + k) // 12, (self.first_month - 1 + k) % 12 + 1)
            for k in range(12)
        ]


@dataclass(frozen=True)
class EarmarkedProject:
    """A project the bureau funds on top of the formula (专项)."""

    name: str
    amount: Decimal


@dataclass(frozen=True)
class LumpSumTerm:
    """One term of the formula: quantity × rate = amount."""

    line: BudgetLine
    stage: Stage | None
    #: 员额 (personnel) or students (operations); 1 for a project
    quantity: int
    rate: Decimal
    amount: Decimal
    #: the project's name (projects only)
    name: str | None = None


@dataclass(frozen=True)
class LumpSum:
    """A school year's lump sum, term by term and by budget line."""

    terms: tuple[LumpSumTerm, ...]

    def line(self, line: BudgetLine | str) -> Decimal:
        """Return the total of one budget line."""
        return sum((t.amount for t in self.terms if t.line == line), ZERO)

    @property
    def personnel(self) -> Decimal:
        return self.line(BudgetLine.PERSONNEL)

    @property
    def operations(self) -> Decimal:
        return self.line(BudgetLine.OPERATIONS)

    @property
    def projects(self) -> Decimal:
        return self.line(BudgetLine.PROJECTS)

    @property
    def total(self) -> Decimal:
        return sum((t.amount for t in self.terms), ZERO)

    def budget(self) -> dict[str, Decimal]:
        """Return {line: amount}: the budget the execution is measured against."""
        return {line.value: self.line(line) for line in BudgetLine}


def _count(value: Any, what: Msg, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("counts must be int")
    if value < 0:
        raise SchoolsRefusal(msg("%(what)s不能为负数（%(n)d）", what=what, n=value), field=field)
    return value


def lump_sum(
    allowance: Mapping[Stage | str, int],
    students: Mapping[Stage | str, int],
    rules: LumpSumRules,
    projects: Iterable[EarmarkedProject] = (),
) -> LumpSum:
    """Return the lump sum from the 员额 and students per stage and the earmarked projects."""
    terms = []
    for stage in STAGE_ORDER:
        if stage in allowance:
            quantity = _count(
                allowance[stage], msg("%(stage)s员额", stage=stage.label), "allowance"
            )
            rate = rules.staff_cost_per_head[stage]
            terms.append(
                LumpSumTerm(
                    BudgetLine.PERSONNEL, stage, quantity, rate, round_half_up(quantity * rate)
                )
            )
    for stage in STAGE_ORDER:
        if stage in students:
            quantity = _count(
                students[stage], msg("%(stage)s学生数", stage=stage.label), "students"
            )
            rate = rules.per_student[stage]
            terms.append(
                LumpSumTerm(
                    BudgetLine.OPERATIONS, stage, quantity, rate, round_half_up(quantity * rate)
                )
            )
    for project in projects:
        amount = to_money(project.amount)
        if amount < 0:
            raise SchoolsRefusal(
                msg("专项「%(name)s」金额不能为负数", name=project.name), field="projects"
            )
        terms.append(LumpSumTerm(BudgetLine.PROJECTS, None, 1, amount, amount, project.name))
    return LumpSum(tuple(terms))


@dataclass(frozen=True)
class Spending:
    """Money spent on a budget line in a month."""

    line: str
    month: Month
    amount: Decimal


@dataclass(frozen=True)
class MonthExecution:
    """One line in one month."""

    month: Month
    spent: Decimal
    cumulative: Decimal
    #: cumulative ÷ budget, to 0.0001 (None without a budget)
    rate: Decimal | None


@dataclass(frozen=True)
class Alert:
    """A line (or the whole budget, line None) reached a threshold in a month."""

    line: str | None
    month: Month
    threshold: Decimal
    message: Msg


@dataclass(frozen=True)
class LineExecution:
    """A budget line over the year: month by month and in total."""

    line: str
    budget: Decimal
    months: tuple[MonthExecution, ...]

    @property
    def spent(self) -> Decimal:
        return self.months[-1].cumulative if self.months else ZERO

    @property
    def balance(self) -> Decimal:
        """Budget − spent: what is left (negative: overspent)."""
        return self.budget - self.spent

    @property
    def rate(self) -> Decimal | None:
        return _rate(self.spent, self.budget)


@dataclass(frozen=True)
class Execution:
    """Every line's execution, the whole budget's, and the alerts in month order."""

    lines: tuple[LineExecution, ...]
    total: LineExecution
    alerts: tuple[Alert, ...]

    def line(self, line: str) -> LineExecution:
        return next(item for item in self.lines if item.line == line)


def _rate(spent: Decimal, budget: Decimal) -> Decimal | None:
    if budget <= 0:
        return None
    return round_half_up(spent / budget, Decimal("0.0001"))


def line_label(line: str | None) -> Msg | str:
    """Return a line's name; a line key of the school's own is shown as it is."""
    if line is None:
        return msg("预算合计")
    try:
        return BudgetLine(line).label
    except ValueError:
        return line


def _alert(line: str | None, month: Month, threshold: Decimal, budget: Decimal, spent: Decimal):
    if budget <= 0:
        text = msg(
            "%(line)s没有预算，%(year)d 年 %(month)d 月已支出 %(spent)s 元",
            line=line_label(line),
            year=month[0],
            month=month[1],
            spent=spent,
        )
    else:
        text = msg(
            "%(line)s执行率 %(year)d 年 %(month)d 月达到 %(rate)s%%（预算 %(budget)s 元，"
            "已支出 %(spent)s 元），已达 %(threshold)s%% 预警线",
            line=line_label(line),
            year=month[0],
            month=month[1],
            rate=percent(Fraction(exact(spent)) / exact(budget)),
            budget=budget,
            spent=spent,
            threshold=limit_percent(exact(threshold)),
        )
    return Alert(line, month, threshold, text)


def _line(
    line: str | None,
    budget: Decimal,
    per_month: Mapping[Month, Decimal],
    months: Sequence[Month],
    thresholds: Sequence[Decimal],
) -> tuple[LineExecution, list[Alert]]:
    cumulative = ZERO
    rows = []
    alerts = []
    reached = 0
    for month in months:
        spent = per_month.get(month, ZERO)
        cumulative += spent
        rows.append(MonthExecution(month, spent, cumulative, _rate(cumulative, budget)))
        while reached < len(thresholds):
            threshold = thresholds[reached]
            hit = cumulative > 0 if budget <= 0 else cumulative >= threshold * budget
            if not hit:
                break
            if budget > 0 or reached == len(thresholds) - 1:
                alerts.append(_alert(line, month, threshold, budget, cumulative))
            reached += 1
    return LineExecution(line or "total", budget, tuple(rows)), alerts


def execution(
    budget: Mapping[str, Decimal],
    spending: Iterable[Spending],
    months: Sequence[Month],
    rules: BudgetRules,
) -> Execution:
    """Return the execution of each budget line and of the whole budget, month by month.

    Spending on a line without a budget entry, or in a month outside ``months``, is a
    programming error (the import and the forms validate both).
    """
    budget = {line: to_money(amount) for line, amount in budget.items()}
    if any(amount < 0 for amount in budget.values()):
        raise SchoolsRefusal(msg("预算金额不能为负数"), field="budget")
    known = set(months)
    by_line: dict[str, dict[Month, Decimal]] = {line: {} for line in budget}
    total: dict[Month, Decimal] = {}
    for item in spending:
        if item.line not in budget:
            raise ValueError(f"spending on unknown budget line {item.line!r}")
        if item.month not in known:
            raise ValueError(f"spending in {item.month} is outside the budget year")
        amount = to_money(item.amount)
        by_line[item.line][item.month] = by_line[item.line].get(item.month, ZERO) + amount
        total[item.month] = total.get(item.month, ZERO) + amount
    thresholds = rules.alert_thresholds
    lines = []
    alerts: list[Alert] = []
    for line in _ordered(budget):
        figures, found = _line(line, budget[line], by_line[line], months, thresholds)
        lines.append(figures)
        alerts += found
    overall, found = _line(None, sum(budget.values(), ZERO), total, months, thresholds)
    alerts += found
    order = {month: index for index, month in enumerate(months)}
    alerts.sort(key=lambda a: (order[a.month], a.line is None, a.threshold))
    return Execution(tuple(lines), overall, tuple(alerts))


def _ordered(budget: Mapping[str, Decimal]) -> list[str]:
    standard = [line.value for line in BudgetLine if line.value in budget]
    return standard + sorted(line for line in budget if line not in standard)


def spending_refusal(
    line: str, budget: Decimal, spent: Decimal, amount: Decimal, *, council_approved: bool
) -> Msg | None:
    """Return why recording ``amount`` on a line would overspend it, or None if it may.

    Spending beyond the line's budget needs a council decision (issue 12).
    """
    if council_approved or spent + amount <= budget:
        return None
    return msg(
        "%(line)s预算 %(budget)s 元，已支出 %(spent)s 元，本笔 %(amount)s 元将超出预算 "
        "%(over)s 元；超预算支出须经理事会决定",
        line=line_label(line),
        budget=budget,
        spent=spent,
        amount=amount,
        over=spent + amount - budget,
    )


@dataclass(frozen=True)
class Surplus:
    """The year-end balance (结余): per line, kept by the school, returned to the bureau."""

    balances: Mapping[str, Decimal]
    #: what the school keeps (negative: a deficit it must explain)
    retained: Decimal
    #: unspent earmarked money going back to the bureau
    returned: Decimal

    @property
    def total(self) -> Decimal:
        return sum(self.balances.values(), ZERO)


def surplus(result: Execution, rules: BudgetRules) -> Surplus:
    """Return the year-end balance of an execution and how it divides (see module text)."""
    return divide_balances({line.line: line.balance for line in result.lines}, rules)


def divide_balances(balances: Mapping[str, Decimal], rules: BudgetRules) -> Surplus:
    """Return how the balances (budget − spent) of a budget's lines divide at year end."""
    project = balances.get(BudgetLine.PROJECTS.value, ZERO)
    others = sum(
        (amount for line, amount in balances.items() if line != BudgetLine.PROJECTS.value), ZERO
    )
    if rules.retain_project_balance or project < 0:
        return Surplus(balances, others + project, ZERO)
    return Surplus(balances, others, project)
