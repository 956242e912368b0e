"""工资设置: finance changes an employment's money settings from a date with a reason
(audited); the next run uses them, earlier months keep theirs; others only read."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from core.audit import AuditEvent
from core.extensions import db
from core.roles import Role
from payroll.models import PaySettings
from payroll.runs import operations as ops
from payroll.runs.models import PayRunLine
from tests.factories import create_institution, create_user
from tests.payroll.runs.helpers import approved_run, finance_pair, paid_employee


def test_finance_changes_settings_with_a_reason_and_the_next_run_uses_them(app, client, login_as):
    institution = create_institution()
    preparer, approver = finance_pair(institution)
    teacher = paid_employee(institution)
    pay = [(teacher, "basic_performance", "9000")]
    january = approved_run(institution, "2026-01", preparer, approver, pay)
    db.session.commit()
    url = f"/payroll/{institution.id}/settings/{teacher.id}"
    login_as(preparer)
    assert teacher.person.name in client.get(f"/payroll/{institution.id}/settings").get_data(
        as_text=True
    )
    form = {
        "effective_on": "2026-02-01",
        "contribution_base": "12000",
        "fund_base": "12000",
        "fund_rate": "0.10",
        "has_occupational_annuity": "y",
        "housing_rent": "1500",
        "reason": "",
    }
    response = client.post(url, data=form)
    assert response.status_code == 422 and "请填写调整原因" in response.get_data(as_text=True)
    response = client.post(url, data={**form, "fund_rate": "0.20", "reason": "x"})
    assert response.status_code == 422 and "0.05–0.12" in response.get_data(as_text=True)
    response = client.post(url, data={**form, "reason": "2026 年缴费基数调整"})
    assert response.status_code == 302
    versions = db.session.scalars(
        select(PaySettings).where(PaySettings.employment_id == teacher.id)
    ).all()
    assert len(versions) == 2
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "payroll.settings.save")
    )
    assert event.changes["contribution_base"] == ["10000.00", "12000.00"]
    assert "2026 年缴费基数调整" in event.summary
    february = ops.create_run(institution, "2026-02", preparer)
    ops.set_override(february, teacher.id, "basic_performance", "9000", "绩效", preparer)
    ops.compute_run(february, preparer)
    line = db.session.scalar(select(PayRunLine).where(PayRunLine.run_id == february.id))
    assert line.pension == Decimal("960.00") and line.housing_fund == Decimal("1200.00")
    assert line.special_additional == Decimal("1500.00")
    old = db.session.scalar(select(PayRunLine).where(PayRunLine.run_id == january.id))
    assert old.pension == Decimal("800.00")  # the locked month keeps its figures
    admin = create_user(Role.INSTITUTION_ADMIN, institution=institution)
    login_as(admin)
    page = client.get(url).get_data(as_text=True)
    assert "2026 年缴费基数调整" in page and "调整工资设置" not in page
    assert client.post(url, data={**form, "reason": "x"}).status_code == 403


def test_the_staff_search_reads_percent_and_underscore_as_themselves(app, client, login_as):
    institution = create_institution()
    preparer, _approver = finance_pair(institution)
    teacher = paid_employee(institution)
    db.session.commit()
    login_as(preparer)
    page = f"/payroll/{institution.id}/settings"
    assert teacher.person.name in client.get(page, query_string={"q": teacher.person.name}).text
    for typed in ("%", "_"):
        assert teacher.person.name not in client.get(page, query_string={"q": typed}).text
