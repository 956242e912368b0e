"""Council pages: the council, the supervisors and the management (seats and their terms),
the charter settings and proposals to change them, and members' declarations of interests."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.auth.models import User
from core.extensions import db
from core.forms import choices
from core.i18n import msg
from core.permissions import can, scope_for
from institutions.governance import charter_changes, pages, queries
from institutions.governance.blueprint import bp
from institutions.governance.charter import DEFAULTS, Base, Charter
from institutions.governance.council import operations as council_ops
from institutions.governance.council import queries as council_queries
from institutions.governance.council.forms import (
    CharterForm,
    CharterProposalForm,
    DeclarationForm,
    EndSeatForm,
    SeatForm,
)
from institutions.governance.meetings import queries as meeting_queries
from institutions.governance.models import (
    BodyKind,
    GovernanceError,
    Relation,
    Seat,
)
from institutions.governance.permissions import (
    GOVERNANCE_MANAGE,
    GOVERNANCE_SETUP,
)
from institutions.models import Institution
from institutions.permissions import REGISTRY_VIEW
from institutions.registry.queries import get_institution_or_404

BODY_ORDER = (BodyKind.COUNCIL, BodyKind.MANAGEMENT, BodyKind.SUPERVISORS)


def _seat_state(seat: Seat, today: date) -> str:
    if seat.term_start_on > today:
        return "future"
    if seat.term_end_on is not None and seat.term_end_on < today:
        return "ended"
    return "active"


def _council_page(institution: Institution, status: int = 200):
    today = pages.today()
    seats = council_queries.seats_of(institution.id)
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
    declared = council_queries.declared_at(institution.id)
    seated_me = any(
        s.user_id == current_user.id and _seat_state(s, today) == "active" for s in seats
    )
    return pages.render(
        "governance/council_index.html",
        institution,
        status,
        bodies=bodies,
        warnings=council_queries.composition_warnings(institution.id, today),
        declared=declared,
        today=today,
        seated_me=seated_me,
        can_manage=can(current_user, GOVERNANCE_MANAGE, institution),
        end_form=EndSeatForm(formdata=None, end_on=today),
    )


@bp.route("/<int:institution_id>/council")
@login_required
def council(institution_id: int):
    institution = pages.institution(institution_id)
    return _council_page(institution)


def _institution_users(institution_id: int) -> list[User]:
    """Return the active users holding a role in the institution, by name."""
    return council_queries.institution_users(institution_id)


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
    institution = pages.institution(institution_id, GOVERNANCE_MANAGE)
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
        form.term_start_on.data = pages.today()
        if request.args.get("body") in set(BodyKind):
            form.body.data = request.args["body"]
    if form.validate_on_submit():
        user = _chosen_user(form, candidates)
        if user is not None:
            try:
                seat = council_ops.seat_member(
                    institution.id,
                    user,
                    body=form.body.data,
                    office=form.office.data,
                    constituency=form.constituency.data or None,
                    term_start_on=form.term_start_on.data,
                    term_end_on=form.term_end_on.data,
                    actor=pages.me(),
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
    return pages.render(
        "governance/council_seat_form.html",
        institution,
        422 if form.errors else 200,
        form=form,
    )


@bp.route("/<int:institution_id>/council/seats/<int:seat_id>/end", methods=["POST"])
@login_required
def seat_end(institution_id: int, seat_id: int):
    institution = pages.institution(institution_id, GOVERNANCE_MANAGE)
    seat = pages.or_404(council_queries.seat_of(institution.id, seat_id))
    form = EndSeatForm()
    if form.validate_on_submit():
        name = seat.user.full_name
        try:
            council_ops.end_seat(seat, form.end_on.data, reason=form.reason.data, actor=pages.me())
        except GovernanceError as error:
            pages.flash_refusal(error)
        else:
            db.session.commit()
            flash(_("%(n)s 的任期已结束于 %(d)s。", n=name, d=form.end_on.data), "success")
            return redirect(url_for(".council", institution_id=institution.id))
    else:
        pages.flash_form_errors(form)
    return _council_page(institution, 422)


def _charter_page(
    institution: Institution,
    form: CharterForm | None = None,
    status: int = 200,
    *,
    proposal_form: CharterProposalForm | None = None,
):
    charter = queries.charter_for(institution.id)
    saved = council_queries.saved_charter(institution.id)
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
    return pages.render(
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
                for m in meeting_queries.meetings_for_proposals(institution.id)
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
    institution = pages.institution(institution_id)
    return _charter_page(institution)


# The same URL as ``charter``: a separate endpoint because only the staffing office and the
# sponsor set the charter up, once.
@bp.route("/<int:institution_id>/charter", methods=["POST"], endpoint="charter_save")
@login_required
def charter_save(institution_id: int):
    institution = pages.institution(institution_id, GOVERNANCE_SETUP)
    form = CharterForm()
    if form.validate_on_submit():
        try:
            council_ops.setup_charter(institution.id, form.settings(), actor=pages.me())
        except GovernanceError as error:
            pages.flash_refusal(error)
            return _charter_page(institution, None, 422)
        else:
            db.session.commit()
            flash(_("已确定章程初始设置。"), "success")
            return redirect(url_for(".charter", institution_id=institution.id))
    return _charter_page(institution, form, 422)


@bp.route("/<int:institution_id>/charter/proposals", methods=["POST"])
@login_required
def charter_propose(institution_id: int):
    institution = pages.institution(institution_id, GOVERNANCE_MANAGE)
    form = _proposal_form(institution)
    if form.validate_on_submit():
        meeting = queries.meeting_of(institution.id, int(form.meeting_id.data))
        try:
            if meeting is None:
                raise GovernanceError(msg("请选择本单位尚未结束的会议"))
            motion = charter_changes.propose_charter_change(
                institution.id,
                form.settings(),
                meeting=meeting,
                text=form.reason.data,
                actor=pages.me(),
            )
        except GovernanceError as error:
            db.session.rollback()
            form.meeting_id.errors = [*form.meeting_id.errors, str(error)]
        else:
            db.session.commit()
            flash(_("已提交理事会审议：%(t)s。", t=motion.title), "success")
            return redirect(url_for(".motion", institution_id=institution.id, motion_id=motion.id))
    return _charter_page(institution, None, 422, proposal_form=form)


@bp.route("/<int:institution_id>/declaration", methods=["GET", "POST"])
@login_required
def declaration(institution_id: int):
    institution = get_institution_or_404(scope_for(current_user, REGISTRY_VIEW), institution_id)
    # Members declare their own interests: the seat, not a role, gives the right.
    if not pages.holds(institution):
        abort(403)
    latest = council_queries.latest_declaration(institution.id, current_user.id)
    form = DeclarationForm()
    if request.method == "GET" and latest is not None:
        form.fill(latest.items)
    if form.validate_on_submit():
        try:
            council_ops.declare_interests(pages.me(), institution.id, form.items())
        except GovernanceError as error:
            db.session.rollback()
            form.near_relatives.errors = [*form.near_relatives.errors, str(error)]
        else:
            db.session.commit()
            flash(_("已更新您的利害关系申报。"), "success")
            return redirect(url_for(".declaration", institution_id=institution.id))
    return pages.render(
        "governance/council_declaration.html",
        institution,
        422 if form.errors else 200,
        form=form,
        latest=latest,
        relation_labels={r.value: r.label for r in Relation},
    )
