"""Payroll's notices are stored as message ids and read in the reader's language (issue
9.20): a run sent for review, returned and approved, and the payslip notice."""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import select

from core.extensions import db
from core.notifications import Notification
from payroll.runs import operations as ops
from tests.factories import create_institution, create_person, create_user
from tests.payroll.runs.helpers import finance_pair, paid_employee


def _notices(user) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


def test_run_notices_are_read_in_the_readers_language(app):
    institution = create_institution(name="工资通知学校")
    preparer, approver = finance_pair(institution)
    employee_user = create_user()
    teacher = paid_employee(institution, person=create_person(user_id=employee_user.id))
    run = ops.create_run(institution, "2026-03", preparer)
    ops.set_override(run, teacher.id, "basic_performance", "9000", "绩效", preparer)
    ops.compute_run(run, preparer)
    ops.submit_run(run, preparer)
    ops.return_run(run, approver, "绩效金额有误")
    ops.compute_run(run, preparer)
    ops.submit_run(run, preparer)
    ops.approve_run(run, approver)
    waiting = _notices(approver)[0]
    returned, approved = _notices(preparer)
    (slip,) = _notices(employee_user)
    assert waiting.title_message == {
        "msg": "工资批次待审核：%(institution)s %(period)s",
        "params": {"institution": "工资通知学校", "period": "2026-03"},
    }
    assert all(n.title_text is None for n in (waiting, returned, approved, slip))
    with force_locale("en"):
        assert waiting.title == "Payroll run awaiting review: 工资通知学校 2026-03"
        assert "submitted the payroll run for 2026-03 (headcount 1," in waiting.body
        assert returned.title == "Payroll run returned: 工资通知学校 2026-03"
        assert returned.body == "绩效金额有误"  # typed by the approver: as typed
        assert approved.title == "Payroll run approved: 工资通知学校 2026-03"
        assert approved.body is None
        assert slip.title == "Payslip: 2026-03"
    with force_locale("zh"):
        assert waiting.title == "工资批次待审核：工资通知学校 2026-03"
        assert "提交了 2026-03 的工资批次（1 人" in waiting.body
        assert slip.body == "工资通知学校 2026-03 的工资条已发布。"
