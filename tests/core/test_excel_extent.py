"""A sheet's extent is bounded from the file itself before any reader gets it (issue 8.1).

A 2 KB workbook holding one cell at XFD1048576 made python-calamine allocate a dense range
of 17 billion cells and killed the worker; one cell at Z1000000 cost 9 s and 1.1 GiB. Every
file here is refused before calamine sees it: quickly, with a message naming the cell.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Callable

import pytest
import xlsxwriter
from flask import session

from core.excel import (
    EXTENT_COL_SLACK,
    EXTENT_ROW_SLACK,
    Column,
    ExtentError,
    Spec,
    check_extent,
    extent_bounds,
    read_workbook,
)
from tests.imports import upload

SPEC = Spec(
    columns=(Column("姓名", "name", required=True), Column("工号", "staff_no", "code")),
    sheet_name="名单",
)
MAX_ROWS = 100
#: A refusal reads at most a few KB of XML; a reader building the range takes seconds.
QUICK = 2.0


def workbook(
    far: tuple[int, int] | None,
    *,
    sheet_xml: Callable[[bytes], bytes] | None = None,
    sheet_name: str = "名单",
    before: tuple[str, ...] = (),
    rows: int = 1,
) -> bytes:
    """Return an .xlsx with a header, ``rows`` data rows and one cell at ``far`` (0-based),
    its sheet XML passed through ``sheet_xml``."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    for name in before:
        book.add_worksheet(name).write_string(0, 0, "其他")
    sheet = book.add_worksheet(sheet_name)
    sheet.write_string(0, 0, "姓名")
    sheet.write_string(0, 1, "工号")
    for n in range(1, rows + 1):
        sheet.write_string(n, 0, f"张{n}")
    if far is not None:
        sheet.write_string(*far, "x")
    book.close()
    data = buffer.getvalue()
    if sheet_xml is None:
        return data
    part = f"xl/worksheets/sheet{len(before) + 1}.xml"
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info, sheet_xml(content) if info.filename == part else content)
    return out.getvalue()


def dimension(ref: str) -> Callable[[bytes], bytes]:
    return lambda xml: re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), xml)


def no_references(xml: bytes) -> bytes:
    """Drop every r attribute of rows and cells: positions then follow one another."""
    return re.sub(rb'(<(?:row|c)) r="[^"]*"', rb"\1", xml)


def prefixed(xml: bytes) -> bytes:
    """Write every element with an "x:" prefix bound to the main namespace."""
    xml = re.sub(rb"<(/?)(?!\?)([A-Za-z]+[ />])", rb"<\1x:\2", xml)
    return xml.replace(b"<x:worksheet xmlns=", b"<x:worksheet xmlns:x=", 1)


def read(data: bytes):
    start = time.perf_counter()
    result = read_workbook(data, SPEC, max_rows=MAX_ROWS)
    return result, time.perf_counter() - start


ROWS, COLS = extent_bounds(SPEC, MAX_ROWS)


def test_the_bounds_are_the_row_limit_and_the_spec_with_some_room():
    assert (ROWS, COLS) == (MAX_ROWS + EXTENT_ROW_SLACK, 2 + EXTENT_COL_SLACK)
    assert extent_bounds(SPEC, 2_000_000)[0] == 1_048_576


@pytest.mark.parametrize(
    ("far", "shaper", "cell"),
    [
        pytest.param((1_048_575, 16_383), None, "XFD1048576", id="XFD1048576"),
        pytest.param((999_999, 25), None, "Z1000000", id="Z1000000"),
        pytest.param((1, 16_383), None, "XFD2", id="far-column"),
        # The declared range's far corner is named: the header reaches column B.
        pytest.param((ROWS, 0), None, f"B{ROWS + 1}", id="one-row-past"),
        pytest.param(
            (1_048_575, 16_383), dimension("A1:B2"), "XFD1048576", id="dimension-lies-small"
        ),
        pytest.param(None, dimension("A1:XFD1048576"), "XFD1048576", id="dimension-lies-large"),
        pytest.param((999_999, 25), no_references, "Z1000000", id="no-references"),
        pytest.param((1_048_575, 16_383), prefixed, "XFD1048576", id="prefixed-elements"),
    ],
)
def test_a_sheet_reaching_past_the_bounds_is_refused_quickly(far, shaper, cell):
    data = workbook(far, sheet_xml=shaper)
    if shaper is not no_references:  # those rows are written one by one, not tiny
        assert len(data) < 8_000
    result, seconds = read(data)
    assert seconds < QUICK
    assert not result.rows
    [message] = result.messages
    assert message.startswith("工作表数据范围过大")
    assert cell in message
    assert f"本导入最多 {ROWS} 行、{COLS} 列" in message


