"""Pay months ("YYYY-MM"): how they are written in files and compared."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from core.i18n import msg

_PERIOD = re.compile(
    r"(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})(?:\s*月)?(?:\s*(?:-|/|\.)\s*\d{1,2}\s*日?)?"
)
_COMPACT = re.compile(r"(\d{4})(\d{2})")


def parse_period(text: str) -> str:
    """Return a pay month as "YYYY-MM" from "2026-03", "2026/3", "2026年3月", "202603" or a
    date "2026-03-01" (an Excel date cell); raise ValueError naming the expected form."""
    s = unicodedata.normalize("NFKC", str(text)).strip()
    match = _PERIOD.fullmatch(s) or _COMPACT.fullmatch(s)
    if match is None:
        raise ValueError(msg("「%(v)s」不是月份，应写作 2026-03", v=s))
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise ValueError(msg("「%(v)s」不是有效的月份", v=s))
    return f"{year:04d}-{month:02d}"


def first_day(period: str) -> date:
    """Return the first day of a "YYYY-MM" month."""
    return date(int(period[:4]), int(period[5:7]), 1)


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"
