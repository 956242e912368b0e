"""Home page, the site icon, language choice and the audit trail."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select, update

from core import queries
from core.audit import AuditEvent, action_label, object_label, readable_changes
from core.auth.operations import remember_locale
from core.excel import Column, Spec
from core.extensions import db
from core.home import sections_for
from core.http import dated_filename, xlsx_response
from core.listing import Sort, paginate, read_sort
from core.models import utcnow
from core.notifications import Notification
from core.permissions import AUDIT_VIEW, require, scope_for
from core.redirects import safe_next

bp = Blueprint("core", __name__)


@bp.route("/")
@login_required
def home():
    return render_template(
        "core/home.html",
        memberships=current_user.memberships,
        sections=sections_for(current_user),
    )


@cache
def _icon(folder: str) -> bytes:
    return (Path(folder) / "favicon.ico").read_bytes()


@bp.route("/favicon.ico")
def favicon():
    """The site's icon, where browsers look for it without being told (public, cached)."""
    response = Response(_icon(current_app.static_folder), mimetype="image/vnd.microsoft.icon")
    response.cache_control.public = True
    response.cache_control.max_age = 7 * 24 * 3600
    return response


@bp.route("/language", methods=["POST"])
def set_language():
    lang = request.form.get("lang")
    if lang in ("zh", "en"):
        session["lang"] = lang
        if current_user.is_authenticated and getattr(current_user, "locale", lang) != lang:
            remember_locale(current_user, lang)
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for(".home")))


@bp.route("/inbox")
@login_required
def inbox():
    stmt = select(Notification).where(Notification.user_id == current_user.id)
    page = paginate(stmt, INBOX_SORTS, Sort("created_at", True), Notification.id.desc())
    return render_template("core/inbox.html", page=page)


@bp.route("/inbox/<int:notification_id>/read", methods=["POST"])
@login_required
def inbox_read(notification_id: int):
    message = db.session.scalar(
        select(Notification).where(
            Notification.id == notification_id, Notification.user_id == current_user.id
        )
    )
    if message is None:
        abort(404)
    if message.read_at is None:
        message.read_at = utcnow()
        db.session.commit()
    return redirect(safe_next(message.link, url_for(".inbox")))


@bp.route("/inbox/read-all", methods=["POST"])
@login_required
def inbox_read_all():
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    return redirect(url_for(".inbox"))


INBOX_SORTS = {"created_at": Notification.created_at}

AUDIT_SORTS = {"occurred_at": AuditEvent.occurred_at, "action": AuditEvent.action}


def _parse_day(name: str) -> date | None:
    value = request.args.get(name, "").strip()
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _audit_filters() -> dict:
    return {
        "institution_id": request.args.get("institution_id", type=int),
        "action": request.args.get("action", "").strip() or None,
        "actor": request.args.get("actor", "").strip() or None,
        "since": _parse_day("since"),
        "until": _parse_day("until"),
        "sign_ins": request.args.get("sign_ins") == "1",
    }


def _audit_stmt():
    require(AUDIT_VIEW)
    filters = _audit_filters()
    stmt = queries.audit_events(scope_for(current_user, AUDIT_VIEW), **filters)
    return stmt, filters


@bp.route("/audit")
@login_required
def audit_index():
    stmt, filters = _audit_stmt()
    sort = read_sort(AUDIT_SORTS, "occurred_at", descending=True)
    page = paginate(stmt, AUDIT_SORTS, sort, AuditEvent.id.desc())
    institutions = queries.institution_names(
        {e.institution_id for e in page.items if e.institution_id}
    )
    return render_template(
        "audit/index.html",
        page=page,
        sort=sort,
        filters=filters,
        institutions=institutions,
        choices=queries.audit_institution_choices(scope_for(current_user, AUDIT_VIEW)),
    )


@bp.route("/audit/<int:event_id>")
@login_required
def audit_detail(event_id: int):
    require(AUDIT_VIEW)
    scope = scope_for(current_user, AUDIT_VIEW)
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.id == event_id, queries.audit_scope_clause(scope))
    )
    if event is None:
        abort(404)
    names = queries.institution_names({event.institution_id} if event.institution_id else set())
    return render_template(
        "audit/detail.html",
        event=event,
        institutions=names,
        changes=readable_changes(event),
    )


def _audit_export_spec() -> Spec:
    """Return the export's columns; the time column names the zone its times are in."""
    zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    return Spec(
        sheet_name="审计日志",
        title="审计日志",
        columns=(
            Column(f"时间（{zone}）", "occurred_at", "text", width=22),
            Column("操作人", "actor_name", "text", width=14),
            Column("IP 地址", "ip_address", "text", width=16),
            Column("操作", "action", "text", width=24),
            Column("单位", "institution", "text", width=30),
            Column("对象", "object", "text", width=20),
            Column("摘要", "summary", "text", width=30),
            Column("变更内容", "changes", "text", width=60),
        ),
    )


@bp.route("/audit/export")
@login_required
def audit_export():
    stmt, _filters = _audit_stmt()
    events = db.session.scalars(stmt.order_by(AuditEvent.id.desc()).limit(100_000)).all()
    names = queries.institution_names({e.institution_id for e in events if e.institution_id})
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    rows = (
        {
            "occurred_at": e.occurred_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
            "actor_name": e.actor_name,
            "ip_address": e.ip_address or "",
            "action": action_label(e.action),
            "institution": names.get(e.institution_id, ""),
            "object": object_label(e.object_type),
            "summary": e.summary or "",
            "changes": gettext("；").join(
                f"{field}: {before} → {after}" for field, before, after in readable_changes(e)
            ),
        }
        for e in events
    )
    return xlsx_response(_audit_export_spec(), rows, dated_filename("审计日志"))
