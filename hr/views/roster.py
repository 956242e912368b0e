"""HR pages: roster."""

from hr.views import bp  # noqa: F401
