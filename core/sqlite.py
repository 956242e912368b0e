"""SQLite as the server's database: WAL, foreign keys, and writers that queue.

SQLite lets one connection write at a time. A plain (deferred) ``BEGIN`` takes the write
lock only at the transaction's first write; if another connection has committed since the
transaction's first read, SQLite answers "database is locked" at once, without waiting for
the busy timeout (waiting could not help: the transaction's snapshot is stale). So a
transaction that is going to write says so when it starts: ``BEGIN IMMEDIATE`` takes the
write lock up front, waiting up to the busy timeout for it, and concurrent writers queue.

Which transactions write:

- in a request, those of every method except GET, HEAD and OPTIONS (safe methods never
  write in this application);
- outside a request (CLI commands, seeders, background work, the test suite's outer
  transaction), all of them;
- :func:`reading` and :func:`writing` override that for a block, :func:`read_only` for a
  command that only reads (an export, ``governance verify``), and :func:`reads_only` for
  the rest of a request (the conflict page after a rollback only reads).

Reads stay deferred: under WAL they run beside a writer and see the last commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

F = TypeVar("F", bound=Callable[..., Any])

#: Methods that never write; their transactions start deferred.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_READS_ONLY = "core.sqlite.reads_only"
_forced: ContextVar[bool | None] = ContextVar("sqlite_immediate", default=None)


def starts_immediate() -> bool:
    """Return whether a transaction starting now should take the write lock up front."""
    forced = _forced.get()
    if forced is not None:
        return forced
    if has_request_context():
        if request.environ.get(_READS_ONLY):
            return False
        return request.method not in SAFE_METHODS
    return True


@contextmanager
def _forcing(immediate: bool) -> Iterator[None]:
    token = _forced.set(immediate)
    try:
        yield
    finally:
        _forced.reset(token)


def writing() -> AbstractContextManager[None]:
    """Within this block, transactions that start take the write lock up front."""
    return _forcing(True)


def reading() -> AbstractContextManager[None]:
    """Within this block, transactions that start are deferred (reads, beside any writer)."""
    return _forcing(False)


def read_only(function: F) -> F:
    """Run a command that only reads (an export, a check) without taking the write lock.

    Outside a request every transaction takes the write lock up front; a long read-only
    command would make the web's writers wait for it. Put it under ``@group.command``.
    """

    @wraps(function)
    def wrapper(*args, **kwargs):
        with reading():
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def reads_only() -> None:
    """Start the rest of this request's transactions deferred (after a rollback, to read)."""
    if has_request_context():
        request.environ[_READS_ONLY] = True


def configure(app: Flask, engine: Engine) -> None:
    """Install SQLAlchemy's recipe for real transactions, with BEGIN IMMEDIATE for writes."""
    busy_ms = int(float(app.config.get("SQLITE_BUSY_TIMEOUT", 10)) * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cursor = dbapi_connection.cursor()
        # First, so that the statements below wait for a lock rather than fail.
        cursor.execute(f"PRAGMA busy_timeout={busy_ms:d}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if starts_immediate() else "BEGIN")


__all__ = [
    "SAFE_METHODS",
    "configure",
    "read_only",
    "reading",
    "reads_only",
    "starts_immediate",
    "writing",
]
