"""Quota requests under 要增编必清理、先减法后加法 (clean up first, reduce before adding).

- **The gate.** A request for more 编制 cannot be submitted until the unit's clean-up is
  complete: vacant 编制 reported, staff seconded out and off-quota staff reported, weakened
  functions reported each with its proposed reduction, and a finalised function evaluation
  not older than a set age. ``missing_cleanup`` lists exactly what is missing.
- **Reductions first.** The office approves only after the proposed reductions have been
  carried out as ledger entries (``approval_problems``).
- **The pool.** Reductions carried out in a region go into its freed pool; an approval draws
  from it, so the region's total never grows, and an approval the pool cannot cover is
  refused (``Pool.draw``). Keep one pool per region and quota kind; the caller must read and
  update it under a row lock so that two approvals cannot both take the last places.
- **No reduction below occupancy.** A ledger reduction may not leave fewer places than the
  people holding them, nor fewer than none (``reduction_problem``).

Pure functions over plain values: no Flask, no database.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from core.i18n import Msg, msg

__all__ = [
    "DEFAULT_EVALUATION_MAX_AGE_MONTHS",
    "MAX_REQUEST",
    "CleanupState",
    "Pool",
    "PoolError",
    "WeakenedFunction",
    "approval_problems",
    "evaluation_cutoff",
    "missing_cleanup",
    "reduction_problem",
    "request_problems",
]

#: a finalised evaluation older than this many months does not count
DEFAULT_EVALUATION_MAX_AGE_MONTHS = 12
#: more than this many places in one request is a typo
MAX_REQUEST = 9_999


@dataclass(frozen=True, slots=True)
class WeakenedFunction:
    """A function reported as weakened or cancelled, with the reduction proposed for it."""

    name: str
    #: 编制 proposed to go because of it; None while nothing is proposed
    proposed_reduction: int | None = None


@dataclass(frozen=True, slots=True)
class CleanupState:
    """What a unit has reported of its clean-up (清理规范) before asking for more 编制."""

    vacancies_reported: bool = False  # 空编情况
    secondments_reported: bool = False  # 借调、抽调出的人员
    off_quota_reported: bool = False  # 编外用人
    weakened_functions_reported: bool = False  # 弱化、取消的职能（可以是“没有”）
    weakened_functions: tuple[WeakenedFunction, ...] = ()
    #: the date the unit's latest evaluation was finalised; None if none was
    evaluation_finalised_on: date | None = None

    @property
    def proposed_reduction(self) -> int:
        """Return the 编制 proposed to go, over all weakened functions."""
        return sum(max(0, f.proposed_reduction or 0) for f in self.weakened_functions)


def evaluation_cutoff(today: date, months: int = DEFAULT_EVALUATION_MAX_AGE_MONTHS) -> date:
    """Return the oldest finalisation date that still counts: ``months`` before ``today``.

    The day is kept, or the month's last day when it has fewer (29 February → 28th).
    """
    year, month0 = divmod(today.year * 12 + today.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(today.day, last_day))


def missing_cleanup(
    state: CleanupState,
    *,
    today: date,
    evaluation_max_age_months: int = DEFAULT_EVALUATION_MAX_AGE_MONTHS,
) -> list[Msg]:
    """Return what is still missing before a request for more 编制 may be submitted.

    Empty when the clean-up is complete. Each message names one missing item, so the unit
    sees the whole list at once.
    """
    missing: list[Msg] = []
    if not state.vacancies_reported:
        missing.append(msg("尚未报告空编情况"))
    if not state.secondments_reported:
        missing.append(msg("尚未报告借调、抽调出单位的人员情况"))
    if not state.off_quota_reported:
        missing.append(msg("尚未报告编外用人情况"))
    if not state.weakened_functions_reported:
        missing.append(msg("尚未报告弱化、取消的职能及核减编制建议"))
    else:
        for function in state.weakened_functions:
            if function.proposed_reduction is None:
                missing.append(msg("弱化职能「%(name)s」尚未提出核减编制建议", name=function.name))
            elif function.proposed_reduction < 0:
                missing.append(msg("弱化职能「%(name)s」的核减建议不能为负数", name=function.name))
    finalised_on = state.evaluation_finalised_on
    cutoff = evaluation_cutoff(today, evaluation_max_age_months)
    if finalised_on is None:
        missing.append(msg("尚无定稿的职能运行评估"))
    elif finalised_on < cutoff:
        missing.append(
            msg(
                "最近一次职能运行评估于 %(on)s 定稿，已超过 %(months)d 个月，请重新评估",
                on=finalised_on,
                months=evaluation_max_age_months,
            )
        )
    return missing


def request_problems(number: int | None, reason: str | None) -> list[Msg]:
    """Return what is wrong with a request's own fields (the number and the reason)."""
    problems = []
    if not isinstance(number, int) or isinstance(number, bool) or not 0 < number <= MAX_REQUEST:
        problems.append(msg("申请增加的编制数须为 1–%(max)d 之间的整数", max=MAX_REQUEST))
    if not (reason or "").strip():
        problems.append(msg("请写明申请增加编制的理由"))
    return problems


