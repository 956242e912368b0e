"""Writes to the quota ledger (编制台账). Operations add and flush; the request commits."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from core import audit
from core.extensions import db
from core.i18n import Msg
from core.ids import china_today
from institutions.indicators import occupancy
from institutions.models import Institution, QuotaEntry, QuotaKind
from institutions.quota import quota_on
from institutions.staffing.document_numbers import check_document_number
from institutions.staffing.requests import reduction_problem

QUOTA_FIELDS = ["kind", "change", "document_number", "effective_on", "note"]


class QuotaError(ValueError):
    """A refused ledger change; the message names the field and the reason."""

    def __init__(self, message: Msg | str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _checkpoints(institution_id: int, kind: QuotaKind, effective_on: date, today: date) -> list:
    """Return the dates on which a change from ``effective_on`` must leave the quota sound.

    The effective date itself, today (for a back-dated change), and every later change of
    the same kind, where the quota steps again.
    """
    later = db.session.scalars(
        select(QuotaEntry.effective_on)
        .where(
            QuotaEntry.institution_id == institution_id,
            QuotaEntry.kind == kind.value,
            QuotaEntry.effective_on > effective_on,
        )
        .distinct()
    ).all()
    return sorted({effective_on, max(effective_on, today), *later})


def add_quota_entry(
    institution: Institution, data: Mapping[str, Any], *, today: date | None = None
) -> QuotaEntry:
    """Add one change to an institution's approved 编制, leadership posts or filed 员额.

    Refused without a valid document number (文号, stored written the standard way) or an
    effective date, for a zero change, for the same document entered twice for one kind,
    and for a reduction that would leave fewer places than people occupying them (or fewer
    than none).
    """
    today = today or china_today()
    try:
        kind = QuotaKind(data.get("kind"))
    except ValueError:
        raise QuotaError(_("请选择编制类型"), "kind") from None
    change = data.get("change")
    if not isinstance(change, int) or change == 0:
        raise QuotaError(_("变动数须为非零整数：增加填正数，核减填负数"), "change")
    document_number = check_document_number(data.get("document_number") or "", today=today)
    if isinstance(document_number, Msg):
        raise QuotaError(document_number, "document_number")
    effective_on = data.get("effective_on")
    if not isinstance(effective_on, date):
        raise QuotaError(_("请填写生效日期"), "effective_on")

    duplicate = db.session.scalar(
        select(func.count()).where(
            QuotaEntry.institution_id == institution.id,
            QuotaEntry.kind == kind.value,
            QuotaEntry.document_number == document_number,
        )
    )
    if duplicate:
        raise QuotaError(
            _(
                "文号「%(d)s」已登记过本单位的%(k)s变动，请勿重复登记",
                d=document_number,
                k=kind.label,
            ),
            "document_number",
        )

    if change < 0:
        for on in _checkpoints(institution.id, kind, effective_on, today):
            problem = reduction_problem(
                kind_label=kind.label,
                on=on,
                approved=quota_on(institution.id, kind, on),
                occupied=occupancy(institution.id, on).get(kind),
                change=change,
            )
            if problem is not None:
                raise QuotaError(problem, "change")

    entry = QuotaEntry(
        institution_id=institution.id,
        kind=kind.value,
        change=change,
        document_number=document_number,
        effective_on=effective_on,
        note=(data.get("note") or "").strip() or None,
    )
    db.session.add(entry)
    db.session.flush()
    audit.record(
        "quota.add",
        entry,
        institution_id=institution.id,
        summary=_(
            "%(k)s %(c)+d 名（%(d)s，%(on)s 起）",
            k=kind.label,
            c=change,
            d=document_number,
            on=effective_on.isoformat(),
        ),
        changes=audit.diff({}, audit.snapshot(entry, QUOTA_FIELDS)),
    )
    return entry
