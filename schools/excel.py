"""Column specs of the schools' Excel imports and exports."""

from __future__ import annotations

from core.excel import Column, Spec

#: 分年级学生数: one row per school year and grade; the export has the same columns.
ENROLMENT_SPEC = Spec(
    sheet_name="分年级学生数",
    title="分年级学生数",
    columns=(
        Column(
            "学年",
            "year",
            "int",
            required=True,
            min=2000,
            max=2100,
            help="学年开始的年份，如 2026 表示 2026–2027 学年",
        ),
        Column("年级", "grade", "int", required=True, min=1, max=12, help="1–12，高一为 10"),
        Column("班级数", "classes", "int", required=True),
        Column("学生数", "students", "int", required=True),
    ),
)
