"""The list of institutions a module's index page offers, filtered by permission."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from core.extensions import db
from core.permissions import require, scope_for
from institutions.models import Institution
from institutions.permissions import REGISTRY_VIEW
from institutions.registry.queries import get_institution_or_404


def institutions_for(user, perm: str, kind: str | None = None, limit: int = 200) -> list:
    """Return the institutions (optionally of one kind) where ``user`` holds ``perm``."""
    stmt = select(Institution).where(scope_for(user, perm).clause(Institution.id))
    if kind:
        stmt = stmt.where(Institution.kind == kind)
    return list(db.session.scalars(stmt.order_by(Institution.name).limit(limit)))


def render_module_index(
    template: str, perm: str, kind: str | None = None, target: str = "institutions.detail"
):
    """Authorize and render a module's entry page over the user's institutions.

    ``target`` is the endpoint (taking ``institution_id``) each institution links to.
    """
    require(perm)
    return render_template(
        template, institutions=institutions_for(current_user, perm, kind), target=target
    )


def institution_for(institution_id: int, perm: str) -> Institution:
    """Load an institution for a module page, then authorize.

    404 if the user cannot see the institution at all (they learn nothing about it); 403 if
    they can see it but do not hold ``perm`` there.
    """
    institution = get_institution_or_404(scope_for(current_user, REGISTRY_VIEW), institution_id)
    require(perm, institution)
    return institution
