"""Council governance pages: one blueprint, its routes split by subject into the modules below."""

from flask import Blueprint

bp = Blueprint("governance", __name__, url_prefix="/governance")

# Importing the modules registers their routes on ``bp``.
from institutions.governance.views import council, home, meetings  # noqa: E402, F401
