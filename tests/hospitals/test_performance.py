"""Performance schemes: the indicator lines, points from figures, the figures import, the
allocation stored and approved, the revenue ban on the form, and the hand-off to payroll."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.errors import Refusal
from core.excel import workbook_bytes, write_workbook
from core.extensions import db
from core.roles import Role
from hospitals.findings import FloorBreached, HospitalsRefusal, SchemeRejected
from hospitals.models import IndicatorFigure, PerformanceScheme, PerformanceShare, SchemeStatus
from hospitals.performance import operations, points
from hospitals.performance.excel import FIGURES_IMPORT
from hospitals.performance.inputs import approved_amounts
from hospitals.performance.lines import format_lines, parse_lines
from hospitals.scheme import SchemeIndicator
from hr.models import DepartmentKind, Identity
from institutions.governance.models import Motion
from institutions.governance.motions import operations as gov
from institutions.indicators import values
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
from tests.imports import upload, upload_and_confirm

LINES = "DRG 点数 60\n医院感染发生率 40"


# --- the lines HR writes --------------------------------------------------------------------


def test_lines_name_indicators_by_label_or_key():
    found = parse_lines("DRG 点数 60%\nnosocomial_infection_rate，40\n\n")
    assert found == [
        SchemeIndicator("drg_points", Decimal("60")),
        SchemeIndicator("nosocomial_infection_rate", Decimal("40")),
    ]
    assert parse_lines(format_lines([(i.key, i.weight) for i in found])) == found


def test_unknown_and_forbidden_names_are_kept_for_the_rule_to_refuse():
    drug, own = parse_lines("药品收入 20\n科室开单提成 80")
    assert drug == SchemeIndicator("drug_revenue", Decimal("20"))
    assert own == SchemeIndicator("科室开单提成", Decimal("80"), "科室开单提成")


def test_an_unreadable_line_is_refused_by_number():
    with pytest.raises(Refusal, match="第 2 行"):
        parse_lines("DRG 点数 60\n医院感染发生率")


# --- points ---------------------------------------------------------------------------------

INDICATORS = (
    SchemeIndicator("drg_points", Decimal("60")),
    SchemeIndicator("nosocomial_infection_rate", Decimal("40")),
)


def test_department_points_respect_the_direction_of_each_indicator():
    found = points.department_points(
        INDICATORS,
        {
            "a": {"drg_points": Decimal(200), "nosocomial_infection_rate": Decimal("2")},
            "b": {"drg_points": Decimal(100), "nosocomial_infection_rate": Decimal("1")},
        },
        {"a": "内科", "b": "外科"},
    )
    # a: 60×100 + 40×50 ; b: 60×50 + 40×100 (lower infection is better)
    assert found == {"a": Decimal("80"), "b": Decimal("70")}


def test_a_missing_figure_is_refused_naming_department_and_indicator():
    with pytest.raises(HospitalsRefusal, match="外科「医院感染发生率」"):
        points.department_points(
            INDICATORS,
            {
                "a": {"drg_points": Decimal(1), "nosocomial_infection_rate": Decimal(1)},
                "b": {"drg_points": Decimal(1)},
            },
            {"a": "内科", "b": "外科"},
        )


@given(
    st.lists(st.integers(min_value=0, max_value=10_000), min_size=2, max_size=6),
    st.integers(min_value=0, max_value=5),
    st.integers(min_value=1, max_value=500),
)
def test_more_workload_never_lowers_a_departments_points(volumes, who, extra):
    who = who % len(volumes)
    indicators = (SchemeIndicator("drg_points", Decimal("100")),)

    def figures(values):
        return {i: {"drg_points": Decimal(v)} for i, v in enumerate(values)}

    before = points.department_points(indicators, figures(volumes), {})
    more = list(volumes)
    more[who] += extra
    after = points.department_points(indicators, figures(more), {})
    assert after[who] >= before[who]


# --- the database path ----------------------------------------------------------------------


@pytest.fixture
def hospital(app):
    return create_institution(name="绩效医院", kind=InstitutionKind.HOSPITAL.value)


@pytest.fixture
def wards(hospital):
    """内科 (2 people) and 外科 (1 person), all employed since 2020."""
    internal = create_department(hospital, "内科", kind=DepartmentKind.CLINICAL.value)
    surgery = create_department(hospital, "外科", kind=DepartmentKind.CLINICAL.value)
    staff = {}
    for number, name, department, identity in (
        ("N1", "内科甲", internal, Identity.ESTABLISHMENT),
        ("N2", "内科乙", internal, Identity.CONTRACT),
        ("W1", "外科甲", surgery, Identity.DISPATCH),
    ):
        staff[number] = create_employment(
            hospital,
            person=create_person(name=name),
            staff_number=number,
            identity=identity.value,
            department=department,
            start_on=date(2020, 1, 1),
        )
    db.session.commit()
    return staff


def _scheme(hospital, pool="10000.00", floor=None, lines=LINES):
    return operations.create_scheme(
        hospital,
        {
            "period": "2026-11",
            "pool": Decimal(pool),
            "floor": Decimal(floor) if floor else None,
            "indicators": lines,
        },
    )


def _figures(rows):
    return workbook_bytes(write_workbook, FIGURES_IMPORT, rows)


def _department_rows(period="2026-11"):
    return [
        {"period": period, "department": "内科", "indicator": "DRG 点数", "value": "300"},
        {"period": period, "department": "内科", "indicator": "医院感染发生率", "value": "1"},
        {"period": period, "department": "外科", "indicator": "DRG 点数", "value": "100"},
        {"period": period, "department": "外科", "indicator": "医院感染发生率", "value": "1"},
    ]


def _manager(hospital):
    user = create_user(Role.HR_OFFICER, institution=hospital)
    db.session.commit()
    return user


def test_a_scheme_with_a_revenue_indicator_is_rejected_with_every_reason(hospital):
    with pytest.raises(SchemeRejected) as caught:
        _scheme(hospital, lines="DRG 点数 50\n药品收入 30\n门急诊人次 10")
    codes = {p.code for p in caught.value.problems}
    assert codes == {"forbidden_indicator", "weights_total"}
    assert "人社部发〔2017〕10号" in str(caught.value.problems[0].message)
    assert db.session.scalar(select(func.count()).select_from(PerformanceScheme)) == 0


def test_allocation_splits_the_pool_to_the_fen_and_goes_to_payroll(hospital, wards):
    scheme = _scheme(hospital)
    db.session.add_all(
        IndicatorFigure(
            scheme_id=scheme.id,
            department_id=wards[number].department_id,
            indicator=key,
            value=Decimal(value),
        )
        for number, key, value in (
            ("N1", "drg_points", "300"),
            ("N1", "nosocomial_infection_rate", "1"),
            ("W1", "drg_points", "300"),
            ("W1", "nosocomial_infection_rate", "2"),
        )
    )
    # inside 内科, people by their own DRG points and infection rate
    for number, drg in (("N1", "200"), ("N2", "100")):
        for key, value in (("drg_points", drg), ("nosocomial_infection_rate", "1")):
            db.session.add(
                IndicatorFigure(
                    scheme_id=scheme.id,
                    department_id=wards[number].department_id,
                    employment_id=wards[number].id,
                    indicator=key,
                    value=Decimal(value),
                )
            )
    db.session.flush()
    allocation = operations.allocate_scheme(scheme)
    amounts = {key: amount for key, amount in allocation.amounts().items()}
    # 内科 100 points, 外科 60 + 40 × 1/2 = 80: 10000 × 100/180 and × 80/180, the spare fen
    # to the larger remainder (内科 5555.555…)
    assert amounts[wards["W1"].id] == Decimal("4444.44")
    assert amounts[wards["N1"].id] + amounts[wards["N2"].id] == Decimal("5555.56")
    # inside 内科 100 : 70 (N2 has half the DRG points: 60 × 50 + 40 × 100)
    assert (amounts[wards["N1"].id], amounts[wards["N2"].id]) == (
        Decimal("3267.98"),
        Decimal("2287.58"),
    )
    assert sum(amounts.values()) == Decimal("10000.00")
    assert scheme.status == SchemeStatus.ALLOCATED

    assert list(approved_amounts(hospital.id, "2026-11")) == []  # not approved yet
    council = make_council(3, institution=hospital)
    meeting = convene(council)
    motion = operations.submit_scheme(scheme, meeting)
    assert list(approved_amounts(hospital.id, "2026-11")) == []  # before the council
    gov.open_voting(motion, now=T0)
    vote_all(motion, council.members, "yes")
    gov.close_motion(motion, now=T0 + timedelta(hours=1))
    collected = collect(hospital.id, "2026-11")
    assert collected.amounts[wards["W1"].id] == {"reward_performance": Decimal("4444.44")}
    assert collected.sources[wards["W1"].id]["reward_performance"] == [
        f"hospitals.performance:{scheme.id}"
    ]
    with pytest.raises(Refusal, match="已批准"):
        operations.allocate_scheme(scheme)


def test_a_department_without_person_figures_splits_equally(hospital, wards):
    scheme = _scheme(hospital, pool="1000.01")
    for number in ("N1", "W1"):
        for key in ("drg_points", "nosocomial_infection_rate"):
            db.session.add(
                IndicatorFigure(
                    scheme_id=scheme.id,
                    department_id=wards[number].department_id,
                    indicator=key,
                    value=Decimal(1),
                )
            )
    db.session.flush()
    amounts = operations.allocate_scheme(scheme).amounts()
    # equal points: 500.01 (the spare fen to the smaller department id) and 500.00
    internal = sorted([amounts[wards["N1"].id], amounts[wards["N2"].id]])
    assert sum(amounts.values()) == Decimal("1000.01")
    assert internal[1] - internal[0] <= Decimal("0.01")


def test_an_allocation_below_the_floor_is_refused_and_nothing_is_stored(hospital, wards):
    scheme = _scheme(hospital, pool="1000.00", floor="400.00")
    for number in ("N1", "W1"):
        for key in ("drg_points", "nosocomial_infection_rate"):
            db.session.add(
                IndicatorFigure(
                    scheme_id=scheme.id,
                    department_id=wards[number].department_id,
                    indicator=key,
                    value=Decimal(1),
                )
            )
    db.session.flush()
    with pytest.raises(FloorBreached) as caught:
        operations.allocate_scheme(scheme)
    assert {s.name for s in caught.value.people} == {"内科甲", "内科乙"}
    assert db.session.scalar(select(func.count()).select_from(PerformanceShare)) == 0


def test_the_figures_import_checks_the_whole_file(hospital, wards, client, login_as):
    login_as(_manager(hospital))
    _scheme(hospital)
    db.session.commit()
    url = f"/hospitals/{hospital.id}/performance/figures/import"
    rows = _department_rows()
    rows += [
        {"period": "2026-11", "department": "眼科", "indicator": "DRG 点数", "value": "1"},
        {"period": "2026-10", "department": "内科", "indicator": "DRG 点数", "value": "1"},
        {"period": "2026-11", "department": "内科", "indicator": "药品收入", "value": "1"},
        {"period": "2026-11", "department": "内科", "indicator": "DRG 点数", "value": "-3"},
        {"period": "2026-11", "department": "内科", "indicator": "DRG 点数", "value": "5"},
        {
            "period": "2026-11",
            "department": "内科",
            "staff_number": "W1",
            "indicator": "DRG 点数",
            "value": "5",
        },
    ]
    response = upload(client, url, _figures(rows))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    for expected in (
        "本院没有科室「眼科」",
        "2026-10 还没有绩效方案",
        "「药品收入」不是 2026-11 方案的考核指标",
        "数值",
        "与第 2 行重复",
        "外科甲不在科室「内科」",
    ):
        assert expected in text, expected
    assert db.session.scalar(select(func.count()).select_from(IndicatorFigure)) == 0

    response = upload_and_confirm(client, url, _figures(_department_rows()))
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(IndicatorFigure)) == 4


def test_hr_builds_allocates_and_approves_in_the_browser_flow(hospital, wards, client, login_as):
    login_as(_manager(hospital))
    base = f"/hospitals/{hospital.id}/performance"
    refused = client.post(
        f"{base}/new",
        data={"period": "2026-11", "pool": "9000", "indicators": "DRG 点数 70\n检查收入 30"},
    )
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "不得用于绩效分配" in text and "人社部发〔2021〕52号" in text

    created = client.post(
        f"{base}/new", data={"period": "2026年11月", "pool": "9000", "indicators": LINES}
    )
    assert created.status_code == 302
    scheme = db.session.scalar(select(PerformanceScheme))
    assert scheme.period == "2026-11"
    assert (
        upload_and_confirm(
            client, f"{base}/figures/import", _figures(_department_rows())
        ).status_code
        == 302
    )
    assert client.post(f"{base}/{scheme.id}/allocate").status_code == 302
    page = client.get(f"{base}/{scheme.id}").get_data(as_text=True)
    assert "已分配，待提交理事会" in page
    assert "DRG 点数 60%" in page and ">300<" in page  # weights and figures as written
    assert "1 个绩效方案待提交理事会" in client.get("/").get_data(as_text=True)
    council = make_council(3, institution=hospital)
    meeting = convene(council)
    db.session.commit()
    submitted = client.post(f"{base}/{scheme.id}/submit", data={"meeting_id": meeting.id})
    assert submitted.status_code == 302
    motion = db.session.get(Motion, scheme.motion_id)
    gov.open_voting(motion, now=T0)
    vote_all(motion, council.members, "yes")
    gov.close_motion(motion, now=T0 + timedelta(hours=1))
    db.session.commit()
    db.session.refresh(scheme)
    assert scheme.status == SchemeStatus.APPROVED
    total = db.session.scalar(
        select(func.sum(PerformanceShare.amount)).where(PerformanceShare.scheme_id == scheme.id)
    )
    assert total == Decimal("9000.00")
    found = values(["hospitals.approved_scheme_months"], [hospital.id], date(2026, 12, 5))
    assert found["hospitals.approved_scheme_months"] == {hospital.id: 1}
    later = values(["hospitals.approved_scheme_months"], [hospital.id], date(2027, 12, 1))
    assert later["hospitals.approved_scheme_months"] == {}
    export = client.get(f"{base}/{scheme.id}/export")
    assert export.status_code == 200 and export.mimetype.endswith("sheet")
    listing = client.get(base)
    assert "2026-11" in listing.get_data(as_text=True)
    # an approved scheme cannot be edited
    edit = client.post(
        f"{base}/{scheme.id}/edit", data={"period": "2026-11", "pool": "1", "indicators": LINES}
    )
    assert edit.status_code == 422
