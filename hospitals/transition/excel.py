"""Excel export of the staff-on-posts list (身份管理 → 岗位管理)."""

from __future__ import annotations

from typing import Any

from core.excel import Column, Spec
from hr.models import Appointment, Employment, Identity

POSTS_EXPORT = Spec(
    sheet_name="人员与岗位",
    title="人员与岗位",
    columns=(
        Column("工号", "staff_number", "code"),
        Column("姓名", "name", "text"),
        Column("人员身份", "identity", "text"),
        Column("部门", "department", "text", width=16),
        Column("岗位名称", "post_name", "text", width=20),
        Column("岗位等级", "grade", "text"),
        Column("聘用合同", "contract", "text"),
        Column("入职日期", "start_on", "date"),
    ),
)


def export_row(
    employment: Employment, appointment: Appointment | None, has_contract: bool
) -> dict[str, Any]:
    return {
        "staff_number": employment.staff_number,
        "name": employment.person.name,
        "identity": Identity(employment.identity).label,
        "department": employment.department_name,
        "post_name": appointment.post_name if appointment else "无岗位",
        "grade": appointment.grade_label if appointment else None,
        "contract": "有" if has_contract else "无",
        "start_on": employment.start_on,
    }
