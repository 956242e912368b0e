"""The application factory."""

from __future__ import annotations

import logging
from functools import cache
from importlib import import_module
from pathlib import Path

from flask import Flask, has_request_context, redirect, request, session, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from core.config import INSTANCE, ROOT, Config
from core.extensions import babel, bootstrap, csrf, db, login_manager, migrate
from core.i18n import N_
from core.modules import MODULES, install, load_modules


def create_app(config: object | None = None) -> Flask:
    """Create and configure the app; ``config`` defaults to the environment's settings."""
    app = Flask(
        "core",
        root_path=str(ROOT),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(INSTANCE),
        instance_relative_config=True,
    )
    app.config.from_object(config or Config(Path(app.instance_path)))

    # Core's own models; each package's models come in with its module.
    for name in ("core.auth.models", "core.audit", "core.notifications", "core.parameters"):
        import_module(name)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=None)
    bootstrap.init_app(app)

    _configure_login()
    _configure_sqlite(app)

    from core import errors, jobs, templating
    from core.cli import register_cli
    from core.module import module as core_module

    # Background jobs and stored files (core/jobs.py, core/files.py): queue, task, pages.
    jobs.init_app(app)
    names = app.config.get("MODULES", MODULES)
    platform = install(app, [core_module, *load_modules(names)])
    for kind in platform.jobs:
        jobs.register_job_kind(app, kind)

    errors.register(app)
    templating.register(app)
    register_cli(app)

    app.before_request(_force_password_change)
    app.after_request(_security_headers)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
    return app


def _select_locale() -> str:
    languages = ("zh", "en")
    if not has_request_context():
        return "zh"
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return "zh"


def _configure_login() -> None:
    from core.auth.models import User

    login_manager.login_view = "auth.login"
    login_manager.login_message = N_("请先登录。")
    login_manager.localize_callback = gettext  # translated when flashed, stored as text
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        user_pk, _, token = user_id.partition(":")
        if not user_pk.isdigit():
            return None
        user = db.session.scalars(_user_statement(), {"user_id": int(user_pk)}).unique().first()
        if user is None or not user.is_active or user.session_token != token:
            return None
        return user


@cache
def _user_statement():
    """The signed-in user with their memberships (every page asks what they may do), in one
    query built once: building a statement costs more than running it."""
    from core.auth.models import User

    return select(User).options(joinedload(User.memberships)).where(User.id == bindparam("user_id"))


def _configure_sqlite(app: Flask) -> None:
    """Give SQLite WAL, foreign keys and real transactions; writers take the lock up front."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from core import sqlite

    with app.app_context():
        sqlite.configure(app, db.engine)


def _force_password_change():
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint
        not in {"auth.change_password", "auth.logout", "static", "core.favicon"}
        and not (request.endpoint or "").startswith("bootstrap.")
    ):
        return redirect(url_for("auth.change_password"))
    return None


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "frame-ancestors 'none'; form-action 'self'",
    )
    if "text/html" in response.content_type:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


__all__ = ["create_app", "get_locale"]
