"""The recruitment pages: a principal drafts a plan and submits it to the council, the
council decides, the school takes candidates, offers and hires; the sponsor reads the
filing list."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from core.extensions import db
from core.ids import china_today
from core.roles import Role
from institutions.governance.models import Motion
from institutions.governance.motions import operations as motion_ops
from schools.recruitment.models import Candidate, CandidateStatus, PlanStatus, RecruitmentPlan
from tests.factories import add_quota, create_institution, create_user
from tests.governance_db.helpers import T0, convene, make_council, vote_all
from tests.schools.test_recruitment import cid

TODAY = china_today()


def test_principal_drafts_submits_and_hires_and_the_sponsor_reads_the_filing(login_as):
    council = make_council(5, institution=create_institution(name="自聘页面学校"))
    school = council.institution
    add_quota(school, kind="filed", change=3)
    meeting = convene(council)
    client = login_as(council.head)
    base = f"/schools/{school.id}/recruitment"

    response = client.post(
        f"{base}/new",
        data={
            "subject": "英语",
            "stage": "primary",
            "count": "1",
            "pay_low": "80000",
            "pay_high": "100000",
            "weight_written": "30",
            "weight_interview": "30",
            "weight_trial": "40",
        },
    )
    assert response.status_code == 302
    plan = db.session.scalar(select(RecruitmentPlan))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "提交理事会审议" in page and "理事会会议" in page

    response = client.post(f"{base}/{plan.id}/submit", data={"meeting_id": meeting.id})
    assert response.status_code == 302
    db.session.refresh(plan)
    assert plan.status == PlanStatus.SUBMITTED
    motion = db.session.get(Motion, plan.motion_id)
    motion_ops.open_voting(motion, now=T0)
    vote_all(motion, council.members, "yes")
    motion_ops.close_motion(motion, now=T0 + timedelta(hours=1))
    db.session.refresh(plan)
    assert plan.status == PlanStatus.APPROVED

    client.post(f"{base}/{plan.id}/candidates", data={"name": "王老师", "citizen_id": cid(7)})
    candidate = db.session.scalar(select(Candidate))
    client.post(
        f"{base}/{plan.id}/candidates/{candidate.id}/scores",
        data={"written": "88", "interview": "90", "trial": "92.5"},
    )
    page = client.get(f"{base}/{plan.id}").get_data(as_text=True)
    assert "90.40" in page  # 26.4 + 27 + 37
    client.post(f"{base}/{plan.id}/candidates/{candidate.id}/offer")
    posted = client.post(
        f"{base}/{plan.id}/posting",
        data={"posted_on": plan.decided_on.isoformat(), "days": "7"},
    )
    assert posted.status_code == 302
    page = client.get(f"{base}/{plan.id}").get_data(as_text=True)
    assert "公示期" in page and "王老师" in page
    response = client.post(
        f"{base}/{plan.id}/candidates/{candidate.id}/hire",
        data={
            "staff_number": "ZP001",
            "start_on": TODAY.isoformat(),
            "salary_step": "12",
            "contract_end_on": TODAY.replace(year=TODAY.year + 3).isoformat(),
            "probation_months": "0",
        },
    )
    assert response.status_code == 302
    db.session.refresh(candidate)
    assert candidate.status == CandidateStatus.HIRED

    sponsor = create_user(Role.SPONSOR, sponsor=school.sponsor)
    page = login_as(sponsor).get(f"{base}/filing")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "王老师" in text and "ZP001" in text and plan.resolution_ref in text

    export = login_as(sponsor).get(f"{base}/filing/export")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "王老师" in values and "ZP001" in values
