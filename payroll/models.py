"""Payroll's records: the money settings finance keeps for each employment.

HR keeps the facts it decides (the post grade on the appointment, the 薪级 in
``hr.models.SalaryStep``); what finance keeps for the same employment lives here, so HR
never needs payroll and payroll reads HR's records as of a period.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import Money, TimestampMixin

#: Categories of standing 专项附加扣除 (DOMAIN.md §4); serious illness is settled yearly only.
SPECIAL_DEDUCTION_CATEGORIES = (
    "children_education",
    "infant_care",
    "continuing_education",
    "housing_loan_interest",
    "housing_rent",
    "elderly_support",
)


class PaySettings(TimestampMixin, db.Model):
    """What finance keeps about an employment's pay, effective from a date.

    Created for every hire when payroll hears HR's ``hired`` signal (with the bases and
    rate a roster import carried, if any); a change is a new version, never an edit, so a
    past month can be recomputed.
    """

    __tablename__ = "pay_settings"
    __table_args__ = (UniqueConstraint("employment_id", "effective_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employment_id: Mapped[int] = mapped_column(ForeignKey("employments.id"))
    effective_on: Mapped[date] = mapped_column(Date)
    #: 社保缴费基数 (the previous year's average monthly wage); None: payroll derives it
    contribution_base: Mapped[Decimal | None] = mapped_column(Money)
    #: 公积金基数 and 比例 (0.05–0.12)
    fund_base: Mapped[Decimal | None] = mapped_column(Money)
    fund_rate: Mapped[Decimal | None] = mapped_column(Numeric(4, 3))
    #: standing 专项附加扣除 per month by category (``SPECIAL_DEDUCTION_CATEGORIES``), amounts
    #: as text with two decimals; "unclassified" holds a total migrated from before categories
    special_deductions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: first job this calendar year (公告2020年第13号)
    is_first_job_this_year: Mapped[bool] = mapped_column(Boolean, default=False)
    #: with this employer all last year with taxable wages ≤ 60,000 (公告2020年第19号)
    has_prior_year_low_income: Mapped[bool] = mapped_column(Boolean, default=False)
    #: in the 职业年金 (occupational annuity) scheme: staff on 编制 or 员额 by default
    has_occupational_annuity: Mapped[bool] = mapped_column(Boolean, default=False)
    #: why this version exists, e.g. "入职" or "2027 年缴费基数调整"
    reason: Mapped[str | None] = mapped_column(String(255))

    employment = relationship("Employment")

    def __repr__(self) -> str:
        return f"<PaySettings {self.employment_id} {self.effective_on}>"


class PayBonusChoice(TimestampMixin, db.Model):
    """How an employment's 全年一次性奖金 of a year is taxed, as the person chose (DOMAIN §4):
    on its own by the monthly table (the default, while the policy lasts) or merged into the
    year's wage income (综合所得) under cumulative withholding. One choice per year; every
    run of the year follows it, and it cannot change once a bonus of the year is locked."""

    __tablename__ = "pay_bonus_choices"
    __table_args__ = (UniqueConstraint("employment_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employment_id: Mapped[int] = mapped_column(ForeignKey("employments.id"))
    year: Mapped[int] = mapped_column(Integer)
    #: True: merged into wage income; False: taxed separately
    merge: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(String(255))
    chosen_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<PayBonusChoice {self.employment_id} {self.year} merge={self.merge}>"
