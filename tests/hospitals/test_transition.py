"""身份管理 → 岗位管理: coverage by identity, the staff-on-posts list, the pay-record import and
the identity-gap report over it, the indicators and the home section."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.excel import workbook_bytes, write_workbook
from core.extensions import db
from core.roles import Role
from hospitals import reporting
from hospitals.models import PayRecord
from hospitals.pay import queries as pay_queries
from hospitals.pay.excel import PAY_IMPORT
from hospitals.periods import parse_period
from hospitals.transition import queries
from hr.models import Appointment, Contract, ContractStatus, Identity
from institutions.indicators import values
from institutions.models import InstitutionKind
from tests.factories import create_employment, create_institution, create_person, create_user
from tests.imports import upload, upload_and_confirm

ON = date(2026, 6, 30)


def _post(employment, grade=8, start=date(2024, 1, 1), end=None, name="主治医师"):
    db.session.add(
        Appointment(
            employment_id=employment.id,
            institution_id=employment.institution_id,
            category="professional",
            grade=grade,
            post_name=name,
            start_on=start,
            end_on=end,
        )
    )


def _contract(employment, start=date(2024, 1, 1), end=date(2028, 12, 31)):
    db.session.add(
        Contract(
            employment_id=employment.id,
            institution_id=employment.institution_id,
            contract_type="fixed_term",
            start_on=start,
            end_on=end,
            probation_months=0,
            status=ContractStatus.ACTIVE.value,
        )
    )


@pytest.fixture
def hospital(app):
    return create_institution(name="测试医院", kind=InstitutionKind.HOSPITAL.value)


@pytest.fixture
def staff(hospital):
    """Four doctors on 专技 8 级 in 内科 (two 编制, two 合同制), one 派遣 without a post."""
    people = {}
    for number, name, identity in (
        ("D1", "编制甲", Identity.ESTABLISHMENT),
        ("D2", "编制乙", Identity.ESTABLISHMENT),
        ("D3", "合同甲", Identity.CONTRACT),
        ("D4", "合同乙", Identity.CONTRACT),
        ("D5", "派遣甲", Identity.DISPATCH),
    ):
        people[number] = create_employment(
            hospital,
            person=create_person(name=name),
            staff_number=number,
            identity=identity.value,
            department="内科",
            start_on=date(2020, 1, 1),
        )
    for number in ("D1", "D2", "D3", "D4"):
        _post(people[number])
    for number in ("D1", "D2", "D3"):
        _contract(people[number])
    # an ended post does not count
    _post(people["D5"], grade=11, start=date(2021, 1, 1), end=date(2023, 12, 31))
    # someone who left is not staff any more
    create_employment(
        hospital, staff_number="X1", start_on=date(2020, 1, 1), end_on=date(2025, 1, 1)
    )
    db.session.commit()  # kept when a refused request rolls back
    return people


def test_coverage_counts_every_identity(hospital, staff):
    total, per_identity = queries.coverage(hospital.id, ON)
    assert (total.staff, total.on_post, total.on_contract) == (5, 4, 3)
    assert total.post_share == Decimal("80.0")
    rows = {c.identity: (c.staff, c.on_post, c.on_contract) for c in per_identity}
    assert rows == {
        "establishment": (2, 2, 2),
        "filed": (0, 0, 0),
        "contract": (2, 2, 1),
        "dispatch": (1, 0, 0),
    }
    # before anyone had a post
    early, _ = queries.coverage(hospital.id, date(2021, 6, 30))
    assert (early.staff, early.on_post) == (6, 1)


def test_month_ends_run_up_to_today():
    assert queries.month_ends(date(2026, 3, 15), 3) == [
        date(2025, 12, 31),
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 15),
    ]


def test_roster_flags_staff_without_a_post(hospital, staff):
    everyone = list(db.session.scalars(queries.roster(hospital.id, ON)))
    assert {e.staff_number for e in everyone} == {"D1", "D2", "D3", "D4", "D5"}
    missing = list(db.session.scalars(queries.roster(hospital.id, ON, without_post=True)))
    assert [e.staff_number for e in missing] == ["D5"]
    details = queries.posts_of([e.id for e in everyone], ON)
    by_number = {e.staff_number: details[e.id] for e in everyone}
    assert by_number["D1"][0].grade_label == "专技 8 级" and by_number["D1"][1] is True
    assert by_number["D4"] == (by_number["D4"][0], False)
    assert by_number["D5"] == (None, False)
    count, listed = queries.without_post(hospital.id, ON, 10)
    assert count == 1 and listed[0].staff_number == "D5"


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2026-03", "2026-03"),
        ("2026/3", "2026-03"),
        ("2026年3月", "2026-03"),
        ("202603", "2026-03"),
        ("2026-03-01", "2026-03"),
    ],
)
def test_periods_are_read_in_the_usual_forms(text, period):
    assert parse_period(text) == period


@pytest.mark.parametrize("text", ["2026-13", "三月", "26-03"])
def test_bad_periods_are_refused(text):
    with pytest.raises(ValueError, match="月份"):
        parse_period(text)


def _pay_rows(months=(1, 2, 3), contract_basic="1500.00"):
    rows = []
    for month in months:
        for number, name, basic in (
            ("D1", "编制甲", "2000.00"),
            ("D2", "编制乙", "2000.00"),
            ("D3", "合同甲", contract_basic),
            ("D4", "合同乙", contract_basic),
        ):
            rows.append(
                {
                    "staff_number": number,
                    "name": name,
                    "period": f"2026-{month:02d}",
                    "post_pay": "780.00",
                    "scale_pay": "300.00" if number in ("D1", "D3") else "400.00",
                    "basic_performance": basic,
                    "reward_performance": "1000.00",
                    "allowances": "200.00",
                    "performance_score": "100",
                }
            )
    return rows


def _workbook(rows):
    return workbook_bytes(write_workbook, PAY_IMPORT, rows)


def _manager(hospital):
    user = create_user(Role.HR_OFFICER, institution=hospital)
    db.session.commit()
    return user


def test_import_then_gap_report_names_the_people_paid_less(hospital, staff, client, login_as):
    login_as(_manager(hospital))
    url = f"/hospitals/{hospital.id}/pay-records/import"
    response = upload_and_confirm(client, url, _workbook(_pay_rows()))
    assert response.status_code == 302
    assert db.session.scalar(select(db.func.count()).select_from(PayRecord)) == 12

    report = pay_queries.gap_report(hospital.id, 2026, ON)
    [gap] = report.gaps
    assert (gap.department, gap.grade, gap.identity) == ("内科", "专技 8 级", "contract")
    assert gap.mean == Decimal("2480.00") and gap.reference_mean == Decimal("2980.00")
    assert gap.gap == Decimal("-500.00")
    assert sorted(p.person for p in gap.people) == ["D3", "D4"]

    page = client.get(f"/hospitals/{hospital.id}/pay-gaps?year=2026")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "合同甲" in text and "合同乙" in text and "-500.00" in text
    # the month check: same post, same score (100), paid differently by identity
    assert "2026-03 月核对" in text and "请核对：合同甲、合同乙" in text
    export = client.get(f"/hospitals/{hospital.id}/pay-gaps/export?year=2026")
    assert export.status_code == 200 and export.mimetype.endswith("sheet")

    # the same months imported again, corrected: records are replaced and the gap is gone
    response = upload_and_confirm(client, url, _workbook(_pay_rows(contract_basic="2000.00")))
    assert response.status_code == 302
    assert db.session.scalar(select(db.func.count()).select_from(PayRecord)) == 12
    assert pay_queries.gap_report(hospital.id, 2026, ON).gaps == ()
    assert pay_queries.month_warnings(hospital.id, "2026-03", ON) == []


def test_a_different_score_is_not_an_identity_gap(hospital, staff):
    rows = _pay_rows(months=(1,), contract_basic="2000.00")
    for row in rows:  # the contract staff scored 80 and got 80% of the reward
        if row["staff_number"] in ("D3", "D4"):
            row.update(performance_score="80", reward_performance="800.00")
    for row in rows:
        employment = staff[row["staff_number"]]
        db.session.add(
            PayRecord(
                institution_id=hospital.id,
                employment_id=employment.id,
                period=row["period"],
                post_pay=Decimal(row["post_pay"]),
                scale_pay=Decimal(row["scale_pay"]),
                basic_performance=Decimal(row["basic_performance"]),
                reward_performance=Decimal(row["reward_performance"]),
                allowances=Decimal(row["allowances"]),
                performance_score=Decimal(row["performance_score"]),
            )
        )
    db.session.flush()
    report = pay_queries.gap_report(hospital.id, 2026, ON)
    assert report.gaps == ()
    assert len(report.cells) == 2  # post pay and pay per score point, one post


def test_months_without_a_post_are_not_compared(hospital, staff):
    # D5 holds no post in 2026: their pay is not put on any post
    db.session.add(
        PayRecord(
            institution_id=hospital.id,
            employment_id=staff["D5"].id,
            period="2026-01",
            post_pay=Decimal("550.00"),
        )
    )
    db.session.flush()
    assert list(pay_queries.gap_inputs(hospital.id, 2026, pay_queries.gap_rules(ON))) == []


def test_the_import_refuses_the_whole_file_naming_each_problem(hospital, staff, client, login_as):
    login_as(_manager(hospital))
    rows = _pay_rows(months=(1,))
    rows[0]["name"] = "别人"  # D1's name does not match
    rows.append({**rows[1]})  # D2's month twice
    rows.append({**rows[2], "staff_number": "Z9"})  # nobody
    rows.append({**rows[3], "period": "2019-05"})  # before D4 was hired
    rows.append({**rows[3], "period": "2026-02", "post_pay": "-5"})  # negative
    response = upload(client, f"/hospitals/{hospital.id}/pay-records/import", _workbook(rows))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "登记的姓名是「编制甲」" in text
    assert "同一人同一月份" in text
    assert "没有工号为「Z9」的人员" in text
    assert "在 2019-05 不在职" in text
    assert "岗位工资" in text
    assert db.session.scalar(select(db.func.count()).select_from(PayRecord)) == 0


def test_pages_show_the_transition(hospital, staff, client, login_as):
    login_as(_manager(hospital))
    page = client.get(f"/hospitals/{hospital.id}/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "80.0%" in text and "派遣甲" in text
    listing = client.get(f"/hospitals/{hospital.id}/posts?without_post=1")
    text = listing.get_data(as_text=True)
    assert "派遣甲" in text and "编制甲" not in text
    listing = client.get(
        f"/hospitals/{hospital.id}/posts?identity=contract&sort=staff_number&dir=desc"
    )
    text = listing.get_data(as_text=True)
    assert text.index("合同乙") < text.index("合同甲") and "编制甲" not in text
    export = client.get(f"/hospitals/{hospital.id}/posts/export")
    assert export.status_code == 200 and export.mimetype.endswith("sheet")
    home = client.get("/")
    assert "1 人未聘岗位" in home.get_data(as_text=True)


def test_finance_reads_but_cannot_import(hospital, staff, client, login_as):
    login_as(create_user(Role.FINANCE_OFFICER, institution=hospital))
    assert client.get(f"/hospitals/{hospital.id}/pay-gaps").status_code == 200
    assert client.get(f"/hospitals/{hospital.id}/pay-records/import").status_code == 403


def test_indicators_report_post_coverage_for_hospitals_only(hospital, staff):
    school = create_institution(name="某校")
    _post(create_employment(school), start=date(2020, 1, 1))
    found = values(
        [indicator.key for indicator in reporting.INDICATORS],
        [hospital.id, school.id],
        ON,
    )
    assert found["hospitals.post_coverage"] == {hospital.id: Decimal("80.0")}
    assert found["hospitals.staff_without_post"] == {hospital.id: 1}


def test_the_posts_list_runs_the_same_queries_however_many_rows(
    hospital, staff, client, login_as, count_queries
):
    login_as(_manager(hospital))
    url = f"/hospitals/{hospital.id}/posts"

    def queries_of():
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter["n"]

    queries_of()  # warm up what the first request loads once
    db.session.commit()  # as below: the next request opens its savepoint again
    few = queries_of()
    for n in range(12):
        employment = create_employment(hospital, staff_number=f"M{n:02d}", department="外科")
        _post(employment, grade=9)
        _contract(employment)
    db.session.commit()
    assert queries_of() == few
