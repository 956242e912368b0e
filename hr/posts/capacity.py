"""Room on a post plan (岗位设置方案): whether more people fit on a post (DOMAIN.md §2).

The one rule the appointment form (``hr.posts.operations.appoint``) and the roster import
(``hr.roster.checks``) both apply: people are appointed to a post only within the count the
year's plan approves for its category and grade (不能超岗位聘用). Pure: the callers read the
plan and what is held.
"""

from __future__ import annotations

from datetime import date

from core.i18n import Msg, msg
from hr.models import grade_name


def no_plan(year: int) -> Msg:
    """Return the refusal for an institution without a plan for ``year``."""
    return msg("本单位尚未制定 %(year)d 年岗位设置方案，不能聘任岗位；请先制定方案。", year=year)


def room_refusal(
    category: str,
    grade: int,
    *,
    year: int,
    approved: int,
    occupied: int,
    on: date,
    hiring: int = 1,
) -> Msg | None:
    """Return why ``hiring`` more people do not fit on the post, or None if they do.

    ``approved`` is the plan's count for (category, grade), ``occupied`` the posts held on
    ``on`` by others.
    """
    if occupied + hiring <= approved:
        return None
    params = {
        "post": grade_name(category, grade),
        "year": year,
        "approved": approved,
        "on": on.isoformat(),
        "occupied": occupied,
        "vacant": max(approved - occupied, 0),
    }
    if hiring == 1:
        return msg(
            "%(post)s岗位已满，不能超岗位聘用：%(year)d 年岗位设置方案核定 %(approved)d 个，"
            "%(on)s 在聘 %(occupied)d 人，空缺 %(vacant)d 个。",
            **params,
        )
    return msg(
        "%(post)s岗位不能超岗位聘用：%(year)d 年岗位设置方案核定 %(approved)d 个，"
        "%(on)s 在聘 %(occupied)d 人，空缺 %(vacant)d 个，本次拟聘 %(hiring)d 人，"
        "超出 %(over)d 人。",
        hiring=hiring,
        over=occupied + hiring - approved,
        **params,
    )
