"""医院: the module's entry page (the hospitals the user works with)."""

from __future__ import annotations

from flask_login import login_required

from hospitals.blueprint import bp
from hospitals.permissions import HOSPITALS_VIEW
from institutions.scoped import render_module_index


@bp.route("/")
@login_required
def index():
    return render_module_index(
        "hospitals/index.html", HOSPITALS_VIEW, kind="hospital", target="hospitals.overview"
    )
