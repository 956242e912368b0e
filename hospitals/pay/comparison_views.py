"""Hospital pages: each person's pay under the old identity structure and the new
post-and-performance one (新旧工资对比) — who gains, who loses, by how much — and its export."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from core.http import dated_filename, xlsx_response
from core.ids import china_today
from core.listing import read_sort
from hospitals.access import hospital_or_404
from hospitals.blueprint import bp
from hospitals.listing import ListPagination
from hospitals.pay import queries
from hospitals.pay.excel import COMPARISON_EXPORT
from hospitals.paycompare import summarize
from hospitals.paygap import identity_label
from hr.models import Identity

SORTS = {
    "department": lambda r: (r.department, r.grade, str(r.person)),
    "name": lambda r: (r.name, str(r.person)),
    "identity": lambda r: (r.identity, str(r.person)),
    "old_total": lambda r: (r.old_total, str(r.person)),
    "new_total": lambda r: (r.new_total, str(r.person)),
    "difference": lambda r: (r.difference, str(r.person)),
}
CHANGES = ("gain", "loss", "same")


def _year(institution_id: int) -> tuple[int, list[int]]:
    years = queries.pay_years(institution_id)
    year = request.args.get("year", type=int)
    if year is None or not 2000 <= year <= 2100:
        year = years[0] if years else china_today().year
    return year, years


def _filters() -> dict:
    identity = request.args.get("identity")
    change = request.args.get("change")
    return {
        "q": request.args.get("q", "").strip() or None,
        "identity": identity if identity in set(Identity) else None,
        "change": change if change in CHANGES else None,
    }


def _filtered(rows, q=None, identity=None, change=None):
    if q:
        rows = [r for r in rows if q in r.name or q in str(r.person) or q in r.department]
    if identity:
        rows = [r for r in rows if r.identity == identity]
    if change == "gain":
        rows = [r for r in rows if r.difference > 0]
    elif change == "loss":
        rows = [r for r in rows if r.difference < 0]
    elif change == "same":
        rows = [r for r in rows if r.difference == 0]
    return rows


@bp.route("/<int:institution_id>/pay-comparison")
@login_required
def pay_comparison(institution_id: int):
    institution = hospital_or_404(institution_id)
    year, years = _year(institution.id)
    period, rows = queries.pay_comparison(institution.id, year, china_today())
    filters = _filters()
    shown = _filtered(rows, **filters)
    sort = read_sort(SORTS, "difference")
    shown.sort(key=SORTS[sort.key], reverse=sort.descending)
    return render_template(
        "hospitals/pay_comparison.html",
        institution=institution,
        year=year,
        years=years,
        period=period,
        summary=summarize(rows),
        everyone=len(rows),
        page=ListPagination(shown),
        sort=sort,
        filters=filters,
        identities=list(Identity),
        identity_label=identity_label,
    )


@bp.route("/<int:institution_id>/pay-comparison/export")
@login_required
def pay_comparison_export(institution_id: int):
    institution = hospital_or_404(institution_id)
    year, _years = _year(institution.id)
    _period, rows = queries.pay_comparison(institution.id, year, china_today())
    shown = _filtered(rows, **_filters())
    shown.sort(key=SORTS["difference"])
    data = (
        {
            "department": r.department,
            "grade": r.grade,
            "staff_number": r.person,
            "name": r.name,
            "identity": str(identity_label(r.identity)),
            "months": r.months,
            "old_post": r.old_post,
            "new_post": r.new_post,
            "scale": r.scale,
            "old_reward": r.old_reward,
            "new_reward": r.new_reward,
            "old_total": r.old_total,
            "new_total": r.new_total,
            "difference": r.difference,
        }
        for r in shown
    )
    return xlsx_response(
        COMPARISON_EXPORT,
        data,
        dated_filename(f"{institution.name}-{year}-{_('新旧工资对比')}"),
    )
