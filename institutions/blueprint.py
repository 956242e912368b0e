"""Registry pages: the one ``institutions`` blueprint; each topic's ``views.py`` adds its routes.

``institutions/module.py`` imports every topic's views (registry, quota), so the blueprint is
complete when the app registers it; a topic's views never import another topic's.
"""

from flask import Blueprint

bp = Blueprint("institutions", __name__, url_prefix="/institutions")
