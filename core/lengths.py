"""Text longer than its column is caught in one place, the same way on every database.

SQLite stores a 300-character value in a VARCHAR(255) column without a word; PostgreSQL
refuses it with an error that becomes a 500 page. So the suites disagreed, and a long
meeting title broke the audit trail on PostgreSQL only.

Two tools, one source of truth (the column's declared length):

- ``fit(Model, "field", value)`` shortens a description to fit, for text the application
  writes about something (an audit summary, a generated title).
- Before every flush, each new or changed object's string columns are checked; a value that
  does not fit is refused with :class:`TextTooLong` (a :class:`~core.errors.Refusal` naming
  the field), on SQLite and PostgreSQL alike, so user data is never cut silently.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Mapper, Session

from core.errors import Refusal
from core.i18n import msg
from core.text import bounded


class TextTooLong(Refusal):
    """A value longer than its column allows."""


@cache
def _string_lengths(mapper: Mapper) -> tuple[tuple[str, int], ...]:
    """Return (attribute key, length) for the mapper's fixed-width string columns."""
    found = []
    for attr in mapper.column_attrs:
        for column in attr.columns:
            column_type = getattr(column.type, "impl", column.type)
            if isinstance(column_type, String) and column_type.length:
                found.append((attr.key, column_type.length))
                break
    return tuple(found)


def column_length(model: type, field: str) -> int | None:
    """Return the declared length of ``model.field``, or None if it has none."""
    return dict(_string_lengths(inspect(model))).get(field)


def fit(model: type, field: str, value: str | None) -> str | None:
    """Return ``value`` shortened (with "…") to fit ``model.field``'s column."""
    length = column_length(model, field)
    if value is None or length is None:
        return value
    return bounded(str(value), length)


def too_long(obj: Any) -> TextTooLong | None:
    """Return the refusal for the first loaded string value of ``obj`` that does not fit."""
    state = inspect(obj)
    loaded = state.dict
    for key, length in _string_lengths(state.mapper):
        value = loaded.get(key)
        if isinstance(value, str) and len(value) > length:
            return TextTooLong(
                msg(
                    "内容太长：最多 %(max)d 个字符，现为 %(n)d 个（%(field)s）。",
                    max=length,
                    n=len(value),
                    field=key,
                ),
                field=key,
            )
    return None


@event.listens_for(Session, "before_flush")
def _refuse_text_too_long(session: Session, _context, _instances) -> None:
    for obj in (*session.new, *session.dirty):
        refusal = too_long(obj)
        if refusal is not None:
            raise refusal
