"""The payroll workbooks: exact headers, reading and writing through core.excel, row mapping."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal

from core.excel import read_workbook, validate_table, write_workbook
from payroll.compute import COMPUTABLE, PayInputs, PayProfile, compute_line
from payroll.excel_specs import (
    MONTHLY_PAY_SPEC,
    PAYROLL_SPEC,
    SPECIAL_DEDUCTIONS_SPEC,
    TAX_BONUS_SPEC,
    TAX_DETAIL_SPEC,
    TAX_RESULTS_SPEC,
    TAX_WAGES_SPEC,
    Person,
    inputs_from_row,
    payroll_row,
    special_deductions_from_row,
    tax_bonus_row,
    tax_detail_row,
    tax_figures_from_row,
    tax_wages_row,
    totals,
    with_subtotals,
)
from payroll.tax import OtherDeductions, SpecialAdditional

D = Decimal
PERSON = Person("E001", "张三", "11010519491231002X", institution_code="12510100450000016Y")


def headers(spec):
    return [c.header for c in spec.columns]


def test_monthly_pay_headers_are_domains():
    assert headers(MONTHLY_PAY_SPEC) == [
        "单位代码",
        "工号",
        "姓名",
        "岗位工资",
        "薪级工资",
        "基础性绩效",
        "奖励性绩效",
        "津贴补贴",
        "其他应发",
        "全年一次性奖金",
        "养老保险",
        "职业年金",
        "医疗保险",
        "失业保险",
        "住房公积金",
        "专项附加扣除",
        "其他扣款",
    ]


def test_withholding_client_headers_are_exactly_the_clients():
    assert headers(TAX_WAGES_SPEC) == [
        "工号",
        "*姓名",
        "*证件类型",
        "*证件号码",
        "本期收入",
        "本期免税收入",
        "基本养老保险费",
        "基本医疗保险费",
        "失业保险费",
        "住房公积金",
        "累计子女教育",
        "累计继续教育",
        "累计住房贷款利息",
        "累计住房租金",
        "累计赡养老人",
        "累计3岁以下婴幼儿照护",
        "累计个人养老金",
        "企业(职业)年金",
        "商业健康保险",
        "税延养老保险",
        "其他",
        "准予扣除的捐赠额",
        "减免税额",
        "备注",
    ]
    assert headers(TAX_BONUS_SPEC) == [
        "工号",
        "*姓名",
        "*证件类型",
        "*证件号码",
        "全年一次性奖金额",
        "免税收入",
        "其他",
        "准予扣除的捐赠额",
        "减免税额",
        "备注",
    ]


def test_payroll_export_has_the_import_columns_and_the_totals():
    names = headers(PAYROLL_SPEC)
    for header in headers(MONTHLY_PAY_SPEC):
        assert header in names
    for header in ("应发合计", "个人所得税", "年终奖个税", "扣款合计", "实发工资"):
        assert header in names


def _sheet(spec, rows):
    buffer = io.BytesIO()
    write_workbook(buffer, spec, rows)
    return buffer.getvalue()


def test_monthly_import_in_any_order_with_blank_computed_columns():
    table = [
        ["姓名", "工号", "单位代码", "基础性绩效", "岗位工资", "养老保险", "专项附加扣除"],
        ["张三", "E001", "12510100450000016Y", "5000", "", "812.50", ""],
        ["李四", "E002", "12510100450000016Y", 4000.5, 1180, "", 2000],
    ]
    read = validate_table(table, MONTHLY_PAY_SPEC)
    assert read.ok, read.messages
    first = inputs_from_row(read.rows[0])
    assert first.post_wage is None and first.step_wage is None
    assert first.pension == D("812.50")
    assert first.housing_fund is None
    assert first.basic_performance == D("5000") and first.bonus == 0
    assert first.special_additional == SpecialAdditional()
    second = inputs_from_row(read.rows[1])
    assert second.post_wage == D("1180") and second.pension is None
    assert second.basic_performance == D("4000.50")
    assert second.special_additional == SpecialAdditional(unclassified=D("2000"))


def test_monthly_import_errors_by_row_and_column():
    table = [
        ["单位代码", "工号", "姓名", "岗位工资", "奖金"],
        ["X", "E001", "张三", "-5", "1"],
        ["X", "E002", "李四", "12.345", "1"],
    ]
    read = validate_table(table, MONTHLY_PAY_SPEC)
    assert "表头：无法识别的列「奖金」" in read.messages[0]
    read = validate_table([row[:4] for row in table], MONTHLY_PAY_SPEC)
    assert read.messages == [
        "第 2 行「岗位工资」：「-5.00」不能小于 0",
        "第 3 行「岗位工资」：金额最多两位小数",
    ]


def test_a_blank_special_deduction_takes_the_declared_one():
    declared = SpecialAdditional(housing_rent=D("1500"))
    extra = OtherDeductions(private_pension=D("1000"))
    inputs = inputs_from_row({}, special_additional=declared, tax_deductions=extra)
    assert inputs.special_additional == declared
    assert inputs.tax_deductions == extra
    assert all(getattr(inputs, name) is None for name in COMPUTABLE)


def _line(params, **changes):
    profile = PayProfile(
        category="professional",
        grade=1,
        step=39,
        contribution_base=D("20000"),
        fund_base=D("20000"),
        fund_rate=D("0.12"),
        bank_account="1",
    )
    inputs = PayInputs(
        basic_performance=D("10000.00"),
        reward_performance=D("5000.00"),
        allowances=D("1176.00"),
        special_additional=SpecialAdditional(children_education=D("2000.00")),
    )
    return compute_line(
        replace(inputs, **changes), profile, params, year=2025, month=1, months_employed=1
    )


def test_tax_wages_row_reads_back_through_the_clients_headers(params):
    line = _line(params)
    row = tax_wages_row(line, PERSON)
    read = read_workbook(_sheet(TAX_WAGES_SPEC, [row]), TAX_WAGES_SPEC)
    assert read.ok, read.messages
    back = read.rows[0]
    assert back["id_type"] == "居民身份证" and back["id_number"] == "11010519491231002X"
    assert back["income"] == D("20000.00")
    assert back["pension"] == D("1600.00") and back["housing_fund"] == D("2400.00")
    assert back["children_education"] == D("2000.00")
    assert back["annuity"] == D("800.00")
    assert back["continuing_education"] is None  # zero categories stay blank


def test_tax_wages_row_with_unclassified_deductions_leaves_categories_blank(params):
    line = _line(params, special_additional=SpecialAdditional(unclassified=D("2000.00")))
    row = tax_wages_row(line, PERSON)
    assert "children_education" not in row
    assert line.income_tax == D("231.60")  # the deduction still counts in our tax


def test_tax_bonus_row(params):
    assert tax_bonus_row(_line(params), PERSON) is None
    row = tax_bonus_row(_line(params, bonus=D("36000.01")), PERSON)
    read = read_workbook(_sheet(TAX_BONUS_SPEC, [row]), TAX_BONUS_SPEC)
    assert read.ok and read.rows[0]["bonus"] == D("36000.01")


def test_special_deductions_export_is_read_cumulative():
    table = [
        ["*证件号码", "*姓名", "*证件类型", "子女教育", "住房租金", "个人养老金", "所得期间起"],
        ["11010519491231002X", "张三", "居民身份证", "10000", "", "3000", "2025-01-01"],
    ]
    read = validate_table(table, SPECIAL_DEDUCTIONS_SPEC)
    assert read.ok, read.messages
    additional, private_pension = special_deductions_from_row(read.rows[0])
    assert additional == SpecialAdditional(children_education=D("10000"))
    assert private_pension == D("3000")


def test_tax_results_are_read_for_reconciliation():
    table = [
        [
            "*姓名",
            "*证件类型",
            "*证件号码",
            "累计应纳税额",
            "累计已预缴税额",
            "应补(退)税额",
            "税率",
        ],
        ["张三", "居民身份证", "11010519491231002X", "1340.00", "926.40", "413.60", "10"],
    ]
    read = validate_table(table, TAX_RESULTS_SPEC)
    assert read.ok, read.messages
    key, figures = tax_figures_from_row(read.rows[0])
    assert key == "11010519491231002X"
    assert figures.cumulative_tax == D("1340.00") and figures.balance == D("413.60")
    assert figures.rate == D("0.1")
    assert figures.cumulative_income is None
    missing = validate_table([table[0][:4], table[1][:4]], TAX_RESULTS_SPEC)
    assert "表头：缺少必填列「累计已预缴税额」" in missing.messages


def test_payroll_rows_subtotals_and_totals(params):
    lines = [
        ("办公室", _line(params)),
        ("办公室", _line(params, bonus=D("36000.00"))),
        ("财务科", _line(params, other_deductions=D("100.00"))),
    ]
    rows = [
        payroll_row(line, replace(PERSON, staff_number=f"E{i}", department=dept))
        for i, (dept, line) in enumerate(lines)
    ]
    assert rows[0]["gross"] == D("20000.00") and rows[0]["net_pay"] == D("14488.40")
    assert rows[1]["bonus_tax"] == D("1080.00")
    out = list(with_subtotals(rows))
    assert [r.get("_subtotal", False) for r in out] == [False, False, True, False, True]
    assert out[2]["name"] == "办公室 小计"
    assert out[2]["gross"] == D("76000.00")
    assert out[4]["other_deductions"] == D("100.00")
    grand = totals(rows, ["gross", "net_pay"])
    assert grand["gross"] == D("96000.00")
    assert grand["net_pay"] == rows[0]["net_pay"] + rows[1]["net_pay"] + rows[2]["net_pay"]
    data = _sheet(PAYROLL_SPEC, out)
    read = read_workbook(data, PAYROLL_SPEC)
    assert read.ok and len(read.rows) == 5


def test_tax_detail_row(params):
    row = tax_detail_row(_line(params, bonus=D("2000")), PERSON, "2025-01")
    assert row["cumulative_taxable"] == D("7720.00")
    assert row["tax_rate"] == D("0.03")
    assert row["cumulative_tax"] == D("231.60") and row["income_tax"] == D("231.60")
    assert row["bonus"] == D("2000.00") and row["bonus_tax"] == D("60.00")
    read = read_workbook(_sheet(TAX_DETAIL_SPEC, [row]), TAX_DETAIL_SPEC)
    assert read.ok, read.messages
