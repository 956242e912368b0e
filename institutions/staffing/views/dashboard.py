"""The city dashboard with its drill-down, the city-wide ledger and the regions' pools."""

from __future__ import annotations

import json

from flask import redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.extensions import db
from core.http import dated_filename, xlsx_response
from core.jobs import start_job
from core.listing import paginate, read_sort
from core.permissions import can, require
from core.regions import REGIONS, region_label
from institutions.models import Institution, InstitutionKind, QuotaEntry, QuotaKind
from institutions.scoped import institutions_for
from institutions.staffing import excel, figures, queries
from institutions.staffing.permissions import (
    STAFFING_FILE,
    STAFFING_MANAGE,
    STAFFING_OVERVIEW,
    STAFFING_VIEW,
)
from institutions.staffing.reports import ReportStatus
from institutions.staffing.views import bp, institution, on_date, overview_scope, place_args, render


@bp.route("/")
@login_required
def index():
    """The institutions whose staffing the user may see, and the way to the dashboard."""
    require(STAFFING_VIEW)
    return render(
        "staffing/index.html",
        institutions=institutions_for(current_user, STAFFING_VIEW),
        can_overview=can(current_user, STAFFING_OVERVIEW),
    )


def _breadcrumb(place: queries.Place, leaf: Institution | None = None) -> list[tuple[str, str]]:
    crumbs = [(_("全市"), url_for(".dashboard"))]
    district = place.district or (leaf.district_code if leaf else None)
    if district:
        crumbs.append((region_label(district), url_for(".dashboard", district=district)))
    sponsor = place.sponsor or (leaf.sponsor if leaf else None)
    if sponsor is not None:
        crumbs.append((sponsor.name, url_for(".dashboard", sponsor_id=sponsor.id)))
    if leaf is not None:
        crumbs.append((leaf.name, url_for(".institution_page", institution_id=leaf.id)))
    return crumbs


@bp.route("/dashboard")
@login_required
def dashboard():
    scope = overview_scope(STAFFING_OVERVIEW)
    place = place_args(scope)
    on = on_date()
    board = queries.dashboard(scope, place, on)
    return render(
        "staffing/dashboard.html",
        board=board,
        place=place,
        on=on,
        crumbs=_breadcrumb(place),
        expected=figures,
        kinds=list(InstitutionKind),
        chart_json=json.dumps(board.chart(), ensure_ascii=False),
    )


@bp.route("/dashboard/export")
@login_required
def dashboard_export():
    scope = overview_scope(STAFFING_OVERVIEW)
    place = place_args(scope)
    board = queries.dashboard(scope, place, on_date())
    return xlsx_response(
        excel.dashboard_spec(), excel.dashboard_rows(board), dated_filename(_("编办工作台"))
    )


@bp.route("/institutions/<int:institution_id>")
@login_required
def institution_page(institution_id: int):
    """One institution's staffing: its quota and use, evaluations, requests, reports."""
    found = institution(institution_id, STAFFING_VIEW)
    on = on_date()
    [line] = queries.ledger_lines([found], on)
    board = queries.dashboard(
        _single_scope(found), queries.Place(found.district_code, found.sponsor), on
    )
    entries = db.session.scalars(
        select(QuotaEntry)
        .where(QuotaEntry.institution_id == found.id)
        .order_by(QuotaEntry.effective_on.desc(), QuotaEntry.id.desc())
        .limit(10)
    ).all()
    year = on.year - 1
    from institutions.staffing import parameters

    report = queries.report_of(found.id, year)
    report_standing = queries.standing_of(report, year, on, parameters.report_deadline(year))
    return render(
        "staffing/institution.html",
        institution=found,
        line=line,
        board=board,
        on=on,
        entries=entries,
        crumbs=_breadcrumb(queries.Place(), found),
        evaluations=queries.evaluations_of(found.id),
        requests=queries.requests_of(found.id),
        report_year=year,
        report_standing=report_standing,
        expected=figures,
        can_file=can(current_user, STAFFING_FILE, found),
        can_manage=can(current_user, STAFFING_MANAGE, found),
        can_overview=can(current_user, STAFFING_OVERVIEW, found),
        ReportStatus=ReportStatus,
    )


def _single_scope(found: Institution):
    from core.permissions import Scope

    return Scope(institution_ids=frozenset({found.id}))


# --------------------------------------------------------------------------- the ledger


