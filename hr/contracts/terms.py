"""Rules of contracts: term validity, probation limits, renewal and expiry (DOMAIN.md §2).

Pure functions over plain values (dates, strings, ints). Which probation rule applies
depends on the kind of contract, which follows from the person's identity:

- **聘用合同** (事业编制, 员额; 事业单位人事管理条例 2014 第十二、十三条, 国办发〔2002〕35号):
  a person in their first job on a contract of 3 years or more (or open-ended) may have
  12 months; a graduate (应届毕业生) up to 12; a special case (情况特殊) up to 6; otherwise 3.
- **劳动合同** (合同制, 劳务派遣; 劳动合同法第十九条): a term under 3 months or a task-based
  contract has none; 3 months to under 1 year at most 1 month; 1 to under 3 years at most 2;
  3 years or more, or open-ended, at most 6.

"N 年以上" includes N years: a term from 2026-11-27 to 2029-11-26 lasts three years. Probation
is agreed once per employer, so a renewal or a later contract with the same employer has none.
The limits are a dated parameter ("hr.probation") seeded with these values.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from core.i18n import Msg, msg

PROBATION_KEY = "hr.probation"

#: Seeded parameter values. ``labour``: ``[at_least_months, max_probation_months]`` bands in
#: increasing order (a term shorter than the first band has none; open-ended takes the last);
#: ``personnel``: the limit per basis, and the term (months) from which a first job gets 12.
DEFAULTS = {
    PROBATION_KEY: {
        "personnel": {
            "general": 3,
            "special": 6,
            "graduate": 12,
            "first_job": 12,
            "first_job_min_months": 36,
        },
        "labour": [[3, 1], [12, 2], [36, 6]],
    },
}
DEFAULTS_FROM = date(2014, 7, 1)
DEFAULTS_SOURCE = (
    "事业单位人事管理条例（2014）第十二、十三条；国办发〔2002〕35号；劳动合同法第十九条"
)

FIXED_TERM = "fixed_term"
OPEN_ENDED = "open_ended"
PROJECT = "project"

ACTIVE = "active"
RENEWED = "renewed"
TERMINATED = "terminated"
EXPIRED = "expired"

#: Kinds of contract: 聘用合同 (staff on 编制 or 员额) and 劳动合同 (合同制, 劳务派遣).
PERSONNEL = "personnel"
LABOUR = "labour"
_PERSONNEL_IDENTITIES = frozenset({"establishment", "filed"})

#: Bases of a 聘用合同 probation.
GENERAL = "general"
SPECIAL = "special"
GRADUATE = "graduate"
FIRST_JOB = "first_job"
BASES = (GENERAL, SPECIAL, GRADUATE, FIRST_JOB)


def ensure_defaults() -> None:
    """Seed the contract parameters with their DOMAIN defaults (safe to run again)."""
    from core.parameters import ensure_defaults as seed

    seed(DEFAULTS, effective_from=DEFAULTS_FROM, source=DEFAULTS_SOURCE)


def contract_kind(identity: str) -> str:
    """Return the kind of contract a person of this identity signs (聘用合同 or 劳动合同)."""
    return PERSONNEL if identity in _PERSONNEL_IDENTITIES else LABOUR


def add_months(day: date, months: int) -> date:
    """Return ``day`` moved by whole months, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def term_within(start_on: date, end_on: date, months: int) -> bool:
    """Return whether a term from ``start_on`` to ``end_on`` (inclusive) lasts ≤ ``months``."""
    return end_on < add_months(start_on, months)


def term_at_least(start_on: date, end_on: date | None, months: int) -> bool:
    """Return whether a term from ``start_on`` to ``end_on`` (inclusive) lasts ``months`` or more.

    The last day counts: 2026-11-27 to 2029-11-26 is three full years. An open-ended term
    (``end_on`` None) lasts longer than any number of months.
    """
    return end_on is None or end_on >= add_months(start_on, months) - timedelta(days=1)


def probation_limit(
    contract_type: str,
    start_on: date,
    end_on: date | None,
    *,
    kind: str = PERSONNEL,
    basis: str = GENERAL,
    is_renewal: bool = False,
    limits: Mapping[str, Any] = DEFAULTS[PROBATION_KEY],
) -> int:
    """Return the longest probation, in months, a contract of this kind and term may have.

    Renewals carry none (probation once per employer); so do contracts for a defined task.
    """
    if is_renewal or contract_type == PROJECT:
        return 0
    if end_on is None and contract_type != OPEN_ENDED:
        return 0  # no term to judge by; term_problems asks for the end date
    if kind == LABOUR:
        limit = 0
        for at_least, months in limits["labour"]:
            if term_at_least(start_on, end_on, int(at_least)):
                limit = int(months)
        return limit
    personnel = limits["personnel"]
    if basis == FIRST_JOB:
        long_enough = term_at_least(start_on, end_on, int(personnel["first_job_min_months"]))
        return int(personnel[FIRST_JOB if long_enough else GENERAL])
    return int(personnel.get(basis, personnel[GENERAL]))


