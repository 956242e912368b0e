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

#: 包干经费支出: one row per spending; the same columns as the ledger export's first ones.
LINE_BY_LABEL = {"人员经费": "personnel", "公用经费": "operations", "专项经费": "projects"}
SPENDING_SPEC = Spec(
    sheet_name="经费支出",
    title="包干经费支出",
    columns=(
        Column("支出日期", "spent_on", "date", required=True),
        Column(
            "预算科目",
            "line",
            "choice",
            required=True,
            choices=tuple(LINE_BY_LABEL),
            validate=LINE_BY_LABEL.__getitem__,
        ),
        Column("金额", "amount", "money", required=True, help="元，退款或更正填负数"),
        Column("摘要", "description", "text", required=True, width=36),
        Column("理事会决定文号", "decision_ref", "text", width=20, help="超出科目预算时必填"),
    ),
)

#: 经费执行: per budget line, the budget, the spending so far, the balance and the rate.
EXECUTION_SPEC = Spec(
    sheet_name="经费执行",
    title="包干经费执行",
    columns=(
        Column("预算科目", "line", "text", width=14),
        Column("预算金额", "budget", "money"),
        Column("已支出", "spent", "money"),
        Column("结余", "balance", "money"),
        Column("执行率", "rate", "decimal", num_format="0.00%"),
    ),
)
