"""The year-end bonus tax choice (DOMAIN §4): each person chooses, for a year, whether their
全年一次性奖金 is taxed on its own by the monthly table or merged into the year's wage income
under cumulative withholding; every run of that year follows it, to the fen; once a bonus of
the year is taxed in a locked run the choice stands."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.errors import Refusal
from core.extensions import db
from payroll.runs import operations as ops
from payroll.runs.models import PayRun, PayRunLine
from payroll.runs.states import RunStatus
from payroll.settings.operations import set_bonus_choice
from tests.factories import create_institution
from tests.payroll.runs.helpers import approved_run, finance_pair, paid_employee

D = Decimal
PAY = "20000"
BONUS = "36000"


def _line(run, employment) -> PayRunLine:
    return db.session.scalar(
        select(PayRunLine).where(
            PayRunLine.run_id == run.id, PayRunLine.employment_id == employment.id
        )
    )


def _january(institution, preparer, people):
    run = ops.create_run(institution, "2026-01", preparer)
    for person in people:
        ops.set_override(run, person.id, "basic_performance", PAY, "绩效", preparer)
        ops.set_override(run, person.id, "bonus", BONUS, "年终奖", preparer)
    ops.compute_run(run, preparer)
    return run


def test_separate_or_merged_to_the_fen(app):
    institution = create_institution()
    preparer, _ = finance_pair(institution)
    separate = paid_employee(institution)  # no choice made: taxed separately
    merged = paid_employee(institution)
    set_bonus_choice(merged, 2026, True, "本人申请并入综合所得", preparer)
    run = _january(institution, preparer, [separate, merged])

    # Wages alike: gross 1,147 + 20,000 = 21,147; taxable 21,147 − 5,000 − 2,240 − 400
    # (pension 800, medical 200, unemployment 40, fund 1,200; annuity 400) = 13,507.
    one = _line(run, separate)
    assert one.gross == D("57147.00")  # 应发合计 includes the bonus
    assert one.cumulative_taxable == D("13507.00")
    assert one.income_tax == D("405.21")  # 13,507 × 3%
    assert one.bonus_tax == D("1080.00")  # 36,000 ÷ 12 = 3,000: 3%, 0 quick deduction
    assert one.total_deductions == D("2640.00") + D("405.21") + D("1080.00")

    two = _line(run, merged)
    assert two.gross == D("57147.00")
    assert two.wage_income == D("57147.00")  # the bonus is wage income this month
    assert two.cumulative_taxable == D("49507.00")  # 13,507 + 36,000
    assert two.income_tax == D("2430.70")  # 49,507 × 10% − 2,520
    assert two.bonus_tax == D("0.00")
    assert two.net_pay == D("57147.00") - D("2640.00") - D("2430.70")
    assert any(p["code"] == "bonus_as_wage" for p in two.problems)


def test_the_choice_is_for_its_year_and_stands_once_a_bonus_is_locked(app):
    institution = create_institution()
    preparer, approver = finance_pair(institution)
    teacher = paid_employee(institution)
    set_bonus_choice(teacher, 2025, True, "去年的选择", preparer)  # another year: no effect
    run = _january(institution, preparer, [teacher])
    assert _line(run, teacher).bonus_tax == D("1080.00")

    # Choosing to merge sends the open run back to draft; computed again it follows.
    set_bonus_choice(teacher, 2026, True, "本人申请并入综合所得", preparer)
    assert db.session.get(PayRun, run.id).status == RunStatus.DRAFT
    ops.compute_run(run, preparer)
    line = _line(run, teacher)
    line_id = line.id
    assert (line.income_tax, line.bonus_tax) == (D("2430.70"), D("0.00"))
    ops.submit_run(run, preparer)
    ops.approve_run(run, approver)

    # The January bonus is declared merged: the choice for 2026 no longer changes...
    with pytest.raises(Refusal, match="2026-01"):
        set_bonus_choice(teacher, 2026, False, "改回单独计税", preparer)
    # ...though saying the same again (a new reason) is fine, and the line is untouched.
    set_bonus_choice(teacher, 2026, True, "确认并入", preparer)
    assert _line(run, teacher).id == line_id
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "payroll.bonus_choice.save")
    ).all()
    assert len(events) == 3

    # February follows the year's choice too, cumulative on January's merged income.
    february = approved_run(
        institution, "2026-02", preparer, approver, [(teacher, "basic_performance", PAY)]
    )
    feb = _line(february, teacher)
    assert feb.cumulative_taxable == D("63014.00")  # 49,507 + 13,507
    assert feb.cumulative_tax == D("3781.40")  # 63,014 × 10% − 2,520
    assert feb.income_tax == D("1350.70")  # 3,781.40 − 2,430.70


def test_finance_records_the_choice_on_the_settings_page(app, client, login_as):
    institution = create_institution()
    preparer, _ = finance_pair(institution)
    teacher = paid_employee(institution)
    db.session.commit()
    login_as(preparer)
    url = f"/payroll/{institution.id}/settings/{teacher.id}"
    page = client.get(url)
    assert "全年一次性奖金计税方式" in page.get_data(as_text=True)
    refused = client.post(f"{url}/bonus", data={"year": "2026", "merge": "1", "reason": ""})
    assert refused.status_code == 422
    done = client.post(f"{url}/bonus", data={"year": "2026", "merge": "1", "reason": "本人申请"})
    assert done.status_code == 302
    text = client.get(url).get_data(as_text=True)
    assert "并入当年综合所得" in text and "本人申请" in text
