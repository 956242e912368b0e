"""Dated parameter versions: rates, tables and thresholds that change over time or by place.

DOMAIN.md asks that every rate or threshold be stored as a version with ``effective_from``
and ``effective_to`` that an administrator can add to, never as a bare constant in code.
A parameter is identified by a dotted ``key`` and an optional ``scope`` (for example an
institution kind); its value is JSON. Packages seed their defaults from their own modules.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, Index, String, UniqueConstraint, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models import TimestampMixin


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
