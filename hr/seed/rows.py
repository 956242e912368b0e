"""Rows shared by the demo step and ``seed-scale``: a synthetic person as table values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hr import signals
from hr.departments.kinds import suggest_kind
from hr.models import (
    ContractStatus,
)
from hr.pay.operations import StepRequest, record_salary_steps
from hr.seed.synthetic import (
    StaffSpec,
)
from hr.signals import Appointed, Hire
from institutions import seed as registry_seed  # noqa: F401  (its demo step must run first)


def person_fields(spec: StaffSpec, user_id: int | None = None) -> dict[str, Any]:
    return {
        "citizen_id": spec.citizen_id,
        "name": spec.name,
        "gender": spec.gender,
        "birth_date": spec.birth_date,
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
        "education": spec.education,
        "professional_title": spec.professional_title,
        "phone": spec.phone,
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
        "probation_basis": c.probation_basis,
        "status": ContractStatus.ACTIVE.value,
    }


def step_requests(spec: StaffSpec, employment_id: int, institution_id: int) -> list[StepRequest]:
    """Return the synthetic person's 薪级 versions as requests to HR's one pay operation."""
    return [
        StepRequest(employment_id, institution_id, p.effective_on, p.salary_step, p.reason)
        for p in spec.pay_profiles
    ]


def announce_hires(
    hires: list[tuple[StaffSpec, int, int, int]], appointments: Sequence[Appointed] = ()
) -> None:
    """Record the seeded hires' 薪级 and tell the packages above, as every hiring path does.

    ``hires``: (spec, employment id, institution id, person id) of employments already
    written (flushed); ``appointments``: their posts, when someone listens for them.
    """
    record_salary_steps(
        [
            request
            for spec, employment_id, institution_id, _ in hires
            for request in step_requests(spec, employment_id, institution_id)
        ],
        source="seed",
        new_employments=True,
    )
    signals.send(
        signals.hired,
        [hire(spec, e, i, p) for spec, e, i, p in hires],
        source="seed",
    )
    signals.send(signals.appointed, appointments, source="seed")


def hire(spec: StaffSpec, employment_id: int, institution_id: int, person_id: int) -> Hire:
    """Return the hire signal's item for a synthetic person, with the money it hands on."""
    first = spec.pay_profiles[0]
    return Hire(
        employment_id,
        institution_id,
        person_id,
        spec.identity,
        spec.start_on,
        first.contribution_base,
        first.fund_base,
        first.fund_rate,
    )
