"""The quota ledger page (编制台账): history, and approved / occupied / vacant per kind.

Routes on the ``institutions`` blueprint (institutions/blueprint.py), beside the registry's.
A wrong entry is never edited: the office reverses it with an entry of its own 文号.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from core import files
from core.actions import perform
from core.extensions import db
from core.i18n import msg
from core.ids import china_today
from core.permissions import can
from institutions.blueprint import bp
from institutions.indicators import occupancy
from institutions.models import Institution, QuotaEntry, QuotaKind
from institutions.permissions import QUOTA_VIEW, REGISTRY_MANAGE
from institutions.quota import operations as quota_ops
from institutions.quota.forms import QuotaEntryForm, ReversalForm
from institutions.scoped import institution_for


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
    """A ledger entry with the quota of its kind after it, and its reversal if any."""

    entry: QuotaEntry
    balance: int
    is_future: bool
    reversed_by: QuotaEntry | None = None
    reverses: QuotaEntry | None = None

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
    by_id = {e.id: e for e in entries}
    reversal_of = {e.reverses_id: e for e in entries if e.reverses_id}
    balances = dict.fromkeys(QuotaKind, 0)
    approved = dict.fromkeys(QuotaKind, 0)
    rows = []
    for entry in entries:
        kind = QuotaKind(entry.kind)
        balances[kind] += entry.change
        if entry.effective_on <= today:
            approved[kind] += entry.change
        rows.append(
            LedgerRow(
                entry,
                balances[kind],
                entry.effective_on > today,
                reversal_of.get(entry.id),
                by_id.get(entry.reverses_id) if entry.reverses_id else None,
            )
        )
    occupied = occupancy(institution.id, today)
    lines = [QuotaLine(kind, approved[kind], occupied.get(kind)) for kind in QuotaKind]
    return lines, rows[::-1]


def _render(
    institution: Institution,
    form: QuotaEntryForm | None,
    status: int = 200,
    reversal: ReversalForm | None = None,
    reversing: int | None = None,
):
    lines, rows = _ledger(institution)
    from flask import render_template

    manage = can(current_user, REGISTRY_MANAGE, institution)
    return render_template(
        "institutions/quota.html",
        institution=institution,
        lines=lines,
        rows=rows,
        form=form,
        reversal=reversal or (ReversalForm() if manage else None),
        reversing=reversing,
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
        data = {**form.data, "document": request.files.get("document")}
        done = perform(
            quota_ops.add_quota_entry,
            institution,
            data,
            actor=current_user,
            form=form,
            success=lambda entry: msg(
                "已登记%(k)s变动 %(c)+d 名（%(d)s）。",
                k=QuotaKind(entry.kind).label,
                c=entry.change,
                d=entry.document_number,
            ),
        )
        if done:
            return redirect(url_for(".quota", institution_id=institution.id))
    return _render(institution, form, 422)


def _entry(institution: Institution, entry_id: int) -> QuotaEntry:
    entry = db.session.scalar(
        select(QuotaEntry).where(
            QuotaEntry.id == entry_id, QuotaEntry.institution_id == institution.id
        )
    )
    if entry is None:
        abort(404)
    return entry


@bp.route("/<int:institution_id>/quota/<int:entry_id>/reverse", methods=["POST"])
@login_required
def quota_reverse(institution_id: int, entry_id: int):
    """Correct a wrong entry by a reversing one with its own 文号 (never an edit)."""
    institution = institution_for(institution_id, REGISTRY_MANAGE)
    entry = _entry(institution, entry_id)
    form = ReversalForm()
    if form.validate_on_submit():
        data = {**form.data, "document": request.files.get("document")}
        done = perform(
            quota_ops.reverse_quota_entry,
            entry,
            data,
            actor=current_user,
            form=form,
            success=lambda r: msg(
                "已冲销文号「%(o)s」的记录（冲销文号 %(d)s）。",
                o=entry.document_number,
                d=r.document_number,
            ),
        )
        if done:
            return redirect(url_for(".quota", institution_id=institution.id))
    form_add = QuotaEntryForm()
    return _render(institution, form_add, 422, reversal=form, reversing=entry.id)


@bp.route("/<int:institution_id>/quota/<int:entry_id>/document")
@login_required
def quota_document(institution_id: int, entry_id: int):
    """Download the approval document kept with an entry."""
    institution = _institution(institution_id)
    entry = _entry(institution, entry_id)
    stored = files.get(entry.document_file_id)
    if stored is None:
        abort(404)
    return files.send(stored)
