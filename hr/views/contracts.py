"""HR pages: contracts."""

from hr.views import bp  # noqa: F401
