"""Who sees whole ID and bank account numbers: one rule for the pages and the exports.

Only the HR officers of the institution the record belongs to (and the employee, on their
own page) see a citizen ID number or a bank account number in full. Everyone else who may
read HR records there (finance, the sponsor, the staffing office, the institution's
account administrator) sees them masked: an ID number keeps its first 6 and last 4
characters (``core.ids.mask_citizen_id``), an account number its last 4.
"""

from __future__ import annotations

from typing import Any

from core.ids import mask_citizen_id
from core.permissions import can
from hr.permissions import HR_FULL_NUMBERS

#: Trailing characters of an account number a masked reader sees.
BANK_VISIBLE_TAIL = 4


def sees_full_numbers(user: Any, institution: Any) -> bool:
    """Return whether ``user`` sees whole ID and account numbers of ``institution``'s staff."""
    return can(user, HR_FULL_NUMBERS, institution)


def mask_bank_account(number: str | None) -> str:
    """Return an account number with all but its last 4 characters replaced by *."""
    text = (number or "").strip()
    if len(text) <= BANK_VISIBLE_TAIL:
        return "*" * len(text)
    return "*" * (len(text) - BANK_VISIBLE_TAIL) + text[-BANK_VISIBLE_TAIL:]


def shown_citizen_id(number: str | None, full: bool) -> str:
    """Return an ID number as a reader sees it: whole if ``full``, masked otherwise."""
    if not number:
        return ""
    return number if full else mask_citizen_id(number)


def shown_bank_account(number: str | None, full: bool) -> str:
    """Return an account number as a reader sees it: whole if ``full``, masked otherwise."""
    if not number:
        return ""
    return number if full else mask_bank_account(number)
