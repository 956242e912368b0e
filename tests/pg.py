"""A database of a test's own, migrated, for the threaded race tests, on either database.

The race tests need real concurrent connections, so they cannot share the suite's
rolled-back transaction. On PostgreSQL each creates ``<db>_<suffix>`` next to
TEST_DATABASE_URL, migrates it, and drops it afterwards; on SQLite it is a file in the test's
temporary directory, with the server's settings (WAL, writers taking the lock up front,
core/sqlite.py). :func:`race_app` picks one by name, so a race test is parametrised over both
(house rule: every concurrency test runs on both databases). The SQLite case runs in the
SQLite pass and the PostgreSQL case in the PostgreSQL pass, so neither pass repeats the other.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text

from core import config as app_config
from core.app import create_app
from core.extensions import db


def admin_execute(url, *statements: str) -> None:
    """Run ``statements`` outside a transaction on the server's ``postgres`` database."""
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


@contextmanager
def own_database_app(url: str, suffix: str, tmp_path, **engine_options) -> Iterator:
    """Yield an app on a new, migrated database ``<db>_<suffix>``; drop it at the end."""
    base = make_url(url)
    name = f"{base.database}_{suffix}"
    admin_execute(
        base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'
    )
    config = app_config.TestConfig(
        base.set(database=name).render_as_string(hide_password=False), tmp_path
    )
    config.SQLALCHEMY_ENGINE_OPTIONS = engine_options
    app = create_app(config)
    try:
        with app.app_context():
            upgrade()
            db.session.remove()
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        admin_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


#: The two databases a race test runs on, as ``pytest.fixture(params=DATABASES)``.
DATABASES = ("sqlite", "postgresql")


@contextmanager
def race_app(database: str, suffix: str, tmp_path, **engine_options) -> Iterator:
    """Yield an app on a migrated database of its own: ``sqlite`` or ``postgresql``.

    Skips the case the current pass does not cover: PostgreSQL needs TEST_DATABASE_URL on
    PostgreSQL, and the SQLite case runs only in the SQLite pass.
    """
    url = os.environ.get("TEST_DATABASE_URL", "")
    on_postgresql = url.startswith("postgresql")
    if database == "postgresql":
        if not on_postgresql:
            pytest.skip("needs TEST_DATABASE_URL on PostgreSQL")
        with own_database_app(url, suffix, tmp_path, **engine_options) as app:
            yield app
        return
    if on_postgresql:
        pytest.skip("the SQLite case runs in the SQLite pass")
    config = app_config.TestConfig(f"sqlite:///{tmp_path / f'{suffix}.db'}", tmp_path)
    config.SQLITE_BUSY_TIMEOUT = 60  # every racer waits its turn for the write lock
    config.SQLALCHEMY_ENGINE_OPTIONS = engine_options
    app = create_app(config)
    try:
        with app.app_context():
            upgrade()
            db.session.remove()
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
