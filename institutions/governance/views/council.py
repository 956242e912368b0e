"""Governance pages: bodies and seats, charter, declarations, minutes, resolutions, supervision.

Load → authorize → act. The institution is looked up inside the user's registry scope (404
outside it), then ``GOVERNANCE_VIEW`` (reading) or ``GOVERNANCE_MANAGE`` (preparing business)
is required (403). Signing minutes, declaring interests, reporting execution and recording
supervisory opinions are authorized by the person's seat: the operations check it and refuse
with a Chinese message, shown with status 422, nothing written.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from core.auth.models import Membership, User
from core.excel import Column, Spec
from core.extensions import db
from core.forms import choices
from core.http import dated_filename, xlsx_response
from core.i18n import msg
from core.models import utcnow
from core.permissions import can, scope_for
from core.redirects import is_safe_path
from institutions.governance import chain, charter_changes, queries
from institutions.governance import operations as ops
from institutions.governance.charter import DEFAULTS, Base, Charter
from institutions.governance.forms_council import (
    CharterForm,
    CharterProposalForm,
    DeclarationForm,
    EndSeatForm,
    ExecutionForm,
    OpinionForm,
    SeatForm,
    SignMinutesForm,
    minutes_correct_form,
    minutes_draft_form,
)
from institutions.governance.models import (
    BodyKind,
    CharterSettings,
    ExecutionReport,
    GovernanceError,
    InterestDeclaration,
    Meeting,
    Minutes,
    Motion,
    MotionStatus,
    OpinionKind,
    Relation,
    Resolution,
    Seat,
    SupervisoryOpinion,
)
from institutions.governance.numbering import parse_resolution_number
from institutions.governance.permissions import (
    GOVERNANCE_MANAGE,
    GOVERNANCE_SETUP,
    GOVERNANCE_VIEW,
)
from institutions.governance.tally import MotionCategory, MotionKind
from institutions.governance.views import bp
from institutions.models import Institution
from institutions.permissions import REGISTRY_VIEW
from institutions.registry.queries import get_institution_or_404
from institutions.scoped import institution_for

BODY_ORDER = (BodyKind.COUNCIL, BodyKind.MANAGEMENT, BodyKind.SUPERVISORS)
RESOLUTIONS_PER_PAGE = 30

RESOLUTIONS_EXPORT = Spec(
    sheet_name="决议",
    title="理事会决议",
    columns=(
        Column("文号", "number", "text", width=16),
        Column("年度", "year", "int"),
        Column("序号", "sequence", "int"),
        Column("标题", "title", "text", width=36),
        Column("通过日期", "passed_on", "date"),
        Column("议案类别", "category", "text"),
        Column("同意", "yes", "int"),
        Column("反对", "no", "int"),
        Column("弃权", "abstain", "int"),
        Column("表决结果", "reason", "text", width=40),
        Column("执行进度（%）", "progress", "int"),
        Column("决议内容", "text", "text", width=60),
        Column("哈希值", "hash", "code", width=66),
    ),
)


# --- loading and authorizing -----------------------------------------------------------------


def _institution(institution_id: int, perm: str = GOVERNANCE_VIEW) -> Institution:
    """Return the institution if visible (else 404) and ``perm`` is held there (else 403)."""
    return institution_for(institution_id, perm)


def _one_or_404(stmt: Select):
    found = db.session.scalar(stmt)
    if found is None:
        abort(404)
    return found


def _meeting_or_404(institution_id: int, meeting_id: int) -> Meeting:
    return _one_or_404(
        select(Meeting).where(Meeting.id == meeting_id, Meeting.institution_id == institution_id)
    )


def _seat_or_404(institution_id: int, seat_id: int) -> Seat:
    return _one_or_404(
        select(Seat).where(Seat.id == seat_id, Seat.institution_id == institution_id)
    )


def _resolution_or_404(institution_id: int, resolution_id: int) -> Resolution:
    return _one_or_404(
        select(Resolution).where(
            Resolution.id == resolution_id, Resolution.institution_id == institution_id
        )
    )


def _minutes_or_404(meeting: Meeting, minutes_id: str | None) -> Minutes:
    if not (minutes_id or "").isdigit() or len(minutes_id) > 18:
        abort(404)
    return _one_or_404(
        select(Minutes).where(
            Minutes.id == int(minutes_id),
            Minutes.meeting_id == meeting.id,
            Minutes.institution_id == meeting.institution_id,
        )
    )


def _me() -> User:
    return current_user._get_current_object()


def _today() -> date:
    return queries.local_date(utcnow())


def _holds(institution: Institution, kind: BodyKind | None = None) -> bool:
    """Return whether the current user holds a seat (of ``kind``) in the institution today."""
    return any(
        s.user_id == current_user.id for s in queries.active_seats(institution.id, _today(), kind)
    )


def _refused(error: GovernanceError) -> None:
    db.session.rollback()
    flash(str(error), "danger")


def _flash_form_errors(form) -> None:
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "danger")


def _nav(institution: Institution) -> list[dict]:
    """Return the governance sub-navigation: the pages that exist, for this institution."""
    items = [
        ("governance.index", _("会议与议案")),
        ("governance.council", _("理事会与监事会")),
        ("governance.resolutions", _("决议")),
        ("governance.charter", _("章程设置")),
    ]
    return [
        {
            "url": url_for(endpoint, institution_id=institution.id),
            "label": label,
            "active": request.endpoint == endpoint,
        }
        for endpoint, label in items
        if endpoint in current_app.view_functions
    ]


def _url_if(endpoint: str, **values) -> str | None:
    """Return the URL of ``endpoint`` if that page exists (other modules add pages)."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


