"""The HR entry page: the institutions the user works with in HR."""

from flask_login import login_required

from core.roles import Perm
from hr.views import bp
from institutions.scoped import render_module_index


@bp.route("/")
@login_required
def index():
    return render_module_index("hr/index.html", Perm.HR_VIEW, target="hr.staff")
