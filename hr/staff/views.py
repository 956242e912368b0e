"""HR pages: the staff list and its export, entry and exit, a person's history, my own record."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from core.excel import Column, Spec
from core.extensions import db
from core.http import dated_filename, xlsx_response
from core.ids import china_today, mask_citizen_id
from core.listing import paginate, read_sort
from core.permissions import can, scope_for
from hr.blueprint import bp
from hr.models import (
    GRADES,
    Appointment,
    Appraisal,
    AppraisalGrade,
    ContractStatus,
    ContractType,
    Employment,
    ExitReason,
    Identity,
    Person,
    PostCategory,
)
from hr.permissions import HR_MANAGE, HR_VIEW
from hr.queries import hr_institution_or_404
from hr.staff import operations
from hr.staff.forms import EntryForm, ExitForm
from hr.staff.headcount import QUOTA_FOR_IDENTITY, vacancy

STATUSES = {"active": _l("在职"), "left": _l("已离职")}
MAX_GRADE = max(max(r) for r in GRADES.values())
_ID_TAIL = re.compile(r"[0-9]*[0-9X]", re.ASCII)
#: How many trailing ID characters a viewer who sees masked numbers may search by.
VISIBLE_TAIL = 4

STAFF_SORTS = {
    "staff_number": Employment.staff_number,
    "name": Person.name,
    "identity": Employment.identity,
    "department": Employment.department,
    "start_on": Employment.start_on,
    "end_on": Employment.end_on,
}

LABELS = {
    "exit_reason": {r.value: r.label for r in ExitReason},
    "contract_type": {t.value: t.label for t in ContractType},
    "contract_status": {s.value: s.label for s in ContractStatus},
    "appraisal_grade": {g.value: g.label for g in AppraisalGrade},
    "category": {c.value: c.label for c in PostCategory},
}


# --------------------------------------------------------------------------- reads


def _filters() -> dict:
    args = request.args
    grade = args.get("grade", type=int)
    return {
        "q": args.get("q", "").strip() or None,
        "identity": args.get("identity") if args.get("identity") in set(Identity) else None,
        "category": args.get("category") if args.get("category") in set(PostCategory) else None,
        "grade": grade if grade and 1 <= grade <= MAX_GRADE else None,
        "status": args.get("status") if args.get("status") in STATUSES else None,
    }


def _current_appointment_id(today: date):
    """Return a correlated subquery: the id of the employment's appointment in force today."""
    return (
        select(Appointment.id)
        .where(
            Appointment.employment_id == Employment.id,
            Appointment.start_on <= today,
            or_(Appointment.end_on.is_(None), Appointment.end_on >= today),
        )
        .order_by(Appointment.start_on.desc(), Appointment.id.desc())
        .limit(1)
        .correlate(Employment)
        .scalar_subquery()
    )


def _search(q: str, *, full_id: bool):
    """Return the condition for a search by name, staff number or trailing ID characters."""
    text = unicodedata.normalize("NFKC", q).strip()
    upper = text.upper()
    parts = [
        Person.name.contains(text, autoescape=True),
        Employment.staff_number.startswith(upper, autoescape=True),
    ]
    # Someone who sees masked numbers may only search by the characters they can see.
    longest = 18 if full_id else VISIBLE_TAIL
    if _ID_TAIL.fullmatch(upper) and 4 <= len(upper) <= longest:
        parts.append(Person.citizen_id.endswith(upper, autoescape=True))
    return or_(*parts)


def staff_query(
    institution_id: int, filters: dict, today: date, *, full_id: bool = False
) -> Select:
    """Return the institution's employments (person loaded) matching the search and filters."""
    stmt = (
        select(Employment)
        .join(Employment.person)
        .options(contains_eager(Employment.person))
        .where(Employment.institution_id == institution_id)
    )
    if filters.get("q"):
        stmt = stmt.where(_search(filters["q"], full_id=full_id))
    if filters.get("identity"):
        stmt = stmt.where(Employment.identity == filters["identity"])
    if filters.get("category") or filters.get("grade"):
        post = select(Appointment.id).where(Appointment.id == _current_appointment_id(today))
        if filters.get("category"):
            post = post.where(Appointment.category == filters["category"])
        if filters.get("grade"):
            post = post.where(Appointment.grade == filters["grade"])
        stmt = stmt.where(post.exists())
    if filters.get("status") == "active":
        stmt = stmt.where(or_(Employment.end_on.is_(None), Employment.end_on >= today))
    elif filters.get("status") == "left":
        stmt = stmt.where(Employment.end_on < today)
    return stmt


