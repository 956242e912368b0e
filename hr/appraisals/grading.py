"""Rules of the annual appraisal (年度考核): the 优秀 cap, repeated 不合格, the 薪级 step.

Pure functions over plain values. Grades are the ``AppraisalGrade`` values ("excellent",
"pass", "basic", "fail", "undetermined"); None means "not graded yet".

Headcount for the 优秀 cap: everyone taking part in the round (the round's staff, graded
or not yet graded) except those graded 不定等次, who get no grade at all. Counting the
not-yet-graded lets an HR officer grade page by page without the cap refusing the first
page; by the time a round can close, everyone is graded, so the rule is then exactly
"floor(cap × people graded other than 不定等次)".

Timing (DOMAIN §2 "Annual appraisal"): the round for year Y is held from December of Y
(the month is a parameter); opening or closing it earlier needs the officer's confirmation.
Someone hired after the round closed was never in it: they show as 不定等次, and a closed
round takes no grades.

Step rule (DOMAIN.md §3): 合格 or better moves up one 薪级 on 1 January of the next year,
never beyond the top step of the category's scale (65 for management and professional
staff, 40 for workers). Both numbers are dated parameters.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import TypeVar

from core.i18n import Msg, msg

EXCELLENT = "excellent"
PASS = "pass"
BASIC = "basic"
FAIL = "fail"
UNDETERMINED = "undetermined"

#: Grades that earn the annual step (合格 or better).
STEP_UP_GRADES = frozenset({EXCELLENT, PASS})

#: Seeded parameter values: the 优秀 share (a decimal string) and the top 薪级 per category.
DEFAULTS = {
    "hr.appraisal_excellent_cap": "0.20",
    "hr.appraisal_round_month": 12,
    "hr.salary_step_max": {"management": 65, "professional": 65, "worker": 40},
}
DEFAULTS_FROM = date(2006, 7, 1)
DEFAULTS_SOURCE = "国人部发〔2006〕56号；事业单位工作人员考核规定（人社部规〔2023〕6号）"

#: The scale used when an employment holds no post (no appointment): the 管理/专技 table.
DEFAULT_CATEGORY = "professional"

K = TypeVar("K", bound=Hashable)


def ensure_defaults() -> None:
    """Seed the appraisal parameters with their DOMAIN defaults (safe to run again)."""
    from core.parameters import ensure_defaults as seed

    seed(DEFAULTS, effective_from=DEFAULTS_FROM, source=DEFAULTS_SOURCE)


def cap_percent(cap: Decimal) -> str:
    """Return a share as a percentage without trailing zeros: 0.200 → "20%"."""
    return f"{(Decimal(cap) * 100).normalize():f}%"


def counted_headcount(grades: Iterable[str | None]) -> int:
    """Return the headcount the 优秀 cap applies to: everyone but those graded 不定等次."""
    return sum(1 for grade in grades if grade != UNDETERMINED)


def excellent_allowed(cap: Decimal, headcount: int) -> int:
    """Return how many 优秀 the cap allows: floor(cap × headcount)."""
    if headcount <= 0:
        return 0
    return math.floor(Decimal(cap) * headcount)


def excellent_refusal(cap: Decimal, grades: Iterable[str | None]) -> Msg | None:
    """Return why these grades break the 优秀 cap, or None if they keep it."""
    grades = list(grades)
    excellent = sum(1 for grade in grades if grade == EXCELLENT)
    allowed = excellent_allowed(cap, counted_headcount(grades))
    if excellent <= allowed:
        return None
    return msg(
        "优秀 %(n)d 人，超过上限 %(allowed)d 人（%(cap)s）",
        n=excellent,
        allowed=allowed,
        cap=cap_percent(cap),
    )


def consecutive_fails(last_year: Mapping[K, str], this_year: Mapping[K, str]) -> set[K]:
    """Return the people graded 不合格 in both years (to consider for termination)."""
    return {key for key, grade in this_year.items() if grade == FAIL and last_year.get(key) == FAIL}


def next_step(grade: str | None, current: int, max_step: int) -> int:
    """Return the 薪级 from 1 January next year: +1 for 合格 or better, up to ``max_step``."""
    if grade in STEP_UP_GRADES and current < max_step:
        return current + 1
    return current


def next_steps(rows: Mapping[K, tuple[str | None, int, int]]) -> dict[K, int]:
    """Return the new 薪级 of each person from (grade, current step, top step)."""
    return {key: next_step(grade, current, top) for key, (grade, current, top) in rows.items()}


def step_max(category: str | None, maxima: Mapping[str, int]) -> int:
    """Return the top 薪级 of a post category's scale (the 管理/专技 one if no post)."""
    return int(maxima.get(category or DEFAULT_CATEGORY, maxima[DEFAULT_CATEGORY]))


def step_reason(year: int, grade: Msg | str) -> Msg:
    """Return the reason recorded on the new 薪级 version (``grade``: the 等次's label)."""
    return msg("%(year)d 年度考核%(grade)s，薪级晋升一级", year=year, grade=grade)


def step_effective_on(year: int) -> date:
    """Return when the step earned in ``year``'s appraisal takes effect: 1 January next year."""
    return date(year + 1, 1, 1)


def round_opens_on(year: int, month: int = 12) -> date:
    """Return the first day the round for ``year`` is normally held (1 December)."""
    return date(year, month, 1)


def early_warning(year: int, today: date, action: str, month: int = 12) -> Msg | None:
    """Return a warning when ``action`` ("open" or "close") comes before the round's month.

    The appraisal looks back on the whole year: before December part of it has not happened.
    """
    starts = round_opens_on(year, month)
    if today >= starts:
        return None
    if action == "close":
        return msg(
            "%(y)d 年度考核一般自 %(d)s 起进行，现在关闭为时过早：关闭后入职的人员只能记为"
            "不定等次，等次也不能再修改。确需提前关闭的，请勾选确认后再提交。",
            y=year,
            d=starts,
        )
    return msg(
        "%(y)d 年度考核一般自 %(d)s 起进行，现在开启为时过早。确需提前开启的，请勾选确认后再提交。",
        y=year,
        d=starts,
    )


def shown_grade(recorded: str | None, start_on: date, closed_on: date | None) -> str | None:
    """Return the grade to show and count for someone in a round.

    A recorded grade stands. Someone without one who was hired after the round closed was
    never graded in it: 不定等次. Anyone else without one is not graded yet (None).
    """
    if recorded is not None:
        return recorded
    if closed_on is not None and start_on > closed_on:
        return UNDETERMINED
    return None
