"""The governance entry page: the institutions whose council business the user follows."""

from flask import render_template
from flask_login import current_user, login_required

from core.permissions import require
from institutions.governance import queries
from institutions.governance.permissions import GOVERNANCE_VIEW
from institutions.governance.views import bp
from institutions.scoped import institutions_for


@bp.route("/")
@login_required
def home():
    require(GOVERNANCE_VIEW)
    return render_template(
        "governance/home.html",
        institutions=institutions_for(current_user, GOVERNANCE_VIEW),
        target="governance.index",
        # 待我表决 is for those who can vote: council members
        show_my_votes=queries.sits_on_a_council(current_user.id),
    )
