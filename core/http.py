"""Request and response helpers for Excel files."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from flask import Response, send_file
from werkzeug.datastructures import FileStorage

from core.excel import CellError, ReadResult, Spec, read_workbook, write_template, write_workbook
from core.ids import china_today

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(spec: Spec, rows: Iterable[Any], filename: str, **kwargs: Any) -> Response:
    """Send an export workbook as a download."""
    # In memory: a 100,000-row export is about 14 MiB, and a BytesIO needs no cleanup.
    buffer = io.BytesIO()
    write_workbook(buffer, spec, rows, **kwargs)
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=filename)


def dated_filename(stem: str) -> str:
    """Return an export file name carrying today's date in China, e.g. 审计日志-20261127.xlsx."""
    return f"{stem}-{china_today():%Y%m%d}.xlsx"


def template_response(spec: Spec, filename: str) -> Response:
    """Send the import template for ``spec``."""
    buffer = io.BytesIO()
    write_template(buffer, spec)
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=filename)


def read_upload(upload: FileStorage | None, spec: Spec) -> ReadResult:
    """Read an uploaded workbook against ``spec``; a missing or non-.xlsx file is an error."""
    if upload is None or not upload.filename:
        return ReadResult(rows=[], errors=[CellError(None, None, "请选择要上传的 Excel 文件")])
    if not upload.filename.lower().endswith(".xlsx"):
        return ReadResult(
            rows=[],
            errors=[CellError(None, None, "只接受 .xlsx 格式的 Excel 文件，请另存为 .xlsx 后上传")],
        )
    return read_workbook(upload.stream, spec)
