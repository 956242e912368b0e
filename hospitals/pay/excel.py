"""Excel column specs: the monthly pay table imported for the identity-gap analysis, and
the gap report's export."""

from __future__ import annotations

from decimal import Decimal

from core.excel import Column, Spec
from hospitals.periods import parse_period

PAY_IMPORT = Spec(
    sheet_name="月度工资",
    title="月度工资（同岗同酬分析）",
    columns=(
        Column("工号", "staff_number", "code", required=True),
        Column("姓名", "name", "text", required=True),
        Column(
            "月份",
            "period",
            "text",
            required=True,
            validate=parse_period,
            help="如 2026-03",
        ),
        Column("岗位工资", "post_pay", "money", min=Decimal(0)),
        Column("薪级工资", "scale_pay", "money", min=Decimal(0)),
        Column("基础性绩效", "basic_performance", "money", min=Decimal(0)),
        Column("奖励性绩效", "reward_performance", "money", min=Decimal(0)),
        Column("津贴补贴", "allowances", "money", min=Decimal(0)),
        Column("绩效分值", "performance_score", "decimal", min=Decimal(0), help="可空"),
    ),
)

GAP_EXPORT = Spec(
    sheet_name="同岗同酬差异",
    title="同岗同酬差异",
    columns=(
        Column("部门", "department", "text", width=16),
        Column("岗位等级", "grade", "text"),
        Column("比较项目", "measure", "text", width=36),
        Column("人员身份", "identity", "text"),
        Column("对照身份", "reference", "text"),
        Column("平均", "mean", "decimal"),
        Column("对照平均", "reference_mean", "decimal"),
        Column("差额", "gap", "decimal"),
        Column("差异比例", "gap_share", "decimal", num_format="0.00%"),
        Column("工号", "staff_number", "code"),
        Column("姓名", "name", "text"),
        Column("本人数值", "value", "decimal"),
        Column("月数", "months", "int"),
    ),
)

COMPARISON_EXPORT = Spec(
    sheet_name="新旧工资对比",
    title="新旧工资对比（身份工资 → 岗位绩效工资，月均）",
    columns=(
        Column("部门", "department", "text", width=16),
        Column("岗位等级", "grade", "text"),
        Column("工号", "staff_number", "code"),
        Column("姓名", "name", "text"),
        Column("人员身份", "identity", "text"),
        Column("月数", "months", "int"),
        Column("原岗位相关工资", "old_post", "money"),
        Column("新岗位相关工资", "new_post", "money"),
        Column("薪级工资", "scale", "money"),
        Column("原奖励性绩效", "old_reward", "money"),
        Column("新奖励性绩效", "new_reward", "money"),
        Column("原月工资", "old_total", "money"),
        Column("新月工资", "new_total", "money"),
        Column("增减", "difference", "money"),
    ),
)
