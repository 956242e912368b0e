"""Rows shared by the demo step and ``seed-scale``: a synthetic person as table values."""

from __future__ import annotations

from datetime import date
from typing import Any

from hr.departments.kinds import suggest_kind
from hr.models import (
    ContractStatus,
)
from hr.seed.synthetic import (
    StaffSpec,
)
from institutions import seed as registry_seed  # noqa: F401  (its demo step must run first)


def person_fields(spec: StaffSpec, user_id: int | None = None) -> dict[str, Any]:
    return {
        "citizen_id": spec.citizen_id,
        "name": spec.name,
        "gender": spec.gender,
        "birth_date": spec.birth_date,
        "education": spec.education,
        "professional_title": spec.professional_title,
        "phone": spec.phone,
        "user_id": user_id,
    }


def department_fields(name: str, institution_id: int, institution_kind: str) -> dict[str, Any]:
    return {
        "institution_id": institution_id,
        "name": name,
        "kind": suggest_kind(name, institution_kind),
        "is_active": True,
    }


def employment_fields(
    spec: StaffSpec, institution_id: int, department_id: int | None
) -> dict[str, Any]:
    return {
        "institution_id": institution_id,
        "staff_number": spec.staff_number,
        "identity": spec.identity,
        "department_id": department_id,
        "start_on": spec.start_on,
        "end_on": None,
        "bank_account": spec.bank_account,
    }


def appointment_fields(spec: StaffSpec, institution_id: int) -> list[dict[str, Any]]:
    return [
        {
            "institution_id": institution_id,
            "category": a.category,
            "grade": a.grade,
            "post_name": a.post_name,
            "start_on": a.start_on,
            "end_on": a.end_on,
        }
        for a in spec.appointments
    ]


def contract_fields(spec: StaffSpec, institution_id: int) -> dict[str, Any]:
    c = spec.contract
    return {
        "institution_id": institution_id,
        "contract_type": c.contract_type,
        "start_on": c.start_on,
        "end_on": c.end_on,
        "probation_months": c.probation_months,
        "status": ContractStatus.ACTIVE.value,
    }


def pay_profile_fields(spec: StaffSpec, today: date) -> list[dict[str, Any]]:
    first_job = spec.start_on == spec.career_start_on and spec.start_on.year == today.year
    return [
        {
            "effective_on": p.effective_on,
            "salary_step": p.salary_step,
            "contribution_base": p.contribution_base,
            "fund_base": p.fund_base,
            "fund_rate": p.fund_rate,
            "special_deduction": p.special_deduction,
            "is_first_job_this_year": first_job,
            "has_prior_year_low_income": False,
            "reason": p.reason,
        }
        for p in spec.pay_profiles
    ]
