"""Who may use the schools routes (merged into tests/test_permission_matrix.py)."""

from tests.access import Access

#: who reads a school's figures: the city, the sponsor and the school's office, HR and finance
SCHOOL_READ = frozenset(
    {
        "superuser",
        "staffing_office",
        "sponsor",
        "institution_admin",
        "hr_officer",
        "finance_officer",
    }
)
#: who keeps the school's records: the principal's office and HR
SCHOOL_WRITE = frozenset({"superuser", "institution_admin", "hr_officer"})

ACCESS = {
    "schools.index": Access(SCHOOL_READ),
    "schools.overview": Access(SCHOOL_READ),
    "schools.profile_edit": Access(SCHOOL_WRITE, ("GET", "POST")),
    "schools.enrolment_edit": Access(SCHOOL_WRITE, ("GET", "POST")),
    "schools.enrolment_import": Access(SCHOOL_WRITE, ("GET", "POST")),
    "schools.enrolment_template": Access(SCHOOL_WRITE),
    "schools.enrolment_export": Access(SCHOOL_READ),
    "schools.staff": Access(SCHOOL_READ),
    "schools.staff_stage": Access(SCHOOL_WRITE, ("POST",)),
}

#: who keeps the lump-sum budget: the principal's office and finance
SCHOOL_BUDGET = frozenset({"superuser", "institution_admin", "finance_officer"})

ACCESS.update(
    {
        "schools.budget": Access(SCHOOL_READ),
        "schools.budget_draft": Access(SCHOOL_BUDGET, ("POST",)),
        "schools.budget_approve": Access(SCHOOL_BUDGET, ("POST",)),
        "schools.budget_spending": Access(SCHOOL_BUDGET, ("POST",)),
        "schools.budget_surplus": Access(SCHOOL_BUDGET, ("POST",)),
        "schools.budget_import": Access(SCHOOL_BUDGET, ("GET", "POST")),
        "schools.budget_template": Access(SCHOOL_BUDGET),
        "schools.budget_export": Access(SCHOOL_READ),
    }
)


def _allocation(world, institution) -> int:
    """A reward allocation of ``institution`` (a draft with one member of staff)."""
    from decimal import Decimal

    from core.extensions import db
    from schools.models import RewardAllocation, RewardLine
    from tests.factories import create_employment

    employment = create_employment(institution)
    allocation = RewardAllocation(
        institution_id=institution.id,
        period="2026-12",
        pool=Decimal("1000.00"),
        plan=[{"key": "posts", "label": "岗位职责", "weight": "100"}],
        plan_ref="教代会〔2026〕1号",
    )
    allocation.lines = [RewardLine(employment_id=employment.id, points={})]
    db.session.add(allocation)
    db.session.flush()
    return allocation.id


ACCESS.update(
    {
        "schools.rewards": Access(SCHOOL_READ),
        "schools.reward_open": Access(SCHOOL_BUDGET, ("POST",)),
        "schools.reward": Access(SCHOOL_READ),
        "schools.reward_points": Access(SCHOOL_BUDGET, ("POST",)),
        "schools.reward_confirm": Access(SCHOOL_BUDGET, ("POST",)),
    }
)
ARGS = {"allocation_id": _allocation}


def _delegate(world, institution) -> int:
    """A staff congress delegate of ``institution``."""
    from core.extensions import db
    from schools.models import CongressDelegate
    from tests.factories import create_employment

    delegate = CongressDelegate(
        institution_id=institution.id,
        employment_id=create_employment(institution).id,
        is_teacher=True,
    )
    db.session.add(delegate)
    db.session.flush()
    return delegate.id


ACCESS.update(
    {
        "schools.congress": Access(SCHOOL_READ),
        "schools.congress_delegate_add": Access(SCHOOL_WRITE, ("POST",)),
        "schools.congress_delegate_end": Access(SCHOOL_WRITE, ("POST",)),
        "schools.congress_vote": Access(SCHOOL_WRITE, ("POST",)),
    }
)
ARGS["delegate_id"] = _delegate

#: internal rules (校内制度): read like the school's figures, kept by the principal's office and HR
ACCESS.update(
    {
        "schools.rules": Access(SCHOOL_READ),
        "schools.rule_create": Access(SCHOOL_WRITE, ("POST",)),
        "schools.rule": Access(SCHOOL_READ),
        "schools.rule_version": Access(SCHOOL_WRITE, ("POST",)),
        "schools.rule_submit": Access(SCHOOL_WRITE, ("POST",)),
        "schools.rule_adopt": Access(SCHOOL_WRITE, ("POST",)),
    }
)


def _rule(world, institution) -> int:
    """An internal rule of ``institution`` with a first draft."""
    from schools.rules import operations

    return operations.create_rule(
        institution, {"title": "教师考核办法", "body": "council", "text": "第一条 ……"}
    ).id


ARGS["rule_id"] = _rule
