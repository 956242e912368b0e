"""Tests for core.excel: reading and validating imports, writing exports and templates."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.excel import (
    LOST_PRECISION_MESSAGE,
    CellError,
    Column,
    ReadResult,
    Spec,
    escape_formula,
    read_workbook,
    validate_table,
    workbook_bytes,
    write_template,
    write_workbook,
)

# No example database: keep the test run from writing examples into the repo.
PROPERTY = settings(
    database=None,
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

IDENTITIES = ("事业编制", "员额", "合同制", "劳务派遣")


def check_id(value: str) -> str:
    """Stand in for a citizen-ID check: 18 characters, never ending in 0, X upper-cased."""
    if len(value) != 18:
        raise ValueError("应为 18 位")
    if value.endswith("0"):
        raise ValueError("校验位错误")
    return value.upper()


SPEC = Spec(
    columns=(
        Column("姓名", "name", required=True),
        Column("身份证号", "citizen_id", "code", required=True, validate=check_id),
        Column("人员身份", "identity", "choice", required=True, choices=IDENTITIES),
        Column("薪级", "grade", "int", min=1, max=65),
        Column("缴费基数", "base", "money"),
        Column("公积金比例", "rate", "decimal", min=Decimal("0.05"), max=Decimal("0.12")),
        Column("入职日期", "hired_on", "date"),
        Column("部门", "department"),
        Column("工号", "staff_no", "code"),
    ),
    sheet_name="人员花名册",
    title="人员花名册",
)
HEADERS = [c.header for c in SPEC.columns]
GOOD_ID = "11010519491231002X"


def xlsx(*rows: list[Any], sheet_name: str = "人员花名册", extra_sheets: tuple = ()) -> bytes:
    """Build an .xlsx in memory, writing each value with the matching cell type."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    for name in extra_sheets:
        workbook.add_worksheet(name).write_string(0, 0, "其他")
    sheet = workbook.add_worksheet(sheet_name)
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            elif isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            elif isinstance(value, dt.date):
                sheet.write_datetime(r, c, value, date_format)
            else:
                raise TypeError(value)
    workbook.close()
    return buffer.getvalue()


def person(**overrides: Any) -> list[Any]:
    """Return one valid data row in HEADERS order."""
    values = {
        "姓名": "张三",
        "身份证号": GOOD_ID,
        "人员身份": "事业编制",
        "薪级": 12,
        "缴费基数": 5000,
        "公积金比例": 0.12,
        "入职日期": dt.date(2020, 9, 1),
        "部门": "办公室",
        "工号": "000123",
    }
    values.update(overrides)
    return [values[h] for h in HEADERS]


def read(*rows: list[Any], **kwargs: Any) -> ReadResult:
    return read_workbook(xlsx(*rows), SPEC, **kwargs)


def messages(result: ReadResult) -> list[str]:
    return [str(e) for e in result.errors]


def one_error(*cells: Any, header: str) -> str:
    """Read one data row where header holds cells[0]; return the single error message."""
    row = person(**{header: cells[0]})
    result = read(HEADERS, row)
    assert len(result.errors) == 1, messages(result)
    return str(result.errors[0])


def one_value(value: Any, header: str) -> Any:
    field = next(c.field for c in SPEC.columns if c.header == header)
    result = read(HEADERS, person(**{header: value}))
    assert result.ok, messages(result)
    return result.rows[0][field]


# --------------------------------------------------------------------------- file errors


def test_reads_a_valid_file_into_dicts_with_row_numbers() -> None:
    result = read(HEADERS, person(), person(姓名="李四"))
    assert result.ok
    assert result.rows == [
        {
            "name": "张三",
            "citizen_id": GOOD_ID,
            "identity": "事业编制",
            "grade": 12,
            "base": Decimal("5000.00"),
            "rate": Decimal("0.12"),
            "hired_on": dt.date(2020, 9, 1),
            "department": "办公室",
            "staff_no": "000123",
            "_row": 2,
        },
        {
            "name": "李四",
            "citizen_id": GOOD_ID,
            "identity": "事业编制",
            "grade": 12,
            "base": Decimal("5000.00"),
            "rate": Decimal("0.12"),
            "hired_on": dt.date(2020, 9, 1),
            "department": "办公室",
            "staff_no": "000123",
            "_row": 3,
        },
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello, world",
        "姓名,身份证号\n张三,1\n".encode(),
        os.urandom(10 * 2**20),
        b"PK\x03\x04" + os.urandom(4096),
    ],
    ids=["empty", "text", "csv", "10MB-junk", "zip-magic-junk"],
)
def test_rejects_files_that_are_not_xlsx(data: bytes) -> None:
    result = read_workbook(data, SPEC)
    assert not result.ok
    assert messages(result) == ["文件：不是有效的 Excel（.xlsx）文件"]
    assert result.rows == []


