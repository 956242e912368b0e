"""Hospital page: the profile (level and beds) the staffing benchmarks compare against."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import login_required

from core.actions import perform
from core.i18n import msg
from hospitals.access import hospital_or_404
from hospitals.blueprint import bp
from hospitals.profile import operations
from hospitals.profile.forms import ProfileForm
from hospitals.profile.queries import profile_of


@bp.route("/<int:institution_id>/profile", methods=["GET", "POST"])
@login_required
def profile(institution_id: int):
    institution = hospital_or_404(institution_id, write=True)
    current = profile_of(institution.id)
    form = ProfileForm(obj=current)
    if form.validate_on_submit():
        done = perform(
            operations.save_profile,
            institution,
            form.data,
            form=form,
            success=msg("已保存医院概况。"),
        )
        if done:
            return redirect(url_for(".overview", institution_id=institution.id))
        return render_template("hospitals/profile.html", institution=institution, form=form), 422
    status = 422 if form.errors else 200
    return render_template("hospitals/profile.html", institution=institution, form=form), status
