"""Writes of pay settings: a new version from a date, with a reason, audited."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from core import audit
from core.errors import Refusal
from core.extensions import db
from core.i18n import msg
from core.money import round_half_up
from payroll.models import SPECIAL_DEDUCTION_CATEGORIES, PayBonusChoice, PaySettings
from payroll.queries import settings_on

FIELDS = (
    "contribution_base",
    "fund_base",
    "fund_rate",
    "has_occupational_annuity",
    "is_first_job_this_year",
    "has_prior_year_low_income",
    "special_deductions",
)


def _money(value: Any) -> Decimal | None:
    return None if value in (None, "") else round_half_up(Decimal(str(value)))


def _deductions(data: Mapping[str, Any]) -> dict[str, str]:
    found = {}
    for category in SPECIAL_DEDUCTION_CATEGORIES:
        value = data.get(category)
        if value not in (None, ""):
            amount = Decimal(str(value)).quantize(Decimal("0.01"))
            if amount < 0:
                raise Refusal(msg("金额不能为负数"), field=category)
            if amount:
                found[category] = str(amount)
    return found


def save_pay_settings(employment: Any, data: Mapping[str, Any], actor: Any) -> PaySettings:
    """Record the employment's pay settings from ``data["effective_on"]``, with a reason.

    A new date is a new version (earlier months keep theirs); the same date changes that
    version. Rates outside 0.05–0.12 are refused here rather than found at the next run.
    """
    reason = (data.get("reason") or "").strip()
    if not reason:
        raise Refusal(msg("请填写调整原因"), field="reason")
    on = data.get("effective_on")
    if on is None:
        raise Refusal(msg("请填写生效日期"), field="effective_on")
    rate = data.get("fund_rate")
    if rate is not None and not Decimal("0.05") <= Decimal(rate) <= Decimal("0.12"):
        raise Refusal(msg("公积金比例须在 0.05–0.12 之间"), field="fund_rate")
    values = {
        "contribution_base": _money(data.get("contribution_base")),
        "fund_base": _money(data.get("fund_base")),
        "fund_rate": Decimal(rate).quantize(Decimal("0.001")) if rate is not None else None,
        "has_occupational_annuity": bool(data.get("has_occupational_annuity")),
        "is_first_job_this_year": bool(data.get("is_first_job_this_year")),
        "has_prior_year_low_income": bool(data.get("has_prior_year_low_income")),
        "special_deductions": _deductions(data),
    }
    previous = settings_on([employment.id], on).get(employment.id)
    before = audit.snapshot(previous, FIELDS) if previous is not None else {}
    version = db.session.scalar(
        select(PaySettings).where(
            PaySettings.employment_id == employment.id, PaySettings.effective_on == on
        )
    )
    if version is None:
        version = PaySettings(employment_id=employment.id, effective_on=on)
        db.session.add(version)
    for name, value in values.items():
        setattr(version, name, value)
    version.reason = reason[:255]
    db.session.flush()
    changes = audit.diff(before, audit.snapshot(version, FIELDS))
    audit.record(
        "payroll.settings.save",
        version,
        institution_id=employment.institution_id,
        summary=f"{employment.staff_number} {employment.person.name} {on.isoformat()}：{reason}",
        changes=changes,
        actor=actor,
    )
    return version


def versions_of(employment_id: int) -> list[PaySettings]:
    return list(
        db.session.scalars(
            select(PaySettings)
            .where(PaySettings.employment_id == employment_id)
            .order_by(PaySettings.effective_on.desc())
        )
    )


def set_bonus_choice(
    employment: Any, year: int, merge: bool, reason: str, actor: Any
) -> PayBonusChoice:
    """Record how the employment's 全年一次性奖金 of ``year`` is taxed: separately (the
    default) or merged into the year's wage income; with a reason, audited.

    The choice is made before the bonus is paid: once a locked run of the year has taxed a
    bonus for the employment, a different choice is refused (that month is declared). Open
    runs of the year with a line for the employment go back to draft, to be computed again.
    """
    from payroll.runs.models import PayRun, PayRunLine
    from payroll.runs.states import LOCKED, OPEN, RunStatus

    reason = (reason or "").strip()
    if not reason:
        raise Refusal(msg("请填写调整原因"), field="reason")
    if not 2000 <= int(year) <= 2100:
        raise Refusal(msg("年度无效"), field="year")
    choice = db.session.scalar(
        select(PayBonusChoice).where(
            PayBonusChoice.employment_id == employment.id, PayBonusChoice.year == year
        )
    )
    before = bool(choice.merge) if choice is not None else False
    if before != merge:
        taxed = db.session.scalar(
            select(PayRun.period)
            .join(PayRunLine, PayRunLine.run_id == PayRun.id)
            .where(
                PayRunLine.employment_id == employment.id,
                PayRunLine.year == year,
                PayRunLine.bonus != 0,
                PayRun.status.in_(LOCKED),
            )
            .limit(1)
        )
        if taxed is not None:
            raise Refusal(
                msg(
                    "%(period)s 已审核的工资批次已按原方式为全年一次性奖金计税，本年不能再改变计税方式",
                    period=taxed,
                )
            )
    if choice is None:
        choice = PayBonusChoice(employment_id=employment.id, year=year)
        db.session.add(choice)
    choice.merge = merge
    choice.reason = reason[:255]
    choice.chosen_by_id = getattr(actor, "id", None)
    db.session.flush()
    for run in db.session.scalars(
        select(PayRun)
        .join(PayRunLine, PayRunLine.run_id == PayRun.id)
        .where(
            PayRunLine.employment_id == employment.id,
            PayRunLine.year == year,
            PayRun.status.in_(OPEN),
        )
    ):
        if run.status != RunStatus.DRAFT.value:
            run.status = RunStatus.DRAFT.value
    audit.record(
        "payroll.bonus_choice.save",
        choice,
        institution_id=employment.institution_id,
        summary=f"{employment.staff_number} {employment.person.name} {year}：{reason}",
        changes={"merge": [before, merge]} if before != merge else {},
        actor=actor,
    )
    return choice
