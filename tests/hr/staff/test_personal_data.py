"""Personal data across institutions, tested as a skeptic would (issue 8, item 12).

A person employed by institution A is imported or hired by institution B. B must see the
identity (ID number, name, gender, birth date) and nothing A recorded (学历, 职称, 电话,
bank account); a name that does not go with an ID number gets one answer, word for word the
same whoever holds the number, so that no refusal confirms a record elsewhere.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.excel import read_workbook
from core.extensions import db
from core.ids import china_today, make_citizen_id
from core.roles import Role
from hr.models import Employment, Person
from hr.roster.excel import ROSTER_SPEC
from hr.staff.entry import IDENTITY_MISMATCH, identity_mismatch
from hr.staff.excel import STAFF_EXPORT
from tests.factories import (
    create_department,
    create_employment,
    create_institution,
    create_person,
    create_user,
)
from tests.hr.roster.test_roster import _row, _xlsx
from tests.imports import upload, upload_and_confirm

#: What A recorded about its teacher: none of it may reach B.
A_PHONE = "13900001111"
A_TITLE = "高级教师（甲校评定）"
A_BANK = "6222020000001111"


@pytest.fixture
def a_and_b(app):
    """Institution A with a teacher it recorded details for; institution B with an officer."""
    a = create_institution(name="甲校")
    b = create_institution(name="乙校")
    create_department(b, "教务处")
    teacher = create_employment(
        a,
        create_person(name="陈静"),
        education="硕士研究生",
        professional_title=A_TITLE,
        phone=A_PHONE,
        bank_account=A_BANK,
    )
    officer = create_user(Role.HR_OFFICER, institution=b)
    db.session.commit()
    return a, b, teacher, officer


def _entry_form(**overrides) -> dict:
    data = {
        "citizen_id": make_citizen_id("510107", date(1992, 3, 4), 321, True),
        "name": "周明",
        "staff_number": "N001",
        "identity": "contract",
        "start_on": (china_today() - timedelta(days=1)).isoformat(),
        "department_id": "",
        "salary_step": "12",
        "education": "",
        "professional_title": "",
        "phone": "",
        "bank_account": "",
    }
    data.update(overrides)
    return data


def _assert_none_of_a(text: str) -> None:
    for secret in (A_PHONE, A_TITLE, A_BANK, A_BANK[-4:] + "<", "硕士研究生", "甲校"):
        assert secret not in text, secret


def _b_pages(client, b, person_id) -> str:
    pages = [
        client.get(f"/hr/{b.id}/people/{person_id}"),
        client.get(f"/hr/{b.id}/staff"),
        client.get(f"/hr/{b.id}/staff?q=陈静"),
    ]
    assert all(p.status_code == 200 for p in pages)
    return "".join(p.get_data(as_text=True) for p in pages)


def _b_exports(client, b) -> str:
    """The staff list and roster exports of B, as text."""
    cells = []
    for url, spec in (
        (f"/hr/{b.id}/staff/export", STAFF_EXPORT),
        (f"/hr/{b.id}/roster/export", ROSTER_SPEC),
    ):
        response = client.get(url)
        assert response.status_code == 200
        result = read_workbook(response.data, spec)
        cells += [str(v) for row in result.rows for v in row.values()]
    return " ".join(cells)


def test_b_importing_as_person_sees_none_of_as_details(client, login_as, a_and_b):
    a, b, teacher, officer = a_and_b
    person = teacher.person
    login_as(officer)
    row = _row(b.credit_code, 1, 姓名="陈静", 身份证号=person.citizen_id, 银行账号=None)
    response = upload_and_confirm(client, f"/hr/{b.id}/roster/import", _xlsx([row]))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]

    mine = db.session.scalar(select(Employment).where(Employment.institution_id == b.id))
    assert mine.person_id == person.id  # one identity, shared
    assert (mine.education, mine.professional_title, mine.phone) == (None, None, None)
    text = _b_pages(client, b, person.id) + _b_exports(client, b)
    assert "陈静" in text  # the identity is shared
    _assert_none_of_a(text)
    # A's record is untouched and still A's.
    db.session.refresh(teacher)
    assert (teacher.professional_title, teacher.phone) == (A_TITLE, A_PHONE)


def test_b_hiring_as_person_through_the_form_keeps_its_own_details(client, login_as, a_and_b):
    a, b, teacher, officer = a_and_b
    person = teacher.person
    login_as(officer)
    response = client.post(
        f"/hr/{b.id}/staff/new",
        data=_entry_form(citizen_id=person.citizen_id, name="陈静", phone="028-1234567"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    page = _b_pages(client, b, person.id)
    assert "028-1234567" in page
    _assert_none_of_a(page)
    db.session.refresh(teacher)
    assert teacher.phone == A_PHONE  # B's entry did not overwrite A's record


def test_a_reader_of_both_institutions_sees_each_record_under_its_institution(
    client, login_as, a_and_b
):
    a, b, teacher, _officer = a_and_b
    create_employment(b, teacher.person, phone="028-7654321")
    city = create_user(Role.STAFFING_OFFICE)
    db.session.commit()
    login_as(city)
    page = client.get(f"/hr/{b.id}/people/{teacher.person_id}").get_data(as_text=True)
    cards = dict(re.findall(r'id="employment-(\d+)".*?class="col-sm-9 phone">([^<]*)<', page, re.S))
    assert cards[str(teacher.id)] == A_PHONE
    assert "028-7654321" in cards.values()


def test_a_rehire_starts_from_what_this_institution_recorded(client, login_as, a_and_b):
    a, b, teacher, _officer = a_and_b
    teacher.end_on = date(2024, 7, 31)
    other = create_employment(b, teacher.person, phone="028-0000000", end_on=date(2025, 1, 31))
    db.session.commit()
    officer_a = create_user(Role.HR_OFFICER, institution=a)
    db.session.commit()
    login_as(officer_a)
    response = client.post(
        f"/hr/{a.id}/staff/new",
        data=_entry_form(citizen_id=teacher.person.citizen_id, name="陈静", staff_number="R1"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    again = db.session.scalar(
        select(Employment).where(Employment.institution_id == a.id, Employment.staff_number == "R1")
    )
    assert (again.phone, again.professional_title) == (A_PHONE, A_TITLE)  # A's, not B's
    assert other.phone != again.phone


# --------------------------------------------------------------------------- the one answer


def _form_refusal(client, b, **data) -> str:
    response = client.post(f"/hr/{b.id}/staff/new", data=_entry_form(**data))
    assert response.status_code == 422
    return response.get_data(as_text=True)


def _field_errors(page: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", m).strip()
        for m in re.findall(r'class="invalid-feedback[^"]*"[^>]*>(.*?)</', page, re.S)
    ]


def test_the_mismatch_answer_is_the_same_for_any_holder_of_the_number(client, login_as, a_and_b):
    """A's number, B's own former employee's number, and a number only the file itself
    names: the same words, which name neither the record on file nor where it is."""
    a, b, teacher, officer = a_and_b
    former = create_employment(
        b, create_person(name="林立"), staff_number="OLD1", end_on=date(2023, 1, 31)
    )
    db.session.commit()
    login_as(officer)
    unregistered = make_citizen_id("510104", date(1990, 5, 6), 77, False)
    assert db.session.scalar(select(Person).where(Person.citizen_id == unregistered)) is None

    # The form: A's number under another name, B's own former employee's under another.
    elsewhere = _field_errors(
        _form_refusal(client, b, citizen_id=teacher.person.citizen_id, name="王芳")
    )
    here = _field_errors(
        _form_refusal(
            client, b, citizen_id=former.person.citizen_id, name="王芳", staff_number="N2"
        )
    )
    assert elsewhere == here == [IDENTITY_MISMATCH]

    # The roster: the same two, and an unregistered number the file names twice.
    rows = [
        _row(b.credit_code, 1, 姓名="王芳", 身份证号=teacher.person.citizen_id),
        _row(b.credit_code, 2, 姓名="王芳", 身份证号=former.person.citizen_id),
        _row(b.credit_code, 3, 姓名="赵敏", 身份证号=unregistered),
        _row(b.credit_code, 4, 姓名="王芳", 身份证号=unregistered),
    ]
    response = upload(client, f"/hr/{b.id}/roster/import", _xlsx(rows))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    said = {row: reason for row, reason in re.findall(r"第 (\d+) 行「姓名」：([^<\n]*)", page)}
    assert said == {"2": IDENTITY_MISMATCH, "3": IDENTITY_MISMATCH, "5": IDENTITY_MISMATCH}
    # Nothing else about the person on file is reported for those rows.
    for row in ("2", "3"):
        assert not re.search(rf"第 {row} 行「(身份证号|人员身份)」", page)
    errors = " ".join(re.findall(r"第 \d+ 行「[^」]*」：[^<\n]*", page))
    for leaked in ("陈静", "林立", "甲校", "已登记", "系统中", "其他单位"):
        assert leaked not in errors and leaked not in str(elsewhere)


def test_no_further_fact_follows_a_mismatch(client, login_as, app):
    """A's 编制 holder under a wrong name: B learns of no quota place elsewhere."""
    a, b = create_institution(name="甲院"), create_institution(name="乙院")
    holder = create_employment(a, create_person(name="周全"), identity="establishment")
    officer = create_user(Role.HR_OFFICER, institution=b)
    db.session.commit()
    login_as(officer)
    page = _form_refusal(
        client, b, citizen_id=holder.person.citizen_id, name="周泉", identity="establishment"
    )
    assert "其他单位" not in page and "编制或员额" not in page
    assert _field_errors(page).count(IDENTITY_MISMATCH) == 1


@pytest.mark.parametrize(
    ("given", "on_file", "refused"),
    [
        ("张伟", None, False),  # not on file: any name goes
        ("张伟", "张伟", False),
        ("张 伟", "张伟", False),  # spacing
        ("ＡＢＣ", "ABC", False),  # full-width forms
        ("张玮", "张伟", True),
        ("", "张伟", False),  # an empty name is refused on its own
    ],
)
def test_identity_mismatch_rule(app, given, on_file, refused):
    found = identity_mismatch(given, on_file)
    assert (found is not None) is refused
    if refused:
        assert found.id == IDENTITY_MISMATCH and not found.params
