"""A database of its own for tests that need real commits seen by other apps or processes.

The suite's per-test transaction cannot be shared with a second app or a worker process, so
such a test gets a scratch database: a SQLite file under its tmp_path, or, when the suite
runs on PostgreSQL, a fresh schema in TEST_DATABASE_URL (dropped afterwards), chosen through
the connection's search_path so that every app and process given the URL uses it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core.app import create_app
from core.config import TestConfig
from core.extensions import db


@contextmanager
def scratch_database(tmp_path: Path) -> Iterator[str]:
    """Yield the URL of an empty database (not yet migrated) that lives for the block."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    schema = f"scratch_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def make_app(database_url: str, instance: Path, **settings) -> Flask:
    """Return an app on ``database_url`` with the test settings, changed by ``settings``."""
    config = TestConfig(database_url, instance)
    for name, value in settings.items():
        setattr(config, name, value)
    return create_app(config)


def migrate(app: Flask) -> None:
    with app.app_context():
        upgrade()
        db.session.remove()


def dispose(*apps: Flask) -> None:
    """Close the apps' connections (a scratch schema cannot be dropped while they are open)."""
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