def _render(template: str, institution: Institution, status: int = 200, **context):
    return render_template(
        template, institution=institution, gov_nav=_nav(institution), **context
    ), status


def _names(user_ids) -> dict[int, User]:
    ids = sorted({i for i in user_ids if i is not None})
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


# --- bodies and seats ------------------------------------------------------------------------


def _seat_state(seat: Seat, today: date) -> str:
    if seat.term_start_on > today:
        return "future"
    if seat.term_end_on is not None and seat.term_end_on < today:
        return "ended"
    return "active"


def _council_page(institution: Institution, status: int = 200):
    today = _today()
    seats = list(
        db.session.scalars(
            select(Seat)
            .where(Seat.institution_id == institution.id)
            .order_by(Seat.term_start_on.desc(), Seat.id)
        ).unique()
    )
    bodies = []
    for kind in BODY_ORDER:
        rows = [(s, _seat_state(s, today)) for s in seats if s.body.kind == kind]
        bodies.append(
            {
                "kind": kind,
                "current": [r for r in rows if r[1] != "ended"],
                "past": [r for r in rows if r[1] == "ended"],
            }
        )
    declared = dict(
        db.session.execute(
            select(InterestDeclaration.member_id, func.max(InterestDeclaration.declared_at))
            .where(InterestDeclaration.institution_id == institution.id)
            .group_by(InterestDeclaration.member_id)
        ).all()
    )
    seated_me = any(
        s.user_id == current_user.id and _seat_state(s, today) == "active" for s in seats
    )
    return _render(
        "governance/council_index.html",
        institution,
        status,
        bodies=bodies,
        warnings=queries.composition_warnings(institution.id, today),
        declared=declared,
        today=today,
        seated_me=seated_me,
        can_manage=can(current_user, GOVERNANCE_MANAGE, institution),
        end_form=EndSeatForm(formdata=None, end_on=today),
    )


@bp.route("/<int:institution_id>/council")
@login_required
def council(institution_id: int):
    institution = _institution(institution_id)
    return _council_page(institution)


def _institution_users(institution_id: int) -> list[User]:
    """Return the active users holding a role in the institution, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.is_active.is_(True),
                User.id.in_(
                    select(Membership.user_id).where(Membership.institution_id == institution_id)
                ),
            )
            .order_by(User.full_name, User.username)
        )
    )


def _chosen_user(form: SeatForm, candidates: list[User]) -> User | None:
    """Return the person chosen from the institution's people, or put an error."""
    by_id = {str(u.id): u for u in candidates}
    user = by_id.get(form.user_id.data or "")
    if user is None:
        form.user_id.errors = [*form.user_id.errors, _("请从列表中选择人员")]
    return user