def current_appointments(employment_ids: list[int], today: date) -> dict[int, Appointment]:
    """Return {employment id: appointment in force today} for the given employments, in one query."""
    if not employment_ids:
        return {}
    found = db.session.scalars(
        select(Appointment)
        .where(
            Appointment.employment_id.in_(employment_ids),
            Appointment.start_on <= today,
            or_(Appointment.end_on.is_(None), Appointment.end_on >= today),
        )
        .order_by(Appointment.start_on, Appointment.id)
    )
    return {a.employment_id: a for a in found}


def _shown_id(number: str, full: bool) -> str:
    return number if full else mask_citizen_id(number)


def _employment_or_404(institution_id: int, employment_id: int) -> Employment:
    employment = db.session.scalar(
        select(Employment).where(
            Employment.id == employment_id, Employment.institution_id == institution_id
        )
    )
    if employment is None:
        abort(404)
    return employment


# --------------------------------------------------------------------------- list and export


@bp.route("/<int:institution_id>/staff")
@login_required
def staff(institution_id: int):
    institution = hr_institution_or_404(institution_id)
    can_manage = can(current_user, HR_MANAGE, institution)
    today = china_today()
    filters = _filters()
    sort = read_sort(STAFF_SORTS, "staff_number")
    page = paginate(
        staff_query(institution.id, filters, today, full_id=can_manage),
        STAFF_SORTS,
        sort,
        Employment.id,
    )
    return render_template(
        "hr/staff/staff.html",
        institution=institution,
        page=page,
        sort=sort,
        filters=filters,
        posts=current_appointments([e.id for e in page.items], today),
        full_id=can_manage,
        can_manage=can_manage,
        today=today,
        identities=list(Identity),
        categories=list(PostCategory),
        grades=range(1, MAX_GRADE + 1),
        statuses=STATUSES,
    )


STAFF_EXPORT = Spec(
    sheet_name="人员名册",
    title="人员名册",
    columns=(
        Column("工号", "staff_number", "code", width=12),
        Column("姓名", "name", "text", width=10),
        Column("身份证号", "citizen_id", "code", width=21),
        Column("性别", "gender", "text", width=6),
        Column("出生日期", "birth_date", "date", width=12),
        Column("人员身份", "identity", "text", width=10),
        Column("部门", "department", "text", width=14),
        Column("岗位类别", "category", "text", width=10),
        Column("岗位等级", "grade", "text", width=10),
        Column("岗位名称", "post_name", "text", width=16),
        Column("入职日期", "start_on", "date", width=12),
        Column("离职日期", "end_on", "date", width=12),
        Column("离职原因", "exit_reason", "text", width=10),
        Column("状态", "status", "text", width=8),
    ),
)


@bp.route("/<int:institution_id>/staff/export")
@login_required
def staff_export(institution_id: int):
    institution = hr_institution_or_404(institution_id)
    full_id = can(current_user, HR_MANAGE, institution)
    today = china_today()
    sort = read_sort(STAFF_SORTS, "staff_number")
    column = STAFF_SORTS[sort.key]
    post = aliased(Appointment)
    stmt = (
        staff_query(institution.id, _filters(), today, full_id=full_id)
        .add_columns(post)
        .outerjoin(post, post.id == _current_appointment_id(today))
        .order_by(column.desc() if sort.descending else column.asc(), Employment.id)
    )

    def rows():
        for employment, appointment in db.session.execute(stmt):
            person = employment.person
            active = employment.end_on is None or employment.end_on >= today
            yield {
                "staff_number": employment.staff_number,
                "name": person.name,
                "citizen_id": _shown_id(person.citizen_id, full_id),
                "gender": person.gender,
                "birth_date": person.birth_date,
                "identity": employment.identity_label,
                "department": employment.department or "",
                "category": LABELS["category"][appointment.category] if appointment else "",
                "grade": appointment.grade_label if appointment else "",
                "post_name": appointment.post_name if appointment else "",
                "start_on": employment.start_on,
                "end_on": employment.end_on,
                "exit_reason": LABELS["exit_reason"].get(employment.exit_reason or "", ""),
                "status": str(STATUSES["active" if active else "left"]),
            }

    return xlsx_response(STAFF_EXPORT, rows(), dated_filename(f"人员名册-{institution.name}"))


# --------------------------------------------------------------------------- entry and exit


def _vacancies(institution_id: int, today: date) -> list:
    return [
        found
        for identity in QUOTA_FOR_IDENTITY
        if (found := vacancy(institution_id, identity, today)) is not None
    ]


