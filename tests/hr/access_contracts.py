"""Who may use the contract and appraisal routes (merged into the permission matrix)."""

from datetime import date

from sqlalchemy import select

from core.extensions import db
from hr.models import AppraisalRound, Contract, ContractStatus, ContractType
from tests.access import HR_READ, HR_WRITE, Access
from tests.factories import create_employment

ACCESS = {
    "hr.contracts": Access(HR_READ),
    "hr.contracts_export": Access(HR_READ),
    "hr.contract_new": Access(HR_WRITE, ("GET", "POST")),
    "hr.contract_renew": Access(HR_WRITE, ("GET", "POST")),
    "hr.contract_terminate": Access(HR_WRITE, ("POST",)),
    "hr.appraisals": Access(HR_READ),
    "hr.appraisal_open": Access(HR_WRITE, ("POST",)),
    "hr.appraisal_round": Access(HR_READ),
    "hr.appraisal_grade": Access(HR_WRITE, ("POST",)),
    "hr.appraisal_close": Access(HR_WRITE, ("POST",)),
    "hr.appraisal_bulk": Access(HR_WRITE, ("POST",)),
}

ROUND_YEAR = 2026


def _contract(world, institution) -> int:
    employment = create_employment(institution)
    contract = Contract(
        employment_id=employment.id,
        institution_id=institution.id,
        contract_type=ContractType.FIXED_TERM.value,
        start_on=date(2024, 9, 1),
        end_on=date(2027, 8, 31),
        probation_months=0,
        status=ContractStatus.ACTIVE.value,
    )
    db.session.add(contract)
    db.session.flush()
    return contract.id


def _year(world, institution) -> int:
    """Make sure the institution has a round for ROUND_YEAR and return that year."""
    existing = db.session.scalar(
        select(AppraisalRound.id).where(
            AppraisalRound.institution_id == institution.id, AppraisalRound.year == ROUND_YEAR
        )
    )
    if existing is None:
        db.session.add(AppraisalRound(institution_id=institution.id, year=ROUND_YEAR))
        db.session.flush()
    return ROUND_YEAR


ARGS = {
    "employment_id": lambda world, institution: create_employment(institution).id,
    "contract_id": _contract,
    "year": _year,
}