#: Which seat field an operation's refusal is about, by a phrase in it.
_SEAT_ERROR_FIELDS = (
    ("理事来源", "constituency"),
    ("须注明来源", "constituency"),
    ("任期结束日期", "term_end_on"),
    ("已是", "user_id"),
    ("本单位", "user_id"),
    ("机构", "body"),
)


def _put_seat_error(form: SeatForm, message: str) -> None:
    name = next((n for phrase, n in _SEAT_ERROR_FIELDS if phrase in message), "office")
    form[name].errors = [*form[name].errors, message]


@bp.route("/<int:institution_id>/council/seats/new", methods=["GET", "POST"])
@login_required
def seat_new(institution_id: int):
    institution = _institution(institution_id, GOVERNANCE_MANAGE)
    candidates = _institution_users(institution.id)
    form = SeatForm()
    form.user_id.choices = choices(
        [
            ("", _("请选择")),
            *(
                (str(u.id), msg("%(name)s（%(code)s）", name=u.full_name, code=u.username))
                for u in candidates
            ),
        ]
    )
    if request.method == "GET":
        form.term_start_on.data = _today()
        if request.args.get("body") in set(BodyKind):
            form.body.data = request.args["body"]
    if form.validate_on_submit():
        user = _chosen_user(form, candidates)
        if user is not None:
            try:
                seat = ops.seat_member(
                    institution.id,
                    user,
                    body=form.body.data,
                    office=form.office.data,
                    constituency=form.constituency.data or None,
                    term_start_on=form.term_start_on.data,
                    term_end_on=form.term_end_on.data,
                    actor=_me(),
                )
            except GovernanceError as error:
                db.session.rollback()
                _put_seat_error(form, str(error))
            else:
                db.session.commit()
                flash(
                    _(
                        "已任命 %(n)s 为%(b)s%(o)s。",
                        n=user.full_name,
                        b=seat.body.kind_label,
                        o=seat.office_label,
                    ),
                    "success",
                )
                return redirect(url_for(".council", institution_id=institution.id))
    return _render(
        "governance/council_seat_form.html",
        institution,
        422 if form.errors else 200,
        form=form,
    )


@bp.route("/<int:institution_id>/council/seats/<int:seat_id>/end", methods=["POST"])
@login_required
def seat_end(institution_id: int, seat_id: int):
    institution = _institution(institution_id, GOVERNANCE_MANAGE)
    seat = _seat_or_404(institution.id, seat_id)
    form = EndSeatForm()
    if form.validate_on_submit():
        name = seat.user.full_name
        try:
            ops.end_seat(seat, form.end_on.data, reason=form.reason.data, actor=_me())
        except GovernanceError as error:
            _refused(error)
        else:
            db.session.commit()
            flash(_("%(n)s 的任期已结束于 %(d)s。", n=name, d=form.end_on.data), "success")
            return redirect(url_for(".council", institution_id=institution.id))
    else:
        _flash_form_errors(form)
    return _council_page(institution, 422)


# --- charter ---------------------------------------------------------------------------------


def _charter_page(
    institution: Institution,
    form: CharterForm | None = None,
    status: int = 200,
    *,
    proposal_form: CharterProposalForm | None = None,
):
    charter = queries.charter_for(institution.id)
    saved = db.session.scalar(
        select(CharterSettings).where(CharterSettings.institution_id == institution.id)
    )
    if saved is None and form is None and can(current_user, GOVERNANCE_SETUP, institution):
        form = CharterForm(formdata=None)
        form.fill(charter)
    if saved is not None:
        form = None  # set up: changed only by a passed motion
    if proposal_form is None and can(current_user, GOVERNANCE_MANAGE, institution):
        proposal_form = _proposal_form(institution, formdata=None)
        proposal_form.fill(charter)
    current = charter.to_dict()
    labels = form or proposal_form or CharterForm(formdata=None)
    rows = []
    for name, default in DEFAULTS.items():
        rows.append(
            {
                "name": name,
                "label": labels[name].label.text,
                "value": _setting_text(name, current[name]),
                "default": _setting_text(name, default),
                "changed": current[name] != default,
            }
        )
    pending = [
        {
            "motion": motion,
            "url": url_for(".motion", institution_id=institution.id, motion_id=motion.id),
            "changes": [
                (labels[name].label.text, old, new)
                for name, old, new in charter_changes.changes_between(
                    charter, Charter.from_dict(p.settings)
                )
            ],
        }
        for p, motion in charter_changes.pending_proposals(institution.id)
    ]
    return _render(
        "governance/council_charter.html",
        institution,
        status,
        form=form,
        proposal_form=proposal_form,
        pending=pending,
        rows=rows,
        saved=saved,
        saved_by=db.session.get(User, saved.updated_by_id)
        if saved and saved.updated_by_id
        else None,
    )


