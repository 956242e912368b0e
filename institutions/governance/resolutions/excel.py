"""Column specs of the resolutions export."""

from core.excel import Column, Spec

RESOLUTIONS_EXPORT = Spec(
    sheet_name="决议",
    title="理事会决议",
    columns=(
        Column("文号", "number", "text", width=16),
        Column("年度", "year", "int"),
        Column("序号", "sequence", "int"),
        Column("标题", "title", "text", width=36),
        Column("通过日期", "passed_on", "date"),
        Column("议案类别", "category", "text"),
        Column("同意", "yes", "int"),
        Column("反对", "no", "int"),
        Column("弃权", "abstain", "int"),
        Column("表决结果", "reason", "text", width=40),
        Column("执行进度（%）", "progress", "int"),
        Column("决议内容", "text", "text", width=60),
        Column("哈希值", "hash", "code", width=66),
    ),
)
