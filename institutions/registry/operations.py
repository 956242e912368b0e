"""Writes to the registry. Operations add and flush; the request or command commits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from core import audit
from core.extensions import db
from core.i18n import Msg, msg, source_text
from institutions.models import Institution, InstitutionStatus, Sponsor

INSTITUTION_FIELDS = [
    "credit_code",
    "credit_code_override",
    "name",
    "kind",
    "district_code",
    "sponsor_id",
    "funding_class",
    "legal_representative",
    "address",
    "status",
]


class RegistryError(ValueError):
    """A refused registry change; the message names the field and the reason."""

    def __init__(self, message: Msg | str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _check_unique_code(credit_code: str, exclude_id: int | None = None) -> None:
    stmt = select(func.count()).where(Institution.credit_code == credit_code)
    if exclude_id is not None:
        stmt = stmt.where(Institution.id != exclude_id)
    if db.session.scalar(stmt):
        raise RegistryError(
            msg("统一社会信用代码「%(c)s」已登记在其他单位名下。", c=credit_code), "credit_code"
        )


def create_institution(data: Mapping[str, Any]) -> Institution:
    """Register a new institution."""
    _check_unique_code(data["credit_code"])
    institution = Institution(
        **{k: data.get(k) for k in INSTITUTION_FIELDS if k != "status"},
        status=data.get("status") or InstitutionStatus.ACTIVE,
    )
    db.session.add(institution)
    db.session.flush()
    audit.record(
        "institution.create",
        institution,
        institution_id=institution.id,
        summary=institution.name,
        changes=audit.diff({}, audit.snapshot(institution, INSTITUTION_FIELDS)),
    )
    if institution.credit_code_override:
        audit.record(
            "institution.credit_code_override",
            institution,
            institution_id=institution.id,
            summary=source_text(
                msg("接受校验位不符的历史代码：%(r)s", r=institution.credit_code_override)
            ),
        )
    return institution


def update_institution(institution: Institution, data: Mapping[str, Any]) -> dict:
    """Change an institution's registered details and return what changed."""
    if data.get("credit_code") and data["credit_code"] != institution.credit_code:
        _check_unique_code(data["credit_code"], exclude_id=institution.id)
    changes = audit.apply_changes(institution, data, INSTITUTION_FIELDS)
    if changes:
        audit.record(
            "institution.update",
            institution,
            institution_id=institution.id,
            summary=institution.name,
            changes=changes,
        )
    return changes


def create_sponsor(data: Mapping[str, Any]) -> Sponsor:
    """Add a sponsor (举办单位)."""
    name = data["name"].strip()
    if db.session.scalar(select(func.count()).where(Sponsor.name == name)):
        raise RegistryError(msg("举办单位「%(n)s」已存在。", n=name), "name")
    sponsor = Sponsor(name=name, district_code=data["district_code"])
    db.session.add(sponsor)
    db.session.flush()
    audit.record(
        "sponsor.create",
        sponsor,
        summary=name,
        changes={"name": [None, name], "district_code": [None, sponsor.district_code]},
    )
    return sponsor


def update_sponsor(sponsor: Sponsor, data: Mapping[str, Any]) -> dict:
    """Rename or move a sponsor."""
    name = data["name"].strip()
    clash = select(func.count()).where(Sponsor.name == name, Sponsor.id != sponsor.id)
    if db.session.scalar(clash):
        raise RegistryError(msg("举办单位「%(n)s」已存在。", n=name), "name")
    changes = audit.apply_changes(sponsor, {**data, "name": name}, ["name", "district_code"])
    if changes:
        audit.record("sponsor.update", sponsor, summary=sponsor.name, changes=changes)
    return changes