def _proposal_form(institution: Institution, **kwargs) -> CharterProposalForm:
    form = CharterProposalForm(**kwargs)
    form.meeting_id.choices = choices(
        [
            ("", _("请选择")),
            *(
                (
                    str(m.id),
                    msg("%(title)s（%(when)s）", title=m.title, when=_local_minute(m.scheduled_at)),
                )
                for m in queries.meetings_for_proposals(institution.id)
            ),
        ]
    )
    return form


def _local_minute(moment) -> str:
    return moment.astimezone(queries.local_zone()).strftime("%Y-%m-%d %H:%M")


def _setting_text(name: str, value) -> str:
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if name in ("ordinary_base", "major_base"):
        return Base(value).label
    if name == "large_sum_threshold":
        return _("%(v)s 元", v=value)
    if name in ("notice_days", "written_vote_min_days"):
        return _("%(v)s 天", v=value)
    if name == "resolution_prefix":
        return value or _("（无）")
    return str(value)


@bp.route("/<int:institution_id>/charter")
@login_required
def charter(institution_id: int):
    institution = _institution(institution_id)
    return _charter_page(institution)


# The same URL as ``charter``: a separate endpoint because only the staffing office and the
# sponsor set the charter up, once.
@bp.route("/<int:institution_id>/charter", methods=["POST"], endpoint="charter_save")
@login_required
def charter_save(institution_id: int):
    institution = _institution(institution_id, GOVERNANCE_SETUP)
    form = CharterForm()
    if form.validate_on_submit():
        try:
            ops.setup_charter(institution.id, form.settings(), actor=_me())
        except GovernanceError as error:
            _refused(error)
            return _charter_page(institution, None, 422)
        else:
            db.session.commit()
            flash(_("已确定章程初始设置。"), "success")
            return redirect(url_for(".charter", institution_id=institution.id))
    return _charter_page(institution, form, 422)


@bp.route("/<int:institution_id>/charter/proposals", methods=["POST"])
@login_required
def charter_propose(institution_id: int):
    institution = _institution(institution_id, GOVERNANCE_MANAGE)
    form = _proposal_form(institution)
    if form.validate_on_submit():
        meeting = db.session.scalar(
            select(Meeting).where(
                Meeting.id == int(form.meeting_id.data), Meeting.institution_id == institution.id
            )
        )
        try:
            if meeting is None:
                raise GovernanceError("请选择本单位尚未结束的会议")
            motion = charter_changes.propose_charter_change(
                institution.id,
                form.settings(),
                meeting=meeting,
                text=form.reason.data,
                actor=_me(),
            )
        except GovernanceError as error:
            db.session.rollback()
            form.meeting_id.errors = [*form.meeting_id.errors, str(error)]
        else:
            db.session.commit()
            flash(_("已提交理事会审议：%(t)s。", t=motion.title), "success")
            return redirect(url_for(".motion", institution_id=institution.id, motion_id=motion.id))
    return _charter_page(institution, None, 422, proposal_form=form)


# --- declaration of interests ----------------------------------------------------------------


@bp.route("/<int:institution_id>/declaration", methods=["GET", "POST"])
@login_required
def declaration(institution_id: int):
    institution = get_institution_or_404(scope_for(current_user, REGISTRY_VIEW), institution_id)
    # Members declare their own interests: the seat, not a role, gives the right.
    if not _holds(institution):
        abort(403)
    latest = db.session.scalar(
        select(InterestDeclaration)
        .where(
            InterestDeclaration.institution_id == institution.id,
            InterestDeclaration.member_id == current_user.id,
        )
        .order_by(InterestDeclaration.id.desc())
        .limit(1)
    )
    form = DeclarationForm()
    if request.method == "GET" and latest is not None:
        form.fill(latest.items)
    if form.validate_on_submit():
        try:
            ops.declare_interests(_me(), institution.id, form.items())
        except GovernanceError as error:
            db.session.rollback()
            form.near_relatives.errors = [*form.near_relatives.errors, str(error)]
        else:
            db.session.commit()
            flash(_("已更新您的利害关系申报。"), "success")
            return redirect(url_for(".declaration", institution_id=institution.id))
    return _render(
        "governance/council_declaration.html",
        institution,
        422 if form.errors else 200,
        form=form,
        latest=latest,
        relation_labels={r.value: r.label for r in Relation},
    )