def probation_hint(kind: str, limits: Mapping[str, Any] = DEFAULTS[PROBATION_KEY]) -> Msg:
    """Return the one-line rule shown under the probation field for a kind of contract."""
    if kind == LABOUR:
        (short, first), (middle, second), (long, third) = limits["labour"]
        return msg(
            "劳动合同：期限不满 %(a)d 个月或以完成一定工作任务为期限的不得约定试用期；"
            "%(a)d 个月以上不满 %(b)d 年的最长 %(x)d 个月，%(b)d 年以上不满 %(c)d 年的最长 "
            "%(y)d 个月，%(c)d 年以上或无固定期限的最长 %(z)d 个月；续订不再约定。",
            a=int(short),
            b=int(middle) // 12,
            c=int(long) // 12,
            x=int(first),
            y=int(second),
            z=int(third),
        )
    personnel = limits["personnel"]
    return msg(
        "聘用合同：一般最长 %(g)d 个月，情况特殊的最长 %(s)d 个月，应届毕业生最长 %(u)d 个月；"
        "初次就业且期限 %(y)d 年以上（含 %(y)d 年）的为 %(f)d 个月；续订不再约定。",
        g=int(personnel[GENERAL]),
        s=int(personnel[SPECIAL]),
        u=int(personnel[GRADUATE]),
        f=int(personnel[FIRST_JOB]),
        y=int(personnel["first_job_min_months"]) // 12,
    )


def term_problems(contract_type: str, start_on: date | None, end_on: date | None) -> list:
    """Return (field, message) pairs saying why a contract term is invalid; empty if valid."""
    problems = []
    if start_on is None:
        problems.append(("start_on", msg("请填写合同起始日期")))
        return problems
    if contract_type == FIXED_TERM and end_on is None:
        problems.append(("end_on", msg("固定期限合同须填写终止日期")))
    if contract_type == OPEN_ENDED and end_on is not None:
        problems.append(("end_on", msg("无固定期限合同不填写终止日期")))
    if end_on is not None and end_on < start_on:
        problems.append(("end_on", msg("终止日期不能早于起始日期")))
    return problems


def contract_problems(
    contract_type: str,
    start_on: date | None,
    end_on: date | None,
    probation_months: int,
    *,
    kind: str = PERSONNEL,
    basis: str = GENERAL,
    is_renewal: bool = False,
    limits: Mapping[str, Any] = DEFAULTS[PROBATION_KEY],
) -> list:
    """Return (field, message) pairs for an invalid term or too long a probation."""
    problems = term_problems(contract_type, start_on, end_on)
    if problems:
        return problems
    if probation_months < 0:
        return [("probation_months", msg("试用期不能为负数"))]
    limit = probation_limit(
        contract_type,
        start_on,
        end_on,
        kind=kind,
        basis=basis,
        is_renewal=is_renewal,
        limits=limits,
    )
    if probation_months > limit:
        problems.append(
            (
                "probation_months",
                _too_long(contract_type, kind, basis, is_renewal, probation_months, limit),
            )
        )
    return problems


def _too_long(contract_type, kind, basis, is_renewal, months, limit) -> Msg:
    if is_renewal:
        return msg(
            "试用期 %(n)d 个月过长：续订合同或同一单位再次签订的合同不再约定试用期", n=months
        )
    if contract_type == PROJECT:
        return msg("试用期 %(n)d 个月过长：以完成一定工作任务为期限的合同不得约定试用期", n=months)
    if kind == LABOUR:
        return msg(
            "试用期 %(n)d 个月过长：该期限的劳动合同试用期最长 %(limit)d 个月",
            n=months,
            limit=limit,
        )
    if basis == FIRST_JOB and limit < months:
        return msg(
            "试用期 %(n)d 个月过长：初次就业但合同期限较短的，聘用合同试用期最长 %(limit)d 个月",
            n=months,
            limit=limit,
        )
    return msg("试用期 %(n)d 个月过长：聘用合同试用期最长 %(limit)d 个月", n=months, limit=limit)


def renewal_refusal(status: str, end_on: date | None) -> Msg | None:
    """Return why a contract cannot be renewed, or None."""
    if status == TERMINATED:
        return msg("该合同已解除，不能续订")
    if status == RENEWED:
        return msg("该合同已续订过，请续订最新的合同")
    if status != ACTIVE:
        return msg("该合同已到期终止，不能续订")
    if end_on is None:
        return msg("无固定期限合同没有终止日期，无需续订")
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
