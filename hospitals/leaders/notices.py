"""Warnings as a leader's term nears its end (pure: dates in, findings out)."""

from __future__ import annotations

from datetime import date

from core.i18n import msg
from hospitals.findings import Finding, Level


def term_end_notice(name: str, post: str, end_on: date, today: date, window_days: int):
    """Warn from ``window_days`` before the term ends until it ends; None otherwise."""
    days = (end_on - today).days
    if not 0 <= days <= window_days:
        return None
    return Finding(
        Level.WARNING,
        "term_ending",
        msg(
            "%(name)s的%(post)s任期将于 %(end)s 届满（还有 %(n)d 天），"
            "请安排任期考核并决定继续聘任、调整或解聘",
            name=name,
            post=post,
            end=end_on,
            n=days,
        ),
    )
