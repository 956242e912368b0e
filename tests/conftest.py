"""Shared fixtures: one app per session on a migrated database, a rolled-back transaction
per test, factories and ``login_as``.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
Browser tests (marker e2e) run their own server and database and skip all of this.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text

from core.app import create_app
from core.config import TestConfig
from core.extensions import db
from tests import factories


def _reset_postgres(url: str) -> None:
    """Empty the test database so migrations start from nothing."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        _reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


class Client(FlaskClient):
    """A test client whose every request starts with an empty ``g``.

    Tests run inside an app context (for the per-test transaction), and Flask reuses it for
    requests, so ``g`` (where Flask-Login caches the user and Flask-Babel the locale) would
    otherwise leak from one request, or one client, to the next.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    instance = Path(tmp_path_factory.mktemp("instance"))
    app = create_app(TestConfig(database_url, instance))
    app.test_client_class = Client
    with app.app_context():
        upgrade()  # the real migrations, not create_all(): they are under test too
        # Code under test commits; inside the per-test transaction a commit only
        # releases a savepoint, so the test still ends with a clean database.
        db.session.remove()
        db.session.configure(join_transaction_mode="create_savepoint")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _transaction(request):
    """Run each test inside a transaction that is rolled back at the end."""
    if request.node.get_closest_marker("e2e"):
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        engines = db.engines
        engine = engines[None]
        connection = engine.connect()
        outer = connection.begin()
        engines[None] = connection  # every session of this test binds to this connection
        try:
            yield
        finally:
            db.session.remove()
            outer.rollback()
            connection.close()
            engines[None] = engine


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login_as(client):
    """Sign ``client`` in as a user without going through the form."""

    def _login(user):
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return client

    return _login


@pytest.fixture
def world(app):
    """Two sponsors, two institutions and one user per role on the first institution."""
    return factories.create_world()


@pytest.fixture
def count_queries():
    """Count the SQL statements run inside a ``with count_queries() as counter:`` block."""

    @contextmanager
    def _count():
        connection = db.engines[None]
        counter = {"n": 0}

        def _before(*_args, **_kwargs):
            counter["n"] += 1

        event.listen(connection, "before_cursor_execute", _before)
        try:
            yield counter
        finally:
            event.remove(connection, "before_cursor_execute", _before)

    return _count


#: Tests whose subject does not depend on the database, whatever TEST_DATABASE_URL says: the
#: pure rules (their conftest replaces the per-test transaction), the page sweeps whose
#: subject is text (every page in English), and the permission matrix, whose subject is the
#: authorization decisions, made in Python (core/permissions.py, the packages' scoped
#: loaders) the same way on either database. The PostgreSQL pass skips them and the SQLite
#: pass runs them, so each runs once per CI run rather than twice; everything that does
#: depend on the database (queries, locks, constraints, the concurrency tests, the browser
#: tests) runs on both.
DATABASE_INDEPENDENT = (
    "tests/governance/",
    "tests/payroll/rules/",
    "tests/test_english_pages.py",
    "tests/test_permission_matrix.py",
)


def pytest_collection_modifyitems(config, items):
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        return
    root = Path(config.rootpath)
    skip = pytest.mark.skip(reason="does not depend on the database: runs in the SQLite pass")
    for item in items:
        path = Path(item.path).relative_to(root).as_posix()
        if path.startswith(DATABASE_INDEPENDENT):
            item.add_marker(skip)
