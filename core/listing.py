"""Paging and sorting for list pages, read from the query string and checked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from core.extensions import db


@dataclass(frozen=True)
class Sort:
    """The sort the user asked for, limited to the columns a page allows."""

    key: str
    descending: bool

    def toggled(self, key: str) -> dict[str, str]:
        """Return query args that sort by ``key``, flipping direction if already sorted so."""
        descending = not self.descending if key == self.key else False
        return {"sort": key, "dir": "desc" if descending else "asc"}


def read_sort(allowed: Mapping[str, Any], default: str, descending: bool = False) -> Sort:
    """Return the requested sort, falling back to ``default`` for unknown keys."""
    key = request.args.get("sort")
    if key not in allowed:
        return Sort(default, descending)
    return Sort(key, request.args.get("dir") == "desc")


def paginate(stmt: Select, allowed: Mapping[str, Any], sort: Sort, tiebreak: Any) -> Pagination:
    """Order ``stmt`` by ``sort`` (with a unique tie-break) and return one page of it."""
    column = allowed[sort.key]
    ordered = stmt.order_by(column.desc() if sort.descending else column.asc(), tiebreak)
    return db.paginate(
        ordered,
        per_page=current_app.config.get("PAGE_SIZE", 20),
        max_per_page=200,
        error_out=False,
    )


def read_rows(stmt: Any, params: Mapping[str, Any] | None = None):
    """Run a statement of plain columns (no ORM objects) and return its result.

    The same rows as ``db.session.execute``, on the session's connection and transaction,
    without the ORM's per-statement work (a busy list page runs several such reads: that
    work cost more than the queries). Pending changes are flushed first, as autoflush would.
    """
    session = db.session
    if session.autoflush:
        session.flush()  # returns at once when nothing is pending
    return session.connection().execute(stmt, params)