@bp.route("/<int:institution_id>/staff/new", methods=["GET", "POST"])
@login_required
def enter(institution_id: int):
    institution = hr_institution_or_404(institution_id, write=True)
    form = EntryForm()
    if form.validate_on_submit():
        try:
            employment = operations.enter_employment(institution, form.data)
        except operations.StaffError as error:
            for field, message in error.errors.items():
                getattr(form, field).errors.append(message)
        else:
            db.session.commit()
            flash(
                _(
                    "已为「%(n)s」办理入职（工号 %(s)s）。",
                    n=employment.person.name,
                    s=employment.staff_number,
                ),
                "success",
            )
            return redirect(
                url_for(".person", institution_id=institution.id, person_id=employment.person_id)
            )
    return render_template(
        "hr/staff/enter.html",
        institution=institution,
        form=form,
        vacancies=_vacancies(institution.id, china_today()),
    ), 422 if form.errors else 200


@bp.route(
    "/<int:institution_id>/employments/<int:employment_id>/exit",
    methods=["GET", "POST"],
    endpoint="exit",
)
@login_required
def exit_(institution_id: int, employment_id: int):
    institution = hr_institution_or_404(institution_id, write=True)
    employment = _employment_or_404(institution.id, employment_id)
    form = ExitForm()
    if request.method == "GET" and form.end_on.data is None:
        form.end_on.data = china_today()
    if form.validate_on_submit():
        try:
            operations.exit_employment(employment, form.data)
        except operations.StaffError as error:
            for field, message in error.errors.items():
                getattr(form, field).errors.append(message)
        else:
            db.session.commit()
            flash(
                _(
                    "已为「%(n)s」办理离职，最后在职日 %(d)s。",
                    n=employment.person.name,
                    d=employment.end_on.isoformat(),
                ),
                "success",
            )
            return redirect(
                url_for(".person", institution_id=institution.id, person_id=employment.person_id)
            )
    return render_template(
        "hr/staff/exit.html",
        institution=institution,
        employment=employment,
        form=form,
        labels=LABELS,
    ), 422 if form.errors else 200


# --------------------------------------------------------------------------- people


def _history(employment_filter) -> tuple[list[Employment], dict[int, list[Appraisal]]]:
    """Return employments (newest first) with their institution, posts, contracts and pay
    profiles, and their appraisals by employment, in a fixed number of queries."""
    employments = (
        db.session.scalars(
            select(Employment)
            .where(employment_filter)
            .options(
                joinedload(Employment.institution),
                selectinload(Employment.appointments),
                selectinload(Employment.contracts),
                selectinload(Employment.pay_profiles),
            )
            .order_by(Employment.start_on.desc(), Employment.id.desc())
        )
        .unique()
        .all()
    )
    appraisals: dict[int, list[Appraisal]] = {}
    if employments:
        found = db.session.scalars(
            select(Appraisal)
            .where(Appraisal.employment_id.in_([e.id for e in employments]))
            .options(joinedload(Appraisal.round))
        )
        for appraisal in found:
            appraisals.setdefault(appraisal.employment_id, []).append(appraisal)
        for items in appraisals.values():
            items.sort(key=lambda a: a.round.year, reverse=True)
    return employments, appraisals


@bp.route("/<int:institution_id>/people/<int:person_id>")
@login_required
def person(institution_id: int, person_id: int):
    institution = hr_institution_or_404(institution_id)
    found = db.session.scalar(
        select(Person).where(
            Person.id == person_id,
            Person.id.in_(
                select(Employment.person_id).where(Employment.institution_id == institution.id)
            ),
        )
    )
    if found is None:
        abort(404)
    scope = scope_for(current_user, HR_VIEW)
    employments, appraisals = _history(
        (Employment.person_id == found.id) & scope.clause(Employment.institution_id)
    )
    full_id = can(current_user, HR_MANAGE, institution)
    return render_template(
        "hr/staff/person.html",
        institution=institution,
        person=found,
        employments=employments,
        appraisals=appraisals,
        full_id=full_id,
        citizen_id=_shown_id(found.citizen_id, full_id),
        can_manage=full_id,
        today=china_today(),
        labels=LABELS,
    )


@bp.route("/me")
@login_required
def me():
    found = db.session.scalar(select(Person).where(Person.user_id == current_user.id))
    employments, appraisals = ([], {})
    if found is not None:
        employments, appraisals = _history(Employment.person_id == found.id)
    return render_template(
        "hr/staff/me.html",
        person=found,
        employments=employments,
        appraisals=appraisals,
        citizen_id=mask_citizen_id(found.citizen_id) if found else None,
        today=china_today(),
        labels=LABELS,
    )
