"""Resolution pages: the institution's resolutions (searchable, exportable), one
resolution and its print, execution reports, and the supervisors' opinions."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy.orm import selectinload

from core.extensions import db
from core.http import dated_filename, xlsx_response
from core.redirects import is_safe_path
from institutions.governance import chain, pages, queries
from institutions.governance.blueprint import bp
from institutions.governance.models import (
    BodyKind,
    ExecutionReport,
    GovernanceError,
    Motion,
    OpinionKind,
    Resolution,
)
from institutions.governance.resolutions import operations as resolution_ops
from institutions.governance.resolutions import queries as resolution_queries
from institutions.governance.resolutions.excel import RESOLUTIONS_EXPORT
from institutions.governance.resolutions.forms import ExecutionForm, OpinionForm
from institutions.governance.resolutions.queries import opinions_on
from institutions.governance.tally import MotionCategory, MotionKind
from institutions.models import Institution

RESOLUTIONS_PER_PAGE = 30


def _resolution_filters() -> dict:
    year = request.args.get("year", type=int)
    return {
        "year": year if year and 1000 <= year <= 9999 else None,
        "q": request.args.get("q", "").strip()[:100] or None,
    }


def _tally(motion: Motion | None) -> dict:
    outcome = (motion.outcome if motion else None) or {}
    return {k: outcome.get(k, 0) for k in ("yes", "no", "abstain")}


@bp.route("/<int:institution_id>/resolutions")
@login_required
def resolutions(institution_id: int):
    institution = pages.institution(institution_id)
    filters = _resolution_filters()
    stmt = resolution_queries.resolutions_stmt(institution.id, **filters).options(
        selectinload(Resolution.motion)
    )
    page = db.paginate(
        stmt.order_by(Resolution.year.desc(), Resolution.number.desc()),
        per_page=RESOLUTIONS_PER_PAGE,
        max_per_page=RESOLUTIONS_PER_PAGE,
        error_out=False,
    )
    years = resolution_queries.resolution_years(institution.id)
    return pages.render(
        "governance/council_resolutions.html",
        institution,
        page=page,
        filters=filters,
        years=years,
        progress=resolution_queries.progress_of(r.id for r in page.items),
        tallies={r.id: _tally(r.motion) for r in page.items},
    )


@bp.route("/<int:institution_id>/resolutions/export")
@login_required
def resolutions_export(institution_id: int):
    institution = pages.institution(institution_id)
    filters = _resolution_filters()
    found = resolution_queries.resolutions_for_export(institution.id, **filters)
    progress = resolution_queries.progress_of(r.id for r in found)
    rows = (
        {
            "number": r.document_number,
            "year": r.year,
            "sequence": r.number,
            "title": r.title,
            "passed_on": queries.local_date(r.passed_at),
            "category": MotionCategory(r.motion.category).label if r.motion else "",
            **_tally(r.motion),
            "reason": str(r.motion.reason_message or "") if r.motion else "",
            "progress": progress.get(r.id),
            "text": r.text,
            "hash": r.hash,
        }
        for r in found
    )
    head = queries.chain_head(institution.id)
    if head is not None:
        # the chain head when exported, kept with the copy to check a later rewrite against
        rows = [
            *rows,
            {
                "number": _("链头"),
                "sequence": head.last_sequence,
                "title": _("导出时本单位哈希链头"),
                "hash": head.last_hash,
            },
        ]
    stem = _("%(n)s-理事会决议", n=institution.name)
    return xlsx_response(RESOLUTIONS_EXPORT, rows, dated_filename(stem))


def _resolution_or_404(institution_id: int, resolution_id: int) -> Resolution:
    return pages.or_404(resolution_queries.resolution_of(institution_id, resolution_id))


def _resolution_context(institution: Institution, resolution: Resolution) -> dict:
    motion = resolution.motion
    reports = resolution_queries.execution_reports(institution.id, resolution.id)
    opinions = opinions_on(
        motion_ids={motion.id},
        resolution_ids={resolution.id},
        report_ids={r.id for r in reports},
    )
    people = pages.users_by_id(
        [r.reported_by_id for r in reports] + [o.supervisor_id for o in opinions]
    )
    try:
        intact = chain.link_hash(resolution.prev_hash, resolution.chain_record()) == resolution.hash
    except (TypeError, ValueError):
        intact = False
    return {
        "resolution": resolution,
        "motion": motion,
        "meeting": motion.meeting,
        "motion_url": pages.url_if(
            "governance.motion", institution_id=institution.id, motion_id=motion.id
        ),
        "tally": _tally(motion),
        "outcome": motion.outcome or {},
        "kind_label": MotionKind(motion.kind).label,
        "category_label": MotionCategory(motion.category).label,
        "reports": reports,
        "opinions": opinions,
        "opinions_by_report": _group(opinions, "execution_report_id"),
        "people": people,
        "intact": intact,
        "opinion_labels": {k.value: k.label for k in OpinionKind},
    }


def _resolution_page(
    institution: Institution,
    resolution: Resolution,
    status: int = 200,
    execution_form: ExecutionForm | None = None,
):
    context = _resolution_context(institution, resolution)
    back = url_for(".resolution", institution_id=institution.id, resolution_id=resolution.id)
    if execution_form is None and pages.holds(institution, BodyKind.MANAGEMENT):
        execution_form = ExecutionForm(formdata=None)
    supervisor = pages.holds(institution, BodyKind.SUPERVISORS)
    opinion_forms = {}
    if supervisor:
        opinion_forms["resolution"] = pages.opinion_form(
            institution, "resolution", resolution.id, back
        )
        opinion_forms["motion"] = pages.opinion_form(
            institution, "motion", context["motion"].id, back
        )
        for report in context["reports"]:
            opinion_forms[report.id] = pages.opinion_form(
                institution, "execution_report", report.id, back
            )
    return pages.render(
        "governance/council_resolution.html",
        institution,
        status,
        execution_form=execution_form,
        opinion_forms=opinion_forms,
        **context,
    )


@bp.route("/<int:institution_id>/resolutions/<int:resolution_id>")
@login_required
def resolution(institution_id: int, resolution_id: int):
    institution = pages.institution(institution_id)
    found = _resolution_or_404(institution.id, resolution_id)
    return _resolution_page(institution, found)


@bp.route("/<int:institution_id>/resolutions/<int:resolution_id>/print")
@login_required
def resolution_print(institution_id: int, resolution_id: int):
    institution = pages.institution(institution_id)
    found = _resolution_or_404(institution.id, resolution_id)
    return pages.render(
        "governance/council_resolution_print.html",
        institution,
        head=queries.chain_head(institution.id),
        # an official document is dated, not timed
        passed_on=format_date(queries.local_date(found.passed_at), "long"),
        **_resolution_context(institution, found),
    )


@bp.route("/<int:institution_id>/resolutions/<int:resolution_id>/executions", methods=["POST"])
@login_required
def execution_new(institution_id: int, resolution_id: int):
    institution = pages.institution(institution_id)
    found = _resolution_or_404(institution.id, resolution_id)
    form = ExecutionForm()
    if form.validate_on_submit():
        try:
            resolution_ops.record_execution(
                found, pages.me(), text=form.text.data, progress=form.progress.data
            )
        except GovernanceError as error:
            pages.flash_refusal(error)
        else:
            db.session.commit()
            flash(_("已报告决议执行情况。"), "success")
            return redirect(
                url_for(".resolution", institution_id=institution.id, resolution_id=found.id)
            )
    return _resolution_page(institution, found, 422, execution_form=form)


def _opinion_target(institution_id: int, kind: str, target_id: int):
    return pages.or_404(resolution_queries.opinion_target(institution_id, kind, target_id))


def _target_url(institution: Institution, target) -> str:
    """Return the page that shows an opinion on ``target``."""
    if isinstance(target, ExecutionReport):
        resolution_id = target.resolution_id
    elif isinstance(target, Resolution):
        resolution_id = target.id
    elif target.resolution is not None:
        resolution_id = target.resolution.id
    else:
        return pages.url_if(
            "governance.motion", institution_id=institution.id, motion_id=target.id
        ) or url_for(".minutes", institution_id=institution.id, meeting_id=target.meeting_id)
    return url_for(".resolution", institution_id=institution.id, resolution_id=resolution_id)


def _safe_back(target: str | None, institution: Institution) -> str | None:
    """Return ``target`` if it is a governance page of this institution, else None."""
    if not is_safe_path(target):
        return None
    prefix = url_for(".council", institution_id=institution.id).rsplit("/", 1)[0] + "/"
    return target if urlsplit(target).path.startswith(prefix) else None


def _group(rows, attribute: str) -> dict:
    grouped: dict = {}
    for row in rows:
        grouped.setdefault(getattr(row, attribute), []).append(row)
    return grouped


@bp.route("/<int:institution_id>/opinions", methods=["POST"])
@login_required
def opinion_new(institution_id: int):
    institution = pages.institution(institution_id)
    prefix = next((k.removesuffix("-target") for k in request.form if k.endswith("-target")), "")
    form = OpinionForm(prefix=prefix)
    target = None
    if form.validate_on_submit():
        target = _opinion_target(institution.id, form.target.data, int(form.target_id.data))
        try:
            resolution_ops.record_opinion(
                pages.me(), target, text=form.text.data, kind=form.kind.data
            )
        except GovernanceError as error:
            pages.flash_refusal(error)
        else:
            db.session.commit()
            if form.kind.data == OpinionKind.OBJECTION:
                flash(_("已记录异议，理事会和举办单位可以看到。"), "success")
            else:
                flash(_("已记录监督意见。"), "success")
            back = _safe_back(form.next.data, institution) or _target_url(institution, target)
            return redirect(back)
    return pages.render(
        "governance/council_opinion.html",
        institution,
        422,
        form=form,
        target=target,
        target_kind=form.target.data,
        back=_safe_back(form.next.data, institution)
        or url_for(".resolutions", institution_id=institution.id),
    )
