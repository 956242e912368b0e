"""The same-post pay gap read from approved payroll runs as well as from an imported year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.extensions import db
from hospitals.models import PayRecord, PerformanceScheme, PerformanceShare, SchemeStatus
from hospitals.pay import queries as pay_queries
from payroll.runs.models import LINE_ITEMS, PayRun, PayRunLine
from payroll.runs.states import RunStatus
from tests.hospitals.test_transition import ON, _pay_rows, hospital, staff  # noqa: F401

__all__ = ["hospital", "staff"]


def imported(hospital, staff, rows) -> None:
    for row in rows:
        db.session.add(
            PayRecord(
                institution_id=hospital.id,
                employment_id=staff[row["staff_number"]].id,
                period=row["period"],
                **{
                    key: Decimal(row[key])
                    for key in (
                        "post_pay",
                        "scale_pay",
                        "basic_performance",
                        "reward_performance",
                        "allowances",
                        "performance_score",
                    )
                },
            )
        )
    db.session.flush()


def paid(hospital, staff, period, contract_basic="2000.00", status=RunStatus.APPROVED):
    """A regular run of ``period`` paying D1–D4 (the contract doctors ``contract_basic``)."""
    run = PayRun(institution_id=hospital.id, period=period, status=status.value)
    db.session.add(run)
    db.session.flush()
    for number in ("D1", "D2", "D3", "D4"):
        employment = staff[number]
        amounts = dict.fromkeys(LINE_ITEMS, Decimal(0))
        amounts |= {
            "post_wage": Decimal("780.00"),
            "step_wage": Decimal("300.00"),
            "basic_performance": Decimal("2000.00" if number in ("D1", "D2") else contract_basic),
            "reward_performance": Decimal("1000.00"),
            "allowances": Decimal("200.00"),
        }
        db.session.add(
            PayRunLine(
                run_id=run.id,
                institution_id=hospital.id,
                employment_id=employment.id,
                person_id=employment.person_id,
                year=int(period[:4]),
                month=int(period[5:]),
                staff_number=number,
                name=employment.person.name,
                tax_record={},
                detail={},
                problems=[],
                **amounts,
            )
        )
    db.session.flush()
    return run


def scored(hospital, staff, period, score="80") -> None:
    """The month's council-approved allocation, everyone on the same score."""
    scheme = PerformanceScheme(
        institution_id=hospital.id,
        period=period,
        pool=Decimal("4000.00"),
        status=SchemeStatus.APPROVED.value,
    )
    db.session.add(scheme)
    db.session.flush()
    for number in ("D1", "D2", "D3", "D4"):
        db.session.add(
            PerformanceShare(
                scheme_id=scheme.id,
                employment_id=staff[number].id,
                department_id=staff[number].department_id,
                score=Decimal(score),
                amount=Decimal("1000.00"),
            )
        )
    db.session.flush()


def test_a_month_paid_by_an_approved_run_is_read_from_the_run(hospital, staff):
    imported(hospital, staff, _pay_rows(months=(1, 2, 3)))  # contract doctors paid less
    paid(hospital, staff, "2026-03")  # payroll pays them the same in March
    scored(hospital, staff, "2026-03")
    rules = pay_queries.gap_rules(ON)
    march = [r for r in pay_queries.gap_inputs(hospital.id, 2026, rules) if r.month == (2026, 3)]
    assert len(march) == 4  # each month counted once: the run's, not the import's
    assert {r.components[pay_queries.POST_SUM] for r in march} == {Decimal("2980.00")}
    assert {r.score for r in march} == {Decimal("80")}
    assert pay_queries.records_count(hospital.id, 2026) == 12
    assert pay_queries.run_periods(hospital.id, 2026) == ["2026-03"]
    # the year still shows the gap of January and February
    [gap] = pay_queries.gap_report(hospital.id, 2026, ON).gaps
    assert gap.identity == "contract" and gap.mean == Decimal("2646.67")
    # March itself is checked on the run: no difference by identity
    assert pay_queries.month_warnings(hospital.id, "2026-03", ON) == []
    assert pay_queries.latest_period(hospital.id, 2026) == "2026-03"


