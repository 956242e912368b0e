"""Background jobs of the staffing office: exports too large for a request."""

from __future__ import annotations

import io
from typing import Any

from flask_babel import force_locale
from sqlalchemy import func, select

from core.excel import write_workbook
from core.extensions import db
from core.i18n import msg
from core.jobs import JobContext, JobKind
from core.permissions import scope_for
from institutions.models import QuotaEntry
from institutions.staffing import excel, queries
from institutions.staffing.permissions import STAFFING_OVERVIEW

BATCH = 2000


def run_entries_export(ctx: JobContext) -> dict[str, Any]:
    """Write every ledger entry the starter may see, streamed in batches."""
    scope = scope_for(ctx.actor, STAFFING_OVERVIEW)
    if scope.is_empty:
        ctx.fail(msg("没有查看全市编制台账的权限"))
    params = ctx.params
    place = queries.place_from(params.get("district"), params.get("sponsor_id"), scope)
    stmt = queries.entries(scope, place, year=params.get("year"), kind=params.get("kind"))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    reversed_ids = select(QuotaEntry.reverses_id).where(QuotaEntry.reverses_id.isnot(None))
    numbers = dict(
        db.session.execute(
            select(QuotaEntry.id, QuotaEntry.document_number).where(QuotaEntry.id.in_(reversed_ids))
        ).all()
    )

    def rows():
        done = 0
        result = db.session.execute(
            stmt.order_by(QuotaEntry.effective_on, QuotaEntry.id).execution_options(yield_per=BATCH)
        )
        for entry, institution in result:
            done += 1
            if done % BATCH == 0:
                ctx.progress(done, total)
            yield excel.entry_row(entry, institution, numbers.get(entry.reverses_id))
        ctx.progress(done, total)

    buffer = io.BytesIO()
    with force_locale("zh"):
        write_workbook(buffer, excel.entries_spec(), rows())
    ctx.attach(buffer.getvalue(), "编制变动记录.xlsx")
    return {"summary": msg("已导出 %(n)d 条编制变动记录", n=total)}


JOBS = (JobKind("staffing.entries_export", msg("导出编制变动记录"), run_entries_export),)
