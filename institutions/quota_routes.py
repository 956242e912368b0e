"""The quota ledger page (编制台账): history, and approved / occupied / vacant per kind.

Routes on the registry blueprint; ``institutions/views.py`` imports this module at its end.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from core.extensions import db
from core.ids import china_today
from core.permissions import can
from institutions import quota_ops
from institutions.indicators import occupancy
from institutions.models import Institution, QuotaEntry, QuotaKind
from institutions.permissions import QUOTA_VIEW, REGISTRY_MANAGE
from institutions.quota_forms import QuotaEntryForm
from institutions.scoped import institution_for
from institutions.views import bp


@dataclass(frozen=True)
class QuotaLine:
    """One kind's standing today; ``occupied`` is None when no package counts it."""

    kind: QuotaKind
    approved: int
    occupied: int | None

    @property
    def vacant(self) -> int | None:
        return None if self.occupied is None else self.approved - self.occupied

    @property
    def is_over(self) -> bool:
        return self.vacant is not None and self.vacant < 0


@dataclass(frozen=True)
class LedgerRow:
    """A ledger entry with the quota of its kind after it."""

    entry: QuotaEntry
    balance: int
    is_future: bool

    @property
    def kind_label(self) -> str:
        return QuotaKind(self.entry.kind).label


def _institution(institution_id: int) -> Institution:
    """Return the institution: 404 outside the user's registry scope, 403 without HR rights."""
    return institution_for(institution_id, QUOTA_VIEW)


def _ledger(institution: Institution) -> tuple[list[QuotaLine], list[LedgerRow]]:
    """Return today's standing per kind and the history, newest first, in two queries."""
    today = china_today()
    entries = db.session.scalars(
        select(QuotaEntry)
        .where(QuotaEntry.institution_id == institution.id)
        .order_by(QuotaEntry.effective_on, QuotaEntry.id)
    ).all()
    balances = dict.fromkeys(QuotaKind, 0)
    approved = dict.fromkeys(QuotaKind, 0)
    rows = []
    for entry in entries:
        kind = QuotaKind(entry.kind)
        balances[kind] += entry.change
        if entry.effective_on <= today:
            approved[kind] += entry.change
        rows.append(LedgerRow(entry, balances[kind], entry.effective_on > today))
    occupied = occupancy(institution.id, today)
    lines = [QuotaLine(kind, approved[kind], occupied.get(kind)) for kind in QuotaKind]
    return lines, rows[::-1]


def _render(institution: Institution, form: QuotaEntryForm | None, status: int = 200):
    lines, rows = _ledger(institution)
    return render_template(
        "institutions/quota.html",
        institution=institution,
        lines=lines,
        rows=rows,
        form=form,
        today=china_today(),
    ), status


@bp.route("/<int:institution_id>/quota")
@login_required
def quota(institution_id: int):
    institution = _institution(institution_id)
    form = QuotaEntryForm() if can(current_user, REGISTRY_MANAGE, institution) else None
    return _render(institution, form)


@bp.route("/<int:institution_id>/quota/add", methods=["POST"])
@login_required
def quota_add(institution_id: int):
    institution = institution_for(institution_id, REGISTRY_MANAGE)
    form = QuotaEntryForm()
    if form.validate_on_submit():
        try:
            entry = quota_ops.add_quota_entry(institution, form.data)
        except quota_ops.QuotaError as error:
            getattr(form, error.field or "change").errors.append(str(error))
        else:
            db.session.commit()
            flash(
                _(
                    "已登记%(k)s变动 %(c)+d 名（%(d)s）。",
                    k=QuotaKind(entry.kind).label,
                    c=entry.change,
                    d=entry.document_number,
                ),
                "success",
            )
            return redirect(url_for(".quota", institution_id=institution.id))
    return _render(institution, form, 422)
