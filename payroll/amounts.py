"""Decimal helpers shared by the payroll rules: reading parameter values and adding groups.

Pure module. Money is ``Decimal``; a parameter value (JSON) may hold a number as a string
("0.08"), an int, or (typed into a JSON editor) a float, which is read through its shortest
repr so 0.08 stays 0.08. Amount groups (``AmountGroup`` subclasses) are frozen dataclasses of
``Decimal`` fields that add, subtract and total field by field; the tax and the pay line use
them for deductions by category.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar, Self

from core.money import FEN, round_half_up

ZERO = Decimal("0.00")

__all__ = ["FEN", "ZERO", "AmountGroup", "as_decimal", "is_fen", "money", "round_to"]


def as_decimal(value: Any) -> Decimal:
    """Return a parameter value (str, int, Decimal or JSON float) as an exact Decimal."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        return Decimal(value.strip())
    raise TypeError(f"not a number: {value!r}")


def money(value: Any) -> Decimal:
    """Return a parameter value as money rounded half-up to the fen."""
    return round_half_up(as_decimal(value))


def round_to(value: Decimal, quantum: Decimal = FEN) -> Decimal:
    """Round half-up to ``quantum`` (0.01 the fen, 1 the yuan), always returned in fen.

    The hot path of every pay line: plain ``quantize`` calls (``core.money.round_half_up``
    does the same with argument checks); adding ZERO turns a "-0.00" into "0.00".
    """
    if quantum is not FEN and quantum != FEN:
        value = value.quantize(quantum, ROUND_HALF_UP)
    return value.quantize(FEN, ROUND_HALF_UP) + ZERO


def is_fen(value: Decimal) -> bool:
    """Return whether value is a whole number of fen written with exactly two places."""
    return value.as_tuple().exponent == -2


@dataclass(frozen=True)
class AmountGroup:
    """Amounts by category; subclasses declare ``Decimal`` fields defaulting to ZERO."""

    _names: ClassVar[dict[type, tuple[str, ...]]] = {}

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        names = AmountGroup._names.get(cls)
        if names is None:
            names = AmountGroup._names[cls] = tuple(f.name for f in fields(cls))
        return names

    @classmethod
    def _build(cls, values: Any) -> Self:
        """Return an instance from the amounts in field order, without ``__init__``.

        The arithmetic of the pay line's hot path: a frozen dataclass's generated
        ``__init__`` sets each field through ``object.__setattr__``; these groups have no
        ``__post_init__``, so filling ``__dict__`` directly gives the same object.
        """
        group = object.__new__(cls)
        group.__dict__.update(zip(cls.field_names(), values, strict=True))
        return group

    def __add__(self, other: Self) -> Self:
        cls = type(self)
        if type(other) is not cls:
            return NotImplemented
        mine, theirs = self.__dict__, other.__dict__
        group = object.__new__(cls)  # as ``_build``
        group.__dict__.update(
            {n: mine[n] + theirs[n] for n in _NAMES.get(cls) or cls.field_names()}
        )
        return group

    def __sub__(self, other: Self) -> Self:
        cls = type(self)
        if type(other) is not cls:
            return NotImplemented
        mine, theirs = self.__dict__, other.__dict__
        group = object.__new__(cls)  # as ``_build``
        group.__dict__.update(
            {n: mine[n] - theirs[n] for n in _NAMES.get(cls) or cls.field_names()}
        )
        return group

    def times(self, factor: int | Decimal) -> Self:
        """Return every amount multiplied by ``factor`` (no rounding: use whole factors)."""
        cls = type(self)
        mine = self.__dict__
        return cls._build([mine[n] * factor for n in cls.field_names()])

    @property
    def total(self) -> Decimal:
        """Return the sum of every category (kept once computed: the group is frozen and
        the pay line asks for the same totals several times)."""
        mine = self.__dict__
        total = mine.get("_total")
        if total is None:
            names = _NAMES.get(type(self)) or self.field_names()
            total = mine["_total"] = sum([mine[n] for n in names], ZERO)
        return total

    def as_dict(self) -> dict[str, Decimal]:
        """Return the amounts by field name."""
        mine = self.__dict__
        return {n: mine[n] for n in self.field_names()}


#: field names by group class, filled by ``AmountGroup.field_names`` (read directly on the
#: hot path)
_NAMES = AmountGroup._names


class cached_value:  # noqa: N801 (used as a decorator, like functools.cached_property)
    """``functools.cached_property`` without its lock (Python 3.11 takes an RLock on every
    first read): for the frozen values of the pay line's hot path, each built and read by
    one thread. The value is stored in the instance's ``__dict__`` under the same name, so
    later reads never reach the descriptor."""

    def __init__(self, func: Any) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value
