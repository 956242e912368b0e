"""The school pages: profile, enrolment by form and by Excel, the allowance against HR's
staff, the projection, and the stage of each member of staff."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from core.audit import AuditEvent
from core.extensions import db
from core.ids import china_today
from core.roles import Role
from hr.models import DepartmentKind, Identity
from schools import operations, queries
from schools.enrolment import GradeEnrolment
from schools.findings import SchoolsRefusal
from schools.models import EnrolmentGrade, EnrolmentSource, EnrolmentYear, StaffStage
from tests.factories import create_department, create_employment, create_institution, create_user

TODAY = china_today()
THIS_YEAR = queries.school_year_of(TODAY)


@pytest.fixture
def school():
    return create_institution(name="武侯实验学校")


@pytest.fixture
def principal(school):
    return create_user(Role.INSTITUTION_ADMIN, institution=school)


def _profile(school, school_type="primary", lump_sum=True):
    return operations.save_profile(school, {"school_type": school_type, "is_lump_sum": lump_sum})


def _grades(students, classes=None):
    """{grade: students} -> grade rows with ``classes`` classes each (default: 45 a class)."""
    return [
        GradeEnrolment(g, classes if classes is not None else -(-n // 45), n)
        for g, n in students.items()
    ]


def _staff(school, n, identity=Identity.FILED.value, department=None):
    return [
        create_employment(
            school, identity=identity, department=department, start_on=date(2020, 9, 1)
        )
        for _ in range(n)
    ]


def _form(year, grades):
    data = {"year": year}
    for grade, (classes, students) in grades.items():
        data[f"classes_{grade}"] = classes
        data[f"students_{grade}"] = students
    return data


# --------------------------------------------------------------------------- operations


def test_profile_only_for_a_school():
    hospital = create_institution(kind="hospital")
    with pytest.raises(SchoolsRefusal):
        operations.save_profile(hospital, {"school_type": "primary"})


def test_save_enrolment_replaces_a_year_and_is_audited(school):
    profile = _profile(school)
    operations.save_enrolment(profile, 2024, _grades({1: 90, 2: 88}), today=TODAY)
    enrolment, _ = operations.save_enrolment(profile, 2024, _grades({1: 95}), today=TODAY)
    assert [(g.grade, g.students) for g in enrolment.grades] == [(1, 95)]
    assert db.session.scalar(select(func.count()).select_from(EnrolmentYear)) >= 1
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.institution_id == school.id)
    ).all()
    assert actions.count("enrolment.save") == 2


def test_negative_or_grade_not_taught_is_refused_and_nothing_written(school):
    profile = _profile(school, "primary")
    with pytest.raises(SchoolsRefusal) as refused:
        operations.save_enrolment(
            profile, 2024, [GradeEnrolment(1, 2, -3), GradeEnrolment(7, 1, 40)], today=TODAY
        )
    assert set(refused.value.by_field()) == {"students_1", "students_7"}
    assert queries.enrolment_year(school.id, 2024) is None


def test_a_year_too_far_ahead_is_refused(school):
    profile = _profile(school)
    with pytest.raises(SchoolsRefusal):
        operations.save_enrolment(profile, THIS_YEAR + 2, _grades({1: 40}), today=TODAY)


def test_oversized_classes_warn_but_save(school):
    profile = _profile(school)
    _, findings = operations.save_enrolment(profile, 2024, [GradeEnrolment(1, 1, 70)], today=TODAY)
    assert [f.code for f in findings] == ["super_sized"]


def test_changing_the_type_is_refused_while_grades_outside_it_are_recorded(school):
    profile = _profile(school, "nine_year")
    operations.save_enrolment(profile, 2024, _grades({7: 100}), today=TODAY)
    with pytest.raises(SchoolsRefusal):
        operations.save_profile(school, {"school_type": "primary"})


def test_allowance_counts_hr_staff_by_identity_and_department(school):
    """380 pupils at 1:19 give 20; 12 员额 + 3 编制 + 2 合同制 counted, 4 劳务派遣 not."""
    profile = _profile(school, "primary")
    enrolment, _ = operations.save_enrolment(
        profile, THIS_YEAR, _grades({1: 190, 2: 190}), today=TODAY
    )
    _staff(school, 12)
    _staff(school, 3, Identity.ESTABLISHMENT.value)
    office = create_department(school, "办公室", kind=DepartmentKind.ADMINISTRATIVE.value)
    _staff(school, 2, Identity.CONTRACT.value, department=office)
    _staff(school, 4, Identity.DISPATCH.value)
    left = create_employment(school, identity=Identity.FILED.value, start_on=date(2020, 9, 1))
    left.end_on = date(2021, 1, 31)
    report = queries.allowance_for(profile, enrolment, TODAY).report
    assert report.allowance == 20
    assert report.staff.counted == 17
    assert report.staff.of("dispatch") == 4
    assert report.staff.non_teaching == 2
    assert report.gap == 3
    assert [f.code for f in report.findings if f.code == "shortfall"] == ["shortfall"]


def test_combined_school_counts_staff_by_recorded_stage(school):
    profile = _profile(school, "nine_year")
    enrolment, _ = operations.save_enrolment(
        profile, THIS_YEAR, _grades({1: 190, 7: 135}), today=TODAY
    )
    primary = _staff(school, 6)
    junior = _staff(school, 4)
    _staff(school, 2)  # serve the whole school
    for employment in primary:
        operations.set_staff_stage(profile, employment, "primary")
    for employment in junior:
        operations.set_staff_stage(profile, employment, "junior")
    report = queries.allowance_for(profile, enrolment, TODAY).report
    assert (report.stage("primary").allowance, report.stage("primary").staff.counted) == (10, 6)
    assert (report.stage("junior").allowance, report.stage("junior").staff.counted) == (10, 4)
    assert report.shared.counted == 2
    assert report.gap == 20 - 12
    operations.set_staff_stage(profile, junior[0], None)
    assert (
        db.session.scalar(select(StaffStage).where(StaffStage.employment_id == junior[0].id))
        is None
    )
    with pytest.raises(SchoolsRefusal):
        operations.set_staff_stage(profile, junior[1], "senior")


def test_staff_of_another_school_cannot_be_given_a_stage(school):
    profile = _profile(school, "nine_year")
    stranger = create_employment(create_institution())
    with pytest.raises(SchoolsRefusal):
        operations.set_staff_stage(profile, stranger, "primary")


# --------------------------------------------------------------------------- pages


def test_principal_enters_enrolment_and_sees_the_shortfall_and_projection(
    school, principal, login_as
):
    client = login_as(principal)
    response = client.post(
        f"/schools/{school.id}/profile", data={"school_type": "primary", "is_lump_sum": "y"}
    )
    assert response.status_code == 302
    _staff(school, 10)
    for year, first in ((THIS_YEAR - 2, 150), (THIS_YEAR - 1, 180)):
        operations.save_enrolment(
            queries.profile_of(school.id), year, _grades({1: first, 2: 150}), today=TODAY
        )
    grades = {g: (4, 180) for g in range(1, 7)}
    response = client.post(
        f"/schools/{school.id}/enrolment/{THIS_YEAR}", data=_form(THIS_YEAR, grades)
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    # 1,080 pupils at 1:19 = 56.84 -> 57; 10 staff: short of 47
    assert 'id="allowance-total">57<' in page
    assert 'id="gap-total">+47<' in page
    assert "两自一包" in page
    assert 'id="projection-chart"' in page
    assert "shortage-coming" in page
    again = client.get(f"/schools/{school.id}/?entrants=300&years=3").get_data(as_text=True)
    assert "填报数" in again


def test_form_with_a_negative_number_is_refused_with_the_reason(school, principal, login_as):
    _profile(school)
    client = login_as(principal)
    grades = {g: (4, 180) for g in range(1, 7)}
    grades[3] = (4, -5)
    db.session.commit()  # the refusal rolls back to here
    response = client.post(f"/schools/{school.id}/enrolment/2024", data=_form(2024, grades))
    assert response.status_code == 422
    assert "学生数不能为负数" in response.get_data(as_text=True)
    assert queries.enrolment_year(school.id, 2024) is None


def test_enrolment_page_asks_for_the_profile_first(school, principal, login_as):
    response = login_as(principal).get(f"/schools/{school.id}/enrolment/2024")
    assert response.status_code == 200
    assert "请先填写学校概况" in response.get_data(as_text=True)


def test_hr_officer_records_a_stage_and_finance_only_reads(school, login_as, client):
    _profile(school, "nine_year")
    employment = _staff(school, 1)[0]
    finance = create_user(Role.FINANCE_OFFICER, institution=school)
    login_as(finance)
    assert client.get(f"/schools/{school.id}/staff").status_code == 200
    url = f"/schools/{school.id}/staff/{employment.id}/stage"
    assert client.post(url, data={"stage": "junior"}).status_code == 403
    login_as(create_user(Role.HR_OFFICER, institution=school))
    assert client.post(url, data={"stage": "junior"}).status_code == 302
    assert (
        db.session.scalar(select(StaffStage.stage).where(StaffStage.employment_id == employment.id))
        == "junior"
    )


def _workbook(rows, header=("学年", "年级", "班级数", "学生数")):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(client, school, data):
    return client.post(
        f"/schools/{school.id}/enrolment/import",
        data={"file": (io.BytesIO(data), "学生数.xlsx")},
        content_type="multipart/form-data",
    )


def test_import_previews_then_writes_every_year(school, principal, login_as):
    _profile(school)
    client = login_as(principal)
    rows = [(2023, g, 2, 80) for g in range(1, 7)] + [(2024, g, 2, 90) for g in range(1, 7)]
    response = _upload(client, school, _workbook(rows))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "2023–2024 学年" in body
    assert queries.enrolment_year(school.id, 2023) is None  # nothing before the confirmation
    import re

    file_id = re.search(r'name="file_id"[^>]*value="(\d+)"', body) or re.search(
        r'value="(\d+)"[^>]*name="file_id"', body
    )
    key = re.search(r'name="key"[^>]*value="([^"]+)"', body) or re.search(
        r'value="([^"]+)"[^>]*name="key"', body
    )
    response = client.post(
        f"/schools/{school.id}/enrolment/import",
        data={"step": "confirm", "file_id": file_id.group(1), "key": key.group(1)},
    )
    assert response.status_code in (200, 302)
    recorded = queries.enrolment_year(school.id, 2024)
    assert recorded.students == 540
    assert recorded.source == EnrolmentSource.IMPORT


def test_import_with_errors_writes_nothing(school, principal, login_as):
    _profile(school)
    db.session.commit()  # the refusal rolls back to here
    client = login_as(principal)
    rows = [(2024, 1, 2, 80), (2024, 1, 2, 81), (2024, 8, 1, 40), (2024, 2, 0, 30)]
    response = _upload(client, school, _workbook(rows))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "同一学年同一年级" in body
    assert "本校未设初中学段" in body
    assert "班级数为 0" in body
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(EnrolmentGrade)
            .join(EnrolmentYear)
            .where(EnrolmentYear.institution_id == school.id)
        )
        == 0
    )


def test_export_has_the_import_columns(school, principal, login_as):
    profile = _profile(school)
    operations.save_enrolment(profile, 2024, _grades({1: 90, 2: 88}), today=TODAY)
    response = login_as(principal).get(f"/schools/{school.id}/enrolment/export")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    assert rows[0] == ("学年", "年级", "班级数", "学生数")
    assert (2024, 1, 2, 90) in rows


def test_a_hospital_has_no_school_page_content(login_as):
    hospital = create_institution(kind="hospital")
    root = create_user(is_superuser=True, username="root-schools")
    body = login_as(root).get(f"/schools/{hospital.id}/").get_data(as_text=True)
    assert "本单位不是学校" in body
