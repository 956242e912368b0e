"""The roster export as a background job: a large institution's export runs in the worker,
and its page offers the file when it is written."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.excel import write_workbook_to
from core.extensions import db
from core.http import attach_export, dated_filename
from core.i18n import msg
from core.jobs import JobContext, JobKind
from core.permissions import can
from hr.permissions import HR_VIEW
from hr.roster.excel import ROSTER_SPEC
from hr.roster.queries import export_count, export_rows
from hr.staff.masking import sees_full_numbers
from hr.staff.queries import StaffFilters
from institutions.models import Institution

KIND = "hr.roster_export"
#: Rows between two progress reports.
PROGRESS_EVERY = 2000


def run_roster_export(ctx: JobContext) -> dict[str, Any]:
    """Write the roster of the job's institution with the filters of the export page.

    Access is judged again for the person who started it, as the page judged it: HR
    readers get the roster, only its HR officers see whole ID and account numbers (hr.staff.masking).
    """
    institution = db.session.scalar(select(Institution).where(Institution.id == ctx.institution_id))
    if institution is None or not can(ctx.actor, HR_VIEW, institution):
        ctx.fail(msg("没有查看该单位人员花名册的权限"))
    full_id = sees_full_numbers(ctx.actor, institution)
    filters = StaffFilters.from_args(ctx.params.get("args") or {}, default_status="active")
    total = export_count(institution_ids=[institution.id], full_id=full_id, **filters.as_dict())
    ctx.progress(0, total)

    def rows():
        found = export_rows(
            institution_ids=[institution.id],
            mask_ids=not full_id,
            full_id=full_id,
            **filters.as_dict(),
        )
        for done, row in enumerate(found, start=1):
            yield row
            if done % PROGRESS_EVERY == 0:
                ctx.progress(done, total)

    filename = dated_filename(f"人员花名册-{institution.name}")
    written = attach_export(
        ctx, filename, lambda path: write_workbook_to(path, ROSTER_SPEC, rows())
    )
    ctx.progress(written, written)
    return {"summary": msg("已导出 %(n)d 人的花名册", n=written)}


JOBS = (JobKind(KIND, msg("导出人员花名册"), run_roster_export),)
