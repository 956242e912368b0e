"""工资标准表 pages (the staffing office, who keeps the policy parameters): the 岗位工资 and
薪级工资 tables in force and their versions; a newer table loaded from Excel from a day."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from core.http import xlsx_response
from core.ids import china_today
from core.imports import context_for_request, import_page
from core.parameters import versions_of
from core.permissions import PARAMETERS_MANAGE, require
from payroll import scales
from payroll.scale_tables.imports import TABLES, effective_day, latest_version
from payroll.views import bp


@bp.route("/scales")
@login_required
def scales_index():
    """Both tables: the versions, the newest in full, and where to load a newer one."""
    require(PARAMETERS_MANAGE)
    tables = []
    for kind, importer in TABLES.items():
        versions = versions_of(importer.key)
        value = versions[0].value if versions else {}
        if kind == "post":
            columns = [_("岗位"), _("岗位工资")]
            rows = [
                (str(scales.grade_name(category, int(grade))), amount)
                for category in scales.CATEGORIES
                for grade, amount in sorted(
                    value.get(category, {}).items(), key=lambda item: int(item[0])
                )
            ]
        else:
            columns = [_("薪级"), _("管理和专业技术人员"), _("工人")]
            staff = value.get(scales.PROFESSIONAL, {})
            worker = value.get(scales.WORKER, {})
            rows = [
                (step, staff.get(str(step), "—"), worker.get(str(step), "—"))
                for step in sorted({int(s) for s in (*staff, *worker)})
            ]
        tables.append(
            {
                "kind": kind,
                "label": importer.label,
                "versions": versions,
                "columns": columns,
                "rows": rows,
            }
        )
    return render_template(
        "payroll/scales.html",
        tables=tables,
        today=china_today(),
    )


@bp.route("/scales/import", methods=["GET", "POST"])
@login_required
def scales_import():
    """Load a newer table (``?table=post`` or ``step``): choose the day it takes effect
    (``effective_from``) and its source, upload, check, preview, confirm."""
    require(PARAMETERS_MANAGE)
    kind = request.args.get("table", "post")
    importer = TABLES.get(kind)
    if importer is None:
        abort(404)
    day = effective_day(request.args.get("effective_from"))
    source = request.args.get("source", "").strip()[:255]
    context = context_for_request()
    context.options.update(effective_from=day.isoformat() if day else "", source=source)
    latest = latest_version(importer.key)
    return import_page(
        importer,
        context,
        title=_("导入%(table)s", table=importer.label),
        back_url=url_for(".scales_index"),
        template_url=url_for(".scales_template", table=kind),
        breadcrumbs=[(_("工资标准表"), url_for(".scales_index"))],
        include="payroll/_scales_choice.html",
        effective_from=day,
        source=source,
        latest=latest,
        kind=kind,
    )


@bp.route("/scales/template")
@login_required
def scales_template():
    """The table's (``?table=``) workbook, filled with the newest version (edit it into the new one)."""
    require(PARAMETERS_MANAGE)
    kind = request.args.get("table", "post")
    importer = TABLES.get(kind)
    if importer is None:
        abort(404)
    latest = latest_version(importer.key)
    rows = importer.current_rows(latest.value) if latest else []
    return xlsx_response(importer.spec, rows, f"{importer.spec.title}.xlsx")
