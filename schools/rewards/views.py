"""Pages of the reward-performance allocation: periods, points and amounts, confirmation."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from core.actions import perform
from core.extensions import db
from institutions.scoped import institution_for
from schools.models import RewardAllocation, RewardStatus
from schools.permissions import SCHOOLS_BUDGET, SCHOOLS_VIEW
from schools.rewards import operations, queries
from schools.rewards.forms import OpenForm
from schools.staff_congress.operations import passed_plans
from schools.views import bp

#: the plan template's factors in the reader's language
FACTOR_LABELS = {
    "head_teacher": _l("班主任工作"),
    "extra_lessons": _l("超课时工作量"),
    "posts": _l("岗位职责"),
    "results": _l("教育教学成绩"),
}


def _allocation_or_404(institution_id: int, allocation_id: int) -> RewardAllocation:
    found = db.session.get(RewardAllocation, allocation_id)
    if found is None or found.institution_id != institution_id:
        abort(404)
    return found


def _list_page(institution, form, status=200):
    form.plan_ref.choices = [
        (vote.number, f"{vote.number} {vote.title}") for vote in passed_plans(institution.id)
    ]
    return render_template(
        "schools/rewards.html",
        institution=institution,
        allocations=queries.allocations(institution.id),
        form=form,
        status_labels=RewardStatus.LABELS,
    ), status


@bp.route("/<int:institution_id>/rewards")
@login_required
def rewards(institution_id: int):
    """The periods allocated, and a form to open another."""
    institution = institution_for(institution_id, SCHOOLS_VIEW)
    return _list_page(institution, OpenForm(formdata=None))


@bp.route("/<int:institution_id>/rewards/new", methods=["POST"])
@login_required
def reward_open(institution_id: int):
    institution = institution_for(institution_id, SCHOOLS_BUDGET)
    form = OpenForm()
    if form.validate_on_submit():
        done = perform(
            operations.open_allocation,
            institution.id,
            form.period.data,
            form.pool.data,
            form.weights(),
            form.plan_ref.data,
            form=form,
            success=_("已开始分配，请录入各人分值。"),
        )
        if done:
            return redirect(
                url_for(".reward", institution_id=institution.id, allocation_id=done.value.id)
            )
    return _list_page(institution, form, 422)


def _allocation_page(institution, allocation, status=200, entered=None):
    return render_template(
        "schools/reward.html",
        institution=institution,
        allocation=allocation,
        factor_labels=FACTOR_LABELS,
        status_labels=RewardStatus.LABELS,
        total=sum((line.amount or 0 for line in allocation.lines), 0),
        entered=entered or {},
    ), status


@bp.route("/<int:institution_id>/rewards/<int:allocation_id>")
@login_required
def reward(institution_id: int, allocation_id: int):
    """Points per person and factor, and each person's amount to the fen."""
    institution = institution_for(institution_id, SCHOOLS_VIEW)
    return _allocation_page(institution, _allocation_or_404(institution.id, allocation_id))


@bp.route("/<int:institution_id>/rewards/<int:allocation_id>/points", methods=["POST"])
@login_required
def reward_points(institution_id: int, allocation_id: int):
    """Save the points entered and compute the amounts by the plan."""
    institution = institution_for(institution_id, SCHOOLS_BUDGET)
    allocation = _allocation_or_404(institution.id, allocation_id)
    keys = [row["key"] for row in allocation.plan]
    points = {
        line.employment_id: {
            key: request.form.get(f"p-{line.employment_id}-{key}", "") for key in keys
        }
        for line in allocation.lines
    }
    done = perform(operations.compute, allocation, points, success=_("已按方案计算各人金额。"))
    if done:
        return redirect(
            url_for(".reward", institution_id=institution.id, allocation_id=allocation.id)
        )
    again = db.session.get(RewardAllocation, allocation_id)
    if again is None:  # only when the request's own rollback took it (tests' savepoints)
        return redirect(url_for(".rewards", institution_id=institution.id))
    return _allocation_page(institution, again, 422, entered=points)


@bp.route("/<int:institution_id>/rewards/<int:allocation_id>/confirm", methods=["POST"])
@login_required
def reward_confirm(institution_id: int, allocation_id: int):
    institution = institution_for(institution_id, SCHOOLS_BUDGET)
    allocation = _allocation_or_404(institution.id, allocation_id)
    perform(operations.confirm, allocation, success=_("分配已确定，将并入该月工资。"))
    return redirect(url_for(".reward", institution_id=institution_id, allocation_id=allocation_id))
