"""Minutes pages: the meeting's minutes and their versions, drafting, signing, correcting,
and the printed minutes."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.extensions import db
from core.permissions import can
from institutions.governance import pages, queries
from institutions.governance.blueprint import bp
from institutions.governance.minutes import operations as minutes_ops
from institutions.governance.minutes import queries as minutes_queries
from institutions.governance.minutes.forms import (
    SignMinutesForm,
    minutes_correct_form,
    minutes_draft_form,
)
from institutions.governance.models import (
    GovernanceError,
    Meeting,
    Minutes,
    MotionStatus,
    OpinionKind,
)
from institutions.governance.motions import operations as motion_ops
from institutions.governance.permissions import (
    GOVERNANCE_MANAGE,
)
from institutions.governance.resolutions.queries import opinions_on
from institutions.models import Institution


def _minutes_or_404(meeting: Meeting, minutes_id: str | None) -> Minutes:
    if not (minutes_id or "").isdigit() or len(minutes_id) > 18:
        abort(404)
    return pages.or_404(minutes_queries.minutes_of(meeting, int(minutes_id)))


def _minutes_page(institution: Institution, meeting: Meeting, status: int = 200, **forms):
    versions = minutes_queries.versions_of(meeting)
    latest = versions[0] if versions else None
    motions = queries.motions_of(meeting)
    can_manage = can(current_user, GOVERNANCE_MANAGE, institution)
    draft_form = forms.get("draft_form")
    correct_form = forms.get("correct_form")
    major = _major_ids(motions)
    if can_manage and latest is None and draft_form is None:
        draft_form = minutes_draft_form(motions, major, formdata=None)
    if can_manage and latest is not None and correct_form is None:
        correct_form = minutes_correct_form(
            motions, major, formdata=None, minutes_id=str(latest.id)
        )
        for item in latest.body.get("items", []):
            for prefix, key in (("discussion_", "discussion"), ("leader_", "leader_statement")):
                field = correct_form._fields.get(f"{prefix}{item['motion_id']}")
                if field is not None:
                    field.data = item.get(key, "")
    signed = {s.member_id for s in latest.signatures} if latest else set()
    sign_form = None
    if latest is not None and current_user.id in latest.signers and current_user.id not in signed:
        sign_form = SignMinutesForm(formdata=None, minutes_id=str(latest.id))
    opinions = opinions_on(motion_ids={m.id for m in motions})
    people = pages.users_by_id(
        [uid for v in versions for uid in v.signers]
        + [v.created_by_id for v in versions]
        + [o.supervisor_id for o in opinions]
    )
    back = url_for(".minutes", institution_id=institution.id, meeting_id=meeting.id)
    return pages.render(
        "governance/council_minutes.html",
        institution,
        status,
        meeting=meeting,
        meeting_url=pages.url_if(
            "governance.meeting", institution_id=institution.id, meeting_id=meeting.id
        ),
        motions=motions,
        versions=versions,
        latest=latest,
        signed=signed,
        people=people,
        draft_form=draft_form if latest is None else None,
        correct_form=correct_form if latest is not None else None,
        sign_form=sign_form,
        has_open=any(m.status == MotionStatus.OPEN for m in motions),
        opinions_by_motion=_group(opinions, "motion_id"),
        opinion_forms={
            m.id: pages.opinion_form(institution, "motion", m.id, back) for m in motions
        },
        opinion_labels={k.value: k.label for k in OpinionKind},
    )


def _major_ids(motions) -> frozenset[int]:
    """Return the ids of the 三重一大 items among ``motions``."""
    if not motions:
        return frozenset()
    charter = queries.charter_for(motions[0].institution_id)
    return frozenset(m.id for m in motions if motion_ops.requires_prior_study(m, charter))


def _group(rows, attribute: str) -> dict:
    grouped: dict = {}
    for row in rows:
        grouped.setdefault(getattr(row, attribute), []).append(row)
    return grouped


@bp.route("/<int:institution_id>/meetings/<int:meeting_id>/minutes")
@login_required
def minutes(institution_id: int, meeting_id: int):
    institution = pages.institution(institution_id)
    meeting = pages.meeting_or_404(institution, meeting_id)
    return _minutes_page(institution, meeting)


@bp.route("/<int:institution_id>/meetings/<int:meeting_id>/minutes/print")
@login_required
def minutes_print(institution_id: int, meeting_id: int):
    institution = pages.institution(institution_id)
    meeting = pages.meeting_or_404(institution, meeting_id)
    shown = minutes_queries.version_of(meeting, request.args.get("version", type=int))
    signatures = {s.member_id: s for s in shown.signatures} if shown else {}
    return pages.render(
        "governance/council_minutes_print.html",
        institution,
        minutes=shown,
        meeting=meeting,
        signatures=signatures,
        people=pages.users_by_id(shown.signers if shown else []),
        head=queries.chain_head(institution.id),
    )


@bp.route("/<int:institution_id>/meetings/<int:meeting_id>/minutes/draft", methods=["POST"])
@login_required
def minutes_draft(institution_id: int, meeting_id: int):
    institution = pages.institution(institution_id, GOVERNANCE_MANAGE)
    meeting = pages.meeting_or_404(institution, meeting_id)
    motions = queries.motions_of(meeting)
    form = minutes_draft_form(motions, _major_ids(motions))
    if form.validate_on_submit():
        try:
            minutes_ops.draft_minutes(
                meeting,
                discussion=form.discussion(),
                leader_statements=form.leader_statements(),
                actor=pages.me(),
            )
        except GovernanceError as error:
            pages.flash_refusal(error)
        else:
            db.session.commit()
            flash(_("已起草会议纪要，请出席会议的理事签署。"), "success")
            return redirect(
                url_for(".minutes", institution_id=institution.id, meeting_id=meeting.id)
            )
    return _minutes_page(institution, meeting, 422, draft_form=form)


@bp.route("/<int:institution_id>/meetings/<int:meeting_id>/minutes/sign", methods=["POST"])
@login_required
def minutes_sign(institution_id: int, meeting_id: int):
    institution = pages.institution(institution_id)
    meeting = pages.meeting_or_404(institution, meeting_id)
    form = SignMinutesForm()
    if form.validate_on_submit():
        minutes = _minutes_or_404(meeting, form.minutes_id.data)
        try:
            minutes_ops.sign_minutes(minutes, pages.me())
        except GovernanceError as error:
            pages.flash_refusal(error)
        else:
            db.session.commit()
            if minutes.locked_at is not None:
                flash(_("已签署。全体出席理事均已签署，会议纪要已锁定。"), "success")
            else:
                flash(_("已签署会议纪要。"), "success")
            return redirect(
                url_for(".minutes", institution_id=institution.id, meeting_id=meeting.id)
            )
    else:
        pages.flash_form_errors(form)
    return _minutes_page(institution, meeting, 422)


@bp.route("/<int:institution_id>/meetings/<int:meeting_id>/minutes/correct", methods=["POST"])
@login_required
def minutes_correct(institution_id: int, meeting_id: int):
    institution = pages.institution(institution_id, GOVERNANCE_MANAGE)
    meeting = pages.meeting_or_404(institution, meeting_id)
    motions = queries.motions_of(meeting)
    form = minutes_correct_form(motions, _major_ids(motions))
    if form.validate_on_submit():
        minutes = _minutes_or_404(meeting, form.minutes_id.data)
        try:
            corrected = minutes_ops.correct_minutes(
                minutes,
                note=form.note.data,
                discussion=form.discussion(),
                leader_statements=form.leader_statements(),
                actor=pages.me(),
            )
        except GovernanceError as error:
            pages.flash_refusal(error)
        else:
            db.session.commit()
            flash(
                _("已形成会议纪要第 %(v)d 版，请出席会议的理事重新签署。", v=corrected.version),
                "success",
            )
            return redirect(
                url_for(".minutes", institution_id=institution.id, meeting_id=meeting.id)
            )
    return _minutes_page(institution, meeting, 422, correct_form=form)
