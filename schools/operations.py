"""Writes of the school records: profile, a school year's enrolment, a person's stage.

Operations add and flush; the request (``core.actions.perform``) or the import commits.
Each refuses with a :class:`~schools.findings.SchoolsRefusal` before writing anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import delete, select

from core import audit
from core.extensions import db
from core.i18n import msg
from core.ids import china_today
from hr.models import Employment
from institutions.models import Institution, InstitutionKind
from schools import queries
from schools.enrolment import GradeEnrolment, check_grades
from schools.findings import Finding, SchoolsRefusal, errors
from schools.models import (
    EnrolmentGrade,
    EnrolmentSource,
    EnrolmentYear,
    SchoolProfile,
    StaffStage,
)
from schools.stages import SchoolType, Stage

PROFILE_FIELDS = ["school_type", "is_lump_sum", "note"]
#: the oldest and the furthest school year one may record
FIRST_YEAR = 2000
MAX_YEARS_AHEAD = 1


def save_profile(institution: Institution, data: Mapping[str, Any]) -> SchoolProfile:
    """Create or change the school's profile (type of school, 两自一包)."""
    if institution.kind != InstitutionKind.SCHOOL.value:
        raise SchoolsRefusal(msg("只有学校才能填写学校概况"))
    school_type = SchoolType(data["school_type"])
    profile = queries.profile_of(institution.id)
    before = audit.snapshot(profile, PROFILE_FIELDS) if profile else {}
    if profile is None:
        profile = SchoolProfile(institution_id=institution.id)
        db.session.add(profile)
    elif set(school_type.stages) != set(profile.stages):
        _refuse_if_recorded_grades_outside(institution.id, school_type)
    profile.school_type = school_type.value
    profile.is_lump_sum = bool(data.get("is_lump_sum"))
    profile.note = (data.get("note") or "").strip() or None
    db.session.flush()
    audit.record(
        "school_profile.save",
        profile,
        institution_id=institution.id,
        summary=str(school_type.label),
        changes=audit.diff(before, audit.snapshot(profile, PROFILE_FIELDS)),
    )
    return profile


def _refuse_if_recorded_grades_outside(institution_id: int, school_type: SchoolType) -> None:
    layout = queries.grade_layout(china_today())
    allowed = set(layout.school_grades(school_type.stages))
    recorded = db.session.scalars(
        select(EnrolmentGrade.grade)
        .join(EnrolmentYear, EnrolmentYear.id == EnrolmentGrade.enrolment_year_id)
        .where(EnrolmentYear.institution_id == institution_id, EnrolmentGrade.students > 0)
        .distinct()
    ).all()
    outside = sorted(set(recorded) - allowed)
    if outside:
        raise SchoolsRefusal(
            msg(
                "已填报的学生数中有%(type)s不设的年级（%(grades)s），请先修改这些学年的学生数",
                type=school_type.label,
                grades="、".join(str(g) for g in outside),
            ),
            field="school_type",
        )


def check_year(year: int, today: date) -> None:
    """Refuse a school year that is too old or too far ahead."""
    latest = queries.school_year_of(today) + MAX_YEARS_AHEAD
    if not FIRST_YEAR <= year <= latest:
        raise SchoolsRefusal(
            msg("学年应在 %(first)d–%(last)d 之间", first=FIRST_YEAR, last=latest), field="year"
        )


def check_enrolment(
    profile: SchoolProfile, year: int, grades: Iterable[GradeEnrolment]
) -> list[Finding]:
    """Return the findings about a year's grades; refuse if any is an error."""
    rules_on = date(year, queries.FIRST_MONTH, 1)
    findings = check_grades(
        list(grades),
        queries.class_rules(rules_on),
        stages=profile.stages,
        layout=queries.grade_layout(rules_on),
    )
    problems = errors(findings)
    if problems:
        by_field: dict[str, Any] = {}
        for finding in problems:
            by_field.setdefault(f"students_{finding.grade}", finding.message)
        raise SchoolsRefusal(errors=by_field)
    return findings


def save_enrolment(
    profile: SchoolProfile,
    year: int,
    grades: Iterable[GradeEnrolment],
    *,
    today: date,
    source: str = EnrolmentSource.FORM,
    actor: Any = None,
) -> tuple[EnrolmentYear, list[Finding]]:
    """Record (or replace) a school year's classes and students per grade.

    Refused, with nothing written, if any grade has an error (negative numbers, students
    without classes, a grade the school does not teach); warnings (oversized classes) are
    returned for the page to show.
    """
    grades = sorted(grades, key=lambda g: g.grade)
    check_year(year, today)
    findings = check_enrolment(profile, year, grades)
    enrolment = queries.enrolment_year(profile.institution_id, year)
    before = {}
    if enrolment is None:
        enrolment = EnrolmentYear(institution_id=profile.institution_id, year=year)
        db.session.add(enrolment)
        db.session.flush()
    else:
        before = {f"grade_{g.grade}": [g.classes, g.students] for g in enrolment.grades}
        db.session.execute(
            delete(EnrolmentGrade).where(EnrolmentGrade.enrolment_year_id == enrolment.id)
        )
        db.session.expire(enrolment, ["grades"])
    enrolment.source = source
    for item in grades:
        db.session.add(
            EnrolmentGrade(
                enrolment_year_id=enrolment.id,
                grade=item.grade,
                classes=item.classes,
                students=item.students,
            )
        )
    db.session.flush()
    db.session.expire(enrolment, ["grades"])
    after = {f"grade_{g.grade}": [g.classes, g.students] for g in grades}
    audit.record(
        "enrolment.save",
        enrolment,
        institution_id=profile.institution_id,
        summary=f"{year}–{year + 1} 学年 {sum(g.students for g in grades)} 人",
        changes=audit.diff(before, after),
        actor=actor,
    )
    return enrolment, findings


def set_staff_stage(
    profile: SchoolProfile, employment: Employment, stage: str | None
) -> StaffStage | None:
    """Record the stage a member of staff serves (None or "": the whole school)."""
    if employment.institution_id != profile.institution_id:
        raise SchoolsRefusal(msg("该职工不属于本校"))
    current = db.session.scalar(select(StaffStage).where(StaffStage.employment_id == employment.id))
    before = current.stage if current else None
    if stage:
        value = Stage(stage)
        if value not in profile.stages:
            raise SchoolsRefusal(msg("本校未设%(stage)s学段", stage=value.label), field="stage")
        if current is None:
            current = StaffStage(employment_id=employment.id, institution_id=profile.institution_id)
            db.session.add(current)
        current.stage = value.value
    elif current is not None:
        db.session.delete(current)
        current = None
    db.session.flush()
    after = current.stage if current else None
    if before != after:
        audit.record(
            "staff_stage.set",
            employment,
            institution_id=profile.institution_id,
            summary=f"{employment.person.name}（{employment.staff_number}）",
            changes={"stage": [before, after]},
        )
    return current
