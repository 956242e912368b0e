"""Rules of 聘用合同: term validity, probation limits, renewal and expiry.

Pure functions over plain values (dates, strings, ints); the probation limits are a dated
parameter ("hr.probation_limits") whose seeded default is the 事业单位 rule of
国办发〔2002〕35号 (人事部《关于在事业单位试行人员聘用制度的意见》): a term of up to one year
allows at most one month of probation, up to three years three months, longer six months;
probation only on first hiring, never on renewal.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, timedelta

#: Seeded parameter values. ``hr.probation_limits``: ``[up_to_months, max_probation_months]``
#: bands in increasing order; ``None`` for "any longer term" (and open-ended contracts).
DEFAULTS = {
    "hr.probation_limits": [[12, 1], [36, 3], [None, 6]],
}
DEFAULTS_FROM = date(2002, 7, 6)
DEFAULTS_SOURCE = "国办发〔2002〕35号 人事部《关于在事业单位试行人员聘用制度的意见》"

FIXED_TERM = "fixed_term"
OPEN_ENDED = "open_ended"
PROJECT = "project"

ACTIVE = "active"
RENEWED = "renewed"
TERMINATED = "terminated"
EXPIRED = "expired"


def ensure_defaults() -> None:
    """Seed the contract parameters with their DOMAIN defaults (safe to run again)."""
    from core.parameters import ensure_defaults as seed

    seed(DEFAULTS, effective_from=DEFAULTS_FROM, source=DEFAULTS_SOURCE)


def add_months(day: date, months: int) -> date:
    """Return ``day`` moved by whole months, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def term_within(start_on: date, end_on: date, months: int) -> bool:
    """Return whether a term from ``start_on`` to ``end_on`` (inclusive) lasts ≤ ``months``."""
    return end_on < add_months(start_on, months)


def probation_limit(
    contract_type: str,
    start_on: date,
    end_on: date | None,
    *,
    is_renewal: bool = False,
    bands: Sequence[Sequence[int | None]] = DEFAULTS["hr.probation_limits"],
) -> int:
    """Return the longest probation, in months, a contract of this term may have.

    Renewals carry none (probation only on first hiring); so do contracts for a defined
    task, whose length is unknown (劳动合同法第十九条). Open-ended contracts fall in the
    last band.
    """
    if is_renewal or contract_type == PROJECT:
        return 0
    for up_to, limit in bands:
        if up_to is None or end_on is None:
            continue
        if term_within(start_on, end_on, int(up_to)):
            return int(limit)
    return int(bands[-1][1])


def term_problems(contract_type: str, start_on: date | None, end_on: date | None) -> list:
    """Return (field, message) pairs saying why a contract term is invalid; empty if valid."""
    problems = []
    if start_on is None:
        problems.append(("start_on", "请填写合同起始日期"))
        return problems
    if contract_type == FIXED_TERM and end_on is None:
        problems.append(("end_on", "固定期限合同须填写终止日期"))
    if contract_type == OPEN_ENDED and end_on is not None:
        problems.append(("end_on", "无固定期限合同不填写终止日期"))
    if end_on is not None and end_on < start_on:
        problems.append(("end_on", "终止日期不能早于起始日期"))
    return problems


def contract_problems(
    contract_type: str,
    start_on: date | None,
    end_on: date | None,
    probation_months: int,
    *,
    is_renewal: bool = False,
    bands: Sequence[Sequence[int | None]] = DEFAULTS["hr.probation_limits"],
) -> list:
    """Return (field, message) pairs for an invalid term or too long a probation."""
    problems = term_problems(contract_type, start_on, end_on)
    if problems:
        return problems
    if probation_months < 0:
        return [("probation_months", "试用期不能为负数")]
    limit = probation_limit(contract_type, start_on, end_on, is_renewal=is_renewal, bands=bands)
    if probation_months > limit:
        if is_renewal:
            why = "续订合同不再约定试用期"
        elif contract_type == PROJECT:
            why = "以完成一定工作任务为期限的合同不得约定试用期"
        else:
            why = f"该期限的合同试用期最长 {limit} 个月"
        problems.append(("probation_months", f"试用期 {probation_months} 个月过长：{why}"))
    return problems


def renewal_refusal(status: str, end_on: date | None) -> str | None:
    """Return why a contract cannot be renewed, or None."""
    if status == TERMINATED:
        return "该合同已解除，不能续订"
    if status == RENEWED:
        return "该合同已续订过，请续订最新的合同"
    if status != ACTIVE:
        return "该合同已到期终止，不能续订"
    if end_on is None:
        return "无固定期限合同没有终止日期，无需续订"
    return None


def renewal_start(old_end_on: date) -> date:
    """Return when a renewal starts: the day after the old contract ends."""
    return old_end_on + timedelta(days=1)


def termination_refusal(
    status: str, start_on: date, end_on: date | None, terminated_on: date
) -> tuple[str, str] | None:
    """Return (field, message) saying why a contract cannot be terminated then, or None."""
    if status == TERMINATED:
        return ("terminated_on", "该合同已解除，不能重复解除")
    if status == RENEWED:
        return ("terminated_on", "该合同已续订，请解除续订后的新合同")
    if status != ACTIVE:
        return ("terminated_on", "该合同已到期终止，不能解除")
    if terminated_on < start_on:
        return ("terminated_on", "解除日期不能早于合同起始日期")
    if end_on is not None and terminated_on > end_on:
        return ("terminated_on", "解除日期不能晚于合同终止日期")
    return None


def expiry_cutoff(today: date, within_days: int) -> date:
    """Return the last end date that counts as "expiring within ``within_days`` days"."""
    return today + timedelta(days=within_days)


def is_expiring(status: str, end_on: date | None, today: date, within_days: int) -> bool:
    """Return whether an active contract ends within ``within_days`` days (or already ended).

    Contracts past their end but still active (neither renewed nor terminated) are
    included: they need the HR officer's attention most.
    """
    return status == ACTIVE and end_on is not None and end_on <= expiry_cutoff(today, within_days)


def days_left(end_on: date | None, today: date) -> int | None:
    """Return the days from ``today`` to the last day of the contract (negative if past)."""
    return None if end_on is None else (end_on - today).days
