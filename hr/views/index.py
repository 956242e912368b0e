"""The HR entry page: the institutions the user works with in HR."""

from flask_login import login_required

from hr.permissions import HR_VIEW
from hr.views import bp
from institutions.scoped import render_module_index


@bp.route("/")
@login_required
def index():
    return render_module_index("hr/index.html", HR_VIEW, target="hr.staff")
