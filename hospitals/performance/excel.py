"""Excel specs: monthly indicator figures (import) and a scheme's allocation (export)."""

from __future__ import annotations

from decimal import Decimal

from core.excel import Column, Spec
from hospitals.periods import parse_period

FIGURES_IMPORT = Spec(
    sheet_name="绩效指标数据",
    title="绩效指标数据",
    columns=(
        Column("月份", "period", "text", required=True, validate=parse_period, help="如 2026-11"),
        Column("科室", "department", "text", required=True, width=16),
        Column("工号", "staff_number", "code", help="空：科室的数据；填写：本人的数据"),
        Column("姓名", "name", "text"),
        Column("指标", "indicator", "text", required=True, width=24),
        Column("数值", "value", "decimal", required=True, min=Decimal(0)),
    ),
)

ALLOCATION_EXPORT = Spec(
    sheet_name="绩效分配",
    title="绩效分配",
    columns=(
        Column("科室", "department", "text", width=16),
        Column("工号", "staff_number", "code"),
        Column("姓名", "name", "text"),
        Column("人员身份", "identity", "text"),
        Column("综合得分", "score", "decimal"),
        Column("奖励性绩效", "amount", "money"),
    ),
)
