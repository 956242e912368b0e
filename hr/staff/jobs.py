"""The staff list export as a background job, for institutions too large for one request."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select

from core.excel import write_workbook_to
from core.extensions import db
from core.http import attach_export, dated_filename
from core.i18n import msg
from core.ids import china_today
from core.jobs import JobContext, JobKind
from core.permissions import can
from hr.models import Employment
from hr.permissions import HR_VIEW
from hr.staff.excel import STAFF_EXPORT, export_row
from hr.staff.masking import sees_full_numbers
from hr.staff.queries import STAFF_SORTS, StaffFilters, staff_statement, with_current_post
from institutions.models import Institution

KIND = "hr.staff_export"
PROGRESS_EVERY = 2000
#: Rows fetched from the database at a time.
BATCH = 2000


def export_statement(
    institution_id: int, args: Mapping[str, Any], on: date, *, full_id: bool
) -> Select:
    """Return the staff export's statement for the list's query string ``args``: its
    filters and its sort (staff number by default), each employment with its post."""
    key = args.get("sort")
    key = key if key in STAFF_SORTS else "staff_number"
    column = STAFF_SORTS[key]
    descending = key == args.get("sort") and args.get("dir") == "desc"
    filters = StaffFilters.from_args(args)
    return with_current_post(
        staff_statement(filters, on, institution_ids=[institution_id], full_id=full_id), on
    ).order_by(column.desc() if descending else column.asc(), Employment.id)


def export_count(stmt: Select) -> int:
    """Return how many employments ``stmt`` (an export statement) yields."""
    counted = stmt.with_only_columns(Employment.id).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(counted)) or 0


def staff_rows(stmt: Select, on: date, *, full_id: bool) -> Iterator[dict[str, Any]]:
    """Yield the export rows of ``stmt``, fetched in batches."""
    result = db.session.execute(stmt.execution_options(yield_per=BATCH))
    for employment, post in result:
        yield export_row(employment, post, on, full_id=full_id)


def run_staff_export(ctx: JobContext) -> dict[str, Any]:
    """Write the staff list of the job's institution as the export page would have.

    Access is judged again for the person who started it: HR readers get the list, only
    its HR officers see whole ID and account numbers (hr.staff.masking).
    """
    institution = db.session.scalar(select(Institution).where(Institution.id == ctx.institution_id))
    if institution is None or not can(ctx.actor, HR_VIEW, institution):
        ctx.fail(msg("没有查看该单位人员名册的权限"))
    full_id = sees_full_numbers(ctx.actor, institution)
    on = china_today()
    stmt = export_statement(institution.id, ctx.params.get("args") or {}, on, full_id=full_id)
    total = export_count(stmt)
    ctx.progress(0, total)

    def rows():
        for done, row in enumerate(staff_rows(stmt, on, full_id=full_id), start=1):
            yield row
            if done % PROGRESS_EVERY == 0:
                ctx.progress(done, total)

    filename = dated_filename(f"人员名册-{institution.name}")
    written = attach_export(
        ctx, filename, lambda path: write_workbook_to(path, STAFF_EXPORT, rows())
    )
    ctx.progress(written, written)
    return {"summary": msg("已导出 %(n)d 人的名册", n=written)}


JOBS = (JobKind(KIND, msg("导出人员名册"), run_staff_export),)
