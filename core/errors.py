"""Error pages in Chinese; no input ever reaches a bare 500."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from typing import TypeVar

from flask import Flask, current_app, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from core import sqlite
from core.extensions import db
from core.i18n import N_, Msg, msg


class Refusal(ValueError):
    """An operation refused: what to fix, said to the user; nothing has been written.

    Every package's refusals derive from this. ``message`` is a :class:`~core.i18n.Msg` (or
    plain text from older code), translated where it is shown; ``field`` names the form field
    it is about, if any. A refusal about several fields at once gives ``errors``
    ({field: message}, so the form shows every reason in one round); ``message`` and
    ``field`` are then its first entry.
    """

    status_code = 422

    def __init__(
        self,
        message: Msg | str | None = None,
        *,
        field: str | None = None,
        errors: Mapping[str, Msg | str] | None = None,
    ) -> None:
        self.errors: dict[str, Msg | str] = dict(errors or {})
        if message is None:
            if not self.errors:
                raise ValueError("a refusal needs a message")
            field, message = next(iter(self.errors.items()))
        super().__init__(message)
        self.message = message
        self.field = field

    def by_field(self) -> dict[str | None, Msg | str]:
        """Return every reason by the field it is about (None: not about one field)."""
        return dict(self.errors) if self.errors else {self.field: self.message}

    def __str__(self) -> str:
        return str(self.message)

    def __html__(self):
        from markupsafe import escape

        return escape(self.message)


MESSAGES = {
    400: (N_("请求有误"), N_("提交的内容无法处理，请返回上一页检查后重试。")),
    403: (
        N_("没有权限"),
        N_("您的账号没有访问此页面或执行此操作的权限。如需开通，请联系单位管理员或编办。"),
    ),
    404: (N_("页面不存在"), N_("您要找的页面或记录不存在，或者不在您的权限范围内。")),
    405: (N_("请求方式不允许"), N_("此地址不接受这种请求方式。")),
    409: (N_("操作冲突"), N_("另一项操作正在修改相同的数据，请稍后再试。")),
    413: (N_("文件太大"), N_("上传的文件超过了大小限制，请压缩或拆分后重新上传。")),
    429: (N_("操作太频繁"), N_("请稍后再试。")),
    500: (
        N_("系统出错"),
        N_("服务器处理请求时出错，已记录该问题。请稍后重试，或联系系统管理员。"),
    ),
    422: (N_("无法办理"), N_("提交的内容有误，请返回上一页修改后重试。")),
}


def _render(code: int, detail: Msg | str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if code == 413:
        limit_mb = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
        message = _("上传的文件超过了 %(mb)s MB 的限制，请压缩或拆分后重新上传。", mb=limit_mb)
    else:
        message = _(message)
    return (
        render_template(
            "errors/error.html", code=code, title=_(title), message=detail or str(message)
        ),
        code,
    )


# --------------------------------------------------------------------------- write conflicts

#: What the 409 page says when an import's writes collide with another's.
IMPORT_CONFLICT = msg("另一项导入正在进行，请稍后再试。")

#: PostgreSQL: serialization failure, deadlock, lock not available (lock_timeout).
_CONFLICT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
_UNIQUE_SQLSTATE = "23505"
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6
_SQLITE_UNIQUE = frozenset({"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"})

View = TypeVar("View", bound=Callable)


def on_conflict(message: Msg) -> Callable[[View], View]:
    """Say what the 409 page tells the user when this view's writes collide with another's.

    Put it under ``@bp.route``; ``functools.wraps`` in ``login_required`` carries it along.
    """

    def decorate(view: View) -> View:
        view.conflict_message = message
        return view

    return decorate


def is_write_conflict(error: BaseException) -> bool:
    """Return whether a database error is a collision with a concurrent writer.

    That is: SQLite still busy or locked after the busy timeout; PostgreSQL's serialization
    failures, deadlocks and lock timeouts; a unique constraint that another transaction
    filled in between this one's check and its write. Other errors are bugs, not conflicts.
    """
    if not isinstance(error, DBAPIError):
        return False
    orig = error.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if isinstance(error, IntegrityError):
        if sqlstate is not None:
            return sqlstate == _UNIQUE_SQLSTATE
        if isinstance(orig, sqlite3.IntegrityError):
            name = getattr(orig, "sqlite_errorname", None)
            if name:
                return name in _SQLITE_UNIQUE
            return str(orig).startswith("UNIQUE constraint failed")
        return False
    if isinstance(error, OperationalError):
        if sqlstate is not None:
            return sqlstate in _CONFLICT_SQLSTATES
        if isinstance(orig, sqlite3.OperationalError):
            code = getattr(orig, "sqlite_errorcode", None)
            if code is not None:
                return code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
            return "database is locked" in str(orig) or "database table is locked" in str(orig)
    return False


# --------------------------------------------------------------------------- reloadable forms


def page_for(path: str) -> str | None:
    """Return the nearest page above ``path`` that answers GET, or None.

    A form that fails validation is shown again by the POST that received it, so the address
    bar keeps the POST's URL (``/institutions/7/quota/add``). Every such URL sits under the
    page that holds its form (``/institutions/7/quota``): walking up one segment at a time
    finds it. The site root is the last resort.
    """
    adapter = current_app.url_map.bind_to_environ(request.environ)
    parts = path.rstrip("/").split("/")
    while len(parts) > 1:
        parts.pop()
        candidate = "/".join(parts) or "/"
        for url in dict.fromkeys((candidate, candidate.rstrip("/") + "/")):
            try:
                adapter.match(url, method="GET")
            except (NotFound, MethodNotAllowed, RequestRedirect):
                continue
            return url
    return None


def _reload_of_a_form(error: MethodNotAllowed):
    """Send a GET for a POST-only URL to the page that holds its form (303), else None.

    Reloading the page shown after a validation error, or opening its URL again, then
    leads back to the form instead of a 405. The page checks access as usual.
    """
    if request.method not in ("GET", "HEAD") or wants_json():
        return None
    if "POST" not in (error.valid_methods or ()):
        return None
    target = page_for(request.path)
    return redirect(target, 303) if target else None


def wants_json() -> bool:
    """Return whether the client asked for JSON rather than a page."""
    if request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _conflict(error: DBAPIError):
    """Roll back and answer 409 with what to do: wait a moment and try again."""
    db.session.rollback()
    sqlite.reads_only()  # the page only reads; it need not queue behind the writers again
    current_app.logger.warning(
        "Write conflict on %s %s (%s): %s",
        request.method,
        request.path,
        type(error.orig).__name__,
        str(error.orig).splitlines()[0] if str(error.orig) else "",
    )
    view = current_app.view_functions.get(request.endpoint or "")
    message = getattr(view, "conflict_message", None) or msg(MESSAGES[409][1])
    if wants_json():
        response = jsonify(error="conflict", message=str(message))
        response.status_code = 409
    else:
        response = current_app.make_response(_render(409, message))
    response.headers["Retry-After"] = "2"
    return response


def register(app: Flask) -> None:
    """Install the error handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _render(400, _("表单已过期或来源不可信（CSRF 校验失败），请刷新页面后重新提交。"))

    @app.errorhandler(Refusal)
    def refused(error: Refusal):
        # A refusal that no view caught (e.g. text too long for its column, checked at
        # flush): the user gets the reason with a 422, never a 500.
        db.session.rollback()
        return _render(422, str(error.message))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if isinstance(error, MethodNotAllowed):
            reload = _reload_of_a_form(error)
            if reload is not None:
                return reload
        return _render(error.code)

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError):
        if is_write_conflict(error):
            return _conflict(error)
        return unexpected_error(error)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if current_app.testing:  # let the test see the real error
            raise error
        return _render(500)