def test_rejects_a_zip_that_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("word/document.xml", "<w/>")
    assert messages(read_workbook(buffer.getvalue(), SPEC)) == [
        "文件：不是有效的 Excel（.xlsx）文件"
    ]


def test_asks_for_xlsx_when_given_an_old_xls_file() -> None:
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(2048)
    [message] = messages(read_workbook(ole2, SPEC))
    assert message.startswith("文件：")
    assert "另存为 .xlsx" in message


def test_reports_a_truncated_workbook_without_raising() -> None:
    data = xlsx(HEADERS, *[person() for _ in range(200)])
    for cut in (len(data) // 2, len(data) - 10):
        result = read_workbook(data[:cut], SPEC)
        assert not result.ok
        assert result.errors[0].row is None
        assert str(result.errors[0]).startswith("文件：")


def test_reports_a_damaged_sheet_inside_a_valid_zip() -> None:
    source = zipfile.ZipFile(io.BytesIO(xlsx(HEADERS, person())))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                content = b"<worksheet><sheetData><row><c r='A1' t='s'><v>99"
            package.writestr(info, content)
    result = read_workbook(buffer.getvalue(), SPEC)
    assert not result.ok
    assert str(result.errors[0]).startswith("文件：")


def test_empty_workbook_is_an_error() -> None:
    assert messages(read_workbook(xlsx(), SPEC)) == ["文件：工作表为空"]
    assert messages(read_workbook(xlsx([], [None, "  "]), SPEC)) == ["文件：工作表为空"]


def test_header_only_file_gives_zero_rows_and_no_error() -> None:
    result = read(HEADERS)
    assert result.ok
    assert result.rows == []


def test_accepts_bytes_file_objects_and_paths(tmp_path: Any) -> None:
    data = xlsx(HEADERS, person())
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(data)
    for source in (data, io.BytesIO(data), str(path), path):
        result = read_workbook(source, SPEC)
        assert result.ok and len(result.rows) == 1


def test_missing_path_is_a_file_error(tmp_path: Any) -> None:
    result = read_workbook(str(tmp_path / "nope.xlsx"), SPEC)
    assert [e.row for e in result.errors] == [None]
    assert str(result.errors[0]).startswith("文件：")


def test_too_many_rows_is_a_file_error() -> None:
    result = read(HEADERS, *[person() for _ in range(6)], max_rows=5)
    assert messages(result) == ["文件：数据超过 5 行，请拆分后分批导入"]
    assert read(HEADERS, *[person() for _ in range(5)], max_rows=5).ok


def test_reads_the_sheet_named_in_the_spec_else_the_first() -> None:
    data = xlsx(HEADERS, person(), extra_sheets=("填写说明",))
    result = read_workbook(data, SPEC)
    assert result.ok and len(result.rows) == 1
    other = Spec(SPEC.columns, sheet_name="别的名字")
    result = read_workbook(xlsx(HEADERS, person(), sheet_name="Sheet1"), other)
    assert result.ok and len(result.rows) == 1


# --------------------------------------------------------------------------- header errors


def test_missing_required_column() -> None:
    headers = [h for h in HEADERS if h != "姓名"]
    row = [v for h, v in zip(HEADERS, person(), strict=True) if h != "姓名"]
    result = read(headers, row)
    assert messages(result) == ["表头：缺少必填列「姓名」"]
    assert result.rows == []


def test_missing_optional_column_reads_as_none() -> None:
    headers = [h for h in HEADERS if h != "部门"]
    row = [v for h, v in zip(HEADERS, person(), strict=True) if h != "部门"]
    result = read(headers, row)
    assert result.ok
    assert result.rows[0]["department"] is None


def test_unknown_column_is_an_error() -> None:
    result = read([*HEADERS, "备注X"], [*person(), "随便"])
    assert messages(result) == ["表头：无法识别的列「备注X」"]
    assert result.errors[0] == CellError(None, "备注X", "无法识别的列「备注X」")


def test_unknown_column_suggests_a_close_header() -> None:
    headers = ["身份证号码" if h == "身份证号" else h for h in HEADERS]
    assert messages(read(headers, person())) == [
        "表头：无法识别的列「身份证号码」（是否应为「身份证号」？）",
        "表头：缺少必填列「身份证号」",
    ]


def test_duplicate_header_is_an_error() -> None:
    result = read([*HEADERS, "姓名"], [*person(), "李四"])
    assert messages(result) == ["表头：列「姓名」重复"]


def test_header_without_any_usable_name_is_an_error() -> None:
    spec = Spec((Column("备注", "note"),))
    assert messages(read_workbook(xlsx(["*"]), spec)) == ["表头：没有可识别的列"]


def test_data_under_a_blank_header_is_an_error() -> None:
    result = read([*HEADERS, None, "  "], [*person(), None, "多出来的"])
    assert messages(result) == ["表头：第 K 列有数据但没有表头"]


def test_blank_header_columns_without_data_are_ignored() -> None:
    result = read([*HEADERS, None, "  "], [*person(), None, " "])
    assert result.ok, messages(result)


def test_headers_are_matched_ignoring_spaces_full_width_and_stars() -> None:
    headers = [f" {h[0]}\u3000{h[1:]} " for h in HEADERS]
    headers[0] = "*姓名"
    headers[3] = "薪级\n"
    result = read(headers, person())
    assert result.ok, messages(result)
    assert result.rows[0]["name"] == "张三"


def test_columns_may_come_in_any_order() -> None:
    order = list(reversed(range(len(HEADERS))))
    row = person(姓名="王五", 薪级=7)
    result = read([HEADERS[i] for i in order], [row[i] for i in order])
    assert result.ok
    assert result.rows[0]["name"] == "王五"
    assert result.rows[0]["grade"] == 7
    assert result.rows[0]["staff_no"] == "000123"


def test_a_title_row_above_the_header_is_skipped_and_rows_keep_excel_numbers() -> None:
    result = read(["2026 年人员花名册"], HEADERS, person(姓名=None))
    assert messages(result) == ["第 3 行「姓名」：必填，不能为空"]


# --------------------------------------------------------------------------- rows


def test_blank_rows_are_skipped_and_row_numbers_stay_true() -> None:
    result = read(
        HEADERS,
        person(姓名="甲"),
        [],
        [None, "   ", "\u3000"],
        person(姓名="乙"),
        [],
        [],
    )
    assert result.ok, messages(result)
    assert [(r["name"], r["_row"]) for r in result.rows] == [("甲", 2), ("乙", 5)]


def test_required_blank_cell() -> None:
    assert one_error("  ", header="姓名") == "第 2 行「姓名」：必填，不能为空"
    assert one_error(None, header="人员身份") == "第 2 行「人员身份」：必填，不能为空"


def test_optional_blank_cells_are_none() -> None:
    row = person(薪级=None, 缴费基数=" ", 公积金比例=None, 入职日期=None, 部门=None)
    result = read(HEADERS, row)
    assert result.ok
    assert [result.rows[0][f] for f in ("grade", "base", "rate", "hired_on", "department")] == [
        None
    ] * 5


def test_collects_every_error_and_keeps_only_clean_rows() -> None:
    result = read(
        HEADERS,
        person(姓名=None, 薪级="abc"),
        person(姓名="好人"),
        person(人员身份="临时工", 入职日期="2026-02-30"),
    )
    assert messages(result) == [
        "第 2 行「姓名」：必填，不能为空",
        "第 2 行「薪级」：「abc」不是整数",
        "第 4 行「人员身份」：「临时工」不在可选值中（可选：事业编制、员额、合同制、劳务派遣）",
        "第 4 行「入职日期」：「2026-02-30」不是有效日期，应为 YYYY-MM-DD",
    ]
    assert [r["name"] for r in result.rows] == ["好人"]
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "姓名"),
        (2, "薪级"),
        (4, "人员身份"),
        (4, "入职日期"),
    ]