def _ledger_filters(scope):
    place = place_args(scope)
    q = request.args.get("q", "").strip() or None
    return place, q


@bp.route("/ledger")
@login_required
def ledger():
    scope = overview_scope(STAFFING_OVERVIEW)
    place, q = _ledger_filters(scope)
    on = on_date()
    sort = read_sort(queries.LEDGER_SORTS, "name")
    page = paginate(
        queries.institutions_at(scope, place, q), queries.LEDGER_SORTS, sort, Institution.id
    )
    board = queries.dashboard(scope, place, on)
    return render(
        "staffing/ledger.html",
        page=page,
        lines=queries.ledger_lines(page.items, on),
        total=board.total,
        sort=sort,
        place=place,
        q=q,
        on=on,
        crumbs=_breadcrumb(place),
        regions=REGIONS,
    )


@bp.route("/ledger/export")
@login_required
def ledger_export():
    scope = overview_scope(STAFFING_OVERVIEW)
    place, q = _ledger_filters(scope)
    on = on_date()
    institutions = db.session.scalars(
        queries.institutions_at(scope, place, q).order_by(Institution.name, Institution.id)
    ).all()
    lines = queries.ledger_lines(institutions, on)
    return xlsx_response(
        excel.ledger_spec(), excel.ledger_rows(lines), dated_filename(_("编制台账"))
    )


def _entry_filters():
    year = request.args.get("year", type=int)
    kind = request.args.get("kind") if request.args.get("kind") in set(QuotaKind) else None
    return {"year": year, "kind": kind}


@bp.route("/ledger/entries")
@login_required
def entries():
    scope = overview_scope(STAFFING_OVERVIEW)
    place = place_args(scope)
    filters = _entry_filters()
    sort = read_sort(queries.ENTRY_SORTS, "effective_on", descending=True)
    stmt = (
        queries.entries(scope, place, **filters)
        .with_only_columns(QuotaEntry)
        .options(selectinload(QuotaEntry.institution))
    )
    column = queries.ENTRY_SORTS[sort.key]
    page = db.paginate(
        stmt.order_by(column.desc() if sort.descending else column.asc(), QuotaEntry.id.desc()),
        per_page=50,
        max_per_page=200,
        error_out=False,
    )
    rows = [(entry, entry.institution) for entry in page.items]
    originals = {
        e.id: e.document_number
        for e in db.session.scalars(
            select(QuotaEntry).where(
                QuotaEntry.id.in_([e.reverses_id for e, _i in rows if e.reverses_id])
            )
        )
    }
    reversed_by = queries.reversed_ids(e.id for e, _i in rows)
    return render(
        "staffing/entries.html",
        page=page,
        rows=rows,
        originals=originals,
        reversed_by=reversed_by,
        sort=sort,
        place=place,
        filters=filters,
        crumbs=_breadcrumb(place),
        kinds=list(QuotaKind),
        kind_labels={k.value: k.label for k in QuotaKind},
    )


@bp.route("/ledger/entries/export", methods=["POST"])
@login_required
def entries_export():
    """Export every entry in scope as a background job (a city has tens of thousands)."""
    scope = overview_scope(STAFFING_OVERVIEW)
    place = queries.place_from(
        request.form.get("district") or None, request.form.get("sponsor_id", type=int), scope
    )
    job = start_job(
        "staffing.entries_export",
        params={
            "district": place.district,
            "sponsor_id": place.sponsor.id if place.sponsor else None,
            "year": request.form.get("year", type=int),
            "kind": request.form.get("kind")
            if request.form.get("kind") in set(QuotaKind)
            else None,
        },
        actor=current_user,
        label=_("编制变动记录"),
        idempotency_key=request.form.get("job_key") or None,
    )
    db.session.commit()
    return redirect(url_for("jobs.detail", job_id=job.id))


@bp.route("/pool")
@login_required
def pool():
    scope = overview_scope(STAFFING_OVERVIEW)
    place = place_args(scope)
    return render(
        "staffing/pool.html",
        lines=queries.pool_years(scope, place),
        place=place,
        crumbs=_breadcrumb(place),
    )


@bp.route("/pool/export")
@login_required
def pool_export():
    scope = overview_scope(STAFFING_OVERVIEW)
    place = place_args(scope)
    return xlsx_response(
        excel.pool_spec(),
        excel.pool_rows(queries.pool_years(scope, place)),
        dated_filename(_("编制调剂台账")),
    )
