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
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, Index, String, event, inspect
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.lengths import fit
from core.models import UTCDateTime, utcnow


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


#: How actions read in the trail; an action without a label shows its code.
ACTION_LABELS = {
    "user.login": _l("登录"),
    "user.logout": _l("退出登录"),
    "user.locked": _l("账号因多次登录失败被锁定"),
    "user.unlock": _l("解除账号锁定"),
    "user.create": _l("新建账号"),
    "user.update": _l("修改账号"),
    "user.password_changed": _l("修改密码"),
    "user.password_reset": _l("重置密码"),
    "membership.grant": _l("授予角色"),
    "membership.revoke": _l("撤销角色"),
    "institution.create": _l("登记单位"),
    "institution.update": _l("修改单位登记信息"),
    "institution.import": _l("Excel 导入单位"),
    "institution.credit_code_override": _l("接受校验位不符的信用代码"),
    "sponsor.create": _l("新增举办单位"),
    "sponsor.update": _l("修改举办单位"),
    "quota.add": _l("登记编制变动"),
    "employment.enter": _l("办理入职"),
    "employment.exit": _l("办理离职"),
    "post_plan.save": _l("保存岗位设置方案"),
    "appointment.create": _l("岗位聘任"),
    "contract.sign": _l("签订聘用合同"),
    "contract.renew": _l("续订聘用合同"),
    "contract.terminate": _l("解除聘用合同"),
    "appraisal_round.open": _l("开启年度考核"),
    "appraisal.grade": _l("评定年度考核等次"),
    "appraisal_round.close": _l("关闭年度考核并晋升薪级"),
    "roster.import": _l("Excel 导入人员花名册"),
}


def action_label(action: str) -> str:
    """Return the readable name of an audit action."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


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
