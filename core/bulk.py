"""The one bulk writer: large inserts for every package (roster import, scale seed, payroll).

One executemany per chunk of rows and table, no ORM objects, no per-row flush, on the
session's connection and inside its transaction (the caller commits).

Ids are given to the rows before they are written, so the writer knows them without reading
anything back, and the same strategy is safe with concurrent writers:

- PostgreSQL: the table's own sequence hands out the ids, as many as needed in one round
  trip (``SELECT nextval(...) FROM generate_series(1, n)``). Sequences never give a value
  twice, whatever other transactions do; an id reserved by a transaction that rolls back is
  a gap, as with any insert.
- SQLite: one writer at a time (write transactions take the lock up front,
  ``core/sqlite.py``), so the ids above the largest id in the table are this transaction's
  until it ends. :class:`Ids` also remembers what it handed out but has not been written
  yet (the scale seed reserves ahead of its inserts).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import Date, func, literal, select, text
from sqlalchemy.sql.elements import ClauseElement

from core.extensions import db

#: Rows per INSERT statement: bounded memory, and well under the drivers' parameter limits.
CHUNK = 5000


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    """Yield ``items`` in slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


_paused = 0
_pause_lock = threading.Lock()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector off for a block of bulk work.

    Reading, checking and writing 100,000 rows allocates millions of objects and few
    cycles; each collection would walk all the rows held so far, again and again (about a
    sixth of the import's CPU time). Nested and concurrent blocks share one pause; the
    collector runs again when the last one ends, and frees any cycle made meanwhile.
    """
    global _paused
    with _pause_lock:
        if _paused == 0 and not gc.isenabled():
            _paused = -1  # someone else turned it off: leave it as it was
        if _paused >= 0:
            _paused += 1
            gc.disable()
    try:
        yield
    finally:
        with _pause_lock:
            if _paused > 0:
                _paused -= 1
                if _paused == 0:
                    gc.enable()
            elif _paused == -1:
                _paused = 0


class Ids:
    """Hands out ids for rows about to be inserted, per table, in the current transaction."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {}
        self._sequences: dict[str, str | None] = {}

    def reserve(self, model: type, count: int) -> list[int]:
        """Return ``count`` new ids for ``model``'s table (ascending on SQLite)."""
        if count <= 0:
            return []
        connection = db.session.connection()
        table = model.__table__
        if connection.dialect.name == "postgresql":
            sequence = self._sequence(table.name)
            if sequence is not None:
                return list(
                    connection.execute(
                        text("SELECT nextval(CAST(:seq AS regclass)) FROM generate_series(1, :n)"),
                        {"seq": sequence, "n": count},
                    ).scalars()
                )
        largest = connection.scalar(select(func.max(table.c.id))) or 0
        start = max(largest + 1, self._next.get(table.name, 0))
        self._next[table.name] = start + count
        return list(range(start, start + count))

    def _sequence(self, table: str) -> str | None:
        if table not in self._sequences:
            self._sequences[table] = db.session.connection().scalar(
                text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table}
            )
        return self._sequences[table]


def insert_rows(
    model: type, columns: Mapping[str, Sequence[Any]], *, ids: Ids | None = None, **constants: Any
) -> list[int]:
    """INSERT one row per position of the ``columns`` lists with new ids; return the ids.

    The ids come from :class:`Ids` (``ids``, or a fresh one), in the order of the rows.
    """
    count = len(next(iter(columns.values())))
    new = (ids or Ids()).reserve(model, count)
    if count:
        insert_columns(model, {"id": new, **columns}, **constants)
    return new


def insert_columns(model: type, columns: Mapping[str, Sequence[Any]], **constants: Any) -> None:
    """INSERT one row per position of the ``columns`` value lists, plus ``constants``.

    Without an ``id`` column the database numbers the rows (use :func:`insert_rows` to know
    the ids). ``session.execute(insert(Model), dicts)`` spends most of its time on a
    parameter dict per row (and the ORM form splits batches wherever an optional value is
    None). Here each value goes through the column type's own bind processor (the conversion
    SQLAlchemy applies: dates, money), column by column; values shared by every row
    (timestamps, flags) are written into the statement once as literals, rendered by
    SQLAlchemy for the dialect (a SQL expression is rendered as it is:
    ``literal_column("'{}'")`` for a JSON value no literal renderer exists for); and the
    driver's executemany gets plain tuples in chunks, on the session's connection and
    inside its transaction.
    """
    count = len(next(iter(columns.values())))
    if not count:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    if dialect.paramstyle not in ("qmark", "format", "pyformat"):  # pragma: no cover
        raise NotImplementedError(f"paramstyle {dialect.paramstyle}")
    table = model.__table__
    series = []
    for name, values in columns.items():
        convert = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if convert and isinstance(table.c[name].type, Date):
            convert = lru_cache(maxsize=8192)(convert)  # start dates repeat
        series.append((values, convert))
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    placeholders = [marker] * len(columns) + [
        str(
            (
                value if isinstance(value, ClauseElement) else literal(value, table.c[name].type)
            ).compile(dialect=dialect, compile_kwargs={"literal_binds": True})
        )
        for name, value in constants.items()
    ]
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {dialect.identifier_preparer.format_table(table)} "
        f"({', '.join(quote(name) for name in [*columns, *constants])}) "
        f"VALUES ({', '.join(placeholders)})"
    )
    for start in range(0, count, CHUNK):
        stop = start + CHUNK
        parts = [
            map(convert, values[start:stop]) if convert else values[start:stop]
            for values, convert in series
        ]
        connection.exec_driver_sql(sql, list(zip(*parts, strict=True)))


__all__ = ["CHUNK", "Ids", "chunks", "gc_paused", "insert_columns", "insert_rows"]
