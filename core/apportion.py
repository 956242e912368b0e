"""Split an amount to the fen in proportion to weights, so the parts add up exactly.

Pure functions, no Flask. Used wherever a pool is shared out (a school's 奖励性绩效 pool, a
hospital's performance pool): the parts must sum to the pool to the fen, and the result
must not depend on the order in which the recipients are listed.

The rule (largest remainder, 最大余额法):

1. Every recipient's exact share is computed with ``fractions.Fraction`` (no rounding).
2. Each share is rounded *down* to the fen.
3. The fen left over (fewer than the number of recipients) go one each to the recipients
   with the largest remainders (the discarded fractions of a fen); equal remainders go to
   the smaller key first (keys are sorted, so they must be comparable with each other).

Consequences the tests prove: the parts sum to the total; nobody gets less than their exact
share rounded down nor more than it rounded up; a recipient whose exact share grows while
everyone else's shrinks or stays never gets less; the order of the input does not matter.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

from core.money import FEN

__all__ = [
    "apportion",
    "apportion_units",
    "exact",
    "from_fen",
    "largest_remainder",
    "to_fen",
]

K = TypeVar("K", bound=Hashable)


def exact(value: Decimal | int | str | Fraction) -> Fraction:
    """Return ``value`` as an exact Fraction; refuse float (and bool) as a programming error."""
    if isinstance(value, bool | float):
        raise TypeError(f"expected Decimal, int, str or Fraction, not {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{value} is not a finite number")
    if isinstance(value, Fraction | int | Decimal):
        return Fraction(value)
    if isinstance(value, str):
        return Fraction(Decimal(value.strip()))
    raise TypeError(f"expected Decimal, int, str or Fraction, not {type(value).__name__}")


def to_fen(amount: Decimal | int) -> int:
    """Return a non-negative amount given to the fen as a whole number of fen."""
    value = exact(amount) / exact(FEN)
    if value.denominator != 1:
        raise ValueError(f"{amount} has more than two decimal places")
    return value.numerator


def from_fen(fen: int) -> Decimal:
    """Return a number of fen as a yuan Decimal with two places."""
    return (Decimal(fen) * FEN).quantize(FEN)


def largest_remainder(shares: Mapping[K, Fraction], total: int) -> dict[K, int]:
    """Round exact ``shares`` (in whole units, summing to ``total``) to integers summing to it.

    Each share is rounded down, then the units left over go to the largest remainders,
    ties to the smaller key. ``shares`` must be non-negative and add up to ``total`` exactly.
    """
    if not shares:
        if total:
            raise ValueError("shares do not add up to the total")
        return {}
    # One common denominator turns every comparison into integer arithmetic (fast for
    # thousands of recipients, where Fraction comparisons are not).
    denominator = math.lcm(*(share.denominator for share in shares.values()))
    numerators = {
        key: share.numerator * (denominator // share.denominator) for key, share in shares.items()
    }
    if sum(numerators.values()) != total * denominator:
        raise ValueError("shares do not add up to the total")
    return _round(numerators, denominator, total)


def apportion_units(total: int, weights: Mapping[K, int]) -> dict[K, int]:
    """Split ``total`` whole units in proportion to integer ``weights`` (largest remainder).

    The integer form of :func:`apportion` for callers that scaled their weights to whole
    numbers themselves; ``total`` and the weights must not be negative, nor the weights all 0.
    """
    weight_sum = sum(weights.values())
    if total < 0 or any(weight < 0 for weight in weights.values()):
        raise ValueError("the total and the weights must not be negative")
    if weight_sum == 0:
        if total:
            raise ValueError("the weights are all zero")
        return dict.fromkeys(weights, 0)
    return _round({key: total * weight for key, weight in weights.items()}, weight_sum, total)


def _round(numerators: Mapping[K, int], denominator: int, total: int) -> dict[K, int]:
    """Round numerator ÷ denominator down, then hand the leftover units out by remainder."""
    if any(numerator < 0 for numerator in numerators.values()):
        raise ValueError("shares must not be negative")
    floors: dict[K, int] = {}
    remainders: dict[K, int] = {}
    for key, numerator in numerators.items():
        floors[key], remainders[key] = divmod(numerator, denominator)
    left = total - sum(floors.values())
    if left:
        for key in sorted(remainders, key=lambda key: (-remainders[key], key))[:left]:
            floors[key] += 1
    return floors


def apportion(total: Decimal | int, weights: Mapping[K, Any]) -> dict[K, Decimal]:
    """Split ``total`` (yuan, at most two decimals, not negative) in proportion to ``weights``.

    Weights are Decimal, int, str or Fraction, not negative, not all zero. Returns each
    key's part in yuan with two decimals; the parts sum to ``total`` exactly.
    """
    fen = to_fen(total)
    if fen < 0:
        raise ValueError("the total must not be negative")
    values = {key: exact(weight) for key, weight in weights.items()}
    if any(value < 0 for value in values.values()):
        raise ValueError("weights must not be negative")
    weight_sum = sum(values.values(), Fraction(0))
    if weight_sum == 0:
        raise ValueError("the weights are all zero")
    shares = {key: fen * value / weight_sum for key, value in values.items()}
    return {key: from_fen(part) for key, part in largest_remainder(shares, fen).items()}
