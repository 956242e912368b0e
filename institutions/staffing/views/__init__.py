"""The staffing office's pages, on one blueprint: the dashboard and city-wide ledger,
evaluations, quota requests, annual reports and API clients (one module each)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from core.ids import china_today
from core.permissions import Scope, require, scope_for
from institutions.models import Institution
from institutions.scoped import institution_for
from institutions.staffing import queries

bp = Blueprint("staffing", __name__, url_prefix="/staffing")


def overview_scope(perm: str) -> Scope:
    """Authorize a city-wide page and return the scope it is filtered by."""
    require(perm)
    return scope_for(current_user, perm)


def place_args(scope: Scope) -> queries.Place:
    district = request.args.get("district") or None
    sponsor_id = request.args.get("sponsor_id", type=int)
    return queries.place_from(district, sponsor_id, scope)


def on_date() -> date:
    """Return the ?on= date of a page (today in China when absent or malformed)."""
    value = request.args.get("on", "").strip()
    try:
        return date.fromisoformat(value) if value else china_today()
    except ValueError:
        return china_today()


def institution(institution_id: int, perm: str) -> Institution:
    return institution_for(institution_id, perm)


def render(template: str, status: int = 200, **context):
    return render_template(template, **context), status


def not_found():
    abort(404)


from institutions.staffing.views import (  # noqa: E402, F401 - register the routes
    clients,
    dashboard,
    evaluations,
    reports,
    requests,
)
