"""A payroll run (工资批次) per institution and period, and its wide pay lines.

One line per person per run with every item as a column (12 months × 300,000 staff is 3.6
million lines, not 60 million item rows). The tax figures a later run folds into its year to
date are kept on the line (``tax_record``): the year to date of a person is the fold of the
lines of the runs paid before, so a correction run counts each payment exactly once.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    event,
    inspect,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import Money, TimestampMixin, UTCDateTime
from payroll.runs.states import LOCKED, RunKind, RunStatus

#: Money columns of a line, in the order of the 工资表 (items, totals, employer side).
LINE_ITEMS = (
    "post_wage",
    "step_wage",
    "basic_performance",
    "reward_performance",
    "allowances",
    "other_pay",
    "bonus",
    "gross",
    "pension",
    "annuity",
    "medical",
    "unemployment",
    "housing_fund",
    "special_additional",
    "income_tax",
    "bonus_tax",
    "other_deductions",
    "total_deductions",
    "net_pay",
    "employer_pension",
    "employer_annuity",
    "employer_medical",
    "employer_unemployment",
    "employer_housing_fund",
    "employer_total",
    "wage_income",
    "cumulative_income",
    "cumulative_taxable",
    "cumulative_tax",
    "withheld_before",
)
#: Totals kept on the run (sums of these line columns).
RUN_TOTALS = (
    "gross",
    "total_deductions",
    "net_pay",
    "income_tax",
    "bonus_tax",
    "employer_total",
)

_REGULAR_SQL = "kind = 'regular'"


class PayRun(TimestampMixin, db.Model):
    """One institution's pay for one period: a regular run, or a correction run (补发/补扣)."""

    __tablename__ = "pay_runs"
    __table_args__ = (
        # one regular run per institution and period; correction runs as many as needed
        Index(
            "uq_pay_runs_regular_period",
            "institution_id",
            "period",
            unique=True,
            sqlite_where=text(_REGULAR_SQL),
            postgresql_where=text(_REGULAR_SQL),
        ),
        Index("ix_pay_runs_institution_period", "institution_id", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    #: the pay period "YYYY-MM": the month paid, and the month the tax is declared in
    period: Mapped[str] = mapped_column(String(7))
    kind: Mapped[str] = mapped_column(String(16), default=RunKind.REGULAR.value)
    #: a correction run: the past period whose pay it corrects, and why
    corrects_period: Mapped[str | None] = mapped_column(String(7))
    reason: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.DRAFT.value)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: who computed it last (the preparer; never its approver)
    computed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: why the approver returned it (cleared when it is submitted again)
    return_reason: Mapped[str | None] = mapped_column(String(255))
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: payslips published to the employees (once)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    problem_count: Mapped[int] = mapped_column(Integer, default=0)
    blocking_count: Mapped[int] = mapped_column(Integer, default=0)
    gross: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    total_deductions: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    net_pay: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    income_tax: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    bonus_tax: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    employer_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))

    institution = relationship("Institution", lazy="joined")
    computed_by = relationship("User", foreign_keys=[computed_by_id], lazy="joined")
    submitted_by = relationship("User", foreign_keys=[submitted_by_id], lazy="joined")
    decided_by = relationship("User", foreign_keys=[decided_by_id], lazy="joined")

    @property
    def status_enum(self) -> RunStatus:
        return RunStatus(self.status)

    @property
    def kind_enum(self) -> RunKind:
        return RunKind(self.kind)

    @property
    def year(self) -> int:
        return int(self.period[:4])

    @property
    def month(self) -> int:
        return int(self.period[5:7])

    @property
    def is_locked(self) -> bool:
        return self.status in LOCKED

    def __repr__(self) -> str:
        return f"<PayRun {self.id} {self.institution_id} {self.period} {self.kind} {self.status}>"