def test_error_list_is_capped() -> None:
    rows = [person(姓名=None) for _ in range(1200)]
    result = read(HEADERS, *rows)
    assert len(result.errors) == 1001
    assert str(result.errors[0]) == "第 2 行「姓名」：必填，不能为空"
    assert str(result.errors[-1]) == "还有 200 个错误未列出"
    small = read(HEADERS, *rows[:12], max_errors=10)
    assert str(small.errors[-1]) == "还有 2 个错误未列出"


# --------------------------------------------------------------------------- cell types


def test_text_is_stripped_and_numbers_become_text() -> None:
    assert one_value("  李 四\u3000", "姓名") == "李 四"
    assert one_value(3.0, "部门") == "3"
    assert one_value(2.5, "部门") == "2.5"


def test_choice() -> None:
    assert one_value(" 员额 ", "人员身份") == "员额"
    assert one_value("合同\u3000制", "人员身份") == "合同制"
    assert (
        one_error("临时工", header="人员身份")
        == "第 2 行「人员身份」：「临时工」不在可选值中（可选：事业编制、员额、合同制、劳务派遣）"
    )


def test_choice_of_numbers_accepts_number_cells() -> None:
    spec = Spec((Column("岗位等级", "level", "choice", choices=("1", "2", "普通工")),))
    result = read_workbook(xlsx(["岗位等级"], [2], ["2"], ["普通工"], [3]), spec)
    assert [r["level"] for r in result.rows] == ["2", "2", "普通工"]
    assert messages(result) == ["第 5 行「岗位等级」：「3」不在可选值中（可选：1、2、普通工）"]


