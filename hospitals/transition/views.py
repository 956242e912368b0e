"""Hospital pages: the transition overview and the staff-on-posts list (身份管理 → 岗位管理)."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.extensions import db
from core.http import dated_filename, xlsx_response
from core.ids import china_today
from core.listing import paginate, read_sort
from core.permissions import can
from hospitals.access import hospital_or_404
from hospitals.benchmarks import band_text
from hospitals.blueprint import bp
from hospitals.pay import queries as pay_queries
from hospitals.permissions import HOSPITALS_MANAGE
from hospitals.profile import queries as profile_queries
from hospitals.profile.forms import LEVEL_LABELS
from hospitals.transition import queries
from hospitals.transition.excel import POSTS_EXPORT, export_row
from hr.models import Employment, Identity
from hr.permissions import HR_MANAGE
from institutions.models import QuotaKind
from institutions.quota.queries import quota_on

WITHOUT_POST_LIMIT = 30
HISTORY_MONTHS = 11


@bp.route("/<int:institution_id>/")
@login_required
def overview(institution_id: int):
    institution = hospital_or_404(institution_id)
    today = china_today()
    total, per_identity = queries.coverage(institution.id, today)
    by_identity = {c.identity: c for c in per_identity}
    without_count, without = queries.without_post(institution.id, today, WITHOUT_POST_LIMIT)
    years = pay_queries.pay_years(institution.id)
    gaps = None
    if years:
        report = pay_queries.gap_report(institution.id, years[0], today)
        gaps = (years[0], len(report.gaps), len(report.people()))
    ledger = {
        "establishment": quota_on(institution.id, QuotaKind.ESTABLISHMENT, today),
        "filed": quota_on(institution.id, QuotaKind.FILED, today),
    }
    profile, benchmarks = profile_queries.benchmark_report(institution.id, today)
    return render_template(
        "hospitals/overview.html",
        profile=profile,
        benchmarks=benchmarks,
        band_text=band_text,
        level_labels=LEVEL_LABELS,
        institution=institution,
        today=today,
        total=total,
        per_identity=per_identity,
        establishment=by_identity[Identity.ESTABLISHMENT.value],
        filed=by_identity[Identity.FILED.value],
        ledger=ledger,
        history=queries.history(institution.id, queries.month_ends(today, HISTORY_MONTHS)),
        without=without,
        without_count=without_count,
        gaps=gaps,
        can_manage=can(current_user, HOSPITALS_MANAGE, institution),
        can_appoint=can(current_user, HR_MANAGE, institution),
    )


def _filters() -> dict:
    identity = request.args.get("identity")
    return {
        "q": request.args.get("q", "").strip() or None,
        "identity": identity if identity in set(Identity) else None,
        "department_id": request.args.get("department_id", type=int),
        "without_post": request.args.get("without_post") == "1",
    }


@bp.route("/<int:institution_id>/posts")
@login_required
def posts(institution_id: int):
    institution = hospital_or_404(institution_id)
    today = china_today()
    filters = _filters()
    sort = read_sort(queries.ROSTER_SORTS, "staff_number")
    page = paginate(
        queries.roster(institution.id, today, **filters), queries.ROSTER_SORTS, sort, Employment.id
    )
    return render_template(
        "hospitals/posts.html",
        details=queries.posts_of([e.id for e in page.items], today),
        institution=institution,
        today=today,
        filters=filters,
        sort=sort,
        page=page,
        identities=list(Identity),
        identity_labels=Identity.labels(),
        departments=queries.departments_of(institution.id),
    )


@bp.route("/<int:institution_id>/posts/export")
@login_required
def posts_export(institution_id: int):
    institution = hospital_or_404(institution_id)
    today = china_today()
    stmt = queries.roster(institution.id, today, **_filters()).order_by(
        Employment.staff_number, Employment.id
    )
    staff = list(db.session.scalars(stmt))
    details = queries.posts_of([e.id for e in staff], today)
    rows = (export_row(e, *details[e.id]) for e in staff)
    return xlsx_response(
        POSTS_EXPORT, rows, dated_filename(f"{institution.name}-{_('人员与岗位')}")
    )
