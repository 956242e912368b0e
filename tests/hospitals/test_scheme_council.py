"""The month's allocation before the hospital council: submitted from its own page as a motion
subject, refused for another hospital's objects, and handed to payroll only once passed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from core.errors import Refusal
from core.extensions import db
from core.notifications import Notification
from core.roles import Role
from hospitals.models import IndicatorFigure, PerformanceScheme, SchemeStatus
from hospitals.performance import operations
from hospitals.performance.inputs import approved_amounts
from hospitals.performance.subject import KEY
from hr.models import DepartmentKind, Identity
from institutions.governance import subjects
from institutions.governance.models import GovernanceError, Motion
from institutions.governance.motions import operations as gov
from institutions.models import InstitutionKind
from payroll.inputs import collect
from tests.factories import (
    create_department,
    create_employment,
    create_institution,
    create_person,
    create_user,
)
from tests.governance_db.helpers import T0, convene, make_council, vote_all

LINES = "DRG 点数 60\n医院感染发生率 40"


@pytest.fixture
def council(app):
    hospital = create_institution(name="审议医院", kind=InstitutionKind.HOSPITAL.value)
    found = make_council(5, institution=hospital)
    ward = create_department(hospital, "内科", kind=DepartmentKind.CLINICAL.value)
    for number, identity in (("N1", Identity.ESTABLISHMENT), ("N2", Identity.CONTRACT)):
        create_employment(
            hospital,
            person=create_person(name=f"内科{number}"),
            staff_number=number,
            identity=identity.value,
            department=ward,
            start_on=date(2020, 1, 1),
        )
    db.session.flush()
    return found


def allocated(hospital, period: str = "2026-11") -> PerformanceScheme:
    """An allocated scheme of 10,000 yuan over the hospital's one ward."""
    ward = hospital_ward(hospital)
    scheme = operations.create_scheme(
        hospital,
        {"period": period, "pool": Decimal("10000.00"), "floor": None, "indicators": LINES},
    )
    for key in ("drg_points", "nosocomial_infection_rate"):
        db.session.add(
            IndicatorFigure(
                scheme_id=scheme.id, department_id=ward, indicator=key, value=Decimal(1)
            )
        )
    db.session.flush()
    operations.allocate_scheme(scheme)
    return scheme


def hospital_ward(hospital) -> int:
    from hr.models import Department

    return db.session.scalar(select(Department.id).where(Department.institution_id == hospital.id))


def decide(council, scheme, choice: str) -> Motion:
    meeting = convene(council)
    motion = operations.submit_scheme(scheme, meeting, actor=council.secretary)
    gov.open_voting(motion, now=T0)
    vote_all(motion, council.members, choice)
    gov.close_motion(motion, now=T0 + timedelta(hours=1))
    return motion


def test_the_allocation_is_a_registered_motion_subject(app):
    kind = subjects.registered()[KEY]
    assert kind.owner == "hospitals"
    assert kind.on_decided is not None


def test_submitted_allocation_is_locked_and_reaches_payroll_only_once_passed(council):
    hospital = council.institution
    finance = create_user(Role.FINANCE_OFFICER, institution=hospital)
    scheme = allocated(hospital)
    meeting = convene(council)
    motion = operations.submit_scheme(scheme, meeting, actor=council.secretary)
    assert motion.subject_kind == KEY and motion.subject_id == str(scheme.id)
    assert scheme.status == SchemeStatus.SUBMITTED and scheme.motion_id == motion.id
    assert "10000.00" in motion.text and "2 人" in motion.text
    assert "DRG 点数 60%、医院感染发生率 40%" in motion.text
    # before the vote nothing is paid and nothing may change
    assert list(approved_amounts(hospital.id, "2026-11")) == []
    with pytest.raises(Refusal, match="理事会审议"):
        operations.allocate_scheme(scheme)
    with pytest.raises(Refusal, match="已计算分配"):
        operations.submit_scheme(scheme, meeting)

    gov.open_voting(motion, now=T0)
    vote_all(motion, council.members, "yes")
    gov.close_motion(motion, now=T0 + timedelta(hours=1))
    assert scheme.status == SchemeStatus.APPROVED
    assert scheme.resolution_ref == motion.resolution.document_number
    assert scheme.approved_at is not None
    [told] = db.session.scalars(select(Notification).where(Notification.user_id == finance.id))
    assert told.title == f"理事会已批准绩效分配：{hospital.name} 2026-11"
    # Stored as a message id, read in the reader's language (issue 9.20).
    assert told.title_message["msg"] == "理事会已批准绩效分配：%(name)s %(period)s"
    with force_locale("en"):
        assert told.title == f"Council approved the performance allocation: {hospital.name} 2026-11"
        assert "was approved by council resolution" in told.body
    collected = collect(hospital.id, "2026-11")
    assert sum(a["reward_performance"] for a in collected.amounts.values()) == Decimal("10000.00")
    with pytest.raises(Refusal, match="已批准"):
        operations.allocate_scheme(scheme)


