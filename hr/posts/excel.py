"""Excel column specs of post plans and appointments: who holds which post on a date."""

from __future__ import annotations

from typing import Any

from core.excel import Column, Spec
from hr.models import Appointment, PostCategory

POSTS_EXPORT = Spec(
    sheet_name="岗位聘用",
    title="岗位聘用情况",
    columns=(
        Column("岗位类别", "category", "text"),
        Column("岗位等级", "grade", "text"),
        Column("岗位名称", "post_name", "text", width=20),
        Column("工号", "staff_number", "code"),
        Column("姓名", "name", "text"),
        Column("部门", "department", "text", width=16),
        Column("聘任起始日期", "start_on", "date"),
        Column("聘任结束日期", "end_on", "date"),
    ),
)


def export_row(appointment: Appointment) -> dict[str, Any]:
    """Return one row of the posts export (employment and person loaded)."""
    employment = appointment.employment
    return {
        "category": PostCategory(appointment.category).label,
        "grade": appointment.grade_label,
        "post_name": appointment.post_name,
        "staff_number": employment.staff_number,
        "name": employment.person.name,
        "department": employment.department_name,
        "start_on": appointment.start_on,
        "end_on": appointment.end_on,
    }
