"""Pages of the lump-sum budget: a school year's budget, its approval, spending, execution."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.actions import perform
from core.extensions import db
from core.http import dated_filename, template_response, xlsx_response
from core.ids import china_today
from core.imports import ImportContext, import_page
from institutions.governance.models import Meeting, Motion
from institutions.governance.queries import local_date
from institutions.scoped import institution_for
from schools import queries as school_queries
from schools.budget import operations, queries, surplus
from schools.budget.forms import ApproveForm, DraftForm, SpendingForm, SurplusForm
from schools.budget.imports import SPENDING_IMPORTER
from schools.excel import EXECUTION_SPEC, SPENDING_SPEC
from schools.lumpsum import line_label
from schools.models import BudgetStatus, SurplusStatus
from schools.permissions import SCHOOLS_BUDGET, SCHOOLS_VIEW
from schools.recruitment.queries import open_meetings
from schools.stages import Stage, school_year_label
from schools.views import bp

_SAFE_MONTH_LABEL = "%(y)d-%(m)02d"


def _surplus_form(institution, form=None) -> SurplusForm:
    form = form or SurplusForm(formdata=None)
    form.meeting_id.choices = [
        (m.id, f"{m.title} · {local_date(m.scheduled_at).isoformat()}")
        for m in open_meetings(institution.id)
    ]
    return form


def _page(institution, year: int, **forms):
    profile = school_queries.profile_of(institution.id)
    budget = queries.budget_of(institution.id, year)
    figures = queries.figures(budget) if budget is not None else None
    surplus_plan = surplus.plan_of(budget) if budget is not None else None
    return {
        "surplus_plan": surplus_plan,
        "surplus_motion": (
            db.session.get(Motion, surplus_plan.motion_id)
            if surplus_plan is not None and surplus_plan.motion_id
            else None
        ),
        "surplus_labels": SurplusStatus.LABELS,
        "year_ended": budget is not None and surplus.year_ended(budget, china_today()),
        "reward_limit": (
            surplus.surplus_rules(year).reward_limit(figures.surplus.retained)
            if figures is not None
            else None
        ),
        "surplus_form": _surplus_form(institution, forms.get("surplus_form")),
        "institution": institution,
        "profile": profile,
        "year": year,
        "year_label": school_year_label(year),
        "budget": budget,
        "figures": figures,
        "budgets": queries.budgets(institution.id),
        "terms": [
            {**term, "rate": Decimal(term["rate"]), "amount": Decimal(term["amount"])}
            for term in (budget.terms if budget is not None else [])
        ],
        "this_year": school_queries.school_year_of(china_today()),
        "status_labels": BudgetStatus.LABELS,
        "stage_labels": {s.value: s.label for s in Stage},
        "line_label": line_label,
        "draft_form": forms.get("draft_form") or DraftForm(formdata=None),
        "approve_form": forms.get("approve_form") or ApproveForm(formdata=None),
        "spending_form": forms.get("spending_form") or SpendingForm(formdata=None),
        "month_label": lambda month: _SAFE_MONTH_LABEL % {"y": month[0], "m": month[1]},
    }


@bp.route("/<int:institution_id>/budget/<int:year>")
@login_required
def budget(institution_id: int, year: int):
    """A school year's lump sum, its terms, execution by line and month, alerts, surplus."""
    institution = institution_for(institution_id, SCHOOLS_VIEW)
    return render_template("schools/budget.html", **_page(institution, year))


@bp.route("/<int:institution_id>/budget/<int:year>/draft", methods=["POST"])
@login_required
def budget_draft(institution_id: int, year: int):
    institution = institution_for(institution_id, SCHOOLS_BUDGET)
    profile = school_queries.profile_of(institution.id)
    form = DraftForm()
    if form.validate_on_submit() and profile is not None:
        done = perform(
            operations.draft_budget,
            profile,
            year,
            form.projects(),
            today=china_today(),
            success=lambda b: _("已按公式核算包干经费 %(total)s 元（草案）。", total=b.total),
        )
        if done:
            return redirect(url_for(".budget", institution_id=institution.id, year=year))
    elif profile is None:
        flash(_("请先填写学校概况。"), "danger")
    return render_template("schools/budget.html", **_page(institution, year, draft_form=form)), 422


