"""Exports are written row by row to a temporary file and sent from it (issues 7.3, 8.9)."""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from decimal import Decimal

import openpyxl
import pytest

from core.excel import Column, Spec, read_workbook, write_workbook_to
from core.http import SEND_FROM_FILE_ROWS, XLSX_MIMETYPE, xlsx_response

SPEC = Spec(
    columns=(
        Column("姓名", "name"),
        Column("金额", "amount", "money"),
        Column("日期", "on", "date"),
    ),
    sheet_name="导出",
    title="导出测试",
)


def rows(n: int):
    for i in range(n):
        yield {
            "name": f'=HYPERLINK("x")-{i}',
            "amount": Decimal("12.34"),
            "on": dt.date(2026, 1, 2),
        }


@pytest.fixture
def own_tmp(tmp_path, monkeypatch):
    """Send temporary files to a directory of this test only."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_write_workbook_to_streams_rows_into_a_file_and_counts_them(tmp_path):
    path = tmp_path / "out.xlsx"
    assert write_workbook_to(path, SPEC, rows(5000)) == 5000
    sheet = openpyxl.load_workbook(path)["导出"]
    assert sheet.max_row == 5001
    # Formula-like text is escaped, never a formula; formats and header styles kept.
    assert sheet["A2"].value == '\'=HYPERLINK("x")-0'
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].number_format == "#,##0.00"
    assert sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["A1"].font.bold
    assert sheet.auto_filter.ref == "A1:C5001"
    # And it reads back as the text that was exported.
    back = read_workbook(path, SPEC)
    assert back.ok
    assert back.rows[0]["name"] == '=HYPERLINK("x")-0'


def test_the_export_response_is_an_attachment_sent_from_a_file_that_is_gone(app, own_tmp):
    with app.test_request_context("/"):
        response = xlsx_response(SPEC, rows(SEND_FROM_FILE_ROWS + 1), "导出.xlsx")
        # Written, opened and already unlinked: nothing is left behind however it ends.
        assert list(own_tmp.iterdir()) == []
        response.direct_passthrough = False
        data = response.get_data()
        response.close()
    assert response.mimetype == XLSX_MIMETYPE
    assert response.headers["Content-Disposition"].startswith("attachment;")
    result = read_workbook(io.BytesIO(data), SPEC)
    assert result.ok
    assert len(result.rows) == SEND_FROM_FILE_ROWS + 1


def test_a_small_export_is_sent_from_memory(app, own_tmp):
    with app.test_request_context("/"):
        response = xlsx_response(SPEC, rows(10), "导出.xlsx")
        assert list(own_tmp.iterdir()) == []
        response.direct_passthrough = False
        data = response.get_data()  # no file to close
    assert len(read_workbook(io.BytesIO(data), SPEC).rows) == 10


def test_a_failing_export_leaves_no_file(app, own_tmp):
    def broken():
        yield {"name": "a"}
        raise RuntimeError("query failed")

    with app.test_request_context("/"), pytest.raises(RuntimeError):
        xlsx_response(SPEC, broken(), "导出.xlsx")
    assert list(own_tmp.iterdir()) == []
    assert not any(name.startswith("export-") for name in os.listdir(own_tmp))
