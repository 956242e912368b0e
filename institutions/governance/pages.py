"""What every governance topic's pages share: loading and authorizing, the sub-navigation,
refusals shown to the user, local times in forms, and the supervisors' panel.

Load → authorize → act. The institution is looked up inside the user's registry scope (404
outside it), then ``GOVERNANCE_VIEW`` (reading) or ``GOVERNANCE_MANAGE`` (preparing business)
is required (403). Signing minutes, declaring interests, voting, reporting execution and
recording supervisory opinions are authorized by the person's seat: the operations check it
and refuse with a message, shown in the reader's language with status 422, nothing written.

Reads are in ``queries`` (the package's and each topic's); this module only turns a missing
record into a 404 and a refusal into a message.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import abort, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.auth.models import User
from core.extensions import db
from core.models import utcnow
from institutions.governance import queries
from institutions.governance.models import (
    BodyKind,
    GovernanceError,
    Meeting,
    OpinionKind,
)
from institutions.governance.motions import operations as motion_ops
from institutions.governance.permissions import GOVERNANCE_VIEW
from institutions.governance.resolutions.forms import OpinionForm
from institutions.governance.resolutions.queries import opinions_on
from institutions.models import Institution
from institutions.scoped import institution_for

# --- loading and authorizing -----------------------------------------------------------------


def institution(institution_id: int, perm: str = GOVERNANCE_VIEW) -> Institution:
    """Return the institution if visible (else 404) and ``perm`` is held there (else 403)."""
    return institution_for(institution_id, perm)


def or_404(found):
    """Return ``found``, or answer 404 when it is None."""
    if found is None:
        abort(404)
    return found


def meeting_or_404(institution: Institution, meeting_id: int) -> Meeting:
    return or_404(queries.meeting_of(institution.id, meeting_id))


def me() -> User:
    return current_user._get_current_object()


def today() -> date:
    return queries.local_date(utcnow())


def holds(institution: Institution, kind: BodyKind | None = None) -> bool:
    """Return whether the current user holds a seat (of ``kind``) in the institution today."""
    return any(
        s.user_id == current_user.id for s in queries.active_seats(institution.id, today(), kind)
    )


# --- refusals --------------------------------------------------------------------------------


def refusal_text(error: GovernanceError) -> str:
    """Roll back and return the refusal in the reader's language."""
    db.session.rollback()
    return str(error)


def flash_refusal(error: GovernanceError) -> None:
    """Roll back and flash the refusal in the reader's language."""
    flash(refusal_text(error), "danger")


def flash_form_errors(form) -> None:
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "danger")


# --- the page around the content -------------------------------------------------------------


def nav(institution: Institution) -> list[dict]:
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


def url_if(endpoint: str, **values) -> str | None:
    """Return the URL of ``endpoint`` if that page exists (other modules add pages)."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


def render(template: str, institution: Institution, status: int = 200, **context):
    return render_template(
        template, institution=institution, gov_nav=nav(institution), **context
    ), status


def users_by_id(user_ids) -> dict[int, User]:
    return queries.users_by_id(user_ids)


def names_by_id(user_ids) -> dict[int, str]:
    """Return {user id: full name} for the given ids, in one query."""
    return queries.names_by_id(user_ids)


# --- local times in forms --------------------------------------------------------------------


def aware(moment: datetime | None) -> datetime | None:
    """Return a local wall-clock time from a form as an aware datetime."""
    if moment is None:
        return None
    return moment.replace(tzinfo=queries.local_zone())


def local_input(moment: datetime) -> datetime:
    """Return an aware time as the naive local time a datetime-local input shows."""
    return moment.astimezone(queries.local_zone()).replace(tzinfo=None, second=0, microsecond=0)


# --- the supervisors' panel ------------------------------------------------------------------


def opinion_form(institution: Institution, target: str, target_id: int, back: str):
    """Return an opinion form for a supervisor seated today, else None."""
    if not holds(institution, BodyKind.SUPERVISORS):
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
    opinions = opinions_on(motion_ids=[motion_id])
    return {
        "opinions": opinions,
        "people": users_by_id(o.supervisor_id for o in opinions),
        "opinion_form": opinion_form(institution, "motion", motion_id, back),
        "opinion_labels": {k.value: k.label for k in OpinionKind},
    }


def close_overdue(institution: Institution, **where) -> None:
    """Close the written votes past their deadline that the page is about to show."""
    if motion_ops.close_due_written_motions(institution_id=institution.id, **where):
        db.session.commit()
