"""What the hospitals rules report: findings (errors, warnings, notices) and refusals.

A *finding* describes the input and is shown next to it. A *refusal* is raised by a rule
that will not compute from its input; every one derives from :class:`HospitalsRefusal`
(a :class:`core.errors.Refusal`), so an operation can let it reach ``core.actions.perform``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from core.errors import Refusal
from core.i18n import Msg
from core.money import round_half_up


class Level(StrEnum):
    """How serious a finding is."""

    ERROR = "error"  # the input is wrong or breaks a rule; do not accept it
    WARNING = "warning"  # allowed, but someone should act
    NOTICE = "notice"  # for information


@dataclass(frozen=True)
class Finding:
    """One thing a rule noticed, with the key of what it is about (indicator, person, …)."""

    level: Level
    #: a stable code for tests and pages ("forbidden_indicator", "weights_total", …)
    code: str
    message: Msg
    subject: Hashable | None = None

    @property
    def is_error(self) -> bool:
        return self.level is Level.ERROR


def errors(findings: Iterable[Finding]) -> list[Finding]:
    """Return the findings that are errors."""
    return [finding for finding in findings if finding.is_error]


class HospitalsRefusal(Refusal):
    """A hospitals rule refused its input; nothing was computed."""


class SchemeRejected(HospitalsRefusal):
    """A performance scheme breaks the rules; ``problems`` lists every reason."""

    def __init__(self, problems: Iterable[Finding], *, field: str | None = None) -> None:
        self.problems = tuple(problems)
        super().__init__(self.problems[0].message, field=field)


@dataclass(frozen=True)
class Shortfall:
    """A person an allocation would pay below the floor."""

    key: Hashable
    name: str
    amount: Decimal


class FloorBreached(HospitalsRefusal):
    """An allocation would pay someone below the floor; ``people`` names them."""

    def __init__(self, message: Msg, people: Iterable[Shortfall]) -> None:
        self.people = tuple(people)
        super().__init__(message, field="floor")


ONE_DECIMAL = Decimal("0.1")


def percent(share: Fraction | Decimal | int) -> Decimal:
    """Return a share as a percentage with one decimal, half up: 0.7049 -> 70.5."""
    scaled = Fraction(share) * 100
    return round_half_up(Decimal(scaled.numerator) / Decimal(scaled.denominator), ONE_DECIMAL)


def limit_percent(share: Fraction | Decimal | int) -> str:
    """Return a limit as a percentage without needless decimals: 0.7 -> "70", 0.725 -> "72.5"."""
    scaled = Fraction(share) * 100
    if scaled.denominator == 1:
        return str(scaled.numerator)
    return str(percent(share))


def decimal(value: Fraction, places: Decimal = Decimal("0.0001")) -> Decimal:
    """Return an exact fraction as a Decimal rounded half up to ``places``."""
    return round_half_up(Decimal(value.numerator) / Decimal(value.denominator), places)


def number(value: Decimal) -> str:
    """Return a number without trailing zeros or exponent: 20.50 -> "20.5", 20 -> "20"."""
    return f"{value.normalize():f}"
