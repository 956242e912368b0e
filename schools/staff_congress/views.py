"""Pages of the staff congress: delegates, and the votes recorded at its meetings."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from core.actions import perform
from core.extensions import db
from core.ids import china_today
from institutions.scoped import institution_for
from schools import queries as school_queries
from schools.congress import CongressStatus
from schools.models import CongressDelegate, CongressItemKind
from schools.permissions import SCHOOLS_MANAGE, SCHOOLS_VIEW
from schools.staff_congress import operations, queries
from schools.views import bp

CHOICES = ("yes", "no", "abstain")


def _page(institution, status=200, **extra):
    delegates = operations.delegates_on(institution.id)
    taken = {d.employment_id for d in delegates}
    votes = queries.votes(institution.id)
    staff = [
        r
        for r in school_queries.staff_rows(institution.id, china_today())
        if r.employment_id not in taken
    ]
    return render_template(
        "schools/congress.html",
        institution=institution,
        delegates=delegates,
        teachers=sum(1 for d in delegates if d.is_teacher),
        staff=staff,
        votes=votes,
        kind_labels=CongressItemKind.LABELS,
        status_labels={s.value: s.label for s in CongressStatus},
        today=china_today(),
        entered=extra.get("entered", {}),
    ), status


@bp.route("/<int:institution_id>/congress")
@login_required
def congress(institution_id: int):
    return _page(institution_for(institution_id, SCHOOLS_VIEW))


@bp.route("/<int:institution_id>/congress/delegates", methods=["POST"])
@login_required
def congress_delegate_add(institution_id: int):
    institution = institution_for(institution_id, SCHOOLS_MANAGE)
    employment_id = request.form.get("employment_id", type=int)
    if not employment_id:
        flash(_("请选择要增加的代表。"), "danger")
        return _page(institution, 422)
    employment = school_queries.employment_or_404(institution.id, employment_id)
    done = perform(
        operations.add_delegate,
        institution.id,
        employment,
        request.form.get("is_teacher") == "y",
        success=_("已增加代表 %(n)s。", n=employment.person.name),
    )
    if done:
        return redirect(url_for(".congress", institution_id=institution.id))
    return _page(institution, 422)


@bp.route("/<int:institution_id>/congress/delegates/<int:delegate_id>/end", methods=["POST"])
@login_required
def congress_delegate_end(institution_id: int, delegate_id: int):
    institution = institution_for(institution_id, SCHOOLS_MANAGE)
    delegate = db.session.get(CongressDelegate, delegate_id)
    if delegate is None or delegate.institution_id != institution.id:
        abort(404)
    perform(operations.end_delegate, delegate, china_today(), success=_("代表已离任。"))
    return redirect(url_for(".congress", institution_id=institution.id))


@bp.route("/<int:institution_id>/congress/votes", methods=["POST"])
@login_required
def congress_vote(institution_id: int):
    """Record a vote held at a meeting: who was present and how each delegate voted."""
    institution = institution_for(institution_id, SCHOOLS_MANAGE)
    try:
        held_on = date.fromisoformat(request.form.get("held_on", ""))
    except ValueError:
        held_on = None
    present = [int(v) for v in request.form.getlist("present") if v.isdigit()]
    ballots = {
        d.id: request.form.get(f"choice-{d.id}", "")
        for d in operations.delegates_on(institution.id)
        if request.form.get(f"choice-{d.id}", "") in CHOICES
    }
    done = perform(
        operations.record_vote,
        institution.id,
        {"title": request.form.get("title"), "kind": request.form.get("kind"), "held_on": held_on},
        present,
        ballots,
        success=lambda vote: _(
            "已记录表决：%(status)s%(number)s",
            status=CongressStatus(vote.status).label,
            number=f"（{vote.number}）" if vote.number else "",
        ),
    )
    if done:
        return redirect(url_for(".congress", institution_id=institution.id))
    return _page(institution, 422, entered=request.form)
