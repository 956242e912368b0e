"""What the registry contributes to users' home pages."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from core.home import Section
from core.permissions import scope_for
from institutions.models import Institution, InstitutionKind
from institutions.permissions import REGISTRY_MANAGE, REGISTRY_VIEW
from institutions.registry import queries


def registry_overview(user) -> Section | None:
    """City-wide and sponsor users see counts by kind and district."""
    scope = scope_for(user, REGISTRY_VIEW)
    if not (scope.city_wide or scope.sponsor_ids):
        return None
    return Section(
        "institutions/_home_overview.html",
        {
            "by_kind": queries.counts_by_kind(scope),
            "by_district": queries.counts_by_district(scope)[:10],
            "kinds": list(InstitutionKind),
            "can_manage": scope_for(user, REGISTRY_MANAGE).city_wide,
        },
        order=10,
    )


def my_institutions(user) -> Section | None:
    """Users attached to institutions see a card for each of them."""
    ids = {m.institution_id for m in user.memberships if m.institution_id}
    if not ids:
        return None
    institutions = db.session.scalars(
        select(Institution).where(Institution.id.in_(sorted(ids))).order_by(Institution.name)
    ).all()
    roles_by_institution: dict[int, list[str]] = {}
    for membership in user.memberships:
        if membership.institution_id:
            roles_by_institution.setdefault(membership.institution_id, []).append(
                membership.role_enum.label
            )
    return Section(
        "institutions/_home_mine.html",
        {"institutions": institutions, "roles": roles_by_institution},
        order=20,
    )
