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
    "hospitals.pay_gaps_confirm": Access(WRITE, ("POST",)),
    "hospitals.pay_comparison": Access(READ),
    "hospitals.pay_comparison_export": Access(READ),
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
    "hospitals.scheme_submit": Access(WRITE, ("POST",)),
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

ACCESS |= {
    "hospitals.leaders": Access(READ),
    "hospitals.term": Access(READ),
    "hospitals.term_new": Access(WRITE, ("GET", "POST")),
    "hospitals.term_assess": Access(WRITE, ("POST",)),
}


def _term(world, institution) -> int:
    """A leader's term contract in the institution."""
    from datetime import date

    from sqlalchemy import select

    from core.extensions import db
    from hospitals.models import LeaderTarget, LeaderTerm
    from tests.factories import create_employment

    found = db.session.scalar(
        select(LeaderTerm.id).where(LeaderTerm.institution_id == institution.id)
    )
    if found is not None:
        return found
    term = LeaderTerm(
        institution_id=institution.id,
        employment_id=create_employment(institution).id,
        post="院长",
        management_grade=5,
        start_on=date(2024, 1, 1),
        end_on=date(2026, 12, 31),
    )
    term.targets = [LeaderTarget(key="T1", label="目标")]
    db.session.add(term)
    db.session.commit()
    return term.id


ARGS["term_id"] = _term

ACCESS["hospitals.profile"] = Access(WRITE, ("GET", "POST"))