def test_runs_alone_make_a_year_and_show_their_gap(hospital, staff):
    for month in ("2027-01", "2027-02"):
        paid(hospital, staff, month, contract_basic="1600.00")
        scored(hospital, staff, month, score="90")
    assert 2027 in pay_queries.pay_years(hospital.id)
    [gap] = pay_queries.gap_report(hospital.id, 2027, ON).gaps
    assert gap.gap == Decimal("-400.00")
    assert sorted(p.person for p in gap.people) == ["D3", "D4"]
    warnings = pay_queries.month_warnings(hospital.id, "2027-02", ON)
    assert warnings and "合同甲" in str(warnings[0].message)


def test_runs_not_yet_approved_are_not_read(hospital, staff):
    imported(hospital, staff, _pay_rows(months=(1,)))
    paid(hospital, staff, "2026-01", status=RunStatus.COMPUTED)
    paid(hospital, staff, "2026-02", status=RunStatus.SUBMITTED)
    assert pay_queries.run_periods(hospital.id, 2026) == []
    assert pay_queries.records_count(hospital.id, 2026) == 4
    assert len(list(pay_queries.gap_inputs(hospital.id, 2026, pay_queries.gap_rules(ON)))) == 4


def test_the_page_says_which_months_come_from_payroll(hospital, staff, client, login_as):
    from tests.hospitals.test_transition import _manager

    imported(hospital, staff, _pay_rows(months=(1, 2)))
    paid(hospital, staff, "2026-03")
    login_as(_manager(hospital))
    text = client.get(f"/hospitals/{hospital.id}/pay-gaps?year=2026").get_data(as_text=True)
    assert 'id="run-months"' in text and "2026-03" in text


# --- the stored yearly summary and the indicator upward ---------------------------------------


def test_confirming_stores_the_years_summary_and_the_indicator_reads_it(
    hospital, staff, client, login_as, count_queries
):
    from hospitals.models import PayGapSummary
    from hospitals.reporting import identity_pay_gap, identity_pay_gaps
    from institutions.indicators import ids_select, values
    from tests.hospitals.test_transition import _manager

    imported(hospital, staff, _pay_rows(months=(1, 2, 3)))
    key = "hospitals.identity_pay_gaps"
    assert values([key], [hospital.id], ON)[key] == {}  # nothing confirmed yet
    login_as(_manager(hospital))
    response = client.post(f"/hospitals/{hospital.id}/pay-gaps/confirm", data={"year": "2026"})
    assert response.status_code == 302
    summary = db.session.scalar(db.select(PayGapSummary))
    assert (summary.year, summary.records, summary.cells, summary.gaps, summary.people) == (
        2026,
        12,
        1,
        1,
        2,
    )
    assert summary.largest_share == Decimal("0.1678")  # 500 / 2980
    assert summary.mean_share == Decimal("0.1678")  # one other identity on the one post
    gap = "hospitals.identity_pay_gap"
    assert values([gap], [hospital.id], ON)[gap] == {hospital.id: Decimal("16.8")}
    page = client.get(f"/hospitals/{hospital.id}/pay-gaps?year=2026").get_data(as_text=True)
    assert "2026 年汇总已于" in page

    # a correction confirmed again replaces the year's figures
    db.session.execute(
        db.update(PayRecord)
        .where(PayRecord.basic_performance == Decimal("1500.00"))
        .values(basic_performance=Decimal("2000.00"))
    )
    db.session.commit()
    client.post(f"/hospitals/{hospital.id}/pay-gaps/confirm", data={"year": "2026"})
    db.session.refresh(summary)
    assert (summary.gaps, summary.people, summary.largest_share) == (0, 0, None)
    assert values([gap], [hospital.id], ON)[gap] == {hospital.id: Decimal("0.0")}
    assert db.session.scalar(db.select(db.func.count()).select_from(PayGapSummary)) == 1

    # the latest confirmed year up to the day asked about; an earlier year stays readable
    db.session.add(
        PayGapSummary(
            institution_id=hospital.id, year=2025, gaps=3, people=4, computed_at=summary.computed_at
        )
    )
    db.session.flush()
    assert values([key], [hospital.id], ON)[key] == {hospital.id: 0}
    assert values([key], [hospital.id], date(2025, 12, 31))[key] == {hospital.id: 3}
    # one query however many hospitals are asked about
    for provider in (identity_pay_gaps, identity_pay_gap):
        with count_queries() as counter:
            provider(ids_select(list(range(1, 3001)) + [hospital.id]), ON)
        assert counter["n"] == 1