@bp.route("/<int:institution_id>/budget/<int:year>/approve", methods=["POST"])
@login_required
def budget_approve(institution_id: int, year: int):
    institution = institution_for(institution_id, SCHOOLS_BUDGET)
    form = ApproveForm()
    found = queries.budget_of(institution.id, year)
    if form.validate_on_submit() and found is not None:
        done = perform(
            operations.approve_budget,
            found,
            form.decision_ref.data,
            form.approved_on.data,
            form=form,
            success=_("已登记理事会批准。"),
        )
        if done:
            return redirect(url_for(".budget", institution_id=institution.id, year=year))
    return render_template(
        "schools/budget.html", **_page(institution, year, approve_form=form)
    ), 422


@bp.route("/<int:institution_id>/budget/<int:year>/spending", methods=["POST"])
@login_required
def budget_spending(institution_id: int, year: int):
    institution = institution_for(institution_id, SCHOOLS_BUDGET)
    form = SpendingForm()
    found = queries.budget_of(institution.id, year)
    if form.validate_on_submit() and found is not None:
        done = perform(
            operations.record_spending,
            found,
            form.data,
            form=form,
            success=_("已登记支出。"),
        )
        if done:
            return redirect(url_for(".budget", institution_id=institution.id, year=year))
    if found is None:
        flash(_("该学年还没有包干预算。"), "danger")
    return render_template(
        "schools/budget.html", **_page(institution, year, spending_form=form)
    ), 422


@bp.route("/<int:institution_id>/budget/<int:year>/surplus", methods=["POST"])
@login_required
def budget_surplus(institution_id: int, year: int):
    """结余使用: a closed year's surplus goes to the council as a motion subject."""
    institution = institution_for(institution_id, SCHOOLS_BUDGET)
    found = queries.budget_of(institution.id, year)
    form = _surplus_form(institution, SurplusForm())
    if found is None:
        flash(_("该学年还没有包干预算。"), "danger")
    elif form.validate_on_submit():
        meeting = db.session.get(Meeting, form.meeting_id.data)
        if meeting is None or meeting.institution_id != institution.id:
            abort(404)
        done = perform(
            surplus.submit,
            found,
            form.data,
            meeting,
            today=china_today(),
            actor=current_user,
            form=form,
            success=_("已提交理事会审议，表决结果将自动更新结余使用方案。"),
        )
        if done:
            return redirect(url_for(".budget", institution_id=institution.id, year=year))
    return render_template(
        "schools/budget.html", **_page(institution, year, surplus_form=form)
    ), 422


@bp.route("/<int:institution_id>/budget/<int:year>/import", methods=["GET", "POST"])
@login_required
def budget_import(institution_id: int, year: int):
    institution = institution_for(institution_id, SCHOOLS_BUDGET)
    context = ImportContext(
        actor=current_user._get_current_object(),
        institution_id=institution.id,
        options={"year": year},
    )
    back = url_for(".budget", institution_id=institution.id, year=year)
    return import_page(
        SPENDING_IMPORTER,
        context,
        title=_("Excel 导入包干经费支出"),
        back_url=back,
        template_url=url_for(".budget_template", institution_id=institution.id, year=year),
        breadcrumbs=[
            (_("学校"), url_for(".index")),
            (institution.name, url_for(".overview", institution_id=institution.id)),
            (_("包干经费"), back),
        ],
    )


@bp.route("/<int:institution_id>/budget/<int:year>/template")
@login_required
def budget_template(institution_id: int, year: int):
    institution_for(institution_id, SCHOOLS_BUDGET)
    return template_response(SPENDING_SPEC, "包干经费支出导入模板.xlsx")


@bp.route("/<int:institution_id>/budget/<int:year>/export")
@login_required
def budget_export(institution_id: int, year: int):
    """The execution by line for the bureau and auditors (an empty sheet without a budget)."""
    institution = institution_for(institution_id, SCHOOLS_VIEW)
    found = queries.budget_of(institution.id, year)
    rows = []
    if found is not None:
        result = queries.figures(found).execution
        for item in (*result.lines, result.total):
            rows.append(
                {
                    "line": str(line_label(None if item.line == "total" else item.line)),
                    "budget": item.budget,
                    "spent": item.spent,
                    "balance": item.balance,
                    "rate": item.rate if item.rate is not None else Decimal("0"),
                }
            )
    stem = f"{institution.name}-{year}-{_('包干经费执行')}"
    return xlsx_response(EXECUTION_SPEC, rows, dated_filename(stem))
