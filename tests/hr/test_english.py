"""English mode is all English on the HR pages (issue 9 item 20).

The demo city is seeded, the demo HR officer, institution admin and employee sign in with
the English locale, and every HR page they can open is rendered. Whatever Chinese is left
once the seeded data's own names and values are taken out is a label, a message or a bit of
punctuation that was not translated: the test names it.
"""

from __future__ import annotations

import html
import re
from pprint import pformat

import pytest
from sqlalchemy import select

from core.auth.models import User
from core.extensions import db
from hr.models import (
    Appointment,
    Contract,
    Department,
    Employment,
    Person,
    PostPlan,
    SalaryStep,
)
from hr.seed import demo as hr_seed
from institutions.models import Institution, Sponsor
from institutions.seed import seed_registry_and_users

#: CJK ideographs, CJK punctuation (、。「」〔〕…) and full-width forms (，：（）…).
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")


def _seeded_values() -> list[str]:
    """The seeded data's own words (names, titles, addresses…): they stay as recorded."""
    columns = [
        Person.name,
        Employment.professional_title,
        Department.name,
        Institution.name,
        Institution.address,
        Institution.legal_representative,
        Sponsor.name,
        User.full_name,
        Appointment.post_name,
        Employment.exit_note,
        Contract.termination_reason,
        PostPlan.document_number,
        PostPlan.note,
    ]
    # the language switch names each language in that language
    found: set[str] = {"中文"}
    # place names (the institution's district) are proper nouns
    found.update(i.district_name for i in db.session.scalars(select(Institution)))
    # Salary step reasons are message ids (reason_message); only free text from seeds is kept
    # as written (e.g. "套改").
    found.update(value for value in db.session.scalars(select(SalaryStep.reason)) if value)
    for column in columns:
        found.update(value for value in db.session.scalars(select(column)) if value)
    # longest first, so a name inside a longer name does not leave half of the longer one
    return sorted(found, key=len, reverse=True)


#: an option's value is the stored code (学历 is stored as the Chinese word); its label shows
OPTION_VALUE = re.compile(r'(<option\b[^>]*?)\svalue="[^"]*"')


#: a 文号 is Chinese in every language (an example of one is in the plan form's hint)
DOCUMENT_NUMBER = re.compile(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号")
#: the roster workbook's cells are Chinese: the import page names the values to type
WORKBOOK_VALUES = ("“事业编制”", "“员额”")


def _untranslated(body: str, allowed: list[str]) -> list[str]:
    """Return each piece of Chinese left, with a little of the English around it."""
    text = html.unescape(OPTION_VALUE.sub(r"\1", body))
    text = DOCUMENT_NUMBER.sub(" ", text)
    for value in WORKBOOK_VALUES:
        text = text.replace(value, " ")
    for value in allowed:
        text = text.replace(value, " ")
    return sorted({text[max(m.start() - 25, 0) : m.end() + 25].strip() for m in CJK.finditer(text)})


def _pages(institution_id: int, person_id: int, employment_id: int, year: int) -> list[str]:
    base = f"/hr/{institution_id}"
    contract = db.session.scalar(select(Contract.id).where(Contract.employment_id == employment_id))
    appointment = db.session.scalar(
        select(Appointment.id).where(Appointment.employment_id == employment_id)
    )
    department = db.session.scalar(
        select(Department.id).where(Department.institution_id == institution_id)
    )
    return [
        f"{base}/contracts/{contract}/renew",
        f"{base}/appointments/{appointment}/correct",
        f"{base}/departments/{department}/edit",
        "/hr/",
        f"{base}/staff",
        f"{base}/staff?page=2",
        f"{base}/staff/new",
        f"{base}/people/{person_id}",
        f"{base}/employments/{employment_id}/exit",
        f"{base}/employments/{employment_id}/appoint",
        f"{base}/employments/{employment_id}/contracts/new",
        f"{base}/posts",
        f"{base}/plans",
        f"{base}/plans/{year}",
        f"{base}/contracts",
        f"{base}/appraisals",
        f"{base}/appraisals/{year}",
        f"{base}/departments",
        f"{base}/departments/new",
        f"{base}/roster/import",
    ]


@pytest.fixture
def demo(app):
    seed_registry_and_users()
    hr_seed.seed_demo_staff()
    db.session.commit()
    return {u.username: u for u in db.session.scalars(select(User))}


def _english(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["lang"] = "en"
    return client


def _first_person(institution_id: int) -> Employment:
    return db.session.scalars(
        select(Employment)
        .where(Employment.institution_id == institution_id, Employment.end_on.is_(None))
        .order_by(Employment.id)
    ).first()


@pytest.mark.parametrize("username", ["renshi", "xiaoban", "yiyuanrenshi"])
def test_every_hr_page_is_english(client, demo, username):
    from core.ids import china_today

    user = demo[username]
    institution_id = user.memberships[0].institution_id
    employment = _first_person(institution_id)
    year = china_today().year
    _english(client, user)
    allowed = _seeded_values()
    problems = {}
    for url in _pages(institution_id, employment.person_id, employment.id, year):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        left = _untranslated(response.get_data(as_text=True), allowed)
        if left:
            problems[url] = left
    assert not problems, pformat(problems, width=100)


def test_the_employee_page_is_english(client, demo):
    _english(client, demo["zhigong"])
    response = client.get("/hr/me")
    assert response.status_code == 200
    left = _untranslated(response.get_data(as_text=True), _seeded_values())
    assert not left, left


def test_the_check_finds_chinese(client, demo):
    """The check is not blind: the same page in Chinese is full of it."""
    user = demo["renshi"]
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    institution_id = user.memberships[0].institution_id
    response = client.get(f"/hr/{institution_id}/staff")
    left = _untranslated(response.get_data(as_text=True), _seeded_values())
    assert any("人员身份" in piece for piece in left)


def test_labels_translated_once_still_follow_each_reader(client, demo):
    """Labels and grade names are translated once per locale: switching language switches
    them, in both directions, on the same worker."""
    user = demo["renshi"]
    url = f"/hr/{user.memberships[0].institution_id}/staff"
    for lang, identity, grade in (
        ("zh", "事业编制", "专技 "),
        ("en", "Established post (bianzhi)", "Professional grade "),
        ("zh", "事业编制", "专技 "),
    ):
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
            session["lang"] = lang
        body = client.get(url).get_data(as_text=True)
        assert f">{identity}</td>" in body, lang
        assert f'">{grade}' in body, lang
