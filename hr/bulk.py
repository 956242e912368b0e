"""Moved to ``core.bulk`` (the one bulk writer, issue 7 §3); kept so that older imports of
``hr.bulk`` (``hr.pay``, ``payroll.receivers``) work until they import ``core.bulk``."""

from __future__ import annotations

from core.bulk import CHUNK, chunks, insert_columns

__all__ = ["CHUNK", "chunks", "insert_columns"]
