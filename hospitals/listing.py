"""A page of rows already in memory (a report computed in Python), for the shared pager."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_sqlalchemy.pagination import Pagination


class ListPagination(Pagination):
    """One page of ``rows`` (``page`` from the request, the app's page size)."""

    def __init__(self, rows: list[Any], page: int | None = None) -> None:
        super().__init__(
            page=page,
            per_page=current_app.config.get("PAGE_SIZE", 20),
            max_per_page=200,
            error_out=False,
            rows=rows,
        )

    def _query_items(self) -> list[Any]:
        rows = self._query_args["rows"]
        return rows[self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["rows"])
