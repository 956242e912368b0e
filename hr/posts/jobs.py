"""The posts export (who held which post on a day) as a background job, for institutions
too large for one request."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select

from core.excel import write_workbook_to
from core.extensions import db
from core.http import attach_export
from core.i18n import msg
from core.ids import china_today
from core.jobs import JobContext, JobKind
from core.permissions import can
from hr.models import Appointment, Employment, PostCategory
from hr.permissions import HR_VIEW
from hr.posts.excel import POSTS_EXPORT, export_row
from hr.posts.queries import POSTS_SORTS, posts_on_query
from institutions.models import Institution

KIND = "hr.posts_export"
PROGRESS_EVERY = 2000
BATCH = 2000


def export_day(args: Mapping[str, Any]) -> date:
    """Return the day asked for in ``args`` ("on"), today if missing or invalid."""
    raw = (args.get("on") or "").strip()
    try:
        return date.fromisoformat(raw) if raw else china_today()
    except ValueError:
        return china_today()


def export_statement(institution_id: int, args: Mapping[str, Any], on: date) -> Select:
    """Return the posts export's statement for the page's query string ``args``: who held
    which post on ``on``, in post order, with the page's filters."""
    category = args.get("category")
    return posts_on_query(
        institution_id,
        on,
        category=category if category in set(PostCategory) else None,
        q=(args.get("q") or "").strip() or None,
    ).order_by(POSTS_SORTS["post"], Employment.staff_number, Appointment.id)


def export_count(stmt: Select) -> int:
    counted = stmt.with_only_columns(Appointment.id).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(counted)) or 0


def export_rows(stmt: Select) -> Iterator[dict[str, Any]]:
    """Yield the export rows of ``stmt``, fetched in batches."""
    for appointment in db.session.scalars(stmt.execution_options(yield_per=BATCH)):
        yield export_row(appointment)


def export_title(institution: Institution, on: date) -> tuple[str, str]:
    """Return the file name and the sheet title of the export."""
    return (
        f"岗位聘用-{institution.name}-{on:%Y%m%d}.xlsx",
        f"{institution.name} {on.isoformat()} 岗位聘用情况",
    )


def run_posts_export(ctx: JobContext) -> dict[str, Any]:
    """Write the posts export of the job's institution as the page would have; access is
    judged again for the person who started it."""
    institution = db.session.scalar(select(Institution).where(Institution.id == ctx.institution_id))
    if institution is None or not can(ctx.actor, HR_VIEW, institution):
        ctx.fail(msg("没有查看该单位岗位聘用情况的权限"))
    args = ctx.params.get("args") or {}
    on = export_day(args)
    stmt = export_statement(institution.id, args, on)
    total = export_count(stmt)
    ctx.progress(0, total)

    def rows():
        for done, row in enumerate(export_rows(stmt), start=1):
            yield row
            if done % PROGRESS_EVERY == 0:
                ctx.progress(done, total)

    filename, title = export_title(institution, on)
    written = attach_export(
        ctx, filename, lambda path: write_workbook_to(path, POSTS_EXPORT, rows(), title=title)
    )
    ctx.progress(written, written)
    return {"summary": msg("已导出 %(n)d 条岗位聘用记录", n=written)}


JOBS = (JobKind(KIND, msg("导出岗位聘用情况"), run_posts_export),)
