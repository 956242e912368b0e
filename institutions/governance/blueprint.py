"""Council governance pages: the one ``governance`` blueprint; each topic's ``views.py`` adds
its routes.

``institutions/governance/module.py`` imports every topic's views, so the blueprint is complete
when the app registers it; a topic's views never import another topic's (shared page helpers
are in ``pages.py``).
"""

from flask import Blueprint

bp = Blueprint("governance", __name__, url_prefix="/governance")
