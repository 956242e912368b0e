"""HR pages: staff."""

from hr.views import bp  # noqa: F401