@pytest.mark.parametrize("value", [3, 3.0, "3", " 3 ", "３", "3.0"])
def test_int_accepts(value: Any) -> None:
    assert one_value(value, "薪级") == 3


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (3.5, "「3.5」不是整数"),
        ("abc", "「abc」不是整数"),
        ("3.5", "「3.5」不是整数"),
        (True, "「True」不是整数"),
        (66, "「66」不能大于 65"),
        (0, "「0」不能小于 1"),
    ],
)
def test_int_rejects(value: Any, reason: str) -> None:
    assert one_error(value, header="薪级") == f"第 2 行「薪级」：{reason}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234.5, Decimal("1234.50")),
        (0.1 + 0.2, Decimal("0.30")),
        ("1,234.50", Decimal("1234.50")),
        ("¥88", Decimal("88.00")),
        (" 12.340 ", Decimal("12.34")),
        (4000, Decimal("4000.00")),
    ],
)
def test_money_accepts(value: Any, expected: Decimal) -> None:
    amount = one_value(value, "缴费基数")
    assert amount == expected and amount.as_tuple().exponent == -2


@pytest.mark.parametrize("value", [12.345, "12.345", "1,234.505"])
def test_money_rejects_three_decimals(value: Any) -> None:
    assert one_error(value, header="缴费基数") == "第 2 行「缴费基数」：金额最多两位小数"


def test_money_rejects_text() -> None:
    assert one_error("五千", header="缴费基数") == "第 2 行「缴费基数」：「五千」不是有效金额"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.12, Decimal("0.12")), ("0.05", Decimal("0.05")), ("12%", Decimal("0.12")), (0.1, "0.1")],
)
def test_decimal_accepts(value: Any, expected: Any) -> None:
    assert one_value(value, "公积金比例") == Decimal(expected)


def test_decimal_rejects() -> None:
    assert one_error("abc", header="公积金比例") == "第 2 行「公积金比例」：「abc」不是有效数字"
    assert one_error(0.2, header="公积金比例") == "第 2 行「公积金比例」：「0.2」不能大于 0.12"


@pytest.mark.parametrize(
    "value",
    [
        dt.date(2026, 1, 5),
        dt.datetime(2026, 1, 5, 9, 30),
        "2026-01-05",
        "2026/1/5",
        " 2026-1-5 ",
        "2026.01.05",
        "2026年1月5日",
        "20260105",
        "2026-01-05 00:00:00",
    ],
)
def test_date_accepts(value: Any) -> None:
    assert one_value(value, "入职日期") == dt.date(2026, 1, 5)


