"""Reads for HR pages, always inside the user's scope."""

from __future__ import annotations

from hr.permissions import HR_MANAGE, HR_VIEW
from institutions.models import Institution
from institutions.scoped import institution_for


def hr_institution_or_404(institution_id: int, *, write: bool = False) -> Institution:
    """Return the institution for an HR page.

    404 if the user cannot see the institution at all; 403 if they can but hold no HR
    right there (or no write right, for ``write``).
    """
    return institution_for(institution_id, HR_MANAGE if write else HR_VIEW)
