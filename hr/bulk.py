"""Bulk writes for HR's large paths (the roster import, 薪级 for a whole import, seeds).

One executemany per chunk of rows and table, no ORM objects, no per-row flush, on the
session's connection and inside its transaction. Until core grows one bulk writer for every
package (issue 7 §3), HR's and payroll's bulk paths share this one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Date, and_, func, literal, or_, select
from sqlalchemy.sql.elements import ClauseElement

from core.extensions import db

#: Rows per INSERT statement: bounded memory, and well under the drivers' parameter limits.
CHUNK = 5000


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    """Yield ``items`` in slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert_columns(model: type, columns: Mapping[str, Sequence[Any]], **constants: Any) -> None:
    """INSERT one row per position of the ``columns`` value lists, plus ``constants``.

    ``session.execute(insert(Model), dicts)`` spends most of its time on a parameter dict
    per row (and the ORM form splits batches wherever an optional value is None). Here each
    value goes through the column type's own bind processor (the conversion SQLAlchemy
    applies: dates, money), column by column; values shared by every row (timestamps,
    flags) are written into the statement once as literals, rendered by SQLAlchemy for the
    dialect (a SQL expression is rendered as it is: ``literal_column("'{}'")`` for a JSON
    value no literal renderer exists for); and the driver's executemany gets plain tuples in chunks, on the session's
    connection and inside its transaction.
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


def max_id(model: type) -> int:
    return db.session.connection().scalar(select(func.max(model.__table__.c.id))) or 0


def inserted_ids(
    model: type, after: int, key_columns: Sequence[str], keys: Sequence[tuple]
) -> list[int]:
    """Return the ids of the rows just inserted, in insertion order; ``keys`` identify them.

    Ids only grow, so the rows this transaction wrote all lie above the largest id it saw
    before writing (``after``). When the rows above it are exactly one unbroken run of
    ``len(keys)`` ids, they are ours, numbered in the order written (SQLite takes the next
    rowid; PostgreSQL's sequence hands out one value per row in statement order, and
    anyone else's row in between would break the run). Otherwise (concurrent writers, a
    sequence handing out cached blocks) the ids are looked up by key.
    """
    table = model.__table__
    connection = db.session.connection()
    low, high, count = connection.execute(
        select(func.min(table.c.id), func.max(table.c.id), func.count()).where(table.c.id > after)
    ).one()
    if count == len(keys) and count and high - low + 1 == count:
        return list(range(low, high + 1))
    columns = [table.c[name] for name in key_columns]
    recent = connection.execute(select(*columns, table.c.id).where(table.c.id > after)).all()
    found = {tuple(row[:-1]): row[-1] for row in recent}
    missing = [key for key in keys if key not in found]
    for chunk in chunks(missing, 500):
        condition = or_(
            *(and_(*(c == v for c, v in zip(columns, key, strict=True))) for key in chunk)
        )
        for *key, row_id in connection.execute(select(*columns, table.c.id).where(condition)):
            found[tuple(key)] = row_id
    return [found[key] for key in keys]
