"""What the payroll rules report instead of text: problems per person and errors per row.

Pure module. Messages are ``core.i18n.Msg`` ids (Chinese source text with parameters),
translated where they are shown. ``Problem.code`` is stable for code (filters, counts,
tests); ``Problem.message`` is for people.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.i18n import Msg, msg


class Severity(StrEnum):
    """ERROR must be fixed before a run is approved; WARNING is shown and may stand."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One problem found on one person's pay line."""

    code: str
    message: Msg
    severity: Severity = Severity.ERROR

    @property
    def blocking(self) -> bool:
        """Return whether the run may not be approved while this problem stands."""
        return self.severity is Severity.ERROR


def error(code: str, message: Msg) -> Problem:
    return Problem(code, message, Severity.ERROR)


def warning(code: str, message: Msg) -> Problem:
    return Problem(code, message, Severity.WARNING)


@dataclass(frozen=True)
class RowError:
    """One problem in an uploaded table: Excel row (None: the whole file), column, reason."""

    row: int | None
    column: str | None
    reason: Msg

    @property
    def message(self) -> Msg:
        """Return the located message: "第 12 行「薪级」：……"."""
        if self.row is None and self.column is None:
            return self.reason
        if self.row is None:
            return msg("列「%(column)s」：%(reason)s", column=Msg(self.column), reason=self.reason)
        if self.column is None:
            return msg("第 %(row)d 行：%(reason)s", row=self.row, reason=self.reason)
        return msg(
            "第 %(row)d 行「%(column)s」：%(reason)s",
            row=self.row,
            column=Msg(self.column),
            reason=self.reason,
        )

    def __str__(self) -> str:
        return str(self.message)


__all__ = ["Problem", "RowError", "Severity", "error", "warning"]