def test_a_rejected_allocation_goes_back_to_be_revised_and_pays_nothing(council):
    hr = create_user(Role.HR_OFFICER, institution=council.institution)
    scheme = allocated(council.institution)
    decide(council, scheme, "no")
    assert scheme.status == SchemeStatus.ALLOCATED
    [told] = db.session.scalars(select(Notification).where(Notification.user_id == hr.id))
    assert "请修改后重新提交" in told.body
    assert list(approved_amounts(council.institution.id, "2026-11")) == []
    # revised and submitted again, then passed
    operations.allocate_scheme(scheme)
    decide(council, scheme, "yes")
    assert scheme.status == SchemeStatus.APPROVED


def test_another_hospitals_scheme_or_meeting_is_refused(council):
    other = create_institution(name="别的医院", kind=InstitutionKind.HOSPITAL.value)
    other_council = make_council(3, institution=other)
    create_department(other, "外科", kind=DepartmentKind.CLINICAL.value)
    create_employment(other, staff_number="O1", department=None, start_on=date(2020, 1, 1))
    scheme = allocated(council.institution)
    # the registry resolves only the institution's own objects
    with pytest.raises(GovernanceError, match="本单位没有"):
        subjects.resolve(KEY, other.id, scheme.id)
    with pytest.raises(GovernanceError, match="本单位没有"):
        subjects.propose_motion(
            KEY, other.id, scheme.id, meeting=convene(other_council), title="t", text="t"
        )
    # a meeting of another council is refused under the meeting field, nothing changes
    with pytest.raises(Refusal) as caught:
        operations.submit_scheme(scheme, convene(other_council))
    assert caught.value.field == "meeting_id"
    assert scheme.status == SchemeStatus.ALLOCATED and scheme.motion_id is None


def test_hr_submits_from_the_scheme_page(council, client, login_as):
    hospital = council.institution
    scheme = allocated(hospital)
    meeting = convene(council)
    hr = create_user(Role.HR_OFFICER, institution=hospital)
    db.session.commit()
    login_as(hr)
    url = f"/hospitals/{hospital.id}/performance/{scheme.id}"
    page = client.get(url).get_data(as_text=True)
    assert "提交理事会审议" in page and "批准后方案锁定" not in page
    assert client.post(f"{url}/submit", data={"meeting_id": meeting.id}).status_code == 302
    db.session.refresh(scheme)
    assert scheme.status == SchemeStatus.SUBMITTED
    page = client.get(url).get_data(as_text=True)
    assert "理事会审议中" in page and 'id="scheme-motion"' in page
    # the old direct approval is gone: only the council approves
    assert client.post(f"{url}/approve").status_code in (404, 405)


def test_a_meeting_of_another_hospital_is_404_on_the_page(council, client, login_as):
    hospital = council.institution
    other_council = make_council(3, institution=create_institution(name="另一医院"))
    scheme = allocated(hospital)
    foreign = convene(other_council)
    convene(council)
    hr = create_user(Role.HR_OFFICER, institution=hospital)
    db.session.commit()
    login_as(hr)
    response = client.post(
        f"/hospitals/{hospital.id}/performance/{scheme.id}/submit", data={"meeting_id": foreign.id}
    )
    assert response.status_code == 404
    db.session.refresh(scheme)
    assert scheme.status == SchemeStatus.ALLOCATED


def test_figures_cannot_change_while_the_council_decides(council, client, login_as):
    from tests.hospitals.test_performance import _figures
    from tests.imports import upload

    hospital = council.institution
    scheme = allocated(hospital)
    operations.submit_scheme(scheme, convene(council))
    hr = create_user(Role.HR_OFFICER, institution=hospital)
    db.session.commit()
    login_as(hr)
    rows = [{"period": "2026-11", "department": "内科", "indicator": "DRG 点数", "value": "9"}]
    response = upload(
        client, f"/hospitals/{hospital.id}/performance/figures/import", _figures(rows)
    )
    assert response.status_code == 422
    assert "2026-11 的方案正在理事会审议，不能再改数据" in response.get_data(as_text=True)
