"""Writes to the quota ledger (编制台账). Operations add and flush; the request commits.

Entries are never edited or deleted: a wrong one is corrected by a reversing entry (冲销)
with its own 文号. Reductions free places into the region's pool (先减后加) and approvals
draw from it; the pool is read and moved under a row lock, so two approvals cannot both
take its last places.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from core import audit, files
from core.errors import Refusal
from core.extensions import db
from core.i18n import Msg, msg
from core.ids import china_today
from institutions.indicators import occupancy
from institutions.models import Institution, QuotaEntry, QuotaKind
from institutions.quota.queries import quota_on
from institutions.staffing.document_numbers import check_document_number
from institutions.staffing.requests import Pool, PoolError, reduction_problem

QUOTA_FIELDS = ["kind", "change", "document_number", "effective_on", "note", "reverses_id"]


class QuotaError(Refusal):
    """A refused ledger change; the message names the field and the reason."""

    def __init__(
        self,
        message: Msg | str | None = None,
        field: str | None = None,
        *,
        errors: Mapping[str, Msg | str] | None = None,
    ) -> None:
        super().__init__(message, field=field, errors=errors)


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


def checked_document_number(text: str | None, today: date, field: str = "document_number") -> str:
    """Return the 文号 written the standard way, or raise QuotaError saying what is wrong."""
    checked = check_document_number(text or "", today=today)
    if isinstance(checked, Msg):
        raise QuotaError(checked, field)
    return checked


def _check_reduction(institution: Institution, kind: QuotaKind, change: int, on: date, today):
    if change >= 0:
        return
    for day in _checkpoints(institution.id, kind, on, today):
        problem = reduction_problem(
            kind_label=kind.label,
            on=day,
            approved=quota_on(institution.id, kind, day),
            occupied=occupancy(institution.id, day).get(kind),
            change=change,
        )
        if problem is not None:
            raise QuotaError(problem, "change")


# --------------------------------------------------------------------------- the pool


def lock_pool(district_code: str, kind: str):
    """Return the region's pool row for ``kind``, created if missing, locked until commit."""
    from institutions.staffing.models import QuotaPool

    dialect = db.session.get_bind().dialect.name
    values = {"district_code": district_code, "kind": kind, "freed": 0, "drawn": 0}
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # Two first uses at once: one inserts, the other waits for it; then both lock the row.
    db.session.execute(
        insert(QuotaPool)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["district_code", "kind"])
    )
    return db.session.scalar(
        select(QuotaPool)
        .where(QuotaPool.district_code == district_code, QuotaPool.kind == kind)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def free_places(district_code: str, kind: str, number: int) -> None:
    """Put ``number`` places a reduction freed into the region's pool."""
    from institutions.staffing.models import QuotaPool

    pool = lock_pool(district_code, kind)
    db.session.execute(
        update(QuotaPool).where(QuotaPool.id == pool.id).values(freed=QuotaPool.freed + number)
    )


def draw_places(district_code: str, kind: str, number: int) -> None:
    """Take ``number`` places from the region's pool, or raise QuotaError (nothing written).

    The row is locked first (PostgreSQL: FOR UPDATE), and the UPDATE itself only succeeds
    while the pool still covers the draw, so even an unlocked stale read cannot overdraw.
    """
    from institutions.staffing.models import QuotaPool

    pool = lock_pool(district_code, kind)
    try:
        Pool(pool.freed, pool.drawn).draw(number)
    except PoolError as error:
        raise QuotaError(error.message, "number") from None
    result = db.session.execute(
        update(QuotaPool)
        .where(QuotaPool.id == pool.id, QuotaPool.freed - QuotaPool.drawn >= number)
        .values(drawn=QuotaPool.drawn + number)
    )
    if result.rowcount != 1:  # pragma: no cover - the lock makes this unreachable on PostgreSQL
        raise QuotaError(msg("本区域腾出的编制已被其他审批使用，请刷新后重试"), "number")


# --------------------------------------------------------------------------- entries


def _store_document(institution: Institution, upload: Any, actor: Any) -> int | None:
    if upload is None or not getattr(upload, "filename", ""):
        return None
    try:
        stored = files.store(
            upload.stream,
            upload.filename,
            purpose="quota.document",
            institution_id=institution.id,
            actor=actor,
        )
    except files.FileRefused as refused:
        raise QuotaError(refused.message, "document") from None
    return stored.id


def add_quota_entry(
    institution: Institution,
    data: Mapping[str, Any],
    *,
    today: date | None = None,
    actor: Any = None,
    request_id: int | None = None,
    pooled: bool | None = None,
) -> QuotaEntry:
    """Add one change to an institution's approved 编制, leadership posts or filed 员额.

    Refused without a valid document number (文号, stored written the standard way) or an
    effective date, for a zero change, for the same document entered twice for one kind,
    and for a reduction that would leave fewer places than people occupying them (or fewer
    than none). A reduction frees its places into the region's pool (``pooled``, default
    for reductions); an addition draws from it only when ``pooled`` is true (an approval).
    ``data["document"]`` may carry the approval document (an upload) to keep with it.
    """
    today = today or china_today()
    # Every field's own problem at once, each under its field (issue 9, item 19); the
    # checks that need them all (a duplicate 文号, a reduction below occupancy) follow.
    errors: dict[str, Msg | str] = {}
    try:
        kind = QuotaKind(data.get("kind"))
    except ValueError:
        errors["kind"] = msg("请选择编制类型")
    change = data.get("change")
    if not isinstance(change, int) or isinstance(change, bool) or change == 0:
        errors["change"] = msg("变动数须为非零整数：增加填正数，核减填负数")
    try:
        document_number = checked_document_number(data.get("document_number"), today)
    except QuotaError as refusal:
        errors.update(refusal.by_field())
    effective_on = data.get("effective_on")
    if not isinstance(effective_on, date):
        errors["effective_on"] = msg("请填写生效日期")
    if errors:
        raise QuotaError(errors=errors)

    duplicate = db.session.scalar(
        select(func.count()).where(
            QuotaEntry.institution_id == institution.id,
            QuotaEntry.kind == kind.value,
            QuotaEntry.document_number == document_number,
        )
    )
    if duplicate:
        raise QuotaError(
            msg(
                "文号「%(d)s」已登记过本单位的%(k)s变动，请勿重复登记",
                d=document_number,
                k=kind.label,
            ),
            "document_number",
        )
    _check_reduction(institution, kind, change, effective_on, today)
    is_pooled = change < 0 if pooled is None else pooled
    if is_pooled and change > 0:
        draw_places(institution.district_code, kind.value, change)
    elif is_pooled:
        free_places(institution.district_code, kind.value, -change)

    entry = QuotaEntry(
        institution_id=institution.id,
        kind=kind.value,
        change=change,
        document_number=document_number,
        effective_on=effective_on,
        note=(data.get("note") or "").strip()[:255] or None,
        request_id=request_id,
        is_pooled=is_pooled,
        recorded_by_id=getattr(actor, "id", None),
        document_file_id=_store_document(institution, data.get("document"), actor),
    )
    db.session.add(entry)
    db.session.flush()
    audit.record(
        "quota.add",
        entry,
        institution_id=institution.id,
        summary=f"{kind.value} {change:+d} {document_number} {effective_on.isoformat()}",
        changes=audit.diff({}, audit.snapshot(entry, QUOTA_FIELDS)),
        actor=actor,
    )
    return entry


def reverse_quota_entry(
    entry: QuotaEntry,
    data: Mapping[str, Any],
    *,
    today: date | None = None,
    actor: Any = None,
) -> QuotaEntry:
    """Correct a wrong entry by a reversing one (冲销): the opposite change, its own 文号.

    Refused for an entry already reversed, for a reversal (enter the right change instead),
    without a reason, and when the reversal would cut below occupancy. A reversed
    reduction takes its places back from the region's pool (refused if they were already
    drawn); a reversed approval puts them back.
    """
    today = today or china_today()
    if entry.reverses_id is not None:
        raise QuotaError(
            msg("冲销记录不能再冲销；如冲销有误，请另行登记正确的变动"), "document_number"
        )
    already = db.session.scalar(select(QuotaEntry.id).where(QuotaEntry.reverses_id == entry.id))
    if already is not None:
        raise QuotaError(msg("这条记录已经冲销过，不能重复冲销"), "document_number")
    reason = (data.get("note") or "").strip()
    if not reason:
        raise QuotaError(msg("请写明冲销原因"), "note")
    institution = db.session.get(Institution, entry.institution_id)
    document_number = checked_document_number(data.get("document_number"), today)
    if document_number == entry.document_number:
        raise QuotaError(
            msg("冲销须有自己的文号，不能沿用原记录的文号「%(d)s」", d=document_number),
            "document_number",
        )
    effective_on = data.get("effective_on") or entry.effective_on
    if not isinstance(effective_on, date):
        raise QuotaError(msg("请填写生效日期"), "effective_on")
    kind = QuotaKind(entry.kind)
    change = -entry.change
    _check_reduction(institution, kind, change, effective_on, today)
    if entry.is_pooled and change > 0:
        draw_places(institution.district_code, kind.value, change)
    elif entry.is_pooled:
        free_places(institution.district_code, kind.value, -change)
    reversal = QuotaEntry(
        institution_id=institution.id,
        kind=kind.value,
        change=change,
        document_number=document_number,
        effective_on=effective_on,
        note=msg_text_reversal(entry, reason),
        reverses_id=entry.id,
        request_id=entry.request_id,
        is_pooled=entry.is_pooled,
        recorded_by_id=getattr(actor, "id", None),
        document_file_id=_store_document(institution, data.get("document"), actor),
    )
    db.session.add(reversal)
    db.session.flush()
    audit.record(
        "quota.reverse",
        reversal,
        institution_id=institution.id,
        summary=f"{entry.document_number} → {document_number} {change:+d}",
        changes=audit.diff({}, audit.snapshot(reversal, QUOTA_FIELDS)),
        actor=actor,
    )
    return reversal


def msg_text_reversal(entry: QuotaEntry, reason: str) -> str:
    """Return the note stored with a reversal: the reason as the office wrote it."""
    return reason[:255]
