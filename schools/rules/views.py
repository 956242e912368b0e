"""Pages of the internal rules (校内制度): the list, a rule with its versions, adoption."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.actions import perform
from core.extensions import db
from institutions.governance.models import Meeting
from institutions.governance.queries import local_date
from institutions.scoped import institution_for
from schools.permissions import SCHOOLS_MANAGE, SCHOOLS_VIEW
from schools.recruitment.queries import open_meetings
from schools.rules import operations, queries
from schools.rules.forms import CongressForm, CouncilForm, RuleForm, VersionForm
from schools.rules.models import AdoptingBody, VersionStatus
from schools.views import bp


def _rule_or_404(institution_id: int, rule_id: int):
    rule = queries.rule_or_none(institution_id, rule_id)
    if rule is None:
        abort(404)
    return rule


def _council_form(institution, form=None) -> CouncilForm:
    form = form or CouncilForm(formdata=None)
    form.meeting_id.choices = [
        (m.id, f"{m.title} · {local_date(m.scheduled_at).isoformat()}")
        for m in open_meetings(institution.id)
    ]
    return form


def _congress_form(institution, form=None) -> CongressForm:
    form = form or CongressForm(formdata=None)
    form.vote_number.choices = [
        (v.number, f"{v.number} · {v.title}") for v in queries.unused_rule_votes(institution.id)
    ]
    return form


def _list(institution, form, status=200):
    return render_template(
        "schools/rules.html",
        institution=institution,
        rules=queries.rules_of(institution.id),
        form=form,
        body_labels=AdoptingBody.LABELS,
    ), status


def _detail(institution, rule, status=200, **forms):
    return render_template(
        "schools/rule.html",
        institution=institution,
        rule=rule,
        body_labels=AdoptingBody.LABELS,
        status_labels=VersionStatus.LABELS,
        version_form=forms.get("version_form") or VersionForm(formdata=None),
        council_form=_council_form(institution, forms.get("council_form")),
        congress_form=_congress_form(institution, forms.get("congress_form")),
    ), status


@bp.route("/<int:institution_id>/rules")
@login_required
def rules(institution_id: int):
    """The school's internal rules and the version of each in force."""
    institution = institution_for(institution_id, SCHOOLS_VIEW)
    return _list(institution, RuleForm(formdata=None))


@bp.route("/<int:institution_id>/rules/new", methods=["POST"])
@login_required
def rule_create(institution_id: int):
    institution = institution_for(institution_id, SCHOOLS_MANAGE)
    form = RuleForm()
    if form.validate_on_submit():
        done = perform(
            operations.create_rule,
            institution,
            form.data,
            actor=current_user,
            form=form,
            success=_("制度草稿已保存。"),
        )
        if done:
            return redirect(url_for(".rule", institution_id=institution.id, rule_id=done.value.id))
    return _list(institution, form, 422)


@bp.route("/<int:institution_id>/rules/<int:rule_id>")
@login_required
def rule(institution_id: int, rule_id: int):
    """A rule: the version in force, every version and the decision that adopted it."""
    institution = institution_for(institution_id, SCHOOLS_VIEW)
    return _detail(institution, _rule_or_404(institution.id, rule_id))


@bp.route("/<int:institution_id>/rules/<int:rule_id>/versions", methods=["POST"])
@login_required
def rule_version(institution_id: int, rule_id: int):
    institution = institution_for(institution_id, SCHOOLS_MANAGE)
    found = _rule_or_404(institution.id, rule_id)
    form = VersionForm()
    if form.validate_on_submit():
        done = perform(
            operations.draft_version,
            found,
            form.data,
            actor=current_user,
            form=form,
            success=_("新版本草稿已保存。"),
        )
        if done:
            return redirect(url_for(".rule", institution_id=institution.id, rule_id=found.id))
    return _detail(institution, found, 422, version_form=form)


@bp.route("/<int:institution_id>/rules/<int:rule_id>/submit", methods=["POST"])
@login_required
def rule_submit(institution_id: int, rule_id: int):
    """提交理事会审议: the draft version goes on a council meeting's agenda."""
    institution = institution_for(institution_id, SCHOOLS_MANAGE)
    found = _rule_or_404(institution.id, rule_id)
    form = _council_form(institution, CouncilForm())
    if form.validate_on_submit():
        meeting = db.session.get(Meeting, form.meeting_id.data)
        if meeting is None or meeting.institution_id != institution.id:
            abort(404)
        done = perform(
            operations.submit_to_council,
            found,
            meeting,
            actor=current_user,
            form=form,
            success=_("已提交理事会审议，表决结果将自动更新版本状态。"),
        )
        if done:
            return redirect(url_for(".rule", institution_id=institution.id, rule_id=found.id))
    return _detail(institution, found, 422, council_form=form)


@bp.route("/<int:institution_id>/rules/<int:rule_id>/adopt", methods=["POST"])
@login_required
def rule_adopt(institution_id: int, rule_id: int):
    """The staff congress's passed vote adopts the draft version."""
    institution = institution_for(institution_id, SCHOOLS_MANAGE)
    found = _rule_or_404(institution.id, rule_id)
    form = _congress_form(institution, CongressForm())
    if form.validate_on_submit():
        done = perform(
            operations.adopt_by_congress,
            found,
            form.vote_number.data,
            actor=current_user,
            form=form,
            success=_("已登记教代会通过，新版本生效。"),
        )
        if done:
            return redirect(url_for(".rule", institution_id=institution.id, rule_id=found.id))
    return _detail(institution, found, 422, congress_form=form)
