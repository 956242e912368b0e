"""HR pages: the one ``hr`` blueprint; each topic's ``views.py`` registers its routes on it.

``hr/module.py`` imports every topic's views, so the blueprint is complete when the app
registers it; a topic's views never import another topic's (an import-linter contract).
"""

from flask import Blueprint
from flask_login import login_required

from hr.permissions import HR_VIEW
from institutions.scoped import render_module_index

bp = Blueprint("hr", __name__, url_prefix="/hr")


@bp.route("/")
@login_required
def index():
    """The HR entry page: the institutions the user works with in HR."""
    return render_module_index("hr/index.html", HR_VIEW, target="hr.staff")
