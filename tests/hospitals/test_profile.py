"""The hospital profile: beds and level, and HR's staff against the staffing benchmarks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.extensions import db
from core.roles import Role
from hospitals.benchmarks import Position
from hospitals.models import HospitalProfile
from hospitals.profile import queries
from hr.models import DepartmentKind
from institutions.models import InstitutionKind
from tests.factories import (
    create_department,
    create_employment,
    create_institution,
    create_person,
    create_user,
)

ON = date(2026, 6, 30)


@pytest.fixture
def hospital(app):
    hospital = create_institution(name="配置医院", kind=InstitutionKind.HOSPITAL.value)
    ward = create_department(hospital, "内科", kind=DepartmentKind.CLINICAL.value)
    nursing = create_department(hospital, "护理部", kind=DepartmentKind.NURSING.value)
    office = create_department(hospital, "院办", kind=DepartmentKind.ADMINISTRATIVE.value)
    for n, (department, title) in enumerate(
        [
            (ward, "主治医师"),
            (ward, "主任中医师"),
            (nursing, "护师"),
            (nursing, "主管护师"),
            (nursing, "护士"),
            (ward, None),
            (office, None),
            (office, "主治医师"),
        ]
    ):
        create_employment(
            hospital,
            person=create_person(name=f"人员{n}"),
            professional_title=title,
            department=department,
            start_on=date(2020, 1, 1),
        )
    db.session.commit()
    return hospital


def test_staff_are_counted_the_benchmarks_way(hospital):
    counts = queries.staffing_counts(hospital.id, 5, ON)
    # 8 staff, 6 in clinical and nursing departments, 3 with a physician's title (one of
    # them in the office), 3 nurses
    assert (counts.staff, counts.clinical, counts.doctors, counts.nurses) == (8, 6, 3, 3)


def test_no_profile_no_benchmarks(hospital):
    assert queries.benchmark_report(hospital.id, ON) == (None, None)


def test_hr_records_the_beds_and_the_overview_shows_the_deviations(hospital, client, login_as):
    user = create_user(Role.HR_OFFICER, institution=hospital)
    db.session.commit()
    login_as(user)
    url = f"/hospitals/{hospital.id}/profile"
    assert client.post(url, data={"level": "secondary", "beds": "-1"}).status_code == 422
    assert client.post(url, data={"level": "secondary", "beds": "10"}).status_code == 302
    profile = db.session.query(HospitalProfile).one()
    assert (profile.level, profile.beds) == ("secondary", 10)
    _, report = queries.benchmark_report(hospital.id, ON)
    staff_per_bed = report.figure("staff_per_bed")
    assert staff_per_bed.position is Position.BELOW  # 0.8 staff a bed, 1.3–1.4 asked
    assert staff_per_bed.deviation == Decimal("-0.5000")
    page = client.get(f"/hospitals/{hospital.id}/").get_data(as_text=True)
    assert "低于标准" in page and "10 张床位" in page
    # the form shows what is on file
    assert 'value="10"' in client.get(url).get_data(as_text=True)
