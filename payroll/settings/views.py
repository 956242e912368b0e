"""工资设置 pages: the staff's money settings, and one employment's versions and form."""

from __future__ import annotations

from decimal import Decimal

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.actions import perform
from core.extensions import db
from core.http import xlsx_response
from core.ids import china_today
from core.permissions import can
from hr.staff.queries import employment_or_404
from institutions.scoped import institution_for
from payroll.models import PaySettings
from payroll.permissions import PAYROLL_MANAGE, PAYROLL_VIEW
from payroll.queries import bonus_choices, settings_on, settings_staff
from payroll.runs.excel import REGISTER_SPEC, register_rows
from payroll.settings.forms import DEDUCTION_FIELDS, BonusChoiceForm, PaySettingsForm
from payroll.settings.operations import save_pay_settings, set_bonus_choice, versions_of
from payroll.views import bp


@bp.route("/<int:institution_id>/settings")
@login_required
def settings(institution_id: int):
    institution = institution_for(institution_id, PAYROLL_VIEW)
    today = china_today()
    q = request.args.get("q", "").strip()
    page = db.paginate(settings_staff(institution.id, today, q), per_page=50, error_out=False)
    current = settings_on([e.id for e in page.items], today)
    return render_template(
        "payroll/settings.html",
        institution=institution,
        page=page,
        current=current,
        q=q,
    )


@bp.route("/<int:institution_id>/settings/<int:employment_id>")
@login_required
def settings_edit(institution_id: int, employment_id: int):
    institution = institution_for(institution_id, PAYROLL_VIEW)
    employment = employment_or_404(institution.id, employment_id)
    versions = versions_of(employment.id)
    form = PaySettingsForm()
    _fill(form, versions[0] if versions else None)
    return _page(institution, employment, versions, form)


@bp.route("/<int:institution_id>/settings/<int:employment_id>", methods=["POST"])
@login_required
def settings_save(institution_id: int, employment_id: int):
    institution = institution_for(institution_id, PAYROLL_MANAGE)
    employment = employment_or_404(institution.id, employment_id)
    form = PaySettingsForm()
    if form.validate_on_submit():
        done = perform(
            save_pay_settings,
            employment,
            dict(form.data),
            current_user,
            form=form,
            success=_("已保存工资设置。"),
        )
        if done:
            return redirect(
                url_for(
                    ".settings_edit", institution_id=institution_id, employment_id=employment_id
                )
            )
    return _page(institution, employment, versions_of(employment_id), form, 422)


def _page(institution, employment, versions, form, status=200, bonus_form=None):
    if bonus_form is None:
        bonus_form = BonusChoiceForm(formdata=None)
        bonus_form.year.data = china_today().year
    return render_template(
        "payroll/settings_edit.html",
        institution=institution,
        employment=employment,
        versions=versions,
        form=form,
        bonus_form=bonus_form,
        bonus_choices=bonus_choices(employment.id),
        can_manage=can(current_user, PAYROLL_MANAGE, institution),
        deduction_fields=DEDUCTION_FIELDS,
    ), status


@bp.route("/<int:institution_id>/settings/<int:employment_id>/bonus", methods=["POST"])
@login_required
def bonus_choice_save(institution_id: int, employment_id: int):
    """Record how the person's 全年一次性奖金 of a year is taxed."""
    institution = institution_for(institution_id, PAYROLL_MANAGE)
    employment = employment_or_404(institution.id, employment_id)
    form = BonusChoiceForm()
    if form.validate_on_submit():
        done = perform(
            set_bonus_choice,
            employment,
            form.year.data,
            form.merge.data == "1",
            form.reason.data,
            current_user,
            form=form,
            success=_("已保存全年一次性奖金计税方式；本年未审核的工资批次须重新计算。"),
        )
        if done:
            return redirect(
                url_for(
                    ".settings_edit", institution_id=institution_id, employment_id=employment_id
                )
            )
    settings_form = PaySettingsForm(formdata=None)
    versions = versions_of(employment_id)
    _fill(settings_form, versions[0] if versions else None)
    return _page(institution, employment, versions, settings_form, 422, bonus_form=form)


def _fill(form: PaySettingsForm, version: PaySettings | None) -> None:
    form.effective_on.data = china_today().replace(day=1)
    if version is None:
        return
    form.contribution_base.data = version.contribution_base
    form.fund_base.data = version.fund_base
    form.fund_rate.data = version.fund_rate
    form.has_occupational_annuity.data = version.has_occupational_annuity
    form.is_first_job_this_year.data = version.is_first_job_this_year
    form.has_prior_year_low_income.data = version.has_prior_year_low_income
    for name, _label in DEDUCTION_FIELDS:
        value = (version.special_deductions or {}).get(name)
        getattr(form, name).data = Decimal(value) if value else None


@bp.route("/<int:institution_id>/settings/<int:employment_id>/register")
@login_required
def register(institution_id: int, employment_id: int):
    """The person's salary register of a year (``?year=``), month by month, as Excel."""
    institution = institution_for(institution_id, PAYROLL_VIEW)
    employment = employment_or_404(institution.id, employment_id)
    year = request.args.get("year", type=int) or china_today().year
    rows, total = register_rows(employment.id, year)
    stem = f"{employment.person.name}-{employment.staff_number}-{year}-个人工资台账"
    return xlsx_response(REGISTER_SPEC, rows, f"{stem}.xlsx", totals=total)
