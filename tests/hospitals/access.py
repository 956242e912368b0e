"""Who may use the hospitals routes (merged into tests/test_permission_matrix.py)."""

from tests.access import HR_READ, HR_WRITE, Access

#: hospitals.view: the sector roles and the hospital's HR and finance officers
READ = HR_READ
#: hospitals.manage: the hospital's admin and HR officers
WRITE = HR_WRITE

ACCESS = {
    "hospitals.index": Access(READ),
    "hospitals.overview": Access(READ),
    "hospitals.posts": Access(READ),
    "hospitals.posts_export": Access(READ),
    "hospitals.pay_gaps": Access(READ),
    "hospitals.pay_gaps_export": Access(READ),
    "hospitals.pay_import": Access(WRITE, ("GET", "POST")),
    "hospitals.pay_template": Access(WRITE),
}

ACCESS |= {
    "hospitals.schemes": Access(READ),
    "hospitals.scheme": Access(READ),
    "hospitals.scheme_export": Access(READ),
    "hospitals.scheme_new": Access(WRITE, ("GET", "POST")),
    "hospitals.scheme_edit": Access(WRITE, ("GET", "POST")),
    "hospitals.scheme_allocate": Access(WRITE, ("POST",)),
    "hospitals.scheme_approve": Access(WRITE, ("POST",)),
    "hospitals.figures_import": Access(WRITE, ("GET", "POST")),
    "hospitals.figures_template": Access(WRITE),
}


def _scheme(world, institution) -> int:
    """A draft performance scheme of the institution (one per institution and month)."""
    from decimal import Decimal

    from sqlalchemy import select

    from core.extensions import db
    from hospitals.models import PerformanceScheme, SchemeIndicator

    found = db.session.scalar(
        select(PerformanceScheme.id).where(PerformanceScheme.institution_id == institution.id)
    )
    if found is not None:
        return found
    scheme = PerformanceScheme(
        institution_id=institution.id, period="2026-11", pool=Decimal("1000.00")
    )
    scheme.indicators = [SchemeIndicator(key="drg_points", weight=Decimal(100))]
    db.session.add(scheme)
    # Kept (to the matrix's own savepoint) when a refused request rolls back.
    db.session.commit()
    return scheme.id


ARGS = {"scheme_id": _scheme}
