"""HR pages: one blueprint, its routes split by subject into the modules below."""

from flask import Blueprint

bp = Blueprint("hr", __name__, url_prefix="/hr")

# Importing the modules registers their routes on ``bp``.
from hr.views import appraisals, contracts, index, posts, roster, staff  # noqa: E402, F401