# --- minutes ---------------------------------------------------------------------------------


def _opinions(*, motion_ids=(), resolution_ids=(), report_ids=()) -> list[SupervisoryOpinion]:
    clauses = []
    if motion_ids:
        clauses.append(SupervisoryOpinion.motion_id.in_(sorted(motion_ids)))
    if resolution_ids:
        clauses.append(SupervisoryOpinion.resolution_id.in_(sorted(resolution_ids)))
    if report_ids:
        clauses.append(SupervisoryOpinion.execution_report_id.in_(sorted(report_ids)))
    if not clauses:
        return []
    return list(
        db.session.scalars(
            select(SupervisoryOpinion)
            .where(or_(*clauses))
            .order_by(SupervisoryOpinion.created_at, SupervisoryOpinion.id)
        )
    )


def _opinion_form(institution: Institution, target: str, target_id: int, back: str):
    """Return an opinion form for a supervisor seated today, else None."""
    if not _holds(institution, BodyKind.SUPERVISORS):
        return None
    return OpinionForm(
        formdata=None,
        target=target,
        target_id=str(target_id),
        next=back,
        prefix=f"{target}{target_id}",
    )


def opinion_panel(institution: Institution, motion_id: int, back: str) -> dict[str, Any]:
    """Return what the supervisors' panel of a motion page needs (opinions and a form)."""
    opinions = _opinions(motion_ids=[motion_id])
    return {
        "opinions": opinions,
        "people": _names(o.supervisor_id for o in opinions),
        "opinion_form": _opinion_form(institution, "motion", motion_id, back),
        "opinion_labels": {k.value: k.label for k in OpinionKind},
    }


