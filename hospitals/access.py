"""Loading a hospital for a page, then authorizing (404 outside the user's scope)."""

from __future__ import annotations

from hospitals.permissions import HOSPITALS_MANAGE, HOSPITALS_VIEW
from institutions.models import Institution
from institutions.scoped import institution_for


def hospital_or_404(institution_id: int, *, write: bool = False) -> Institution:
    """Return the institution for a hospitals page.

    404 if the user cannot see it at all; 403 if they can but hold no hospitals right there
    (or no write right, for ``write``).
    """
    return institution_for(institution_id, HOSPITALS_MANAGE if write else HOSPITALS_VIEW)