@pytest.mark.parametrize("value", ["2026-02-30", "2026-13-01", "明天", "05/01/2026", 45000])
def test_date_rejects(value: Any) -> None:
    message = one_error(value, header="入职日期")
    assert message.startswith("第 2 行「入职日期」：「")
    assert message.endswith("」不是有效日期，应为 YYYY-MM-DD")


def test_code_keeps_leading_zeros_from_text_cells() -> None:
    assert one_value("000123", "工号") == "000123"
    assert one_value("  00Ab ", "工号") == "00Ab"
    assert one_value("００１２", "工号") == "0012"


def test_code_typed_as_a_number_becomes_its_digits() -> None:
    assert one_value(110101002, "工号") == "110101002"
    assert one_value(110101002.0, "工号") == "110101002"


def test_code_with_more_than_15_digits_in_a_number_cell_is_an_error() -> None:
    message = one_error(110105194912310021, header="身份证号")
    assert message == f"第 2 行「身份证号」：{LOST_PRECISION_MESSAGE}"
    assert "请将该列设为文本格式后重新填写" in message
    assert "请将该列设为文本格式后重新填写" in one_error("1.10105E+17", header="身份证号")


def test_code_rejects_fractions() -> None:
    assert (
        one_error(12.5, header="工号") == "第 2 行「工号」：「12.5」应为文本格式的代码，不能是小数"
    )


def test_custom_validate_reason_is_in_the_message_and_its_value_is_kept() -> None:
    assert one_error("110105194912310020", header="身份证号") == "第 2 行「身份证号」：校验位错误"
    assert one_error("123", header="身份证号") == "第 2 行「身份证号」：应为 18 位"
    assert one_value("11010519491231002x", "身份证号") == GOOD_ID


def test_validate_returning_none_keeps_the_value() -> None:
    spec = Spec((Column("名称", "name", validate=lambda v: None),))
    assert read_workbook(xlsx(["名称"], ["甲"]), spec).rows[0]["name"] == "甲"


def test_formula_escapes_are_removed_on_read() -> None:
    result = read(HEADERS, person(姓名="'=SUM(A1)", 部门="'-"), person(部门="''@x"))
    assert [(r["name"], r["department"]) for r in result.rows] == [
        ("=SUM(A1)", "-"),
        ("张三", "'@x"),
    ]
    assert one_value("'ok", "部门") == "'ok"


# --------------------------------------------------------------------------- messages


def test_cell_error_str() -> None:
    assert str(CellError(12, "身份证号", "校验位错误")) == "第 12 行「身份证号」：校验位错误"
    assert str(CellError(12, None, "重复")) == "第 12 行：重复"
    assert str(CellError(None, "姓名", "缺少必填列「姓名」")) == "表头：缺少必填列「姓名」"
    assert str(CellError(None, None, "工作表为空")) == "文件：工作表为空"
    assert str(CellError(None, None, "还有 3 个错误未列出", location="")) == "还有 3 个错误未列出"


def test_spec_rejects_bad_definitions() -> None:
    with pytest.raises(ValueError):
        Spec((Column("姓名", "a"), Column(" 姓名 ", "b")))
    with pytest.raises(ValueError):
        Spec((Column("甲", "a"), Column("乙", "a")))
    with pytest.raises(ValueError):
        Column("甲", "a", "choice")
    with pytest.raises(ValueError):
        Column("甲", "a", "float")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Column("甲", "_row")


# --------------------------------------------------------------------------- writing


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("'x", "'x"),
        ("a=b", "a=b"),
        ("", ""),
        (5, 5),
        (None, None),
    ],
)
def test_escape_formula(value: Any, escaped: Any) -> None:
    assert escape_formula(value) == escaped


EXPORT_ROWS = [
    {
        "name": "=SUM(A1)",
        "citizen_id": GOOD_ID,
        "identity": "员额",
        "grade": 12,
        "base": Decimal("1234.56"),
        "rate": Decimal("0.12"),
        "hired_on": dt.date(2026, 1, 5),
        "department": "-",
        "staff_no": "000123",
    },
    {
        "name": "李四",
        "citizen_id": "440524188001010014",
        "identity": "合同制",
        "grade": None,
        "base": None,
        "rate": None,
        "hired_on": None,
        "department": "@财务 科",
        "staff_no": "0",
    },
]


