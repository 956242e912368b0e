"""Every page with markup in every stored text: shown as text, never as markup (issue 8, 3).

A motion title holding ``<meta http-equiv="refresh">`` once rendered raw inside a translated
label and navigated the browser away. Here the permission matrix's world (every package's
objects, tests/test_permission_matrix.py) has a markup payload appended to every stored text
value a person typed (every string holding Chinese: names, titles, notes, reasons,
addresses), then every GET page is rendered, by the superuser where the superuser may see
it and otherwise by the first role that may. The raw payload must appear nowhere; where the
text is shown it appears escaped.

The payload changes only what the database returns, so the check runs on SQLite (where a
text column has no declared width to overflow); PostgreSQL renders the same templates.
"""

from __future__ import annotations

import os

import pytest
from flask import url_for
from sqlalchemy import Enum, String, Text, update

from core.extensions import db
from tests.access import ROLES
from tests.test_english_pages import _signed_in_client
from tests.test_permission_matrix import (  # noqa: F401 - world_ids is a fixture
    MATRIX,
    WorldIds,
    _load_world,
    _url_args,
    world_ids,
)

#: Closes any attribute, then opens an element no page ever writes itself.
PAYLOAD = '"\'><i class="markup-probe">'
RAW = '<i class="markup-probe">'
ESCAPED = ("&lt;i class=&#34;markup-probe&#34;&gt;", "&lt;i class=&quot;markup-probe&quot;&gt;")
#: Values that are codes chosen from a closed list, though written in Chinese: changing them
#: would not be a person's text but a broken record.
CLOSED_LISTS = {("employments", "education"), ("people", "gender")}

pytestmark = pytest.mark.skipif(
    os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="renders the same templates on either database; checked in the SQLite pass",
)


def _mark_up_stored_text() -> int:
    """Append the payload to every stored text value holding Chinese; return rows changed."""
    changed = 0
    for table in db.metadata.sorted_tables:
        if table.name in {"audit_events", "alembic_version"}:
            continue  # the audit trail refuses updates; its pages are covered by their own tests
        for column in table.columns:
            kind = getattr(column.type, "impl", column.type)  # a TypeDecorator's underlying type
            if not isinstance(kind, String | Text) or isinstance(kind, Enum) or column.primary_key:
                continue
            if (table.name, column.name) in CLOSED_LISTS or column.foreign_keys:
                continue
            has_chinese = column.op("GLOB")("*[一-鿿]*")
            result = db.session.execute(
                update(table).where(has_chinese).values({column: column + PAYLOAD})
            )
            changed += result.rowcount
    return changed


def _viewer(access) -> str | None:
    if access.public:
        return "superuser"
    if "superuser" in access.allowed:
        return "superuser"
    return next((role for role in ROLES if role in access.allowed), None)


def test_stored_markup_is_shown_as_text_on_every_page(app, world_ids: WorldIds):  # noqa: F811
    connection = db.engines[None]
    rendered, escaped, marked, failures = 0, 0, 0, []
    for endpoint, access in sorted(MATRIX.items()):
        role = _viewer(access)
        if "GET" not in access.methods or access.token or role is None:
            continue
        savepoint = connection.begin_nested()
        try:
            world = _load_world(world_ids)
            user = world.users.get(role)
            if user is None:
                continue
            world.current = user
            args = _url_args(app, world, endpoint, "own")
            if args is None:
                continue
            with app.test_request_context():
                url = url_for(endpoint, **args)
            marked = max(marked, _mark_up_stored_text())
            db.session.expire_all()  # the objects loaded so far hold the text before the payload
            client = _signed_in_client(app, user)
            with client.get(url) as response:
                if response.status_code >= 500:
                    failures.append(f"GET {url} as {role}: {response.status_code}")
                    continue
                if response.mimetype != "text/html":
                    continue
                body = response.get_data(as_text=True)
            rendered += 1
            if RAW in body:
                at = body.index(RAW)
                failures.append(
                    f"GET {url} as {role}: raw markup …{body[max(at - 80, 0) : at + 30]}…"
                )
            escaped += any(e in body for e in ESCAPED)
        finally:
            db.session.remove()
            savepoint.rollback()
    assert marked > 15, f"the world held only {marked} texts to mark up"
    assert rendered > 100, f"only {rendered} pages rendered"
    assert escaped > 30, f"the payload showed (escaped) on only {escaped} pages"
    assert failures == [], "\n".join(failures)
