"""The posting (公示) of a recruitment's results, and what it allows.

Pure rules. Once offers are made, the school posts the names to be hired, with their scores,
for a period (公示期) before they are hired (事业单位公开招聘人员暂行规定: 拟聘人员公示 7 个
工作日). We count calendar days, at least ``MIN_DAYS``, from the day it went up, which
is no earlier than the council's approval and no later than today. Once posted, no more
offers are made, and a hire starts only after the posting period has ended.
"""

from __future__ import annotations

from datetime import date, timedelta

from core.i18n import Msg, msg

MIN_DAYS = 7
MAX_DAYS = 30


def posting_end(posted_on: date, days: int) -> date:
    """Return the last day of a posting of ``days`` days from ``posted_on``."""
    return posted_on + timedelta(days=days - 1)


def posting_refusals(
    posted_on: date | None, days: int | None, decided_on: date | None, today: date
) -> dict[str, Msg]:
    """Return why a posting cannot be recorded, by field (empty: it can)."""
    errors: dict[str, Msg] = {}
    if posted_on is None:
        errors["posted_on"] = msg("请填写公示开始日期")
    elif decided_on is not None and posted_on < decided_on:
        errors["posted_on"] = msg(
            "公示不能早于理事会批准招聘计划的日期 %(on)s", on=decided_on.isoformat()
        )
    elif posted_on > today:
        errors["posted_on"] = msg("公示开始日期不能晚于今天")
    if days is None or not MIN_DAYS <= days <= MAX_DAYS:
        errors["days"] = msg("公示期应为 %(low)d 至 %(high)d 天", low=MIN_DAYS, high=MAX_DAYS)
    return errors


def start_refusal(start_on: date, posting_ends_on: date | None) -> Msg | None:
    """Return why a hire cannot start on ``start_on`` (None: it can)."""
    if posting_ends_on is None:
        return msg("拟聘人员须先公示，公示期满后才能聘用")
    if start_on <= posting_ends_on:
        return msg("公示期至 %(end)s，入职日期须在公示期满之后", end=posting_ends_on.isoformat())
    return None
