"""Reads of the registry, always filtered to what the user may see."""

from __future__ import annotations

from flask import abort
from sqlalchemy import Select, func, or_, select

from core.extensions import db
from core.i18n import Msg, msg
from core.permissions import Scope
from institutions.models import Institution, Sponsor
from institutions.registry.consistency import registry_warnings

INSTITUTION_SORTS = {
    "name": Institution.name,
    "credit_code": Institution.credit_code,
    "district": Institution.district_code,
    "kind": Institution.kind,
    "updated_at": Institution.updated_at,
}


def institutions(
    scope: Scope,
    *,
    q: str | None = None,
    kind: str | None = None,
    district: str | None = None,
    sponsor_id: int | None = None,
    status: str | None = None,
) -> Select:
    """Return the institutions in ``scope`` matching the search and filters."""
    stmt = select(Institution).where(scope.clause(Institution.id))
    if q:
        pattern = q.strip()
        stmt = stmt.where(
            or_(
                Institution.name.contains(pattern, autoescape=True),
                Institution.credit_code.startswith(pattern.upper(), autoescape=True),
                Institution.legal_representative.contains(pattern, autoescape=True),
            )
        )
    if kind:
        stmt = stmt.where(Institution.kind == kind)
    if district:
        stmt = stmt.where(Institution.district_code == district)
    if sponsor_id:
        stmt = stmt.where(Institution.sponsor_id == sponsor_id)
    if status:
        stmt = stmt.where(Institution.status == status)
    return stmt


def get_institution_or_404(scope: Scope, institution_id: int) -> Institution:
    """Return the institution if it exists inside ``scope``; 404 otherwise.

    By primary key through the session: a member's own institution came with the signed-in
    user's memberships, so the usual page finds it without another query.
    """
    institution = db.session.get(Institution, institution_id)
    if institution is None or not scope.covers(institution):
        abort(404)
    return institution


def warnings_for(institution: Institution) -> dict[str, list]:
    """Return what in the saved record disagrees with itself, by the field it is about."""
    sponsor = institution.sponsor
    found: dict[str, list] = {}
    for warning in registry_warnings(
        credit_code=institution.credit_code,
        district_code=institution.district_code,
        kind=institution.kind,
        sponsor_name=sponsor.name if sponsor else None,
        sponsor_district_code=sponsor.district_code if sponsor else None,
    ):
        found.setdefault(warning.field, []).append(warning.message)
    return found


def counts_by_kind(scope: Scope) -> dict[str, int]:
    """Return {kind: number of institutions} within ``scope``."""
    rows = db.session.execute(
        select(Institution.kind, func.count())
        .where(scope.clause(Institution.id))
        .group_by(Institution.kind)
    )
    return {kind: n for kind, n in rows}


def counts_by_district(scope: Scope) -> list[tuple[str, int]]:
    """Return (district code, number of institutions) within ``scope``, largest first."""
    rows = db.session.execute(
        select(Institution.district_code, func.count().label("n"))
        .where(scope.clause(Institution.id))
        .group_by(Institution.district_code)
        .order_by(func.count().desc(), Institution.district_code)
    )
    return [(code, n) for code, n in rows]


def sponsors() -> list[Sponsor]:
    """Return every sponsor, by name."""
    return list(db.session.scalars(select(Sponsor).order_by(Sponsor.district_code, Sponsor.name)))


def sponsors_with_counts() -> list[tuple[Sponsor, int]]:
    """Return every sponsor with the number of institutions it sponsors."""
    rows = db.session.execute(
        select(Sponsor, func.count(Institution.id))
        .outerjoin(Institution, Institution.sponsor_id == Sponsor.id)
        .group_by(Sponsor.id)
        .order_by(Sponsor.district_code, Sponsor.name)
    )
    return [(sponsor, n) for sponsor, n in rows]


def sponsors_in(scope: Scope) -> list[Sponsor]:
    """Return the sponsors of the institutions in ``scope`` (all for city-wide)."""
    if scope.city_wide:
        return sponsors()
    stmt = (
        select(Sponsor)
        .where(
            or_(
                Sponsor.id.in_(sorted(scope.sponsor_ids)),
                Sponsor.id.in_(select(Institution.sponsor_id).where(scope.clause(Institution.id))),
            )
        )
        .order_by(Sponsor.name)
    )
    return list(db.session.scalars(stmt))


def name_and_code(name: str | Msg, code: str) -> Msg:
    """Return "name（code）" for a pick list, with the brackets of the reader's language."""
    return msg("%(name)s（%(code)s）", name=name, code=code)


def institution_choices() -> list[tuple[int, Msg]]:
    """Return (id, "name（code）") for every institution, for pick lists."""
    rows = db.session.execute(
        select(Institution.id, Institution.name, Institution.credit_code).order_by(Institution.name)
    )
    return [(row.id, name_and_code(row.name, row.credit_code)) for row in rows]


def existing_credit_codes(codes: list[str]) -> set[str]:
    """Return which of ``codes`` are already registered."""
    found: set[str] = set()
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        found.update(
            db.session.scalars(
                select(Institution.credit_code).where(Institution.credit_code.in_(chunk))
            )
        )
    return found