# --------------------------------------------------------------------------- approval


class PoolError(ValueError):
    """An approval the pool cannot cover; ``message`` says by how much."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Pool:
    """A region's freed 编制 of one kind: what reductions freed and approvals drew."""

    freed: int = 0
    drawn: int = 0

    @property
    def available(self) -> int:
        return self.freed - self.drawn

    def free(self, number: int) -> Pool:
        """Return the pool after a reduction of ``number`` places was carried out."""
        if number < 0:
            raise ValueError("a reduction frees a positive number of places")
        return Pool(self.freed + number, self.drawn)

    def draw(self, number: int) -> Pool:
        """Return the pool after an approval of ``number`` places, or raise PoolError."""
        if number <= 0:
            raise ValueError("an approval draws a positive number of places")
        if number > self.available:
            raise PoolError(
                msg(
                    "本区域腾出的编制只剩 %(available)d 名，不足以批准 %(number)d 名；"
                    "须先核减其他编制",
                    available=max(0, self.available),
                    number=number,
                )
            )
        return Pool(self.freed, self.drawn + number)


def approval_problems(
    number: int,
    *,
    proposed_reduction: int,
    executed_reduction: int,
    pool: Pool,
) -> list[Msg]:
    """Return why the office may not approve ``number`` more places yet (empty if it may).

    The unit's proposed reductions must have been carried out as ledger entries first, and
    the region's pool must cover the approval.
    """
    problems = []
    if executed_reduction < proposed_reduction:
        problems.append(
            msg(
                "拟核减编制 %(proposed)d 名，已执行 %(executed)d 名，"
                "须先执行其余 %(left)d 名的核减",
                proposed=proposed_reduction,
                executed=executed_reduction,
                left=proposed_reduction - executed_reduction,
            )
        )
    try:
        pool.draw(number)
    except PoolError as error:
        problems.append(error.message)
    except ValueError:
        problems.append(msg("批准的编制数须为正整数"))
    return problems


def reduction_problem(
    *,
    kind_label: str | Msg,
    on: date,
    approved: int,
    occupied: int | None,
    change: int,
) -> Msg | None:
    """Return why a ledger change may not stand on ``on``, or None when it may.

    ``approved`` is the quota before the change and ``occupied`` the people holding it
    (None when no package counts this kind). Only reductions can be refused.
    """
    if change >= 0:
        return None
    after = approved + change
    if after < 0:
        return msg(
            "%(k)s %(d)s 核定 %(a)d 名，核减 %(c)d 名后将为负数",
            k=kind_label,
            d=on,
            a=approved,
            c=-change,
        )
    if occupied is not None and after < occupied:
        return msg(
            "%(k)s不能核减到在编人数以下：%(d)s 核定 %(a)d 名、在编 %(o)d 名，"
            "核减 %(c)d 名后只剩 %(r)d 名；请先办理人员分流或调出",
            k=kind_label,
            d=on,
            a=approved,
            o=occupied,
            c=-change,
            r=after,
        )
    return None
