"""Governance pages (being built)."""

from institutions.governance.views import bp  # noqa: F401
