"""Convert, round and format money as Decimal fen amounts; money never goes through float.

Pure functions, no Flask. Bad user input raises ``MoneyError`` with a Chinese message;
passing a float where text or Decimal is required is a programming error (TypeError).
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from core.i18n import msg

__all__ = [
    "FEN",
    "MoneyError",
    "format_money",
    "parse_money_strict",
    "round_half_up",
    "to_money",
]

FEN = Decimal("0.01")
ZERO = Decimal("0.00")

# Optional sign, optional ¥ (either side of the sign), digits with optional thousands
# commas in groups of three (so a decimal comma such as "12,34" is refused, not read as
# 1234), optional fraction.
_MONEY_TEXT = re.compile(
    r"""
    (?P<sign>[+-]?)\s*¥?\s*(?P<sign2>[+-]?)\s*
    (?P<int>\d{1,3}(?:,\d{3})+|\d+)
    (?:\.(?P<frac>\d+))?
    """,
    re.VERBOSE | re.ASCII,
)

# Excel (and so every spreadsheet reader) keeps 15 significant digits.
_EXCEL_SIGNIFICANT_DIGITS = 15


class MoneyError(ValueError):
    """Signal an invalid amount; its argument is a message without the field name."""


def _parse_text(text: str) -> Decimal:
    """Return the exact Decimal written in text, or raise MoneyError."""
    # NFKC folds full-width digits, "．", "，" and "￥" from Chinese IMEs to ASCII and "¥".
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if not cleaned:
        raise MoneyError(msg("金额不能为空"))
    match = _MONEY_TEXT.fullmatch(cleaned)
    if match is None or (match["sign"] and match["sign2"]):
        raise MoneyError(msg("「%(v)s」不是有效金额", v=text.strip()))
    sign = match["sign"] or match["sign2"]
    digits = match["int"].replace(",", "")
    if match["frac"] is not None:
        digits += "." + match["frac"]
    return Decimal(("-" if sign == "-" else "") + digits)


def _to_decimal(value: Decimal | int | str) -> Decimal:
    """Return value as an exact, finite Decimal, or raise MoneyError or TypeError."""
    if isinstance(value, (bool, float)):
        raise TypeError(
            f"money must be Decimal, int or str, not {type(value).__name__}"
            " (use parse_money_strict() for spreadsheet floats)"
        )
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise MoneyError(msg("「%(v)s」不是有效金额", v=value))
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        return _parse_text(value)
    raise TypeError(f"money must be Decimal, int or str, not {type(value).__name__}")


def _quantize(value: Decimal, places: Decimal, original: object) -> Decimal:
    """Round value half-up to places, turning -0 into 0 and overflow into MoneyError."""
    try:
        result = value.quantize(places, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise MoneyError(msg("「%(v)s」不是有效金额", v=str(original))) from None
    return result if result else abs(result)  # no "-0.00"


def round_half_up(value: Decimal, places: Decimal = FEN) -> Decimal:
    """Round value half-up (四舍五入, ties away from zero) to the exponent of places."""
    if isinstance(value, (bool, float)):
        raise TypeError(f"round_half_up() takes Decimal or int, not {type(value).__name__}")
    return _quantize(Decimal(value), places, value)


def to_money(value: Decimal | int | str) -> Decimal:
    """Return value as a Decimal rounded half-up to the fen; refuse float.

    Text may carry surrounding whitespace, a leading ¥ and thousands commas ("¥1,234.50").
    """
    return _quantize(_to_decimal(value), FEN, value)


def _float_to_decimal(value: float) -> Decimal:
    """Return the Decimal a spreadsheet float stands for, never its binary expansion."""
    if not math.isfinite(value):
        raise MoneyError(msg("「%(v)s」不是有效金额", v=value))
    shortest = Decimal(repr(value))  # 1234.5 -> "1234.5", not Decimal(1234.5)'s 50 digits
    if shortest == _quantize(shortest, FEN, value):
        return shortest
    # A formula result such as =0.1+0.2 arrives as 0.30000000000000004; Excel shows and
    # keeps 15 significant digits, so read it the way the user saw it.
    return Decimal(format(value, f".{_EXCEL_SIGNIFICANT_DIGITS}g"))


def parse_money_strict(value: Decimal | int | str | float) -> Decimal:
    """Return an imported amount as a fen Decimal, refusing more than two decimal places.

    Unlike to_money this never rounds: "12.345" is an error ("金额最多两位小数"), while
    "12.340" is accepted as 12.34 because no fen is lost. A float (what Excel readers return
    for number cells) is read through its shortest repr, so 1234.5 becomes 1234.50; if that
    has float noise beyond the fen, through the 15 significant digits Excel keeps.
    """
    amount = _float_to_decimal(value) if isinstance(value, float) else _to_decimal(value)
    money = _quantize(amount, FEN, value)
    if money != amount:
        raise MoneyError(msg("金额最多两位小数"))
    return money


def format_money(d: Decimal) -> str:
    """Return the amount for display with thousands commas and two decimals: "1,234.50"."""
    return f"{round_half_up(d):,.2f}"
