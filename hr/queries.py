"""Reads for HR pages, always inside the user's scope."""

from __future__ import annotations

from flask_login import current_user

from core.permissions import require, scope_for
from core.roles import Perm
from institutions.models import Institution
from institutions.queries import get_institution_or_404


def hr_institution_or_404(institution_id: int, *, write: bool = False) -> Institution:
    """Return the institution for an HR page.

    404 if the user cannot see the institution at all; 403 if they can but hold no HR
    right there (or no write right, for ``write``).
    """
    institution = get_institution_or_404(
        scope_for(current_user, Perm.REGISTRY_VIEW), institution_id
    )
    require(Perm.HR_MANAGE if write else Perm.HR_VIEW, institution)
    return institution
