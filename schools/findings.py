"""What the schools rules report: findings (errors, warnings, notices) and refusals.

A *finding* describes the input and is shown next to it; the page decides whether an error
blocks saving (enrolment with a negative count does; an oversized class only warns). A
*refusal* (:class:`SchoolsRefusal`, a :class:`core.errors.Refusal`) is raised by a rule
that cannot compute anything sensible from its input, so an operation can let it
propagate to ``core.actions.perform``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from core.errors import Refusal
from core.i18n import Msg
from core.money import round_half_up
from schools.stages import Stage


class Level(StrEnum):
    """How serious a finding is."""

    ERROR = "error"  # the input is wrong; do not save it
    WARNING = "warning"  # allowed, but someone should look
    NOTICE = "notice"  # for information


@dataclass(frozen=True)
class Finding:
    """One thing a rule noticed about its input, with the grade or class it concerns."""

    level: Level
    #: a stable code for tests and for the page to pick an icon ("oversized", "negative", …)
    code: str
    message: Msg
    stage: Stage | None = None
    grade: int | None = None
    class_name: str | None = None

    @property
    def is_error(self) -> bool:
        return self.level is Level.ERROR


def errors(findings: Iterable[Finding]) -> list[Finding]:
    """Return the findings that are errors."""
    return [finding for finding in findings if finding.is_error]


class SchoolsRefusal(Refusal):
    """A schools rule refused its input; nothing was computed."""


def percent(share: Fraction | Decimal | int) -> Decimal:
    """Return a share as a percentage with one decimal, half up: 0.0945 -> 9.5."""
    scaled = Fraction(share) * 100
    return round_half_up(Decimal(scaled.numerator) / Decimal(scaled.denominator), ONE_DECIMAL)


def limit_percent(share: Fraction | Decimal | int) -> str:
    """Return a limit as a percentage without needless decimals: 0.09 -> "9", 0.1107 -> "11.1"."""
    scaled = Fraction(share) * 100
    if scaled.denominator == 1:
        return str(scaled.numerator)
    return str(percent(share))


ONE_DECIMAL = Decimal("0.1")
