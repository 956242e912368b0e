"""The filing (备案) list of self-hired teachers as an Excel sheet for the education bureau."""

from __future__ import annotations

from core.excel import Column, Spec

FILING_SPEC = Spec(
    sheet_name="自聘教师备案",
    title="自聘教师聘用备案",
    columns=(
        Column("姓名", "name", "text", width=12),
        Column("工号", "staff_number", "text", width=14),
        Column("学科", "subject", "text", width=10),
        Column("学段", "stage", "text", width=8),
        Column("入职日期", "start_on", "date"),
        Column("理事会决议文号", "resolution_ref", "text", width=20),
    ),
)
