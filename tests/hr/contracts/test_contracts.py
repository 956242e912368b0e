"""聘用合同: term and probation rules, sign / renew / terminate, the expiry list and export."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select

from core.audit import AuditEvent
from core.extensions import db
from core.ids import china_today
from core.parameters import ensure_parameter, parameter
from core.roles import Role
from hr.contracts import terms as rules
from hr.contracts.operations import ContractError, renew_contract, sign_contract, terminate_contract
from hr.models import Contract, ContractStatus
from tests.factories import create_employment, create_institution, create_person, create_user

PROPERTY = settings(database=None, max_examples=200, deadline=None)


def _data(start, end, probation=0, contract_type="fixed_term"):
    return {
        "contract_type": contract_type,
        "start_on": start,
        "end_on": end,
        "probation_months": probation,
    }


# --------------------------------------------------------------------------- pure rules


def test_add_months_clamps_to_month_end():
    assert rules.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert rules.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert rules.add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)


@pytest.mark.parametrize(
    ("kind", "basis", "start", "end", "limit"),
    [
        # 劳动合同 (劳动合同法第十九条); "N 年以上" includes N years
        ("labour", "general", date(2026, 1, 1), date(2026, 3, 30), 0),  # under 3 months
        ("labour", "general", date(2026, 1, 1), date(2026, 3, 31), 1),  # exactly 3 months
        ("labour", "general", date(2026, 1, 1), date(2026, 12, 30), 1),  # a day under a year
        ("labour", "general", date(2026, 1, 1), date(2026, 12, 31), 2),  # exactly one year
        ("labour", "general", date(2026, 11, 27), date(2027, 11, 26), 2),  # the 1 year
        ("labour", "general", date(2026, 1, 1), date(2028, 12, 30), 2),  # a day under 3 years
        ("labour", "general", date(2026, 11, 27), date(2029, 11, 26), 6),  # the 3 years
        ("labour", "general", date(2026, 9, 1), date(2031, 8, 31), 6),  # five years
        # 聘用合同 (条例第十三条, 国办发〔2002〕35号)
        ("personnel", "general", date(2026, 11, 27), date(2029, 11, 26), 3),
        ("personnel", "special", date(2026, 1, 1), date(2026, 12, 31), 6),
        ("personnel", "graduate", date(2026, 1, 1), date(2026, 12, 31), 12),
        ("personnel", "first_job", date(2026, 11, 27), date(2029, 11, 26), 12),  # 3 years
        ("personnel", "first_job", date(2026, 11, 27), date(2029, 11, 25), 3),  # a day short
        ("personnel", "first_job", date(2026, 1, 1), None, 12),  # open-ended
    ],
)
def test_probation_limit_by_kind_and_term(kind, basis, start, end, limit):
    contract_type = "open_ended" if end is None else "fixed_term"
    assert rules.probation_limit(contract_type, start, end, kind=kind, basis=basis) == limit


def test_probation_limit_open_ended_project_and_renewal():
    start = date(2026, 1, 1)
    assert rules.probation_limit("open_ended", start, None, kind="labour") == 6
    assert rules.probation_limit("open_ended", start, None) == 3
    assert rules.probation_limit("project", start, date(2029, 1, 1), kind="labour") == 0
    assert rules.probation_limit("project", start, None, basis="first_job") == 0
    for kind in ("labour", "personnel"):
        assert (
            rules.probation_limit(
                "fixed_term", start, date(2029, 1, 1), kind=kind, basis="graduate", is_renewal=True
            )
            == 0
        )


def test_contract_kind_follows_identity():
    assert rules.contract_kind("establishment") == rules.PERSONNEL
    assert rules.contract_kind("filed") == rules.PERSONNEL
    assert rules.contract_kind("contract") == rules.LABOUR
    assert rules.contract_kind("dispatch") == rules.LABOUR


def test_probation_limit_follows_the_given_limits():
    limits = {
        "labour": [[6, 0], [12, 2], [36, 4]],
        "personnel": {
            "general": 2,
            "special": 4,
            "graduate": 9,
            "first_job": 10,
            "first_job_min_months": 24,
        },
    }
    start = date(2026, 1, 1)
    assert (
        rules.probation_limit("fixed_term", start, date(2027, 5, 31), kind="labour", limits=limits)
        == 2
    )
    assert (
        rules.probation_limit(
            "fixed_term", start, date(2027, 12, 31), basis="first_job", limits=limits
        )
        == 10
    )
    assert (
        rules.probation_limit(
            "fixed_term", start, date(2027, 12, 30), basis="first_job", limits=limits
        )
        == 2
    )


def test_probation_hint_states_the_rule():
    labour = str(rules.probation_hint("labour"))
    assert "3 个月以上不满 1 年的最长 1 个月" in labour
    assert "1 年以上不满 3 年的最长 2 个月" in labour
    assert "3 年以上或无固定期限的最长 6 个月" in labour
    personnel = str(rules.probation_hint("personnel"))
    assert "一般最长 3 个月" in personnel
    assert "初次就业且期限 3 年以上（含 3 年）的为 12 个月" in personnel
    assert "一年以上三年以内" not in labour + personnel


def test_term_problems():
    start = date(2026, 1, 1)
    assert rules.term_problems("fixed_term", start, date(2026, 12, 31)) == []
    assert rules.term_problems("fixed_term", start, None)[0][0] == "end_on"
    assert rules.term_problems("open_ended", start, date(2027, 1, 1))[0][0] == "end_on"
    assert rules.term_problems("open_ended", start, None) == []
    assert rules.term_problems("project", start, None) == []
    assert "早于" in rules.term_problems("fixed_term", start, date(2025, 12, 31))[0][1]
    assert rules.term_problems("fixed_term", None, None)[0][0] == "start_on"


def test_contract_problems_names_the_limit():
    problems = rules.contract_problems(
        "fixed_term", date(2026, 1, 1), date(2026, 12, 30), 3, kind="labour"
    )
    assert problems == [
        ("probation_months", "试用期 3 个月过长：该期限的劳动合同试用期最长 1 个月")
    ]
    problems = rules.contract_problems("fixed_term", date(2026, 1, 1), date(2028, 12, 31), 4)
    assert problems == [("probation_months", "试用期 4 个月过长：聘用合同试用期最长 3 个月")]
    renewal = rules.contract_problems(
        "fixed_term", date(2026, 1, 1), date(2028, 12, 31), 1, is_renewal=True
    )
    assert "不再约定试用期" in renewal[0][1]
    assert rules.contract_problems("fixed_term", date(2026, 1, 1), date(2028, 12, 31), 3) == []


def test_renewal_and_termination_refusals():
    assert rules.renewal_refusal("active", date(2027, 1, 1)) is None
    assert "已解除" in rules.renewal_refusal("terminated", date(2027, 1, 1))
    assert "已续订" in rules.renewal_refusal("renewed", date(2027, 1, 1))
    assert "无固定期限" in rules.renewal_refusal("active", None)
    assert rules.renewal_start(date(2026, 12, 31)) == date(2027, 1, 1)
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    assert rules.termination_refusal("active", start, end, date(2026, 5, 1)) is None
    assert "重复" in rules.termination_refusal("terminated", start, end, date(2026, 5, 1))[1]
    assert "早于" in rules.termination_refusal("active", start, end, date(2025, 5, 1))[1]
    assert "晚于" in rules.termination_refusal("active", start, end, date(2027, 5, 1))[1]


def test_expiring_selection():
    today = date(2026, 11, 1)
    assert rules.is_expiring("active", date(2026, 12, 31), today, 60)
    assert not rules.is_expiring("active", date(2027, 1, 1), today, 60)
    assert rules.is_expiring("active", date(2026, 10, 1), today, 60)  # overdue, still active
    assert not rules.is_expiring("renewed", date(2026, 12, 1), today, 60)
    assert not rules.is_expiring("active", None, today, 60)
    assert rules.days_left(date(2026, 11, 11), today) == 10


@PROPERTY
@given(
    start=st.dates(date(2000, 1, 1), date(2090, 1, 1)),
    days=st.integers(0, 365 * 12),
    renewal=st.booleans(),
    kind=st.sampled_from(["labour", "personnel"]),
    basis=st.sampled_from(["general", "special", "graduate", "first_job"]),
)
def test_probation_limit_properties(start, days, renewal, kind, basis):
    end = start + timedelta(days=days)
    limit = rules.probation_limit(
        "fixed_term", start, end, kind=kind, basis=basis, is_renewal=renewal
    )
    if renewal:
        assert limit == 0
    elif kind == "labour":
        assert limit in {0, 1, 2, 6}
        # the band follows the term, counting the last day: "N 年以上" includes N years
        if rules.term_at_least(start, end, 36):
            assert limit == 6
        elif not rules.term_at_least(start, end, 3):
            assert limit == 0
    else:
        assert limit in {3, 6, 12}
        if basis == "first_job":
            assert (limit == 12) == rules.term_at_least(start, end, 36)
    # a longer term never allows less probation, and an open-ended one allows the most
    longer = rules.probation_limit(
        "fixed_term", start, end + timedelta(days=1), kind=kind, basis=basis, is_renewal=renewal
    )
    assert longer >= limit
    open_ended = rules.probation_limit(
        "open_ended", start, None, kind=kind, basis=basis, is_renewal=renewal
    )
    assert open_ended >= limit


@PROPERTY
@given(start=st.dates(date(2000, 1, 1), date(2090, 1, 1)), years=st.integers(1, 10))
def test_whole_years_count_as_n_years(start, years):
    end = rules.add_months(start, 12 * years) - timedelta(days=1)
    assert rules.term_at_least(start, end, 12 * years)
    assert not rules.term_at_least(start, end - timedelta(days=1), 12 * years)


@PROPERTY
@given(
    today=st.dates(date(2000, 1, 1), date(2090, 1, 1)),
    end_offset=st.integers(-400, 400),
    within=st.integers(0, 365),
)
def test_is_expiring_matches_days_left(today, end_offset, within):
    end = today + timedelta(days=end_offset)
    assert rules.is_expiring("active", end, today, within) == (
        rules.days_left(end, today) <= within
    )


def test_ensure_defaults_seeds_the_parameter():
    rules.ensure_defaults()
    rules.ensure_defaults()  # safe to run again
    value = parameter("hr.probation", date(2026, 1, 1))
    assert value == rules.DEFAULTS["hr.probation"]


# --------------------------------------------------------------------------- operations


@pytest.fixture
def employment():
    institution = create_institution()
    return create_employment(institution, start_on=date(2024, 9, 1))


def test_sign_records_an_audit_event(employment):
    contract = sign_contract(employment, _data(date(2024, 9, 1), date(2027, 8, 31), 3))
    assert contract.status == ContractStatus.ACTIVE
    assert contract.institution_id == employment.institution_id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contract.sign"))
    assert event.object_id == str(contract.id)
    assert event.changes["probation_months"] == [None, 3]


def test_sign_refuses_too_long_probation(employment):
    with pytest.raises(ContractError, match="劳动合同试用期最长 2 个月") as error:
        sign_contract(employment, _data(date(2024, 9, 1), date(2025, 8, 31), 3))
    assert error.value.field == "probation_months"


def test_sign_uses_the_probation_parameter(employment):
    value = {**rules.DEFAULTS["hr.probation"], "labour": [[3, 0], [12, 0], [36, 0]]}
    ensure_parameter("hr.probation", value, effective_from=date(2024, 1, 1))
    with pytest.raises(ContractError, match="最长 0 个月"):
        sign_contract(employment, _data(date(2024, 9, 1), date(2027, 8, 31), 1))


def test_personnel_contract_first_job_gets_twelve_months():
    institution = create_institution()
    employment = create_employment(
        institution, identity="establishment", start_on=date(2026, 11, 27)
    )
    data = _data(date(2026, 11, 27), date(2029, 11, 26), 12)
    with pytest.raises(ContractError, match="聘用合同试用期最长 3 个月"):
        sign_contract(employment, data)
    contract = sign_contract(employment, {**data, "probation_basis": "first_job"})
    assert contract.probation_months == 12
    assert contract.probation_basis == "first_job"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contract.sign"))
    assert event.changes["probation_basis"] == [None, "first_job"]


def test_labour_contract_stores_no_basis_and_probation_is_once_per_employer(employment):
    first = sign_contract(
        employment,
        {**_data(date(2024, 9, 1), date(2025, 8, 31), 2), "probation_basis": "graduate"},
    )
    assert first.probation_basis is None
    terminate_contract(first, date(2025, 1, 31), "双方协商一致")
    with pytest.raises(ContractError, match="不再约定试用期"):
        sign_contract(employment, _data(date(2025, 2, 1), date(2028, 1, 31), 1))
    assert (
        sign_contract(employment, _data(date(2025, 2, 1), date(2028, 1, 31))).probation_months == 0
    )


def test_sign_refuses_overlap_before_hire_and_after_exit(employment):
    sign_contract(employment, _data(date(2024, 9, 1), date(2027, 8, 31)))
    with pytest.raises(ContractError, match="期限重叠"):
        sign_contract(employment, _data(date(2025, 1, 1), date(2025, 12, 31)))
    with pytest.raises(ContractError, match="早于入职日期"):
        sign_contract(employment, _data(date(2024, 1, 1), date(2024, 12, 31)))
    employment.end_on = date(2026, 1, 31)
    with pytest.raises(ContractError, match="已离职"):
        sign_contract(employment, _data(date(2028, 1, 1), date(2028, 12, 31)))


def test_renew_links_and_starts_the_day_after(employment):
    old = sign_contract(employment, _data(date(2024, 9, 1), date(2027, 8, 31), 3))
    new = renew_contract(old, {"contract_type": "fixed_term", "end_on": date(2030, 8, 31)})
    assert new.renewed_from_id == old.id
    assert new.start_on == date(2027, 9, 1)
    assert new.probation_months == 0
    assert old.status == ContractStatus.RENEWED
    assert new.status == ContractStatus.ACTIVE
    with pytest.raises(ContractError, match="已续订过"):
        renew_contract(old, {"contract_type": "fixed_term", "end_on": date(2033, 8, 31)})
    with pytest.raises(ContractError, match="不再约定试用期"):
        renew_contract(
            new, {"contract_type": "fixed_term", "end_on": date(2033, 8, 31), "probation_months": 1}
        )
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["contract.sign", "contract.renew"]


def test_renew_to_open_ended(employment):
    old = sign_contract(employment, _data(date(2024, 9, 1), date(2027, 8, 31)))
    new = renew_contract(old, {"contract_type": "open_ended", "end_on": None})
    assert new.end_on is None
    with pytest.raises(ContractError, match="无需续订"):
        renew_contract(new, {"contract_type": "open_ended", "end_on": None})


def test_terminate_once(employment):
    contract = sign_contract(employment, _data(date(2024, 9, 1), date(2027, 8, 31)))
    terminate_contract(contract, date(2026, 3, 31), "双方协商一致解除")
    assert contract.status == ContractStatus.TERMINATED
    assert contract.terminated_on == date(2026, 3, 31)
    assert contract.termination_reason == "双方协商一致解除"
    with pytest.raises(ContractError, match="不能重复解除"):
        terminate_contract(contract, date(2026, 4, 30), "再次")
    with pytest.raises(ContractError, match="已解除，不能续订"):
        renew_contract(contract, {"contract_type": "fixed_term", "end_on": date(2030, 8, 31)})
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contract.terminate"))
    assert event.changes["status"] == ["active", "terminated"]


def test_terminate_needs_a_reason_and_a_date_inside_the_term(employment):
    contract = sign_contract(employment, _data(date(2024, 9, 1), date(2027, 8, 31)))
    with pytest.raises(ContractError, match="解除原因"):
        terminate_contract(contract, date(2026, 3, 31), "  ")
    with pytest.raises(ContractError, match="晚于"):
        terminate_contract(contract, date(2028, 1, 1), "到期后")


# --------------------------------------------------------------------------- views


@pytest.fixture
def hr(client, login_as):
    institution = create_institution()
    officer = create_user(Role.HR_OFFICER, institution=institution)
    login_as(officer)
    return institution


def _contract(institution, end_on, name="张三", status="active", start_on=date(2024, 9, 1)):
    employment = create_employment(institution, create_person(name=name), start_on=start_on)
    contract = Contract(
        employment_id=employment.id,
        institution_id=institution.id,
        contract_type="fixed_term",
        start_on=start_on,
        end_on=end_on,
        probation_months=0,
        status=status,
    )
    db.session.add(contract)
    db.session.flush()
    return contract


def test_list_shows_expiring_within_n_days(client, hr):
    today = china_today()
    soon = _contract(hr, today + timedelta(days=30), name="快到期")
    _contract(hr, today + timedelta(days=200), name="还早呢")
    _contract(hr, today - timedelta(days=3), name="已过期")
    db.session.commit()
    body = client.get(f"/hr/{hr.id}/contracts").get_data(as_text=True)
    expiring = body.split("全部合同")[0]
    assert "快到期" in expiring and "已过期" in expiring and "还早呢" not in expiring
    assert "已过期 3 天" in expiring
    assert "还早呢" in body  # the full list has every active contract
    body = client.get(f"/hr/{hr.id}/contracts?within=365").get_data(as_text=True)
    assert "还早呢" in body.split("全部合同")[0]
    assert f"/hr/{hr.id}/contracts/{soon.id}/renew" in body


def test_list_filters_and_counts_queries(client, hr, count_queries):
    today = china_today()
    for n in range(15):
        _contract(hr, today + timedelta(days=10 + n), name=f"职工甲{n}")
    _contract(hr, today + timedelta(days=20), name="已解除者", status="terminated")
    create_employment(hr, create_person(name="没合同"))
    db.session.commit()
    with count_queries() as counter:
        response = client.get(f"/hr/{hr.id}/contracts")
    assert response.status_code == 200
    assert counter["n"] <= 12, counter
    body = response.get_data(as_text=True)
    assert "已解除者" not in body.split("全部合同")[1]  # active only by default
    # both the terminated one and the one never given a contract lack an active contract
    assert "2 名在职人员没有履行中的合同" in body and "没合同" in body
    body = client.get(f"/hr/{hr.id}/contracts?status=terminated").get_data(as_text=True)
    assert "已解除者" in body.split("全部合同")[1]
    body = client.get(f"/hr/{hr.id}/contracts?q=职工甲3").get_data(as_text=True)
    assert "职工甲3" in body.split("全部合同")[1]
    assert "职工甲4" not in body.split("全部合同")[1]


def test_export(client, hr):
    today = china_today()
    _contract(hr, today + timedelta(days=30), name="快到期")
    _contract(hr, today + timedelta(days=300), name="还早呢")
    db.session.commit()
    response = client.get(f"/hr/{hr.id}/contracts/export")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["快到期", "还早呢"]
    response = client.get(f"/hr/{hr.id}/contracts/export?expiring=1&within=60")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == ["快到期"]
    assert rows[0][8] == 30  # 剩余天数


def test_sign_renew_terminate_pages(client, hr):
    employment = create_employment(hr, create_person(name="新人"), start_on=date(2025, 9, 1))
    db.session.commit()
    url = f"/hr/{hr.id}/employments/{employment.id}/contracts/new"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        data={
            "contract_type": "fixed_term",
            "start_on": "2025-09-01",
            "end_on": "2026-08-31",
            "probation_months": "3",
        },
    )
    assert response.status_code == 422
    assert "该期限的劳动合同试用期最长 2 个月" in response.get_data(as_text=True)
    response = client.post(
        url,
        data={
            "contract_type": "fixed_term",
            "start_on": "2025-09-01",
            "end_on": "2026-08-31",
            "probation_months": "1",
        },
    )
    assert response.status_code == 302
    contract = db.session.scalar(select(Contract).where(Contract.employment_id == employment.id))

    renew_url = f"/hr/{hr.id}/contracts/{contract.id}/renew"
    assert "2026-09-01" in client.get(renew_url).get_data(as_text=True)
    response = client.post(
        renew_url, data={"renew-contract_type": "fixed_term", "renew-end_on": "2029-08-31"}
    )
    assert response.status_code == 302
    renewal = db.session.scalar(select(Contract).where(Contract.renewed_from_id == contract.id))
    assert renewal.start_on == date(2026, 9, 1)

    response = client.post(
        renew_url, data={"renew-contract_type": "fixed_term", "renew-end_on": "2032-08-31"}
    )
    assert response.status_code == 422
    assert "已续订过" in response.get_data(as_text=True)

    terminate_url = f"/hr/{hr.id}/contracts/{renewal.id}/terminate"
    response = client.post(terminate_url, data={"terminate-terminated_on": "2027-01-31"})
    assert response.status_code == 422
    assert "请填写解除原因" in response.get_data(as_text=True)
    response = client.post(
        terminate_url,
        data={"terminate-terminated_on": "2027-01-31", "terminate-reason": "协商一致"},
    )
    assert response.status_code == 302
    db.session.refresh(renewal)
    assert renewal.status == ContractStatus.TERMINATED
    response = client.post(
        terminate_url,
        data={"terminate-terminated_on": "2027-02-28", "terminate-reason": "再解除"},
    )
    assert response.status_code == 422
    assert "不能重复解除" in response.get_data(as_text=True)


def test_objects_of_another_institution_are_404(client, hr):
    other = create_institution()
    contract = _contract(other, date(2027, 8, 31))
    db.session.commit()
    assert client.get(f"/hr/{hr.id}/contracts/{contract.id}/renew").status_code == 404
    assert (
        client.get(f"/hr/{hr.id}/employments/{contract.employment_id}/contracts/new").status_code
        == 404
    )
    assert client.get(f"/hr/{other.id}/contracts").status_code == 404


def test_read_only_roles(client, login_as):
    institution = create_institution()
    contract = _contract(institution, date(2027, 8, 31))
    login_as(create_user(Role.FINANCE_OFFICER, institution=institution))
    assert client.get(f"/hr/{institution.id}/contracts").status_code == 200
    assert client.get(f"/hr/{institution.id}/contracts/{contract.id}/renew").status_code == 403
    login_as(create_user(Role.EMPLOYEE, institution=institution))
    assert client.get(f"/hr/{institution.id}/contracts").status_code == 403


def test_contract_form_shows_the_rule_of_its_kind(client, hr):
    staff = create_employment(hr, create_person(name="编内"), identity="establishment")
    agency = create_employment(hr, create_person(name="派遣"), identity="dispatch")
    db.session.commit()
    page = client.get(f"/hr/{hr.id}/employments/{staff.id}/contracts/new").get_data(as_text=True)
    assert "签订聘用合同" in page and 'name="probation_basis"' in page
    assert "初次就业且期限 3 年以上（含 3 年）的为 12 个月" in page
    page = client.get(f"/hr/{hr.id}/employments/{agency.id}/contracts/new").get_data(as_text=True)
    assert "签订劳动合同" in page and 'name="probation_basis"' not in page
    assert "3 年以上或无固定期限的最长 6 个月" in page
    assert "一年以上三年以内" not in page
