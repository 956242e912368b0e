"""Excel column specs of the staff area: the staff list export (人员名册)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from core.excel import Column, Spec
from core.ids import mask_citizen_id
from hr.models import Appointment, Employment, ExitReason, PostCategory

#: How the export writes an employment's state.
STATUS_LABELS = {"active": _l("在职"), "left": _l("已离职")}

STAFF_EXPORT = Spec(
    sheet_name="人员名册",
    title="人员名册",
    columns=(
        Column("工号", "staff_number", "code", width=12),
        Column("姓名", "name", "text", width=10),
        Column("身份证号", "citizen_id", "code", width=21),
        Column("性别", "gender", "text", width=6),
        Column("出生日期", "birth_date", "date", width=12),
        Column("人员身份", "identity", "text", width=10),
        Column("部门", "department", "text", width=14),
        Column("岗位类别", "category", "text", width=10),
        Column("岗位等级", "grade", "text", width=10),
        Column("岗位名称", "post_name", "text", width=16),
        Column("入职日期", "start_on", "date", width=12),
        Column("离职日期", "end_on", "date", width=12),
        Column("离职原因", "exit_reason", "text", width=10),
        Column("状态", "status", "text", width=8),
    ),
)


def export_row(
    employment: Employment, post: Appointment | None, on: date, *, full_id: bool
) -> dict[str, Any]:
    """Return one row of the staff export: the employment, its person and its post on ``on``."""
    person = employment.person
    active = employment.end_on is None or employment.end_on >= on
    return {
        "staff_number": employment.staff_number,
        "name": person.name,
        "citizen_id": person.citizen_id if full_id else mask_citizen_id(person.citizen_id),
        "gender": person.gender,
        "birth_date": person.birth_date,
        "identity": employment.identity_label,
        "department": employment.department_name or "",
        "category": PostCategory(post.category).label if post else "",
        "grade": post.grade_label if post else "",
        "post_name": post.post_name if post else "",
        "start_on": employment.start_on,
        "end_on": employment.end_on,
        "exit_reason": ExitReason(employment.exit_reason).label if employment.exit_reason else "",
        "status": str(STATUS_LABELS["active" if active else "left"]),
    }
