"""The audit trail: who changed what, when, in which institution, before and after.

Events are written through ``record()`` in the same transaction as the change they
describe, so a rolled-back change leaves no event. The ORM refuses to update or delete an
event; the app has no page that could.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import has_request_context, request
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, Index, String, event, inspect
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.lengths import fit
from core.models import UTCDateTime, utcnow
from core.modules import platform


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_institution_occurred", "institution_id", "occurred_at"),
        Index("ix_audit_events_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the signed-in user, or None for CLI and system work
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the actor's name at the time, kept even if the account is renamed or removed
    actor_name: Mapped[str] = mapped_column(String(64))
    ip_address: Mapped[str | None] = mapped_column(String(64))
    #: dotted verb, e.g. "institution.update"
    action: Mapped[str] = mapped_column(String(64), index=True)
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id", ondelete="SET NULL")
    )
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    #: a short human description, e.g. the object's name
    summary: Mapped[str | None] = mapped_column(String(255))
    #: {field: [before, after]}
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action} {self.object_type}:{self.object_id}>"


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_rewrite(mapper, connection, target) -> None:
    raise PermissionError("审计记录不可修改或删除")


def action_label(action: str) -> str:
    """Return the readable name of an audit action (its code if no module labels it)."""
    label = platform().audit_actions.get(action)
    return str(label) if label is not None else action


def object_label(object_type: str | None) -> str:
    """Return what kind of record an event is about, in words ("" if none)."""
    if not object_type:
        return ""
    label = platform().audit_objects.get(object_type)
    return str(label) if label is not None else object_type


def field_label(object_type: str | None, name: str) -> str:
    """Return a changed field's name in words, as the module that owns it declared it."""
    declared = platform().audit_fields
    label = (declared.get(f"{object_type}.{name}") if object_type else None) or declared.get(name)
    return str(label) if label is not None else name


def value_label(object_type: str | None, name: str, value: Any) -> str:
    """Return a stored value in words: enum codes by their labels, booleans as 是/否."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    declared = platform().audit_values
    labels = (declared.get(f"{object_type}.{name}") if object_type else None) or declared.get(name)
    if labels and str(value) in labels:
        return str(labels[str(value)])
    if isinstance(value, list):
        return gettext("、").join(value_label(object_type, name, item) for item in value)
    if isinstance(value, dict):
        return gettext("；").join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def readable_changes(event: AuditEvent) -> list[tuple[str, str, str]]:
    """Return (field, before, after) in words for an event's changes."""
    return [
        (
            field_label(event.object_type, name),
            value_label(event.object_type, name, pair[0] if pair else None),
            value_label(event.object_type, name, pair[1] if len(pair) > 1 else None),
        )
        for name, pair in (event.changes or {}).items()
    ]


def actions_matching(text: str) -> list[str]:
    """Return the action codes whose label (in Chinese or the reader's language) or code
    contains ``text``; the trail is searched by what people read, not by codes."""
    needle = text.strip().lower()
    if not needle:
        return []
    found = []
    for code, label in platform().audit_actions.items():
        source = str(getattr(label, "_args", (label,))[0])  # a lazy string's Chinese text
        if any(needle in candidate.lower() for candidate in (code, source, gettext(source))):
            found.append(code)
    return found


def _plain(value: Any) -> Any:
    """Return a JSON-safe form of a column value."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """Return the JSON-safe values of ``fields`` on ``obj``."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Return {field: [before, after]} for the fields whose values differ."""
    keys = list(dict.fromkeys([*before, *after]))
    return {
        k: [_plain(before.get(k)), _plain(after.get(k))]
        for k in keys
        if _plain(before.get(k)) != _plain(after.get(k))
    }


def apply_changes(obj: Any, data: Mapping[str, Any], fields: Iterable[str]) -> dict[str, list]:
    """Set ``fields`` on ``obj`` from ``data`` and return what changed."""
    fields = [f for f in fields if f in data]
    before = snapshot(obj, fields)
    for name in fields:
        setattr(obj, name, data[name])
    return diff(before, snapshot(obj, fields))


def record(
    action: str,
    obj: Any = None,
    *,
    institution_id: int | None = None,
    changes: Mapping[str, Any] | None = None,
    summary: str | None = None,
    actor: Any = None,
) -> AuditEvent:
    """Add an audit event to the current transaction and return it."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    object_type = object_id = None
    if obj is not None:
        object_type = type(obj).__name__
        identity = inspect(obj).identity if inspect(obj).has_identity else None
        if identity is None:
            db.session.flush([obj])
            identity = inspect(obj).identity
        object_id = ":".join(str(part) for part in identity)
    ip = request.remote_addr if has_request_context() else None
    # Every fixed-width field is cut to its column here, once: a 200-character meeting title
    # plus a long file name must not make PostgreSQL refuse the change being recorded.
    audit_event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        actor_name=fit(AuditEvent, "actor_name", getattr(actor, "username", None) or "系统/命令行"),
        ip_address=fit(AuditEvent, "ip_address", ip),
        action=fit(AuditEvent, "action", action),
        institution_id=institution_id,
        object_type=fit(AuditEvent, "object_type", object_type),
        object_id=fit(AuditEvent, "object_id", object_id),
        summary=fit(AuditEvent, "summary", None if summary is None else str(summary)),
        changes=dict(changes or {}),
    )
    db.session.add(audit_event)
    return audit_event
