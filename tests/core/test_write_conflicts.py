"""Writers on SQLite take the lock up front and queue; a conflict that still escapes is a 409.

The end-to-end version (a real server, sixteen voters, concurrent imports, on both
databases) is tests/test_concurrent_writes.py; these pin down the pieces.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import ExitStack, contextmanager

import psycopg.errors
import pytest
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, OperationalError

from core import config as app_config
from core import sqlite
from core.app import create_app
from core.errors import is_write_conflict, on_conflict
from core.extensions import db
from core.i18n import msg
from tests.factories import create_user


def _wrapped(cls, orig):
    return cls("INSERT INTO t VALUES (?)", (1,), orig)


def _sqlite_error(cls, message, name=None, code=None):
    error = cls(message)
    if name:
        error.sqlite_errorname = name
        error.sqlite_errorcode = code
    return error


# --------------------------------------------------------------------------- which errors


@pytest.mark.parametrize(
    ("error", "conflict"),
    [
        (_wrapped(OperationalError, sqlite3.OperationalError("database is locked")), True),
        (
            _wrapped(
                OperationalError,
                _sqlite_error(sqlite3.OperationalError, "database is locked", "SQLITE_BUSY", 5),
            ),
            True,
        ),
        (  # a deferred transaction whose snapshot went stale: SQLITE_BUSY_SNAPSHOT
            _wrapped(
                OperationalError,
                _sqlite_error(
                    sqlite3.OperationalError, "database is locked", "SQLITE_BUSY_SNAPSHOT", 517
                ),
            ),
            True,
        ),
        (_wrapped(OperationalError, sqlite3.OperationalError("no such table: t")), False),
        (_wrapped(OperationalError, psycopg.errors.SerializationFailure()), True),
        (_wrapped(OperationalError, psycopg.errors.DeadlockDetected()), True),
        (_wrapped(OperationalError, psycopg.errors.LockNotAvailable()), True),
        (_wrapped(OperationalError, psycopg.errors.QueryCanceled()), False),
        (
            _wrapped(
                IntegrityError,
                sqlite3.IntegrityError("UNIQUE constraint failed: people.citizen_id"),
            ),
            True,
        ),
        (_wrapped(IntegrityError, sqlite3.IntegrityError("FOREIGN KEY constraint failed")), False),
        (
            _wrapped(
                IntegrityError,
                _sqlite_error(
                    sqlite3.IntegrityError,
                    "NOT NULL constraint failed: t.x",
                    "SQLITE_CONSTRAINT_NOTNULL",
                    1299,
                ),
            ),
            False,
        ),
        (_wrapped(IntegrityError, psycopg.errors.UniqueViolation()), True),
        (_wrapped(IntegrityError, psycopg.errors.ForeignKeyViolation()), False),
        (RuntimeError("database is locked"), False),
    ],
)
def test_which_errors_are_write_conflicts(error, conflict):
    assert is_write_conflict(error) is conflict


# --------------------------------------------------------------------------- the 409 answer


def _raising(error, message=None):
    def view(*_args, **_kwargs):
        raise error

    if message is not None:
        view = on_conflict(message)(view)
    return view


LOCKED = _wrapped(OperationalError, sqlite3.OperationalError("database is locked"))


def test_a_lock_that_escapes_is_a_409_page_in_the_readers_language(
    app, client, login_as, monkeypatch
):
    login_as(create_user())
    db.session.commit()
    monkeypatch.setitem(app.view_functions, "core.inbox_read_all", _raising(LOCKED))
    response = client.post("/inbox/read-all")
    assert response.status_code == 409
    assert response.headers["Retry-After"]
    body = response.get_data(as_text=True)
    assert "操作冲突" in body and "另一项操作正在修改相同的数据，请稍后再试。" in body
    assert "database is locked" not in body

    with client.session_transaction() as session:
        session["lang"] = "en"
    body = client.post("/inbox/read-all").get_data(as_text=True)
    assert "Conflict" in body and "Please try again in a moment" in body
    assert "另一项" not in body


def test_json_clients_get_json(app, client, login_as, monkeypatch):
    login_as(create_user())
    db.session.commit()
    unique = _wrapped(IntegrityError, psycopg.errors.UniqueViolation())
    message = msg("另一项导入正在进行，请稍后再试。")
    monkeypatch.setitem(app.view_functions, "core.inbox_read_all", _raising(unique, message))
    for headers in ({"Accept": "application/json"}, {"Content-Type": "application/json"}):
        response = client.post("/inbox/read-all", headers=headers)
        assert response.status_code == 409
        assert response.get_json() == {
            "error": "conflict",
            "message": "另一项导入正在进行，请稍后再试。",
        }


def test_other_database_errors_are_not_dressed_up(app, client, login_as, monkeypatch):
    login_as(create_user())
    db.session.commit()
    broken = _wrapped(OperationalError, sqlite3.OperationalError("no such table: t"))
    monkeypatch.setitem(app.view_functions, "core.inbox_read_all", _raising(broken))
    with pytest.raises(OperationalError):  # in testing, the real error reaches the test
        client.post("/inbox/read-all")
    monkeypatch.setattr(app, "testing", False)
    response = client.post("/inbox/read-all")
    assert response.status_code == 500


# --------------------------------------------------------------------------- BEGIN IMMEDIATE


def test_which_transactions_take_the_write_lock_up_front(app):
    with app.test_request_context("/", method="GET"):
        assert not sqlite.starts_immediate()
        with sqlite.writing():
            assert sqlite.starts_immediate()
    for method in ("HEAD", "OPTIONS"):
        with app.test_request_context("/", method=method):
            assert not sqlite.starts_immediate()
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        with app.test_request_context("/", method=method):
            assert sqlite.starts_immediate()
            with sqlite.reading():
                assert not sqlite.starts_immediate()
            sqlite.reads_only()  # the conflict page, after its rollback
            assert not sqlite.starts_immediate()
    # CLI commands, seeders, background work
    assert sqlite.starts_immediate()
    with sqlite.reading():
        assert not sqlite.starts_immediate()

    @sqlite.read_only
    def export():  # a command that only reads
        return sqlite.starts_immediate()

    assert export() is False
    assert sqlite.starts_immediate()


@pytest.fixture
def file_app(tmp_path):
    """An app on a SQLite file of its own, with a short busy timeout."""
    config = app_config.TestConfig(f"sqlite:///{tmp_path / 'locks.db'}", tmp_path)
    config.SQLITE_BUSY_TIMEOUT = 5
    app = create_app(config)
    with app.app_context(), db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE counter (n INTEGER NOT NULL)")
        conn.exec_driver_sql("INSERT INTO counter VALUES (0)")
    yield app
    with app.app_context():
        db.engine.dispose()


@contextmanager
def _transaction(app, method: str | None):
    """Yield a connection in a transaction begun as in a request of ``method`` (None: CLI)."""
    with ExitStack() as stack:
        stack.enter_context(app.app_context())
        if method is not None:
            stack.enter_context(app.test_request_context("/", method=method))
        conn = stack.enter_context(db.engine.connect())
        stack.enter_context(conn.begin())
        yield conn


def test_begin_statements_follow_the_request_method(file_app):
    begins = []
    with file_app.app_context():
        engine = db.engine

        def _record(_conn, _cursor, statement, *_args):
            if statement.startswith("BEGIN"):
                begins.append(statement)

        event.listen(engine, "before_cursor_execute", _record)
        try:
            for method in ("GET", "POST", None):
                with _transaction(file_app, method) as conn:
                    conn.exec_driver_sql("SELECT n FROM counter")
        finally:
            event.remove(engine, "before_cursor_execute", _record)
    assert begins == ["BEGIN", "BEGIN IMMEDIATE", "BEGIN IMMEDIATE"]
    with file_app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_writers_queue_and_readers_do_not_wait(file_app):
    """Read-then-write transactions on two connections: the second waits, then succeeds."""
    holding = threading.Event()
    errors: list[BaseException] = []

    def increment(hold: float) -> None:
        try:
            with _transaction(file_app, "POST") as conn:
                n = conn.exec_driver_sql("SELECT n FROM counter").scalar()
                holding.set()
                time.sleep(hold)
                conn.exec_driver_sql("UPDATE counter SET n = ?", (n + 1,))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    first = threading.Thread(target=increment, args=(0.3,))
    first.start()
    assert holding.wait(5)
    # a reader is not held up by the writer (WAL) and sees the last commit
    started = time.monotonic()
    with _transaction(file_app, "GET") as conn:
        assert conn.exec_driver_sql("SELECT n FROM counter").scalar() == 0
    assert time.monotonic() - started < 0.2
    # a second writer waits for the first instead of failing, and sees its result
    increment(0)
    first.join(5)
    assert errors == []
    with file_app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT n FROM counter").scalar() == 2
