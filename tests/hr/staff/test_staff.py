"""Entry and exit (进出): the pure rules, and the operations with their refusals and audit."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.audit import AuditEvent
from core.extensions import db
from core.ids import make_citizen_id
from core.parameters import ensure_parameter, parameter
from hr.models import Appointment, Employment, Identity, Person
from hr.staff import entry as staff
from hr.staff.operations import StaffError, enter_employment, exit_employment
from tests.factories import add_quota, create_employment, create_institution, create_person

PROPERTY = settings(database=None, max_examples=200)
TODAY = date(2025, 3, 1)
_seq = itertools.count(1)


def _citizen_id(birth: date = date(1990, 5, 17), male: bool = True) -> str:
    return make_citizen_id("510107", birth, next(_seq) % 500, male)


def _entry(**overrides) -> dict:
    n = next(_seq)
    data = {
        "citizen_id": _citizen_id(),
        "name": "王小明",
        "staff_number": f"T{n:04d}",
        "identity": Identity.CONTRACT.value,
        "start_on": date(2024, 9, 1),
        "department_id": "",
        "salary_step": 12,
        "education": "大学本科",
        "professional_title": "",
        "phone": "",
        "bank_account": "",
    }
    data.update(overrides)
    return data


def _refusal(institution, **overrides) -> dict[str, str]:
    with pytest.raises(StaffError) as caught:
        enter_employment(institution, _entry(**overrides), today=TODAY)
    return caught.value.errors


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --------------------------------------------------------------------------- pure rules


@pytest.mark.parametrize("number", ["S001", "2024-015", "t_01", "Ｔ００１"])
def test_well_formed_staff_numbers_pass(number):
    assert staff.staff_number_problem(number) is None


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("", "工号不能为空"),
        ("   ", "工号不能为空"),
        ("张三01", "只能由字母、数字"),
        ("-001", "以字母或数字开头"),
        ("A" * 33, "不能超过 32 位"),
    ],
)
def test_malformed_staff_numbers_say_why(number, reason):
    assert reason in staff.staff_number_problem(number)


def test_staff_numbers_are_folded_and_upper_cased():
    assert staff.normalize_staff_number(" ｔ００１ ") == "T001"


def test_entry_date_may_be_ahead_only_by_the_limit():
    assert staff.start_date_problem(TODAY + timedelta(days=90), TODAY, 90) is None
    problem = staff.start_date_problem(TODAY + timedelta(days=91), TODAY, 90)
    assert "晚于今天 90 天以上" in problem
    assert "2025-05-30" in problem  # the latest date allowed
    assert staff.start_date_problem(date(1999, 1, 1), TODAY, 90) is None


@PROPERTY
@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.integers(min_value=0, max_value=40_000),
)
def test_age_grows_by_one_on_each_birthday_and_never_shrinks(birth, days):
    on = birth + timedelta(days=days)
    if on > date(2200, 1, 1):
        return
    age = staff.age_on(birth, on)
    assert age >= 0
    assert age in (on.year - birth.year, on.year - birth.year - 1)
    assert staff.age_on(birth, on + timedelta(days=1)) in (age, age + 1)
    assert staff.age_on(birth, birth) == 0


def test_someone_born_on_29_february_comes_of_age_on_1_march():
    birth = date(2008, 2, 29)
    assert staff.age_on(birth, date(2024, 2, 28)) == 15
    assert staff.age_on(birth, date(2024, 2, 29)) == 16
    assert staff.age_on(birth, date(2025, 2, 28)) == 16
    assert staff.age_on(date(2009, 2, 28), date(2025, 2, 28)) == 16
    assert staff.age_on(birth, date(2023, 2, 28)) == 14
    assert staff.age_on(birth, date(2023, 3, 1)) == 15


def test_nobody_enters_under_the_minimum_age():
    assert staff.entry_age_problem(date(2009, 3, 2), date(2025, 3, 1), 16) is not None
    assert "未满 16 周岁" in staff.entry_age_problem(date(2009, 3, 2), date(2025, 3, 1), 16)
    assert staff.entry_age_problem(date(2009, 3, 1), date(2025, 3, 1), 16) is None


@pytest.mark.parametrize(
    ("identity", "elsewhere", "refused"),
    [
        ("establishment", ["establishment"], True),
        ("establishment", ["filed"], True),
        ("filed", ["establishment"], True),
        ("establishment", ["contract", "dispatch"], False),
        ("contract", ["establishment"], False),
        ("dispatch", ["filed"], False),
        ("establishment", [], False),
    ],
)
def test_one_person_holds_at_most_one_quota_place(identity, elsewhere, refused):
    problem = staff.quota_conflict(identity, elsewhere)
    assert (problem is not None) is refused
    if refused:
        assert "调出" in problem


def test_exit_rules():
    start = date(2020, 9, 1)
    assert staff.exit_problem(start, start, None) is None  # a one-day employment
    assert "早于入职日期 2020-09-01" in staff.exit_problem(start, date(2020, 8, 31), None)
    assert "已于 2021-01-31 离职" in staff.exit_problem(start, date(2022, 1, 1), date(2021, 1, 31))


@PROPERTY
@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 1, 1)),
    st.one_of(st.none(), st.integers(min_value=0, max_value=5000)),
    st.integers(min_value=-6000, max_value=6000),
)
def test_employed_exactly_from_start_to_last_day(start, length, offset):
    end = None if length is None else start + timedelta(days=length)
    on = start + timedelta(days=offset)
    expected = on >= start and (end is None or on <= end)
    assert staff.is_employed_on(start, end, on) is expected


def test_defaults_are_seeded_as_dated_parameters(app):
    staff.ensure_defaults()
    staff.ensure_defaults()  # idempotent
    for key, value in staff.DEFAULTS.items():
        assert parameter(key, TODAY) == value


# --------------------------------------------------------------------------- entry


def test_entry_creates_the_person_from_the_id_number_and_records_it(app):
    institution = create_institution()
    number = _citizen_id(date(1991, 7, 4), male=False)
    employment = enter_employment(
        institution,
        _entry(citizen_id=number.lower(), name=" 李 丽 ", staff_number=" t-01 "),
        today=TODAY,
    )
    person = employment.person
    assert person.citizen_id == number
    assert person.name == "李 丽"
    assert (person.gender, person.birth_date) == ("女", date(1991, 7, 4))
    assert employment.education == "大学本科"  # recorded on this institution's employment
    assert employment.phone is None  # blanks stored as nothing
    assert employment.staff_number == "T-01"
    assert employment.end_on is None
    [event] = _events("employment.enter")
    assert event.institution_id == institution.id
    assert event.object_type == "Employment"
    assert event.changes["staff_number"] == [None, "T-01"]
    assert event.changes["citizen_id"] == [None, number[:6] + "********" + number[-4:]]
    assert "T-01" in event.summary


def test_establishment_entry_is_refused_without_a_vacancy_with_the_numbers(app):
    institution = create_institution()
    add_quota(institution, "establishment", 2)
    for _ in range(2):
        create_employment(institution, identity="establishment")
    errors = _refusal(institution, identity="establishment")
    message = errors["identity"]
    assert "严禁超编进人" in message
    assert "核定 2 名" in message and "在编 2 名" in message and "空编 0 名" in message
    assert db.session.scalar(select(func.count()).select_from(Employment)) == 2


def test_establishment_entry_with_a_vacancy_is_accepted(app):
    institution = create_institution()
    add_quota(institution, "establishment", 2)
    create_employment(institution, identity="establishment")
    employment = enter_employment(institution, _entry(identity="establishment"), today=TODAY)
    assert employment.identity == "establishment"


def test_quota_filed_later_than_the_entry_date_does_not_count(app):
    institution = create_institution()
    add_quota(institution, "establishment", 5, effective_on=date(2025, 1, 1))
    errors = _refusal(institution, identity="establishment", start_on=date(2024, 9, 1))
    assert "核定 0 名" in errors["identity"]
    assert enter_employment(
        institution, _entry(identity="establishment", start_on=date(2025, 1, 2)), today=TODAY
    )


def test_backdated_entry_also_needs_a_vacancy_today(app):
    institution = create_institution()
    add_quota(institution, "establishment", 1, effective_on=date(2020, 1, 1))
    create_employment(institution, identity="establishment", start_on=date(2024, 12, 1))
    # On 2024-09-01 the place was free, but today it is taken.
    errors = _refusal(institution, identity="establishment", start_on=date(2024, 9, 1))
    assert "在编 1 名" in errors["identity"]


def test_filed_staff_use_the_filed_quota_not_the_establishment(app):
    institution = create_institution()
    add_quota(institution, "establishment", 5)
    errors = _refusal(institution, identity="filed")
    assert "员额" in errors["identity"] and "核定 0 名" in errors["identity"]
    add_quota(institution, "filed", 1, document_number="成编备〔2020〕3号")
    enter_employment(institution, _entry(identity="filed"), today=TODAY)
    errors = _refusal(institution, identity="filed")
    assert "核定 1 名" in errors["identity"] and "在编 1 名" in errors["identity"]


@pytest.mark.parametrize("identity", ["contract", "dispatch"])
def test_contract_and_dispatched_staff_need_no_quota(app, identity):
    institution = create_institution()
    employment = enter_employment(institution, _entry(identity=identity), today=TODAY)
    assert employment.identity == identity


def test_duplicate_staff_number_is_refused_even_if_its_holder_left(app):
    institution = create_institution()
    holder = create_employment(institution, staff_number="A100", end_on=date(2022, 1, 31))
    errors = _refusal(institution, staff_number="a100")
    assert f"工号「A100」已被本单位的「{holder.person.name}」使用" in errors["staff_number"]
    # Another institution may use the same number.
    assert enter_employment(create_institution(), _entry(staff_number="A100"), today=TODAY)


def test_name_must_match_the_person_on_file(app):
    institution = create_institution()
    person = create_person(name="张伟")
    errors = _refusal(institution, citizen_id=person.citizen_id, name="张玮")
    # One neutral answer: neither the name on file nor that the number is on file.
    assert str(errors["name"]) == "身份证号与姓名不一致，请按本人居民身份证核对"
    # Spacing and full-width forms are not a different name.
    enter_employment(institution, _entry(citizen_id=person.citizen_id, name="张 伟"), today=TODAY)


def test_a_returning_person_is_reused_not_duplicated(app):
    first, second = create_institution(), create_institution()
    earlier = create_employment(first, start_on=date(2015, 9, 1), end_on=date(2023, 7, 31))
    person = earlier.person
    before = db.session.scalar(select(func.count()).select_from(Person))
    employment = enter_employment(
        second,
        _entry(citizen_id=person.citizen_id, name=person.name, professional_title="一级教师"),
        today=TODAY,
    )
    assert employment.person_id == person.id
    assert db.session.scalar(select(func.count()).select_from(Person)) == before
    assert employment.professional_title == "一级教师"
    assert earlier.professional_title is None  # the first institution's record is its own
    [event] = _events("employment.enter")
    assert event.changes["professional_title"] == [None, "一级教师"]


def test_a_person_employed_here_cannot_enter_again(app):
    institution = create_institution()
    current = create_employment(institution, staff_number="B7")
    errors = _refusal(institution, citizen_id=current.person.citizen_id, name=current.person.name)
    assert "在本单位已有在职记录（工号 B7" in errors["citizen_id"]


def test_rehire_after_leaving_is_allowed(app):
    institution = create_institution()
    old = create_employment(institution, start_on=date(2018, 9, 1), end_on=date(2023, 7, 31))
    employment = enter_employment(
        institution,
        _entry(citizen_id=old.person.citizen_id, name=old.person.name, start_on=date(2024, 9, 1)),
        today=TODAY,
    )
    assert employment.person_id == old.person_id


def test_a_quota_place_elsewhere_blocks_a_second_one(app):
    here, there = create_institution(), create_institution()
    add_quota(here, "establishment", 5)
    elsewhere = create_employment(there, identity="establishment")
    person = elsewhere.person
    errors = _refusal(
        here, citizen_id=person.citizen_id, name=person.name, identity="establishment"
    )
    assert "其他单位仍占用事业编制" in errors["identity"]
    assert there.name not in errors["identity"]
    # A contract job on the side uses no quota.
    enter_employment(here, _entry(citizen_id=person.citizen_id, name=person.name), today=TODAY)


@pytest.mark.parametrize(
    ("citizen_id", "reason"),
    [
        ("110105194912310021", "身份证号未通过校验：请与身份证逐位核对，输错的可能是其中任何一位"),
        ("11010519491231002", "身份证号应为 18 位，实际为 17 位"),
        ("110105194913310028", "身份证号出生日期「19491331」不是有效日期"),
    ],
)
def test_bad_id_numbers_are_refused_with_the_reason(app, citizen_id, reason):
    errors = _refusal(create_institution(), citizen_id=citizen_id)
    assert errors == {"citizen_id": reason}


def test_every_problem_is_reported_at_once(app):
    institution = create_institution()
    create_employment(institution, staff_number="DUP")
    errors = _refusal(
        institution,
        staff_number="DUP",
        identity="establishment",
        start_on=TODAY + timedelta(days=200),
    )
    assert set(errors) == {"staff_number", "identity", "start_on"}


def test_entry_date_limit_is_a_dated_parameter(app):
    institution = create_institution()
    errors = _refusal(institution, start_on=TODAY + timedelta(days=91))
    assert "90 天" in errors["start_on"]
    ensure_parameter("hr.entry.max_future_days", 180, effective_from=date(2025, 1, 1))
    enter_employment(institution, _entry(start_on=TODAY + timedelta(days=91)), today=TODAY)


def test_under_age_entry_is_refused(app):
    errors = _refusal(
        create_institution(),
        citizen_id=_citizen_id(date(2010, 1, 1)),
        start_on=date(2025, 1, 1),
    )
    assert "未满 16 周岁" in errors["start_on"]


# --------------------------------------------------------------------------- exit


def _appointment(employment, start, end=None, **fields) -> Appointment:
    appointment = Appointment(
        employment=employment,
        institution_id=employment.institution_id,
        category=fields.pop("category", "professional"),
        grade=fields.pop("grade", 10),
        post_name=fields.pop("post_name", "语文教师"),
        start_on=start,
        end_on=end,
    )
    db.session.add(appointment)
    db.session.flush()
    return appointment


def test_exit_sets_the_last_day_reason_and_note_and_is_audited(app):
    institution = create_institution()
    employment = create_employment(institution, start_on=date(2020, 9, 1))
    changes = exit_employment(
        employment,
        {"end_on": date(2024, 7, 31), "exit_reason": "transfer_out", "exit_note": " 调往七中 "},
    )
    assert (employment.end_on, employment.exit_reason, employment.exit_note) == (
        date(2024, 7, 31),
        "transfer_out",
        "调往七中",
    )
    assert changes["end_on"] == [None, "2024-07-31"]
    [event] = _events("employment.exit")
    assert event.institution_id == institution.id
    assert event.changes["exit_reason"] == [None, "transfer_out"]
    assert "调出" in event.summary


def test_exit_before_entry_is_refused(app):
    employment = create_employment(start_on=date(2020, 9, 1))
    with pytest.raises(StaffError) as caught:
        exit_employment(employment, {"end_on": date(2020, 8, 1), "exit_reason": "resignation"})
    assert "早于入职日期" in caught.value.errors["end_on"]
    assert employment.end_on is None
    assert _events("employment.exit") == []


def test_exit_twice_is_refused(app):
    employment = create_employment(start_on=date(2020, 9, 1))
    exit_employment(employment, {"end_on": date(2022, 1, 31), "exit_reason": "resignation"})
    with pytest.raises(StaffError) as caught:
        exit_employment(employment, {"end_on": date(2023, 1, 31), "exit_reason": "dismissal"})
    assert "已于 2022-01-31 离职" in caught.value.errors["end_on"]
    assert employment.end_on == date(2022, 1, 31)
    assert len(_events("employment.exit")) == 1


def test_exit_needs_a_reason(app):
    employment = create_employment()
    with pytest.raises(StaffError) as caught:
        exit_employment(employment, {"end_on": date(2022, 1, 31), "exit_reason": ""})
    assert "exit_reason" in caught.value.errors


def test_exit_ends_the_posts_held(app):
    employment = create_employment(start_on=date(2020, 9, 1))
    past = _appointment(employment, date(2020, 9, 1), date(2021, 8, 31))
    current = _appointment(employment, date(2021, 9, 1))
    changes = exit_employment(
        employment, {"end_on": date(2024, 1, 31), "exit_reason": "retirement"}
    )
    assert past.end_on == date(2021, 8, 31)
    assert current.end_on == date(2024, 1, 31)
    assert changes["appointments_closed"] == [None, 1]


def test_exit_before_a_future_appointment_is_refused(app):
    employment = create_employment(start_on=date(2020, 9, 1))
    _appointment(employment, date(2024, 9, 1), post_name="教研组长")
    with pytest.raises(StaffError) as caught:
        exit_employment(employment, {"end_on": date(2024, 7, 31), "exit_reason": "resignation"})
    assert "教研组长" in caught.value.errors["end_on"]


def test_an_exit_frees_the_place_after_the_last_day(app):
    institution = create_institution()
    add_quota(institution, "establishment", 1)
    leaving = create_employment(institution, identity="establishment")
    exit_employment(leaving, {"end_on": date(2024, 7, 31), "exit_reason": "retirement"})
    errors = _refusal(institution, identity="establishment", start_on=date(2024, 7, 31))
    assert "在编 1 名" in errors["identity"]
    enter_employment(
        institution, _entry(identity="establishment", start_on=date(2024, 8, 1)), today=TODAY
    )


def test_an_id_number_refusal_on_the_form_escapes_what_was_typed(app):
    """The typed check character comes back in the message; it is text, never markup."""
    from markupsafe import escape
    from werkzeug.datastructures import MultiDict

    from hr.staff.forms import EntryForm

    with app.test_request_context("/", method="POST"):
        form = EntryForm(formdata=MultiDict({"citizen_id": "11010519491231002<"}))
        form.validate()
        shown = str(escape(form.citizen_id.errors[0]))
    assert "「&lt;」" in shown and "<" not in shown
