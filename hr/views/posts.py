"""HR pages: posts."""

from hr.views import bp  # noqa: F401