class PayRunLine(db.Model):
    """One person's wide pay line in one run; amounts as computed, with how."""

    __tablename__ = "pay_run_lines"
    __table_args__ = (
        UniqueConstraint("run_id", "employment_id"),
        # the year to date of a person at an employer: the lines of the year, in order
        Index("ix_pay_run_lines_person_year", "institution_id", "person_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("pay_runs.id", ondelete="CASCADE"))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    employment_id: Mapped[int] = mapped_column(ForeignKey("employments.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    #: the tax year and month this payment is declared in (the run's period)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    #: who, as on the day it was computed (a locked run reads the same forever)
    staff_number: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    department: Mapped[str | None] = mapped_column(String(64))
    bank_account: Mapped[str | None] = mapped_column(String(32))
    post_wage: Mapped[Decimal] = mapped_column(Money)
    step_wage: Mapped[Decimal] = mapped_column(Money)
    basic_performance: Mapped[Decimal] = mapped_column(Money)
    reward_performance: Mapped[Decimal] = mapped_column(Money)
    allowances: Mapped[Decimal] = mapped_column(Money)
    other_pay: Mapped[Decimal] = mapped_column(Money)
    bonus: Mapped[Decimal] = mapped_column(Money)
    #: 应发合计
    gross: Mapped[Decimal] = mapped_column(Money)
    pension: Mapped[Decimal] = mapped_column(Money)
    annuity: Mapped[Decimal] = mapped_column(Money)
    medical: Mapped[Decimal] = mapped_column(Money)
    unemployment: Mapped[Decimal] = mapped_column(Money)
    housing_fund: Mapped[Decimal] = mapped_column(Money)
    #: this payment's 专项附加扣除 (a tax deduction, not taken from pay)
    special_additional: Mapped[Decimal] = mapped_column(Money)
    #: 个人所得税 (wages, cumulative withholding) and 年终奖个税
    income_tax: Mapped[Decimal] = mapped_column(Money)
    bonus_tax: Mapped[Decimal] = mapped_column(Money)
    other_deductions: Mapped[Decimal] = mapped_column(Money)
    #: 扣款合计 and 实发工资
    total_deductions: Mapped[Decimal] = mapped_column(Money)
    net_pay: Mapped[Decimal] = mapped_column(Money)
    employer_pension: Mapped[Decimal] = mapped_column(Money)
    employer_annuity: Mapped[Decimal] = mapped_column(Money)
    employer_medical: Mapped[Decimal] = mapped_column(Money)
    employer_unemployment: Mapped[Decimal] = mapped_column(Money)
    employer_housing_fund: Mapped[Decimal] = mapped_column(Money)
    employer_total: Mapped[Decimal] = mapped_column(Money)
    contribution_base: Mapped[Decimal | None] = mapped_column(Money)
    fund_base: Mapped[Decimal | None] = mapped_column(Money)
    #: 本期收入 and the cumulative figures after this payment
    wage_income: Mapped[Decimal] = mapped_column(Money)
    cumulative_income: Mapped[Decimal] = mapped_column(Money)
    cumulative_taxable: Mapped[Decimal] = mapped_column(Money)
    cumulative_tax: Mapped[Decimal] = mapped_column(Money)
    withheld_before: Mapped[Decimal] = mapped_column(Money)
    #: the payment's ``payroll.tax.TaxRecord`` (amounts as text): what later runs fold
    tax_record: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: every other figure of the computation (``compute.PayLine.as_dict``), the items taken
    #: as given, the overrides and the sources of outside amounts, for the detail page
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: [{"code", "severity", "msg", "params"}]
    problems: Mapped[list[Any]] = mapped_column(JSON)
    problem_count: Mapped[int] = mapped_column(Integer, default=0)
    #: a problem that must be fixed before the run is submitted
    is_blocked: Mapped[bool] = mapped_column(Boolean, default=False)

    run: Mapped[PayRun] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<PayRunLine {self.id} run {self.run_id} {self.staff_number}>"


class PayRunAmount(TimestampMixin, db.Model):
    """An amount finance gives a run for one person and item: imported or overridden.

    ``source`` "import": a row of the 月度工资 file imported for the run (a re-import
    replaces them all); "override": one item set by hand with a reason, kept by every
    recompute and shown as such.
    """

    __tablename__ = "pay_run_amounts"
    __table_args__ = (UniqueConstraint("run_id", "employment_id", "item", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("pay_runs.id", ondelete="CASCADE"))
    employment_id: Mapped[int] = mapped_column(ForeignKey("employments.id"))
    item: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal] = mapped_column(Money)
    source: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(255))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<PayRunAmount {self.run_id}:{self.employment_id} {self.item}={self.amount}>"


@event.listens_for(PayRun, "before_update")
def _locked_runs_stay(mapper, connection, target: PayRun) -> None:
    """Refuse any change to an approved or paid run except marking it paid or published."""
    state = inspect(target)
    status = state.attrs.status.history
    before = status.deleted[0] if status.deleted else target.status
    if before not in LOCKED:
        return
    allowed = {"status", "paid_at", "published_at", "updated_at"}
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    if changed - allowed or (status.added and status.added[0] != RunStatus.PAID.value):
        raise PermissionError("已审核的工资批次不可修改")
