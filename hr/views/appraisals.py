"""HR pages: appraisals."""

from hr.views import bp  # noqa: F401
