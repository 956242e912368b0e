"""The demo's live recruitment: an approved plan with a ranked list, an offer and a hire,
and a second plan waiting for the council's vote; run twice, nothing is added."""

from __future__ import annotations

from sqlalchemy import func, select

from core.extensions import db
from schools import operations as school_ops
from schools.recruitment.models import CandidateStatus, PlanStatus, RecruitmentPlan
from schools.recruitment.seed import seed_demo_recruitment
from tests.factories import add_quota, create_institution
from tests.governance_db.helpers import convene, make_council


def test_the_demo_recruitment(app):
    council = make_council(5, institution=create_institution(name="演示自聘学校"))
    school = council.institution
    school_ops.save_profile(school, {"school_type": "primary", "is_lump_sum": True})
    add_quota(school, kind="filed", change=4)
    convene(council)  # the council's open meeting

    lines = seed_demo_recruitment()
    assert any("演示自聘学校" in line for line in lines)
    plans = db.session.scalars(
        select(RecruitmentPlan).where(RecruitmentPlan.institution_id == school.id)
    ).all()
    maths, english = sorted(plans, key=lambda p: p.id)
    assert maths.status == PlanStatus.APPROVED and maths.resolution_ref
    statuses = sorted(c.status for c in maths.candidates)
    assert statuses.count(CandidateStatus.HIRED) == 1
    assert statuses.count(CandidateStatus.OFFERED) == 1
    assert english.status == PlanStatus.SUBMITTED and english.motion_id

    assert seed_demo_recruitment() == []
    assert db.session.scalar(select(func.count()).select_from(RecruitmentPlan)) == 2
