"""Reads for the hospital profile: beds and level, HR's staff counted the benchmarks' way.

Counted among the staff employed on the day: *clinical* (卫生技术人员) are those in
clinical, medical-technical and nursing departments; *doctors* those whose professional
title names a physician (…医师, …医士); *nurses* those whose title names a nurse (…护士,
…护师). The benchmark rule itself is ``hospitals.benchmarks``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, or_, select

from core.extensions import db
from core.parameters import parameter
from hospitals.benchmarks import (
    BENCHMARKS_KEY,
    BenchmarkReport,
    BenchmarkRules,
    StaffingCounts,
    compare,
)
from hospitals.models import HospitalProfile
from hospitals.transition.queries import employed_on
from hr.models import Department, DepartmentKind, Employment

CLINICAL_KINDS = (
    DepartmentKind.CLINICAL.value,
    DepartmentKind.MEDICAL_TECHNICAL.value,
    DepartmentKind.NURSING.value,
)


def profile_of(institution_id: int) -> HospitalProfile | None:
    return db.session.scalar(
        select(HospitalProfile).where(HospitalProfile.institution_id == institution_id)
    )


def staffing_counts(institution_id: int, beds: int, on: date) -> StaffingCounts:
    """Return the hospital's counts on ``on`` (one query)."""
    title = Employment.professional_title
    row = db.session.execute(
        select(
            func.count(),
            func.sum(case((Department.kind.in_(CLINICAL_KINDS), 1), else_=0)),
            func.sum(case((or_(title.like("%医师%"), title.like("%医士%")), 1), else_=0)),
            func.sum(case((or_(title.like("%护士%"), title.like("%护师%")), 1), else_=0)),
        )
        .select_from(Employment)
        .outerjoin(Department, Department.id == Employment.department_id)
        .where(Employment.institution_id == institution_id, employed_on(on))
    ).one()
    staff, clinical, doctors, nurses = (int(value or 0) for value in row)
    return StaffingCounts(beds=beds, staff=staff, clinical=clinical, doctors=doctors, nurses=nurses)


def benchmark_report(
    institution_id: int, on: date
) -> tuple[HospitalProfile | None, BenchmarkReport | None]:
    """Return the profile and the benchmarks against the staff (None without a profile)."""
    profile = profile_of(institution_id)
    if profile is None:
        return None, None
    rules = BenchmarkRules.from_value(parameter(BENCHMARKS_KEY, on))
    return profile, compare(staffing_counts(institution_id, profile.beds, on), rules)