def test_export_round_trips_through_read() -> None:
    data = workbook_bytes(write_workbook, SPEC, EXPORT_ROWS)
    result = read_workbook(data, SPEC)
    assert result.ok, messages(result)
    assert [{k: v for k, v in r.items() if k != "_row"} for r in result.rows] == EXPORT_ROWS
    # The file itself holds the escaped text, as a string, never a formula.
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].value == "'=SUM(A1)" and sheet["A2"].data_type == "s"
    assert sheet["H2"].value == "'-"


def test_export_accepts_sequences_and_writes_typed_cells(tmp_path: Any) -> None:
    path = tmp_path / "export.xlsx"
    rows = [[r[c.field] for c in SPEC.columns] for r in EXPORT_ROWS]
    write_workbook(str(path), SPEC, rows, totals={"base": Decimal("1234.56")})
    book = openpyxl.load_workbook(path)
    sheet = book["人员花名册"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:I3"
    assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    assert sheet["A1"].border.bottom.style == "thin"
    assert sheet["E2"].value == 1234.56 and sheet["E2"].number_format == "#,##0.00"
    assert sheet["G2"].number_format == "yyyy-mm-dd"
    assert sheet["G2"].value == dt.datetime(2026, 1, 5)
    assert sheet["D2"].value == 12 and sheet["D3"].value is None
    assert sheet["I3"].value == "0" and sheet["I3"].data_type == "s"
    # Totals row: bold, labelled, formatted.
    assert sheet["A4"].value == "合计" and sheet["A4"].font.b
    assert sheet["E4"].value == 1234.56 and sheet["E4"].font.b
    assert sheet["E4"].number_format == "#,##0.00"
    # Widths: explicit, or from the header with CJK counted double.
    assert sheet.column_dimensions["A"].width == pytest.approx(10, abs=1)
    assert sheet.column_dimensions["G"].width == pytest.approx(12, abs=1)
    assert book.properties.title == "人员花名册"


def test_export_of_columns_with_no_rows() -> None:
    columns = [Column("说明", "note", width=40)]
    data = workbook_bytes(write_workbook, columns, [], sheet_name="清单")
    sheet = openpyxl.load_workbook(io.BytesIO(data))["清单"]
    assert [c.value for c in sheet[1]] == ["说明"]
    assert sheet.column_dimensions["A"].width == pytest.approx(40, abs=1)
    assert sheet.max_row == 1


def test_export_refuses_more_rows_than_excel_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    import core.excel

    monkeypatch.setattr(core.excel, "EXCEL_MAX_ROWS", 3)
    with pytest.raises(ValueError):
        workbook_bytes(write_workbook, SPEC, EXPORT_ROWS * 2)


text_values = st.text(
    st.characters(
        blacklist_categories=("Cs",),  # lone surrogates cannot be encoded at all
        # NUL and the non-characters U+FFFE/U+FFFF are not valid in XML: Excel cannot
        # store them (XlsxWriter writes "_xFFFF_"), so no workbook can round-trip them.
        blacklist_characters="\x00\ufffe\uffff",
    ),
    max_size=60,
)


@PROPERTY
@given(st.lists(text_values, min_size=1, max_size=20))
def test_any_text_round_trips(values: list[str]) -> None:
    spec = Spec((Column("序号", "n", "int", required=True), Column("内容", "text")))
    rows = [{"n": i, "text": v} for i, v in enumerate(values)]
    result = read_workbook(workbook_bytes(write_workbook, spec, rows), spec)
    assert result.ok, result.messages
    assert [r["text"] for r in result.rows] == [v.strip() or None for v in values]


raw_cells = st.one_of(
    st.just(""),
    st.text(max_size=12),
    st.sampled_from(["'=1", "1.2E+17", "2026-02-30", "１２", "12%", "事业编制", "  ", "*", "'\t"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)


@PROPERTY
@given(st.lists(st.lists(raw_cells, min_size=len(HEADERS), max_size=len(HEADERS)), max_size=8))
def test_any_cell_values_give_values_or_errors_never_exceptions(table: list[list[Any]]) -> None:
    result = validate_table([HEADERS, *table], SPEC)
    assert all(isinstance(e, CellError) and str(e) for e in result.errors)
    assert len(result.rows) + len({e.row for e in result.errors}) <= len(table)


# --------------------------------------------------------------------------- templates


CHOICE_SPEC = Spec(
    (
        Column("姓名", "name", required=True, help="与身份证一致"),
        Column("身份证号", "citizen_id", "code", required=True),
        Column("人员身份", "identity", "choice", required=True, choices=IDENTITIES),
        Column(
            "单位",
            "unit",
            "choice",
            choices=tuple(f"成都市第{n}人民医院附属学校" for n in range(1, 30)),
        ),
        Column("入职日期", "hired_on", "date"),
        Column("缴费基数", "base", "money", min=0),
    ),
    sheet_name="人员花名册",
    title="人员花名册",
)


def test_template_has_dropdowns_notes_formats_and_a_guide() -> None:
    data = workbook_bytes(write_template, CHOICE_SPEC)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["人员花名册", "填写说明", "_lists"]
    sheet = book["人员花名册"]
    assert [c.value for c in sheet[1]] == [c.header for c in CHOICE_SPEC.columns]
    assert sheet.freeze_panes == "A2"
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert set(validations) == {"C2:C10001", "D2:D10001"}
    assert validations["C2:C10001"].type == "list"
    assert validations["C2:C10001"].formula1 == '"事业编制,员额,合同制,劳务派遣"'
    assert validations["D2:D10001"].formula1 == "_lists!$D$1:$D$29"
    assert book["_lists"].sheet_state == "hidden"
    assert book["_lists"]["D29"].value == "成都市第29人民医院附属学校"
    # Required headers in red; every header carries a note.
    assert sheet["A1"].font.color.rgb.endswith("C00000")
    optional_color = sheet["D1"].font.color
    assert optional_color is None or optional_color.rgb != sheet["A1"].font.color.rgb
    assert "与身份证一致" in sheet["A1"].comment.text
    assert "必填" in sheet["A1"].comment.text
    assert "选填" in sheet["E1"].comment.text and "YYYY-MM-DD" in sheet["E1"].comment.text
    # Code columns are text so IDs keep leading zeros; dates and money are formatted.
    assert sheet.column_dimensions["B"].number_format == "@"
    assert sheet.column_dimensions["E"].number_format == "yyyy-mm-dd"
    assert sheet.column_dimensions["F"].number_format == "#,##0.00"
    guide = book["填写说明"]
    assert [c.value for c in guide[1]] == ["列名", "是否必填", "类型", "可选值", "说明"]
    assert [c.value for c in guide[4]][:4] == [
        "人员身份",
        "必填",
        "下拉选择",
        "事业编制、员额、合同制、劳务派遣",
    ]
    assert guide["C7"].value == "金额（最多两位小数），不小于 0"


def test_template_reads_back_as_an_empty_import() -> None:
    result = read_workbook(workbook_bytes(write_template, CHOICE_SPEC), CHOICE_SPEC)
    assert result.ok and result.rows == []


def test_template_without_choice_columns_has_no_lists_sheet() -> None:
    spec = Spec((Column("姓名", "name", required=True),), sheet_name="名单")
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(write_template, spec)))
    assert book.sheetnames == ["名单", "填写说明"]
    assert not book["名单"].data_validations.dataValidation


@PROPERTY
@given(
    st.lists(st.one_of(raw_cells, st.sampled_from(HEADERS)), min_size=1, max_size=12),
    st.lists(st.lists(raw_cells, min_size=0, max_size=12), max_size=5),
)
def test_any_header_row_gives_errors_never_exceptions(
    header: list[Any], table: list[list[Any]]
) -> None:
    result = validate_table([header, *table], SPEC)
    assert all(isinstance(e, CellError) and str(e) for e in result.errors)


def test_numbers_that_lost_precision_are_errors_in_int_and_text_columns() -> None:
    assert one_error(1e16, header="薪级") == f"第 2 行「薪级」：{LOST_PRECISION_MESSAGE}"
    assert one_error(1e16, header="部门") == f"第 2 行「部门」：{LOST_PRECISION_MESSAGE}"


def test_code_rejects_dates_and_booleans() -> None:
    assert one_error(dt.date(2026, 1, 5), header="工号") == (
        "第 2 行「工号」：「2026-01-05」应为文本格式的代码"
    )
    assert one_error(True, header="工号") == "第 2 行「工号」：「True」应为文本格式的代码"
