"""HR pages: the one ``hr`` blueprint; each topic's ``views.py`` registers its routes on it."""

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


# Importing the topics' views registers their routes on ``bp``.
from hr.appraisals import views as _appraisals  # noqa: E402, F401
from hr.contracts import views as _contracts  # noqa: E402, F401
from hr.posts import views as _posts  # noqa: E402, F401
from hr.roster import views as _roster  # noqa: E402, F401
from hr.staff import views as _staff  # noqa: E402, F401
