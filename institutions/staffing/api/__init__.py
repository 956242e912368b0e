"""The open, read-only JSON API under /api/v1 for the staffing office's own systems.

Built with flask-smorest, so the OpenAPI document (/api/v1/openapi.json) comes from the
code. A client sends ``Authorization: Bearer <token>``; tokens are issued, scoped (the city,
or one sponsor's institutions) and revoked by the office, and only their SHA-256 is kept.
Every answer, errors included, is JSON; errors carry a message in Chinese.
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_smorest import Api

from institutions.staffing.api.views import blp, not_found

API_PREFIX = "/api/v1"


class StaffingApi(Api):
    """flask-smorest's Api without its app-wide error handler: the web pages keep theirs,
    and the API blueprint answers its own errors in JSON (``views.api_error``)."""

    def _register_error_handlers(self) -> None:
        pass


def init_api(app: Flask) -> Api:
    """Mount the API on ``app`` (one Api per app; nothing kept at module level)."""
    app.config.setdefault("API_TITLE", "事业单位编办开放接口 · Staffing office open API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {
                "description": (
                    "只读接口：单位、编制台账、指标、职能运行评估和年度报告报送情况。"
                    "请求须带 `Authorization: Bearer <令牌>`；令牌由编办签发。"
                ),
            },
            "servers": [{"url": "/"}],
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer"},
                }
            },
            "security": [{"bearerAuth": []}],
        },
    )
    api = StaffingApi(app)
    api.register_blueprint(blp)
    # Unknown paths under the prefix answer in JSON too, not with the HTML 404 page.
    app.add_url_rule(
        f"{API_PREFIX}/<path:rest>",
        endpoint="api_not_found",
        view_func=not_found,
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
    )
    app.extensions["staffing_api"] = api
    return api


def spec_dict(app: Flask | None = None) -> dict:
    """Return the OpenAPI document as a dict."""
    return (app or current_app).extensions["staffing_api"].spec.to_dict()
