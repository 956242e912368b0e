"""Error pages in Chinese; no input ever reaches a bare 500."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from core.extensions import db
from core.i18n import Msg


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
    400: ("请求有误", "提交的内容无法处理，请返回上一页检查后重试。"),
    403: (
        "没有权限",
        "您的账号没有访问此页面或执行此操作的权限。如需开通，请联系单位管理员或编办。",
    ),
    404: ("页面不存在", "您要找的页面或记录不存在，或者不在您的权限范围内。"),
    405: ("请求方式不允许", "此地址不接受这种请求方式。"),
    413: ("文件太大", "上传的文件超过了大小限制，请压缩或拆分后重新上传。"),
    429: ("操作太频繁", "请稍后再试。"),
    500: ("系统出错", "服务器处理请求时出错，已记录该问题。请稍后重试，或联系系统管理员。"),
}


def _render(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if code == 413:
        limit_mb = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
        message = _("上传的文件超过了 %(mb)s MB 的限制，请压缩或拆分后重新上传。", mb=limit_mb)
    return (
        render_template(
            "errors/error.html", code=code, title=str(title), message=detail or str(message)
        ),
        code,
    )


def register(app: Flask) -> None:
    """Install the error handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _render(400, _("表单已过期或来源不可信（CSRF 校验失败），请刷新页面后重新提交。"))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return _render(error.code)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if current_app.testing:  # let the test see the real error
            raise error
        return _render(500)
