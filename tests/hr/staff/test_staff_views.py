"""Staff pages: the list (search, filters, paging, export), entry and exit, the person page
with its masking rules, and the employee's own page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.excel import read_workbook
from core.extensions import db
from core.ids import china_today, make_citizen_id, mask_citizen_id
from core.roles import Role
from hr.models import Appointment, Appraisal, AppraisalRound, Contract, Employment, SalaryStep
from hr.staff.excel import STAFF_EXPORT
from tests.factories import (
    add_quota,
    create_employment,
    create_institution,
    create_person,
    create_user,
)


@pytest.fixture
def school(app):
    return create_institution(name="实验小学")


@pytest.fixture
def officer(school):
    user = create_user(Role.HR_OFFICER, institution=school)
    db.session.commit()
    return user


def _appoint(employment, grade=10, category="professional", start=date(2021, 9, 1), end=None):
    appointment = Appointment(
        employment=employment,
        institution_id=employment.institution_id,
        category=category,
        grade=grade,
        post_name=f"岗位{grade}",
        start_on=start,
        end_on=end,
    )
    db.session.add(appointment)
    db.session.flush()
    return appointment


def _body(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def _people_links(body: str) -> int:
    return len(re.findall(r'href="/hr/\d+/people/\d+"', body))


# --------------------------------------------------------------------------- list


def test_list_shows_staff_with_their_current_post(client, login_as, school, officer):
    employment = create_employment(school, create_person(name="赵老师"), staff_number="A01")
    _appoint(employment, grade=8, start=date(2018, 9, 1), end=date(2021, 8, 31))
    _appoint(employment, grade=7, start=date(2021, 9, 1))
    db.session.commit()
    body = _body(login_as(officer), f"/hr/{school.id}/staff")
    assert "赵老师" in body and "A01" in body
    assert "专技 7 级" in body
    assert "专技 8 级" not in body  # a past post is history, not the current one


def test_search_by_name_staff_number_or_id_tail(client, login_as, school, officer):
    wang = create_employment(school, create_person(name="王芳"), staff_number="W2024")
    create_employment(school, create_person(name="李强"), staff_number="L2019")
    db.session.commit()
    login_as(officer)
    for q in ("王", "w20", wang.person.citizen_id[-6:], wang.person.citizen_id[-4:]):
        body = _body(client, f"/hr/{school.id}/staff?q={q}")
        assert "王芳" in body and "李强" not in body, q
    body = _body(client, f"/hr/{school.id}/staff?q=不存在")
    assert "没有符合条件的记录" in body


def test_viewers_who_see_masked_ids_search_only_the_visible_tail(client, login_as, school):
    wang = create_employment(school, create_person(name="王芳"))
    finance = create_user(Role.FINANCE_OFFICER, institution=school)
    db.session.commit()
    login_as(finance)
    tail4, tail6 = wang.person.citizen_id[-4:], wang.person.citizen_id[-6:]
    assert "王芳" in _body(client, f"/hr/{school.id}/staff?q={tail4}")
    assert "王芳" not in _body(client, f"/hr/{school.id}/staff?q={tail6}")


def test_filters_identity_post_grade_and_status(client, login_as, school, officer):
    today = china_today()
    a = create_employment(school, create_person(name="编制甲"), identity="establishment")
    _appoint(a, grade=7)
    b = create_employment(school, create_person(name="合同乙"), identity="contract")
    _appoint(b, grade=2, category="management")
    c = create_employment(school, create_person(name="离职丙"), identity="contract")
    _appoint(c, grade=7, end=today - timedelta(days=10))
    c.end_on = today - timedelta(days=10)
    d = create_employment(school, create_person(name="将任丁"))
    _appoint(d, grade=7, start=today + timedelta(days=30))  # not yet in force
    db.session.commit()
    login_as(officer)

    def names(query):
        body = _body(client, f"/hr/{school.id}/staff?{query}")
        return {n for n in ("编制甲", "合同乙", "离职丙", "将任丁") if n in body}

    assert names("identity=establishment") == {"编制甲"}
    assert names("category=management") == {"合同乙"}
    assert names("category=professional&grade=7") == {"编制甲"}
    assert names("grade=2") == {"合同乙"}
    assert names("status=left") == {"离职丙"}
    assert names("status=active") == {"编制甲", "合同乙", "将任丁"}
    assert names("identity=bogus&grade=99&status=x") == {"编制甲", "合同乙", "离职丙", "将任丁"}


def test_list_pages_and_sorts(client, login_as, school, officer):
    for n in range(25):
        create_employment(school, staff_number=f"P{n:03d}")
    db.session.commit()
    login_as(officer)
    first = _body(client, f"/hr/{school.id}/staff")
    assert _people_links(first) == 20
    assert "共 25 条" in first
    assert first.index("P000") < first.index("P019")
    second = _body(client, f"/hr/{school.id}/staff?page=2")
    assert _people_links(second) == 5
    assert "P024" in second
    descending = _body(client, f"/hr/{school.id}/staff?sort=staff_number&dir=desc")
    assert "P024" in descending and "P000" not in descending


def test_export_has_the_filtered_list_and_masks_for_viewers(client, login_as, school, officer):
    a = create_employment(
        school, create_person(name="编制甲"), identity="establishment", staff_number="E1"
    )
    _appoint(a, grade=12, category="worker")
    create_employment(school, create_person(name="合同乙"), identity="contract")
    db.session.commit()

    response = login_as(officer).get(f"/hr/{school.id}/staff/export?identity=establishment")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    result = read_workbook(response.data, STAFF_EXPORT)
    assert result.errors == []
    [row] = result.rows
    assert (row["name"], row["staff_number"], row["identity"]) == ("编制甲", "E1", "事业编制")
    assert row["citizen_id"] == a.person.citizen_id
    assert row["category"] == "工勤技能"
    assert row["status"] == "在职"

    sponsor = create_user(Role.SPONSOR, sponsor=school.sponsor)
    db.session.commit()
    response = login_as(sponsor).get(f"/hr/{school.id}/staff/export")
    rows = read_workbook(response.data, STAFF_EXPORT).rows
    assert len(rows) == 2
    assert {r["citizen_id"] for r in rows} == {
        mask_citizen_id(e.person.citizen_id)
        for e in db.session.scalars(
            select(Employment).where(Employment.institution_id == school.id)
        )
    }


def _queries(client, count_queries, url) -> int:
    db.session.expire_all()  # every request starts cold, as it would in production
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter["n"]


def test_list_and_export_run_a_fixed_number_of_queries(
    client, login_as, count_queries, school, officer
):
    login_as(officer)

    def add(n):
        for _ in range(n):
            employment = create_employment(school)
            _appoint(employment)
        db.session.commit()

    add(2)
    few = _queries(client, count_queries, f"/hr/{school.id}/staff")
    few_export = _queries(client, count_queries, f"/hr/{school.id}/staff/export")
    add(18)
    assert _queries(client, count_queries, f"/hr/{school.id}/staff") == few
    assert _queries(client, count_queries, f"/hr/{school.id}/staff?category=professional") == few
    assert _queries(client, count_queries, f"/hr/{school.id}/staff/export") == few_export


def test_another_institutions_staff_list_is_not_found(client, login_as, officer):
    elsewhere = create_institution()
    db.session.commit()
    assert login_as(officer).get(f"/hr/{elsewhere.id}/staff").status_code == 404


# --------------------------------------------------------------------------- person page


def _rich_history(employment, n: int) -> None:
    round_ = AppraisalRound(institution_id=employment.institution_id, year=2000 + employment.id)
    db.session.add(round_)
    for k in range(n):
        _appoint(employment, grade=10 - k, start=date(2015 + k, 9, 1), end=date(2016 + k, 8, 31))
        db.session.add(
            Contract(
                employment=employment,
                institution_id=employment.institution_id,
                contract_type="fixed_term",
                start_on=date(2015 + k, 9, 1),
                end_on=date(2016 + k, 8, 31),
                probation_months=0,
                status="expired",
            )
        )
        db.session.add(
            SalaryStep(employment=employment, effective_on=date(2015 + k, 1, 1), step=10 + k)
        )
    db.session.add(Appraisal(round=round_, employment=employment, grade="pass"))
    db.session.flush()


def test_person_page_shows_the_whole_history(client, login_as, school, officer):
    employment = create_employment(school, create_person(name="钱老师"), start_on=date(2015, 9, 1))
    _rich_history(employment, 2)
    db.session.commit()
    body = _body(login_as(officer), f"/hr/{school.id}/people/{employment.person_id}")
    assert "钱老师" in body
    assert "专技 10 级" in body and "专技 9 级" in body
    assert "固定期限" in body and "已到期终止" in body
    # HR's part of the pay record: the 薪级 versions (the money settings are payroll's)
    history = body.split("薪级记录")[1]
    assert "2016-01-01" in history and ">11<" in history and ">10<" in history
    assert "合格" in body


def test_person_page_runs_a_fixed_number_of_queries(client, login_as, count_queries, school):
    sponsor = create_user(Role.SPONSOR, sponsor=school.sponsor)
    small = create_employment(school)
    _rich_history(small, 1)
    big_person = create_person()
    sibling = create_institution(sponsor=school.sponsor)
    spans = [
        (school, date(2010, 1, 1), date(2012, 1, 1)),
        (sibling, date(2012, 2, 1), date(2014, 1, 1)),
        (school, date(2014, 2, 1), None),
    ]
    for institution, start, end in spans:
        employment = create_employment(institution, big_person, start_on=start, end_on=end)
        _rich_history(employment, 4)
    db.session.commit()
    login_as(sponsor)
    few = _queries(client, count_queries, f"/hr/{school.id}/people/{small.person_id}")
    many = _queries(client, count_queries, f"/hr/{school.id}/people/{big_person.id}")
    assert many == few, (few, many)


def test_hr_officers_of_the_institution_see_the_full_id_others_see_it_masked(
    client, login_as, school, officer
):
    employment = create_employment(school)
    number = employment.person.citizen_id
    finance = create_user(Role.FINANCE_OFFICER, institution=school)
    sponsor = create_user(Role.SPONSOR, sponsor=school.sponsor)
    office = create_user(Role.STAFFING_OFFICE)
    db.session.commit()
    for user, full in ((officer, True), (finance, False), (sponsor, False), (office, False)):
        login_as(user)
        for url in (f"/hr/{school.id}/people/{employment.person_id}", f"/hr/{school.id}/staff"):
            body = _body(client, url)
            assert (number in body) is full, (user.username, url)
            assert mask_citizen_id(number) in body or full


def test_full_numbers_only_for_hr_of_the_institution_and_the_employee(
    client, login_as, school, officer
):
    """One rule (hr/staff/masking.py) for the list, the person page and the export."""
    employee = create_user(Role.EMPLOYEE, institution=school)
    employment = create_employment(
        school, create_person(name="钱本人", user_id=employee.id), bank_account="6222021234567890"
    )
    number, account = employment.person.citizen_id, employment.bank_account
    other = create_institution(name="别的学校", sponsor=school.sponsor)
    readers = {
        "officer": (officer, True),
        "admin": (create_user(Role.INSTITUTION_ADMIN, institution=school), False),
        "finance": (create_user(Role.FINANCE_OFFICER, institution=school), False),
        "sponsor": (create_user(Role.SPONSOR, sponsor=school.sponsor), False),
        "office": (create_user(Role.STAFFING_OFFICE), False),
        "other_hr": (create_user(Role.HR_OFFICER, institution=other), False),
    }
    db.session.commit()
    person_url = f"/hr/{school.id}/people/{employment.person_id}"
    for name, (user, full) in readers.items():
        login_as(user)
        if name == "other_hr":
            assert client.get(person_url).status_code in (403, 404)
            continue
        for url in (person_url, f"/hr/{school.id}/staff"):
            body = _body(client, url)
            assert (number in body) is full, (name, url)
        body = _body(client, person_url)
        assert (account in body) is full, name
        assert full or "************7890" in body
        rows = read_workbook(client.get(f"/hr/{school.id}/staff/export").data, STAFF_EXPORT).rows
        assert [r["citizen_id"] for r in rows] == [number if full else mask_citizen_id(number)]
    login_as(employee)
    body = _body(client, "/hr/me")
    assert number in body and account in body


def test_masking_rule():
    from hr.staff.masking import mask_bank_account, shown_bank_account, shown_citizen_id

    assert mask_bank_account("6222021234567890") == "************7890"
    assert mask_bank_account(" 1234 ") == "****"
    assert shown_bank_account("6222021234567890", True) == "6222021234567890"
    assert shown_bank_account(None, False) == ""
    assert shown_citizen_id("11010519491231002X", False) == "110105********002X"
    assert shown_citizen_id("11010519491231002X", True) == "11010519491231002X"


def test_person_page_shows_only_employments_the_user_may_see(client, login_as, school, officer):
    sibling = create_institution(name="兄弟学校", sponsor=school.sponsor)
    person = create_person(name="孙老师")
    create_employment(sibling, person, start_on=date(2010, 9, 1), end_on=date(2019, 7, 31))
    create_employment(school, person, start_on=date(2019, 9, 1))
    sponsor = create_user(Role.SPONSOR, sponsor=school.sponsor)
    db.session.commit()
    url = f"/hr/{school.id}/people/{person.id}"
    assert "兄弟学校" not in _body(login_as(officer), url)
    body = _body(login_as(sponsor), url)
    assert "兄弟学校" in body and "实验小学" in body


def test_a_person_without_an_employment_here_is_not_found(client, login_as, school, officer):
    stranger = create_employment(create_institution()).person
    db.session.commit()
    login_as(officer)
    assert client.get(f"/hr/{school.id}/people/{stranger.id}").status_code == 404
    assert client.get(f"/hr/{school.id}/people/999999").status_code == 404


# --------------------------------------------------------------------------- entry and exit


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


def test_officer_enters_a_new_person(client, login_as, school, officer):
    login_as(officer)
    assert "办理入职" in _body(client, f"/hr/{school.id}/staff/new")
    response = client.post(f"/hr/{school.id}/staff/new", data=_entry_form())
    assert response.status_code == 302
    employment = db.session.scalar(select(Employment).where(Employment.staff_number == "N001"))
    assert response.headers["Location"].endswith(f"/hr/{school.id}/people/{employment.person_id}")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "employment.enter"))
    assert event.actor_id == officer.id and event.institution_id == school.id


def test_entry_beyond_the_quota_is_refused_on_the_form(client, login_as, school, officer):
    add_quota(school, "establishment", 1)
    create_employment(school, identity="establishment")
    db.session.commit()
    login_as(officer)
    body = _body(client, f"/hr/{school.id}/staff/new")
    assert "核定 1 名，在编 1 名，空编 0 名" in body  # shown before the officer types
    response = client.post(f"/hr/{school.id}/staff/new", data=_entry_form(identity="establishment"))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "严禁超编进人" in body and "核定 1 名" in body and "空编 0 名" in body
    assert "is-invalid" in body


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("citizen_id", "110105194912310021", "身份证号未通过校验：请与身份证逐位核对"),
        ("citizen_id", "", "请填写身份证号"),
        ("staff_number", "工号一", "只能由字母、数字"),
        ("start_on", "2024-13-01", "不是有效日期"),
        ("start_on", "", "请填写入职日期"),
    ],
)
def test_entry_form_reports_each_field(client, login_as, school, officer, field, value, reason):
    response = login_as(officer).post(
        f"/hr/{school.id}/staff/new", data=_entry_form(**{field: value})
    )
    assert response.status_code == 422
    assert reason in response.get_data(as_text=True)


def test_officer_exits_an_employee_after_confirming(client, login_as, school, officer):
    employment = create_employment(school, start_on=date(2020, 9, 1))
    db.session.commit()
    login_as(officer)
    url = f"/hr/{school.id}/employments/{employment.id}/exit"
    body = _body(client, url)
    assert "data-confirm=" in body and employment.person.name in body
    response = client.post(url, data={"end_on": "2020-08-01", "exit_reason": "resignation"})
    assert response.status_code == 422
    assert "早于入职日期" in response.get_data(as_text=True)
    response = client.post(
        url, data={"end_on": "2024-07-31", "exit_reason": "resignation", "exit_note": "个人原因"}
    )
    assert response.status_code == 302
    db.session.refresh(employment)
    assert employment.end_on == date(2024, 7, 31)
    assert "已于 2024-07-31 离职" in _body(client, url)
    response = client.post(url, data={"end_on": "2024-08-31", "exit_reason": "dismissal"})
    assert response.status_code == 422


def test_exit_of_another_institutions_employment_is_not_found(client, login_as, school, officer):
    foreign = create_employment(create_institution())
    db.session.commit()
    login_as(officer)
    assert client.get(f"/hr/{school.id}/employments/{foreign.id}/exit").status_code == 404


# --------------------------------------------------------------------------- my own page


def test_employee_sees_only_their_own_record(client, login_as, school):
    employee = create_user(Role.EMPLOYEE, institution=school)
    mine = create_employment(school, create_person(name="吴本人", user_id=employee.id))
    _appoint(mine, grade=9, category="professional")
    create_employment(school, create_person(name="郑别人"))
    db.session.commit()
    login_as(employee)
    body = _body(client, "/hr/me")
    assert "吴本人" in body and "专技 9 级" in body and "实验小学" in body
    assert "郑别人" not in body
    assert mine.person.citizen_id in body  # their own number, in full
    assert client.get(f"/hr/{school.id}/staff").status_code == 403


def test_an_unlinked_account_gets_a_friendly_page(client, login_as, school):
    user = create_user(Role.COUNCIL_MEMBER, institution=school)
    db.session.commit()
    body = _body(login_as(user), "/hr/me")
    assert "尚未关联人员档案" in body