def test_implicit_positions_are_counted_like_a_reader_counts_them():
    # 2,000 rows without references under a small <dimension>: row 1101 is past 1,100
    # though no tag names it.
    data = workbook(None, rows=2_000, sheet_xml=lambda x: dimension("A1:B2")(no_references(x)))
    with pytest.raises(ExtentError) as refused:
        check_extent(data, "名单", ROWS, COLS)
    assert refused.value.cell == f"A{ROWS + 1}"


def test_only_the_sheet_to_be_read_is_bounded():
    # The first sheet is large, but the spec's sheet is the one read.
    big_first = workbook(None, before=("说明",))

    def widen_first(data: bytes) -> bytes:
        out = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(data)) as source,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for info in source.infolist():
                content = source.read(info.filename)
                if info.filename == "xl/worksheets/sheet1.xml":
                    content = content.replace(b'r="A1"', b'r="XFD1048576"')
                target.writestr(info, content)
        return out.getvalue()

    result, _ = read(widen_first(big_first))
    assert result.ok
    assert [r["name"] for r in result.rows] == ["张1"]
    # Without a sheet of the spec's name, the first sheet is read, and refused.
    with pytest.raises(ExtentError):
        check_extent(widen_first(big_first), "其他名字", ROWS, COLS)


@pytest.mark.parametrize(
    "shaper", [None, no_references, prefixed], ids=["plain", "implicit", "prefixed"]
)
def test_a_sheet_within_the_bounds_reads_as_before(shaper):
    data = workbook((ROWS - 1, COLS - 1), sheet_xml=shaper, rows=3)
    check_extent(data, "名单", ROWS, COLS)  # the farthest allowed cell is allowed
    result = read_workbook(workbook(None, sheet_xml=shaper, rows=3), SPEC, max_rows=MAX_ROWS)
    assert result.ok
    assert [r["name"] for r in result.rows] == ["张1", "张2", "张3"]


def test_a_dtd_in_the_sheet_is_refused_as_a_damaged_file():
    def with_entities(xml: bytes) -> bytes:
        doctype = b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>'
        xml = no_references(xml)  # so the sheet is walked by the XML parser
        return xml.replace(b"?>", b"?>" + doctype, 1)

    result, seconds = read(workbook(None, sheet_xml=with_entities))
    assert seconds < QUICK
    assert result.messages == ["文件：文件已损坏，无法读取"]


def test_the_refusal_is_translated(app):
    data = workbook((1_048_575, 16_383))
    with app.test_request_context("/"):
        session["lang"] = "en"
        [message] = read_workbook(data, SPEC, max_rows=MAX_ROWS).messages
    assert "XFD1048576" in message
    assert message.isascii()


# --- through the upload pages ----------------------------------------------------------------


@pytest.fixture
def office(client, login_as):
    from core.extensions import db
    from core.roles import Role
    from tests.factories import create_user

    user = create_user(Role.STAFFING_OFFICE)
    db.session.commit()
    login_as(user)
    return user


def _registry_sheet(far: tuple[int, int]) -> bytes:
    from institutions.registry.excel import REGISTRY_IMPORT as REGISTRY_IMPORT_SPEC

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet(REGISTRY_IMPORT_SPEC.sheet_name)
    for index, column in enumerate(REGISTRY_IMPORT_SPEC.columns):
        sheet.write_string(0, index, column.header)
    sheet.write_string(*far, "x")
    book.close()
    return buffer.getvalue()


@pytest.mark.parametrize(
    "far", [(1_048_575, 16_383), (999_999, 25)], ids=["XFD1048576", "Z1000000"]
)
def test_the_institution_import_page_answers_422_with_the_message(client, office, far):
    data = _registry_sheet(far)
    start = time.perf_counter()
    response = upload(client, "/institutions/import", data, "单位.xlsx")
    assert time.perf_counter() - start < QUICK * 2
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "工作表数据范围过大" in page
    assert ("XFD1048576" if far[1] == 16_383 else "Z1000000") in page


def test_the_roster_import_page_answers_422_with_the_message(client, login_as):
    from core.extensions import db
    from core.roles import Role
    from hr.roster.excel import ROSTER_SPEC
    from tests.factories import create_institution, create_user

    school = create_institution(name="范围测试学校")
    officer = create_user(Role.HR_OFFICER, institution=school)
    db.session.commit()
    login_as(officer)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet(ROSTER_SPEC.sheet_name)
    for index, column in enumerate(ROSTER_SPEC.columns):
        sheet.write_string(0, index, column.header)
    sheet.write_string(1_048_575, 16_383, "x")
    book.close()
    start = time.perf_counter()
    response = upload(client, f"/hr/{school.id}/roster/import", buffer.getvalue(), "花名册.xlsx")
    assert time.perf_counter() - start < QUICK * 2
    assert response.status_code == 422
    assert "工作表数据范围过大" in response.get_data(as_text=True)
    assert "XFD1048576" in response.get_data(as_text=True)
