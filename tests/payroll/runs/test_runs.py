"""Monthly runs: computed from HR's records and payroll's settings, cumulative tax over the
year's locked runs, overrides kept, four eyes, locked runs immutable, corrections counted once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.errors import Refusal
from core.extensions import db
from core.notifications import Notification
from payroll.runs import operations as ops
from payroll.runs.models import PayRun, PayRunLine
from payroll.runs.states import RunStatus
from tests.factories import create_institution, create_person, create_user
from tests.payroll.runs.helpers import approved_run, finance_pair, paid_employee

D = Decimal


def _line(run, employment) -> PayRunLine:
    return db.session.scalar(
        select(PayRunLine).where(
            PayRunLine.run_id == run.id, PayRunLine.employment_id == employment.id
        )
    )


def test_a_run_computes_every_active_employee_from_the_tables_and_settings(app):
    institution = create_institution()
    preparer, _ = finance_pair(institution)
    teacher = paid_employee(institution, grade=9, step=20, department="语文组")
    paid_employee(institution, start_on=date(2026, 12, 1))  # not yet hired in November
    left = paid_employee(institution)
    left.end_on = date(2026, 10, 31)
    run = ops.create_run(institution, "2026-11", preparer)
    ops.compute_run(run, preparer)
    assert run.status == RunStatus.COMPUTED and run.line_count == 1
    line = _line(run, teacher)
    # 专技 9 级 730, 薪级 20 417; bases 10,000: 8% 4% 2% 0.4% and the fund at 12%
    assert (line.post_wage, line.step_wage, line.gross) == (D("730.00"), D("417.00"), D("1147.00"))
    assert (line.pension, line.annuity, line.medical, line.unemployment, line.housing_fund) == (
        D("800.00"),
        D("400.00"),
        D("200.00"),
        D("40.00"),
        D("1200.00"),
    )
    assert line.income_tax == 0 and line.department == "语文组"
    assert line.net_pay == D("1147.00") - D("2640.00")
    # a negative net pay is a problem to fix before the run is submitted
    assert line.is_blocked and run.blocking_count == 1
    assert any(p["code"] == "negative_net_pay" for p in line.problems)
    assert line.detail["profile"]["grade"] == 9 and line.detail["months_employed"] == 11
    with pytest.raises(Refusal):
        ops.submit_run(run, preparer)


def test_tax_is_cumulative_over_the_locked_months_and_an_override_is_kept(app):
    institution = create_institution()
    preparer, approver = finance_pair(institution)
    teacher = paid_employee(institution)
    big = [(teacher, "basic_performance", "20000")]
    january = approved_run(institution, "2026-01", preparer, approver, big)
    jan = _line(january, teacher)
    # gross 21,147; taxable 21,147 − 5,000 − (800 + 200 + 40 + 1,200) − 400 = 13,507 → 405.21
    assert jan.cumulative_taxable == D("13507.00") and jan.income_tax == D("405.21")
    february = ops.create_run(institution, "2026-02", preparer)
    ops.set_override(february, teacher.id, "basic_performance", "20000", "绩效", preparer)
    ops.compute_run(february, preparer)
    feb = _line(february, teacher)
    assert feb.withheld_before == D("405.21") and feb.cumulative_taxable == D("27014.00")
    assert feb.cumulative_tax == D("810.42") and feb.income_tax == D("405.21")
    assert feb.detail["sources"] == {"basic_performance": "override"}
    assert feb.detail["overrides"] == {"basic_performance": "绩效"}
    # recomputing keeps the override and counts January once
    ops.compute_run(february, preparer)
    again = _line(february, teacher)
    assert (again.basic_performance, again.withheld_before) == (D("20000.00"), D("405.21"))


def test_a_recompute_keeps_each_persons_line_id_and_updates_it_in_place(app):
    institution = create_institution()
    preparer, _ = finance_pair(institution)
    stays = paid_employee(institution)
    leaves = paid_employee(institution)
    run = ops.create_run(institution, "2026-04", preparer)
    ops.compute_run(run, preparer)
    first = {e.id: _line(run, e).id for e in (stays, leaves)}
    assert _line(run, stays).basic_performance == 0
    # an override, a leaver and a newcomer, then the run again
    ops.set_override(run, stays.id, "basic_performance", "3000", "绩效", preparer)
    leaves.end_on = date(2026, 3, 31)
    joins = paid_employee(institution)
    ops.compute_run(run, preparer)
    db.session.expire_all()
    line = _line(run, stays)
    assert line.id == first[stays.id]  # the same line, its figures new
    assert line.basic_performance == D("3000.00") and line.gross == D("4147.00")
    assert line.detail["sources"] == {"basic_performance": "override"}
    assert _line(run, leaves) is None
    assert _line(run, joins).id not in first.values()
    assert run.line_count == 2
    # and once more with nothing changed: still the same ids
    ops.compute_run(run, preparer)
    assert {_line(run, e).id for e in (stays, joins)} == {line.id, _line(run, joins).id}


def test_a_month_waits_for_the_earlier_months_and_never_runs_before_a_later_one(app):
    institution = create_institution()
    preparer, approver = finance_pair(institution)
    paid_employee(institution)
    january = ops.create_run(institution, "2026-01", preparer)
    ops.compute_run(january, preparer)
    february = ops.create_run(institution, "2026-02", preparer)
    with pytest.raises(Refusal, match="2026-01"):
        ops.compute_run(february, preparer)
    with pytest.raises(Refusal):
        ops.create_run(institution, "2026-01", preparer)  # one regular run a month


def test_four_eyes_approval_locks_the_run_and_publishes_payslips(app):
    institution = create_institution()
    preparer, approver = finance_pair(institution)
    employee_user = create_user()
    person = create_person(user_id=employee_user.id)
    teacher = paid_employee(institution, person=person)
    run = ops.create_run(institution, "2026-03", preparer)
    ops.set_override(run, teacher.id, "basic_performance", "9000", "绩效", preparer)
    ops.compute_run(run, preparer)
    assert run.blocking_count == 0
    ops.submit_run(run, preparer)
    waiting = db.session.scalars(
        select(Notification).where(Notification.user_id == approver.id)
    ).all()
    assert len(waiting) == 1 and "待审核" in waiting[0].title
    assert not db.session.scalars(
        select(Notification).where(Notification.user_id == preparer.id)
    ).all()
    with pytest.raises(Refusal, match="双人复核"):
        ops.approve_run(run, preparer)
    with pytest.raises(Refusal):
        ops.compute_run(run, preparer)  # submitted: only the approver's decision moves it
    ops.return_run(run, approver, "绩效金额有误")
    assert run.status == RunStatus.RETURNED
    ops.compute_run(run, preparer)
    ops.submit_run(run, preparer)
    ops.approve_run(run, approver)
    assert run.status == RunStatus.APPROVED and run.decided_by_id == approver.id
    slips = db.session.scalars(
        select(Notification).where(Notification.user_id == employee_user.id)
    ).all()
    assert len(slips) == 1
    assert ops.publish_payslips(run) == 0  # published once
    with pytest.raises(Refusal):
        ops.set_override(run, teacher.id, "other_pay", "1", "x", preparer)
    with pytest.raises(Refusal):
        ops.delete_run(run, preparer)
    savepoint = db.session.begin_nested()
    run.net_pay = D("1.00")
    with pytest.raises(PermissionError):
        db.session.flush()
    savepoint.rollback()
    assert db.session.get(PayRun, run.id).net_pay != D("1.00")
    ops.mark_paid(run, approver)
    assert run.status == RunStatus.PAID
    actions = set(
        db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "PayRun"))
    )
    assert {
        "payroll.run.create",
        "payroll.run.override",
        "payroll.run.compute",
        "payroll.run.submit",
        "payroll.run.return",
        "payroll.run.approve",
        "payroll.run.pay",
    } <= actions


def test_a_correction_run_counts_the_arrears_once_in_the_year_to_date(app):
    """Paying 3,000 of January's allowance in a March correction ends the year to date
    exactly where paying it in January would have."""
    results = {}
    for late in (False, True):
        institution = create_institution()
        preparer, approver = finance_pair(institution)
        teacher = paid_employee(institution)
        base = [(teacher, "basic_performance", "20000")]
        jan_extra = [] if late else [(teacher, "allowances", "3000")]
        approved_run(institution, "2026-01", preparer, approver, base + jan_extra)
        approved_run(institution, "2026-02", preparer, approver, base)
        march = approved_run(institution, "2026-03", preparer, approver, base)
        last = _line(march, teacher)
        if late:
            fix = ops.create_run(
                institution,
                "2026-03",
                preparer,
                kind="correction",
                corrects_period="2026-01",
                reason="1 月津贴漏发",
            )
            ops.set_override(fix, teacher.id, "allowances", "3000", "补发", preparer)
            ops.compute_run(fix, preparer)
            ops.submit_run(fix, preparer)
            ops.approve_run(fix, approver)
            last = _line(fix, teacher)
            assert fix.line_count == 1 and last.allowances == D("3000.00")
            assert last.pension == 0  # the bases did not change: only the allowance is paid
        withheld = sum(
            db.session.scalars(
                select(PayRunLine.income_tax).where(PayRunLine.employment_id == teacher.id)
            ),
            D("0.00"),
        )
        results[late] = (last.cumulative_income, last.cumulative_tax, withheld)
    assert results[True] == results[False]