def _minutes_page(institution: Institution, meeting: Meeting, status: int = 200, **forms):
    versions = list(
        db.session.scalars(
            select(Minutes)
            .where(Minutes.meeting_id == meeting.id)
            .options(selectinload(Minutes.signatures))
            .order_by(Minutes.version.desc())
        )
    )
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
    opinions = _opinions(motion_ids={m.id for m in motions})
    people = _names(
        [uid for v in versions for uid in v.signers]
        + [v.created_by_id for v in versions]
        + [o.supervisor_id for o in opinions]
    )
    back = url_for(".minutes", institution_id=institution.id, meeting_id=meeting.id)
    return _render(
        "governance/council_minutes.html",
        institution,
        status,
        meeting=meeting,
        meeting_url=_url_if(
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
        opinion_forms={m.id: _opinion_form(institution, "motion", m.id, back) for m in motions},
        opinion_labels={k.value: k.label for k in OpinionKind},
    )


def _major_ids(motions) -> frozenset[int]:
    """Return the ids of the 三重一大 items among ``motions``."""
    if not motions:
        return frozenset()
    charter = queries.charter_for(motions[0].institution_id)
    return frozenset(m.id for m in motions if ops.requires_prior_study(m, charter))


def _group(rows, attribute: str) -> dict:
    grouped: dict = {}
    for row in rows:
        grouped.setdefault(getattr(row, attribute), []).append(row)
    return grouped


@bp.route("/<int:institution_id>/meetings/<int:meeting_id>/minutes")
@login_required
def minutes(institution_id: int, meeting_id: int):
    institution = _institution(institution_id)
    meeting = _meeting_or_404(institution.id, meeting_id)
    return _minutes_page(institution, meeting)


@bp.route("/<int:institution_id>/meetings/<int:meeting_id>/minutes/print")
@login_required
def minutes_print(institution_id: int, meeting_id: int):
    institution = _institution(institution_id)
    meeting = _meeting_or_404(institution.id, meeting_id)
    stmt = select(Minutes).where(Minutes.meeting_id == meeting.id)
    version = request.args.get("version", type=int)
    if version is not None:
        stmt = stmt.where(Minutes.version == version)
    shown = db.session.scalar(
        stmt.options(selectinload(Minutes.signatures)).order_by(Minutes.version.desc()).limit(1)
    )
    signatures = {s.member_id: s for s in shown.signatures} if shown else {}
    return _render(
        "governance/council_minutes_print.html",
        institution,
        minutes=shown,
        meeting=meeting,
        signatures=signatures,
        people=_names(shown.signers if shown else []),
        head=queries.chain_head(institution.id),
    )


@bp.route("/<int:institution_id>/meetings/<int:meeting_id>/minutes/draft", methods=["POST"])
@login_required
def minutes_draft(institution_id: int, meeting_id: int):
    institution = _institution(institution_id, GOVERNANCE_MANAGE)
    meeting = _meeting_or_404(institution.id, meeting_id)
    motions = queries.motions_of(meeting)
    form = minutes_draft_form(motions, _major_ids(motions))
    if form.validate_on_submit():
        try:
            ops.draft_minutes(
                meeting,
                discussion=form.discussion(),
                leader_statements=form.leader_statements(),
                actor=_me(),
            )
        except GovernanceError as error:
            _refused(error)
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
    institution = _institution(institution_id)
    meeting = _meeting_or_404(institution.id, meeting_id)
    form = SignMinutesForm()
    if form.validate_on_submit():
        minutes = _minutes_or_404(meeting, form.minutes_id.data)
        try:
            ops.sign_minutes(minutes, _me())
        except GovernanceError as error:
            _refused(error)
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
        _flash_form_errors(form)
    return _minutes_page(institution, meeting, 422)


@bp.route("/<int:institution_id>/meetings/<int:meeting_id>/minutes/correct", methods=["POST"])
@login_required
def minutes_correct(institution_id: int, meeting_id: int):
    institution = _institution(institution_id, GOVERNANCE_MANAGE)
    meeting = _meeting_or_404(institution.id, meeting_id)
    motions = queries.motions_of(meeting)
    form = minutes_correct_form(motions, _major_ids(motions))
    if form.validate_on_submit():
        minutes = _minutes_or_404(meeting, form.minutes_id.data)
        try:
            corrected = ops.correct_minutes(
                minutes,
                note=form.note.data,
                discussion=form.discussion(),
                leader_statements=form.leader_statements(),
                actor=_me(),
            )
        except GovernanceError as error:
            _refused(error)
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


# --- resolutions -----------------------------------------------------------------------------


def _resolution_filters() -> dict:
    year = request.args.get("year", type=int)
    return {
        "year": year if year and 1000 <= year <= 9999 else None,
        "q": request.args.get("q", "").strip()[:100] or None,
    }


def _resolutions_stmt(institution_id: int, year: int | None, q: str | None) -> Select:
    stmt = select(Resolution).where(Resolution.institution_id == institution_id)
    if year is not None:
        stmt = stmt.where(Resolution.year == year)
    if q:
        try:
            number_year, number = parse_resolution_number(q)
        except ValueError:
            stmt = stmt.where(
                or_(
                    Resolution.title.contains(q, autoescape=True),
                    Resolution.text.contains(q, autoescape=True),
                )
            )
        else:
            stmt = stmt.where(Resolution.year == number_year, Resolution.number == number)
    return stmt


def _progress(resolution_ids) -> dict[int, int]:
    """Return {resolution id: the progress of its latest execution report}."""
    ids = sorted(set(resolution_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(ExecutionReport.resolution_id, ExecutionReport.progress)
        .where(ExecutionReport.resolution_id.in_(ids))
        .order_by(ExecutionReport.reported_at, ExecutionReport.id)
    )
    return dict(rows.all())


def _tally(motion: Motion | None) -> dict:
    outcome = (motion.outcome if motion else None) or {}
    return {k: outcome.get(k, 0) for k in ("yes", "no", "abstain")}


@bp.route("/<int:institution_id>/resolutions")
@login_required
def resolutions(institution_id: int):
    institution = _institution(institution_id)
    filters = _resolution_filters()
    stmt = _resolutions_stmt(institution.id, **filters).options(selectinload(Resolution.motion))
    page = db.paginate(
        stmt.order_by(Resolution.year.desc(), Resolution.number.desc()),
        per_page=RESOLUTIONS_PER_PAGE,
        max_per_page=RESOLUTIONS_PER_PAGE,
        error_out=False,
    )
    years = list(
        db.session.scalars(
            select(Resolution.year)
            .where(Resolution.institution_id == institution.id)
            .distinct()
            .order_by(Resolution.year.desc())
        )
    )
    return _render(
        "governance/council_resolutions.html",
        institution,
        page=page,
        filters=filters,
        years=years,
        progress=_progress(r.id for r in page.items),
        tallies={r.id: _tally(r.motion) for r in page.items},
    )


@bp.route("/<int:institution_id>/resolutions/export")
@login_required
def resolutions_export(institution_id: int):
    institution = _institution(institution_id)
    filters = _resolution_filters()
    found = list(
        db.session.scalars(
            _resolutions_stmt(institution.id, **filters)
            .options(selectinload(Resolution.motion))
            .order_by(Resolution.year, Resolution.number)
        )
    )
    progress = _progress(r.id for r in found)
    rows = (
        {
            "number": r.document_number,
            "year": r.year,
            "sequence": r.number,
            "title": r.title,
            "passed_on": queries.local_date(r.passed_at),
            "category": MotionCategory(r.motion.category).label if r.motion else "",
            **_tally(r.motion),
            "reason": r.motion.reason if r.motion else "",
            "progress": progress.get(r.id),
            "text": r.text,
            "hash": r.hash,
        }
        for r in found
    )
    head = queries.chain_head(institution.id)
    if head is not None:
        # the chain head when exported, kept with the copy to check a later rewrite against
        rows = [
            *rows,
            {
                "number": _("链头"),
                "sequence": head.last_sequence,
                "title": _("导出时本单位哈希链头"),
                "hash": head.last_hash,
            },
        ]
    stem = _("%(n)s-理事会决议", n=institution.name)
    return xlsx_response(RESOLUTIONS_EXPORT, rows, dated_filename(stem))


def _resolution_context(institution: Institution, resolution: Resolution) -> dict:
    motion = resolution.motion
    reports = list(
        db.session.scalars(
            select(ExecutionReport)
            .where(
                ExecutionReport.resolution_id == resolution.id,
                ExecutionReport.institution_id == institution.id,
            )
            .order_by(ExecutionReport.reported_at, ExecutionReport.id)
        )
    )
    opinions = _opinions(
        motion_ids={motion.id},
        resolution_ids={resolution.id},
        report_ids={r.id for r in reports},
    )
    people = _names([r.reported_by_id for r in reports] + [o.supervisor_id for o in opinions])
    try:
        intact = chain.link_hash(resolution.prev_hash, resolution.chain_record()) == resolution.hash
    except (TypeError, ValueError):
        intact = False
    return {
        "resolution": resolution,
        "motion": motion,
        "meeting": motion.meeting,
        "motion_url": _url_if(
            "governance.motion", institution_id=institution.id, motion_id=motion.id
        ),
        "tally": _tally(motion),
        "outcome": motion.outcome or {},
        "kind_label": MotionKind(motion.kind).label,
        "category_label": MotionCategory(motion.category).label,
        "reports": reports,
        "opinions": opinions,
        "opinions_by_report": _group(opinions, "execution_report_id"),
        "people": people,
        "intact": intact,
        "opinion_labels": {k.value: k.label for k in OpinionKind},
    }


def _resolution_page(
    institution: Institution,
    resolution: Resolution,
    status: int = 200,
    execution_form: ExecutionForm | None = None,
):
    context = _resolution_context(institution, resolution)
    back = url_for(".resolution", institution_id=institution.id, resolution_id=resolution.id)
    if execution_form is None and _holds(institution, BodyKind.MANAGEMENT):
        execution_form = ExecutionForm(formdata=None)
    supervisor = _holds(institution, BodyKind.SUPERVISORS)
    opinion_forms = {}
    if supervisor:
        opinion_forms["resolution"] = _opinion_form(institution, "resolution", resolution.id, back)
        opinion_forms["motion"] = _opinion_form(institution, "motion", context["motion"].id, back)
        for report in context["reports"]:
            opinion_forms[report.id] = _opinion_form(
                institution, "execution_report", report.id, back
            )
    return _render(
        "governance/council_resolution.html",
        institution,
        status,
        execution_form=execution_form,
        opinion_forms=opinion_forms,
        **context,
    )


@bp.route("/<int:institution_id>/resolutions/<int:resolution_id>")
@login_required
def resolution(institution_id: int, resolution_id: int):
    institution = _institution(institution_id)
    found = _resolution_or_404(institution.id, resolution_id)
    return _resolution_page(institution, found)


@bp.route("/<int:institution_id>/resolutions/<int:resolution_id>/print")
@login_required
def resolution_print(institution_id: int, resolution_id: int):
    institution = _institution(institution_id)
    found = _resolution_or_404(institution.id, resolution_id)
    return _render(
        "governance/council_resolution_print.html",
        institution,
        head=queries.chain_head(institution.id),
        # an official document is dated, not timed
        passed_on=format_date(queries.local_date(found.passed_at), "long"),
        **_resolution_context(institution, found),
    )


@bp.route("/<int:institution_id>/resolutions/<int:resolution_id>/executions", methods=["POST"])
@login_required
def execution_new(institution_id: int, resolution_id: int):
    institution = _institution(institution_id)
    found = _resolution_or_404(institution.id, resolution_id)
    form = ExecutionForm()
    if form.validate_on_submit():
        try:
            ops.record_execution(found, _me(), text=form.text.data, progress=form.progress.data)
        except GovernanceError as error:
            _refused(error)
        else:
            db.session.commit()
            flash(_("已报告决议执行情况。"), "success")
            return redirect(
                url_for(".resolution", institution_id=institution.id, resolution_id=found.id)
            )
    return _resolution_page(institution, found, 422, execution_form=form)


# --- supervisory opinions --------------------------------------------------------------------


def _opinion_target(institution_id: int, kind: str, target_id: int):
    model = {
        "motion": Motion,
        "resolution": Resolution,
        "execution_report": ExecutionReport,
    }[kind]
    return _one_or_404(
        select(model).where(model.id == target_id, model.institution_id == institution_id)
    )


def _target_url(institution: Institution, target) -> str:
    """Return the page that shows an opinion on ``target``."""
    if isinstance(target, ExecutionReport):
        resolution_id = target.resolution_id
    elif isinstance(target, Resolution):
        resolution_id = target.id
    elif target.resolution is not None:
        resolution_id = target.resolution.id
    else:
        return _url_if(
            "governance.motion", institution_id=institution.id, motion_id=target.id
        ) or url_for(".minutes", institution_id=institution.id, meeting_id=target.meeting_id)
    return url_for(".resolution", institution_id=institution.id, resolution_id=resolution_id)


def _safe_back(target: str | None, institution: Institution) -> str | None:
    """Return ``target`` if it is a governance page of this institution, else None."""
    if not is_safe_path(target):
        return None
    prefix = url_for(".council", institution_id=institution.id).rsplit("/", 1)[0] + "/"
    return target if urlsplit(target).path.startswith(prefix) else None


@bp.route("/<int:institution_id>/opinions", methods=["POST"])
@login_required
def opinion_new(institution_id: int):
    institution = _institution(institution_id)
    prefix = next((k.removesuffix("-target") for k in request.form if k.endswith("-target")), "")
    form = OpinionForm(prefix=prefix)
    target = None
    if form.validate_on_submit():
        target = _opinion_target(institution.id, form.target.data, int(form.target_id.data))
        try:
            ops.record_opinion(_me(), target, text=form.text.data, kind=form.kind.data)
        except GovernanceError as error:
            _refused(error)
        else:
            db.session.commit()
            if form.kind.data == OpinionKind.OBJECTION:
                flash(_("已记录异议，理事会和举办单位可以看到。"), "success")
            else:
                flash(_("已记录监督意见。"), "success")
            back = _safe_back(form.next.data, institution) or _target_url(institution, target)
            return redirect(back)
    return _render(
        "governance/council_opinion.html",
        institution,
        422,
        form=form,
        target=target,
        target_kind=form.target.data,
        back=_safe_back(form.next.data, institution)
        or url_for(".resolutions", institution_id=institution.id),
    )
