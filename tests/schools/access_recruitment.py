"""Who may use the recruitment routes (merged into tests/test_permission_matrix.py)."""

from tests.access import Access
from tests.schools.access import SCHOOL_READ

#: who recruits: the principal's office and HR
SCHOOL_RECRUIT = frozenset({"superuser", "institution_admin", "hr_officer"})


def _plan(world, institution) -> int:
    """An approved recruitment plan of ``institution`` (found, or made once)."""
    from decimal import Decimal

    from sqlalchemy import select

    from core.extensions import db
    from schools.recruitment.models import PlanStatus, RecruitmentPlan

    found = db.session.scalar(
        select(RecruitmentPlan.id)
        .where(RecruitmentPlan.institution_id == institution.id)
        .order_by(RecruitmentPlan.id)
        .limit(1)
    )
    if found is not None:
        return found
    plan = RecruitmentPlan(
        institution_id=institution.id,
        subject="数学",
        stage="junior",
        count=2,
        requirements="",
        pay_low=Decimal("90000"),
        pay_high=Decimal("120000"),
        weight_written=Decimal(30),
        weight_interview=Decimal(30),
        weight_trial=Decimal(40),
        status=PlanStatus.APPROVED,
    )
    db.session.add(plan)
    db.session.flush()
    return plan.id


def _candidate(world, institution) -> int:
    """A candidate on ``institution``'s plan."""
    from core.extensions import db
    from schools.recruitment.models import Candidate

    candidate = Candidate(
        plan_id=_plan(world, institution), name="考生甲", citizen_id="510107199501010011"
    )
    db.session.add(candidate)
    db.session.flush()
    return candidate.id


ACCESS = {
    "schools.recruitment": Access(SCHOOL_READ),
    "schools.recruitment_draft": Access(SCHOOL_RECRUIT, ("POST",)),
    "schools.recruitment_plan": Access(SCHOOL_READ),
    "schools.recruitment_submit": Access(SCHOOL_RECRUIT, ("POST",)),
    "schools.recruitment_candidate": Access(SCHOOL_RECRUIT, ("POST",)),
    "schools.recruitment_scores": Access(SCHOOL_RECRUIT, ("POST",)),
    "schools.recruitment_offer": Access(SCHOOL_RECRUIT, ("POST",)),
    "schools.recruitment_hire": Access(SCHOOL_RECRUIT, ("POST",)),
    "schools.recruitment_posting": Access(SCHOOL_RECRUIT, ("POST",)),
    "schools.recruitment_filing": Access(SCHOOL_READ),
    "schools.recruitment_filing_export": Access(SCHOOL_READ),
}
ARGS = {"recruitment_id": _plan, "applicant_id": _candidate}
