"""Driving the one import path (core/imports.py) from tests: upload, then confirm."""

from __future__ import annotations

import io
import re

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart


def upload(client, url: str, content: bytes, filename: str = "导入.xlsx"):
    """POST a workbook to an import page (the check and preview step)."""
    # Encoded in memory: for large bodies the test client would otherwise spool to a
    # temporary file that it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(content), filename=filename)})
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def confirm_form(response) -> dict[str, str]:
    """Return the confirmation form's fields from a preview page."""
    page = response.get_data(as_text=True)
    fields = {}
    for name in ("file_id", "key", "rows", "csrf_token"):
        found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or re.search(
            rf'value="([^"]*)"[^>]*name="{name}"', page
        )
        if found:
            fields[name] = found.group(1)
    assert "file_id" in fields, "the page is not a preview"
    return {**fields, "step": "confirm"}


def upload_and_confirm(client, url: str, content: bytes, filename: str = "导入.xlsx", **options):
    """Upload a workbook and, if it passed its check, confirm it; return the last response."""
    response = upload(client, url, content, filename)
    if response.status_code != 200 or 'name="step" value="confirm"' not in response.get_data(
        as_text=True
    ):
        return response
    data = confirm_form(response)
    data.update({f"option_{name}": "1" for name, on in options.items() if on})
    return client.post(url, data=data)
