"""Request and response helpers for Excel files."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO

from flask import Response, current_app, send_file
from werkzeug.datastructures import FileStorage

from core.excel import (
    CellError,
    ReadResult,
    Spec,
    read_workbook,
    write_template,
    write_workbook_to,
)
from core.i18n import msg
from core.ids import china_today

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


#: Exports of more rows than this run as a background job (``EXPORT_JOB_ROWS`` in the
#: config overrides it): no request holds a worker for the whole of a large export.
EXPORT_JOB_ROWS = 20_000

#: Exports of more rows than this are sent from their temporary file; smaller ones, a few
#: hundred KiB at most, are read back and sent from memory.
SEND_FROM_FILE_ROWS = 5000


def xlsx_response(spec: Spec, rows: Iterable[Any], filename: str, **kwargs: Any) -> Response:
    """Send an export workbook as a download, written row by row to a temporary file.

    Neither the rows nor the workbook are held in memory: ``write_workbook_to`` streams the
    rows into the file, which is then sent from disk. The file is unlinked as soon as it is
    open, so it is gone when the response closes it, however the download ends.
    """
    return send_export_file(lambda path: write_workbook_to(path, spec, rows, **kwargs), filename)


def send_export_file(write: Callable[[str], int], filename: str) -> Response:
    """Call ``write(path)`` to fill a fresh temporary file (it returns the rows written),
    then send the file as an attachment."""
    fd, path = tempfile.mkstemp(prefix="export-", suffix=".xlsx")
    try:
        os.close(fd)
        written = write(path)
        stream: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed by the response
    finally:
        os.unlink(path)
    if written <= SEND_FROM_FILE_ROWS:
        with stream:
            stream = io.BytesIO(stream.read())
    try:
        return send_file(
            stream,
            mimetype=XLSX_MIMETYPE,
            as_attachment=True,
            download_name=filename,
            conditional=False,
            etag=False,
        )
    except BaseException:
        stream.close()
        raise


def export_as_job(rows: int) -> bool:
    """Return whether an export of ``rows`` rows should run as a background job."""
    return rows > int(current_app.config.get("EXPORT_JOB_ROWS", EXPORT_JOB_ROWS))


def attach_export(ctx: Any, filename: str, write: Callable[[str], int]) -> int:
    """In a job: call ``write(path)`` on a temporary file, keep the file as the job's
    result (``ctx.attach``) and return the rows written. The file is removed after."""
    fd, path = tempfile.mkstemp(prefix="export-", suffix=".xlsx")
    try:
        os.close(fd)
        written = write(path)
        with open(path, "rb") as stream:
            ctx.attach(stream, filename, allowed={".xlsx"})
    finally:
        os.unlink(path)
    return written


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
        return ReadResult(rows=[], errors=[CellError(None, None, msg("请选择要上传的 Excel 文件"))])
    if not upload.filename.lower().endswith(".xlsx"):
        return ReadResult(
            rows=[],
            errors=[
                CellError(None, None, msg("只接受 .xlsx 格式的 Excel 文件，请另存为 .xlsx 后上传"))
            ],
        )
    return read_workbook(upload.stream, spec)
