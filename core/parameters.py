"""Dated parameter versions: rates, tables and thresholds that change over time or by place.

DOMAIN.md asks that every rate or threshold be stored as a version with ``effective_from``
and ``effective_to`` that an administrator can add to, never as a bare constant in code.
A parameter is identified by a dotted ``key`` and an optional ``scope`` (for example an
institution kind); its value is JSON. Packages seed their defaults from their own modules.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from sqlalchemy import JSON, Date, Index, String, UniqueConstraint, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from core import audit
from core.errors import Refusal
from core.extensions import db
from core.i18n import Msg, msg
from core.models import TimestampMixin
from core.text import bounded, clean_text


class ParameterVersion(TimestampMixin, db.Model):
    __tablename__ = "parameter_versions"
    __table_args__ = (
        UniqueConstraint("key", "scope", "effective_from"),
        Index("ix_parameter_versions_lookup", "key", "scope", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: dotted name, e.g. "governance.notice_days"
    key: Mapped[str] = mapped_column(String(64))
    #: "" for everywhere, or a narrower scope such as an institution kind ("school")
    scope: Mapped[str] = mapped_column(String(32), default="")
    effective_from: Mapped[date] = mapped_column(Date)
    #: inclusive last day; None while in force
    effective_to: Mapped[date | None] = mapped_column(Date)
    value: Mapped[Any] = mapped_column(JSON)
    #: where the numbers come from (document, table)
    source: Mapped[str | None] = mapped_column(String(255))

    def __repr__(self) -> str:
        return f"<ParameterVersion {self.key}[{self.scope}] from {self.effective_from}>"


def parameter(key: str, on: date, scope: str = "", default: Any = None) -> Any:
    """Return the value of ``key`` in force on ``on``, preferring ``scope`` over the general one."""
    stmt = (
        select(ParameterVersion)
        .where(
            ParameterVersion.key == key,
            ParameterVersion.scope.in_({scope, ""}),
            ParameterVersion.effective_from <= on,
            or_(ParameterVersion.effective_to.is_(None), ParameterVersion.effective_to >= on),
        )
        .order_by(ParameterVersion.effective_from.desc())
    )
    versions = db.session.scalars(stmt).all()
    for wanted in (scope, ""):
        for version in versions:
            if version.scope == wanted:
                return version.value
    return default


def ensure_parameter(
    key: str, value: Any, *, effective_from: date, scope: str = "", source: str | None = None
) -> ParameterVersion:
    """Add a parameter version unless one with the same key, scope and start exists."""
    existing = db.session.scalar(
        select(ParameterVersion).where(
            ParameterVersion.key == key,
            ParameterVersion.scope == scope,
            ParameterVersion.effective_from == effective_from,
        )
    )
    if existing is not None:
        return existing
    version = ParameterVersion(
        key=key, scope=scope, effective_from=effective_from, value=value, source=source
    )
    db.session.add(version)
    db.session.flush()
    return version


def ensure_defaults(
    defaults: dict[str, Any], *, effective_from: date, source: str | None = None
) -> None:
    """Seed each ``key: value`` of a module's defaults as a parameter version (idempotent)."""
    for key, value in defaults.items():
        ensure_parameter(key, value, effective_from=effective_from, source=source)


# --- reading and extending in the app ------------------------------------------------------


class ParameterError(Refusal):
    """A new parameter version refused; nothing written."""


def versions_of(key: str, scope: str = "") -> list[ParameterVersion]:
    """Return the stored versions of one parameter, newest (by the day it takes effect) first."""
    return list(
        db.session.scalars(
            select(ParameterVersion)
            .where(ParameterVersion.key == key, ParameterVersion.scope == scope)
            .order_by(ParameterVersion.effective_from.desc())
        )
    )


def versions_by_key() -> dict[tuple[str, str], list[ParameterVersion]]:
    """Return every stored version grouped by (key, scope), newest first within a group."""
    grouped: dict[tuple[str, str], list[ParameterVersion]] = {}
    stmt = select(ParameterVersion).order_by(
        ParameterVersion.key, ParameterVersion.scope, ParameterVersion.effective_from.desc()
    )
    for version in db.session.scalars(stmt):
        grouped.setdefault((version.key, version.scope), []).append(version)
    return grouped


def _shape_problem(old: Any, new: Any, path: str = "") -> Msg | None:
    """Return why ``new`` does not have the shape of ``old`` (same types, same keys)."""
    where = path or "值"
    if isinstance(old, dict):
        if not isinstance(new, dict):
            return msg("「%(where)s」应为与上一版本相同结构的对象（{…}）", where=where)
        missing, extra = set(old) - set(new), set(new) - set(old)
        if missing or extra:
            return msg(
                "「%(where)s」的项目与上一版本不同：缺少 %(missing)s；多出 %(extra)s",
                where=where,
                missing="、".join(sorted(map(str, missing))) or "—",
                extra="、".join(sorted(map(str, extra))) or "—",
            )
        for key in old:
            problem = _shape_problem(old[key], new[key], f"{path}.{key}" if path else str(key))
            if problem:
                return problem
        return None
    if isinstance(old, list):
        if not isinstance(new, list):
            return msg("「%(where)s」应为列表（[…]）", where=where)
        if old and new:
            return _shape_problem(old[0], new[0], f"{where}[0]")
        return None
    numeric = (int, float)
    if isinstance(old, bool) != isinstance(new, bool) or (
        isinstance(old, numeric) and not isinstance(new, numeric)
    ):
        return msg("「%(where)s」应为与上一版本相同类型的值", where=where)
    if isinstance(old, str) and not isinstance(new, str):
        return msg("「%(where)s」应为文本（带引号）", where=where)
    return None


def add_version(
    key: str,
    value_text: str,
    *,
    effective_from: date,
    scope: str = "",
    source: str | None = None,
    actor: Any = None,
) -> ParameterVersion:
    """Add a dated version of an existing parameter; the one in force before it ends the day
    before. A version must start after the latest one, so a past month is never rewritten
    by a version slipped in before later ones."""
    try:
        value = json.loads(value_text)
    except (TypeError, ValueError) as error:
        raise ParameterError(
            msg("参数值不是有效的 JSON：%(error)s", error=str(error)), field="value"
        ) from None
    latest = db.session.scalar(
        select(ParameterVersion)
        .where(ParameterVersion.key == key, ParameterVersion.scope == scope)
        .order_by(ParameterVersion.effective_from.desc())
        .limit(1)
        .with_for_update()
    )
    if latest is None:
        raise ParameterError(msg("没有参数「%(key)s」，只能为已有参数添加新版本", key=key))
    if effective_from <= latest.effective_from:
        raise ParameterError(
            msg(
                "新版本须晚于当前最新版本的生效日期（%(day)s）",
                day=latest.effective_from,
            ),
            field="effective_from",
        )
    problem = _shape_problem(latest.value, value)
    if problem:
        raise ParameterError(problem, field="value")
    if latest.effective_to is None or latest.effective_to >= effective_from:
        latest.effective_to = effective_from - timedelta(days=1)
    version = ParameterVersion(
        key=key,
        scope=scope,
        effective_from=effective_from,
        value=value,
        source=clean_text(source, max_length=255) or None,
    )
    db.session.add(version)
    db.session.flush()
    audit.record(
        "parameter.add",
        version,
        summary=bounded(f"{key} {scope} {effective_from.isoformat()}".strip(), 255),
        changes={
            "value": [latest.value, value],
            "effective_from": [None, effective_from.isoformat()],
        },
        actor=actor,
    )
    return version
