"""The governance entry page: the institutions whose council business the user follows."""

from flask_login import login_required

from institutions.governance.permissions import GOVERNANCE_VIEW
from institutions.governance.views import bp
from institutions.scoped import render_module_index


@bp.route("/")
@login_required
def home():
    return render_module_index(
        "governance/home.html",
        GOVERNANCE_VIEW,
        target="governance.index",
    )
