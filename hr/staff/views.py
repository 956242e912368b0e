"""HR pages: the staff list and its export, entry and exit, a person's history, my own record."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from core.actions import perform
from core.extensions import db
from core.http import dated_filename, export_as_job, xlsx_response
from core.ids import china_today
from core.jobs import start_job
from core.listing import read_sort
from core.permissions import can, scope_for
from hr.blueprint import bp
from hr.departments.queries import choices as department_choices
from hr.models import (
    AppraisalGrade,
    ContractStatus,
    ContractType,
    Employment,
    ExitReason,
    Identity,
    PostCategory,
    grade_names,
)
from hr.permissions import HR_MANAGE, HR_VIEW
from hr.queries import hr_institution_or_404
from hr.staff import jobs as staff_jobs
from hr.staff import operations
from hr.staff.excel import STAFF_EXPORT
from hr.staff.forms import EntryForm, ExitForm
from hr.staff.masking import sees_full_numbers, shown_bank_account, shown_citizen_id
from hr.staff.queries import (
    MAX_GRADE,
    STAFF_SORTS,
    StaffFilters,
    department_options,
    employment_or_404,
    history,
    missing_records,
    person_of_user,
    person_or_404,
    staff_rows,
    vacancies,
)

STATUSES = {"active": _l("在职"), "left": _l("已离职")}


def _labels() -> dict[str, dict[str, str]]:
    """The closed lists' labels a person's page shows, translated once for the request."""
    return {
        "exit_reason": ExitReason.labels(),
        "contract_type": ContractType.labels(),
        "contract_status": ContractStatus.labels(),
        "appraisal_grade": AppraisalGrade.labels(),
        "category": PostCategory.labels(),
    }


# --------------------------------------------------------------------------- list and export


@bp.route("/<int:institution_id>/staff")
@login_required
def staff(institution_id: int):
    institution = hr_institution_or_404(institution_id)
    can_manage = can(current_user, HR_MANAGE, institution)
    full_id = sees_full_numbers(current_user, institution)
    today = china_today()
    filters = StaffFilters.from_args(request.args)
    sort = read_sort(STAFF_SORTS, "staff_number")
    page = staff_rows(
        filters,
        today,
        sort,
        institution_id=institution.id,
        full_id=full_id,
    )
    without_steps, without_contract = (
        missing_records(institution.id, today) if can_manage else (0, 0)
    )
    return render_template(
        "hr/staff/staff.html",
        institution=institution,
        page=page,
        sort=sort,
        filters=filters.as_dict(),
        full_id=full_id,
        shown_id=shown_citizen_id,
        can_manage=can_manage,
        today=today,
        identity_labels=Identity.labels(),
        category_labels=PostCategory.labels(),
        grade_names=grade_names(),
        grades=range(1, MAX_GRADE + 1),
        statuses=STATUSES,
        departments=department_options(institution.id),
        without_steps=without_steps,
        without_contract=without_contract,
    )


@bp.route("/<int:institution_id>/staff/export")
@login_required
def staff_export(institution_id: int):
    institution = hr_institution_or_404(institution_id)
    full_id = sees_full_numbers(current_user, institution)
    today = china_today()
    stmt = staff_jobs.export_statement(institution.id, request.args, today, full_id=full_id)
    if export_as_job(staff_jobs.export_count(stmt)):
        # Too large for one request: the worker writes it, the job page offers the file.
        job = start_job(
            staff_jobs.KIND,
            params={"args": request.args.to_dict()},
            institution_id=institution.id,
            actor=current_user,
            label=_("人员名册"),
            idempotency_key=f"{current_user.id}:{request.query_string.decode()[:80]}",
        )
        db.session.commit()
        return redirect(url_for("jobs.detail", job_id=job.id))
    rows = staff_jobs.staff_rows(stmt, today, full_id=full_id)
    return xlsx_response(STAFF_EXPORT, rows, dated_filename(f"人员名册-{institution.name}"))


# --------------------------------------------------------------------------- entry and exit


@bp.route("/<int:institution_id>/staff/new", methods=["GET", "POST"])
@login_required
def enter(institution_id: int):
    institution = hr_institution_or_404(institution_id, write=True)
    form = EntryForm(departments=department_choices(institution.id))
    refused = False
    if form.validate_on_submit():
        done = perform(
            operations.enter_employment,
            institution,
            form.data,
            form=form,
            success=lambda employment: _(
                "已为「%(n)s」办理入职（工号 %(s)s）。",
                n=employment.person.name,
                s=employment.staff_number,
            ),
        )
        if done:
            return redirect(
                url_for(".person", institution_id=institution.id, person_id=done.value.person_id)
            )
        refused = True
    return render_template(
        "hr/staff/enter.html",
        institution=institution,
        form=form,
        vacancies=vacancies(institution.id, china_today()),
    ), 422 if form.errors or refused else 200


@bp.route(
    "/<int:institution_id>/employments/<int:employment_id>/exit",
    methods=["GET", "POST"],
    endpoint="exit",
)
@login_required
def exit_(institution_id: int, employment_id: int):
    institution = hr_institution_or_404(institution_id, write=True)
    employment = employment_or_404(institution.id, employment_id)
    form = ExitForm()
    if request.method == "GET" and form.end_on.data is None:
        form.end_on.data = china_today()
    refused = False
    if form.validate_on_submit():
        done = perform(
            operations.exit_employment,
            employment,
            form.data,
            form=form,
            success=lambda _changes: _(
                "已为「%(n)s」办理离职，最后在职日 %(d)s。",
                n=employment.person.name,
                d=employment.end_on.isoformat(),
            ),
        )
        if done:
            return redirect(
                url_for(".person", institution_id=institution.id, person_id=employment.person_id)
            )
        refused = True
    return render_template(
        "hr/staff/exit.html",
        institution=institution,
        employment=employment,
        form=form,
        labels=_labels(),
    ), 422 if form.errors or refused else 200


# --------------------------------------------------------------------------- people


@bp.route("/<int:institution_id>/people/<int:person_id>")
@login_required
def person(institution_id: int, person_id: int):
    institution = hr_institution_or_404(institution_id)
    found = person_or_404(institution.id, person_id)
    scope = scope_for(current_user, HR_VIEW)
    employments, appraisals = history(
        (Employment.person_id == found.id) & scope.clause(Employment.institution_id)
    )
    full_id = sees_full_numbers(current_user, institution)
    return render_template(
        "hr/staff/person.html",
        institution=institution,
        person=found,
        employments=employments,
        appraisals=appraisals,
        full_id=full_id,
        citizen_id=shown_citizen_id(found.citizen_id, full_id),
        full_bank_for=[institution.id] if full_id else [],
        shown_bank=shown_bank_account,
        can_manage=can(current_user, HR_MANAGE, institution),
        today=china_today(),
        labels=_labels(),
    )


@bp.route("/me")
@login_required
def me():
    found = person_of_user(current_user.id)
    employments, appraisals = ([], {})
    if found is not None:
        employments, appraisals = history(Employment.person_id == found.id)
    return render_template(
        "hr/staff/me.html",
        person=found,
        employments=employments,
        appraisals=appraisals,
        # the employee sees their own numbers in full
        citizen_id=found.citizen_id if found else None,
        full_bank_for=[e.institution_id for e in employments],
        shown_bank=shown_bank_account,
        today=china_today(),
        labels=_labels(),
    )
