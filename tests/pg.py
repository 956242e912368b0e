"""A PostgreSQL database of a test's own, migrated, for the threaded race tests.

The race tests need real concurrent connections, so they cannot share the suite's
rolled-back transaction: each creates ``<db>_<suffix>`` next to TEST_DATABASE_URL, migrates
it, and drops it afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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
