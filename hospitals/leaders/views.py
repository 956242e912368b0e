"""Hospital pages: leaders without administrative rank (去行政化) — term contracts with
targets, their yearly and end-of-term assessments, and warnings as terms end."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required

from core.actions import perform
from core.i18n import msg
from core.ids import china_today
from core.permissions import can
from hospitals.access import hospital_or_404
from hospitals.blueprint import bp
from hospitals.leaders import operations, queries
from hospitals.leaders.forms import AssessmentForm, TermForm
from hospitals.leaders.operations import TermRefused
from hospitals.leadership import AssessmentKind, AssessmentResult
from hospitals.permissions import HOSPITALS_MANAGE


def _all_problems(outcome, form, field: str) -> None:
    """Show every reason a term or assessment was refused under ``field``."""
    if isinstance(outcome.refusal, TermRefused):
        getattr(form, field).errors = [p.message for p in outcome.refusal.problems]


@bp.route("/<int:institution_id>/leaders")
@login_required
def leaders(institution_id: int):
    institution = hospital_or_404(institution_id)
    today = china_today()
    return render_template(
        "hospitals/leaders.html",
        institution=institution,
        today=today,
        terms=queries.terms_of(institution.id, today),
        can_manage=can(current_user, HOSPITALS_MANAGE, institution),
    )


@bp.route("/<int:institution_id>/leaders/new", methods=["GET", "POST"])
@login_required
def term_new(institution_id: int):
    institution = hospital_or_404(institution_id, write=True)
    form = TermForm()
    if form.validate_on_submit():
        employment = queries.employment_by_number(institution.id, form.staff_number.data)
        if employment is None:
            form.staff_number.errors = [
                msg("本院没有工号为「%(n)s」的人员", n=form.staff_number.data)
            ]
        else:
            done = perform(
                operations.create_term,
                institution,
                employment,
                form.data,
                china_today(),
                form=form,
                success=lambda t: msg(
                    "已登记%(name)s的%(post)s任期合同。", name=employment.person.name, post=t.post
                ),
            )
            if done:
                return redirect(
                    url_for(".term", institution_id=institution.id, term_id=done.value.id)
                )
            _all_problems(done, form, "targets")
        return render_template("hospitals/term_form.html", institution=institution, form=form), 422
    status = 422 if form.errors else 200
    return render_template("hospitals/term_form.html", institution=institution, form=form), status


def _term_page(institution, term, form, status: int = 200):
    today = china_today()
    return render_template(
        "hospitals/term.html",
        institution=institution,
        view=queries.term_view(term, today),
        term=term,
        form=form,
        kinds={k.value: k.label for k in AssessmentKind},
        results={r.value: r.label for r in AssessmentResult},
        can_manage=can(current_user, HOSPITALS_MANAGE, institution),
    ), status


@bp.route("/<int:institution_id>/leaders/<int:term_id>")
@login_required
def term(institution_id: int, term_id: int):
    institution = hospital_or_404(institution_id)
    term = queries.term_or_404(institution.id, term_id)
    form = AssessmentForm()
    form.held_on.data = china_today()
    return _term_page(institution, term, form)


@bp.route("/<int:institution_id>/leaders/<int:term_id>/assess", methods=["POST"])
@login_required
def term_assess(institution_id: int, term_id: int):
    institution = hospital_or_404(institution_id, write=True)
    term = queries.term_or_404(institution.id, term_id)
    form = AssessmentForm()
    if form.validate_on_submit():
        data = {
            **form.data,
            "targets": {t.key: request.form.get(f"target_{t.key}", "") for t in term.targets},
        }
        done = perform(
            operations.record_assessment,
            term,
            data,
            china_today(),
            form=form,
            success=msg("已记录考核。"),
        )
        if done:
            return redirect(url_for(".term", institution_id=institution.id, term_id=term.id))
        _all_problems(done, form, "result")
    return _term_page(institution, term, form, 422)
