"""Reads of 聘用合同: lists, expiring contracts, staff without one, loaders."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import contains_eager

from core.extensions import db
from hr.contracts import terms as rules
from hr.models import Contract, ContractStatus, Employment, Person

#: Columns the contract list may be sorted by.
CONTRACT_SORTS = {
    "staff_number": Employment.staff_number,
    "name": Person.name,
    "start_on": Contract.start_on,
    "end_on": Contract.end_on,
    "status": Contract.status,
}


def contracts_of(institution_id: int) -> Select:
    """Return the contracts of an institution with their employment and person loaded."""
    return (
        select(Contract)
        .join(Employment, Contract.employment_id == Employment.id)
        .join(Person, Employment.person_id == Person.id)
        .options(contains_eager(Contract.employment).contains_eager(Employment.person))
        .where(Contract.institution_id == institution_id)
    )


def filtered(institution_id: int, q=None, status=None, contract_type=None) -> Select:
    """Return the institution's contracts matching a search and filters."""
    stmt = contracts_of(institution_id)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Person.name.like(like), Employment.staff_number.like(like)))
    if status:
        stmt = stmt.where(Contract.status == status)
    if contract_type:
        stmt = stmt.where(Contract.contract_type == contract_type)
    return stmt


def expiring(institution_id: int, within: int, today: date) -> Select:
    """Return active contracts ending within ``within`` days (or past their end)."""
    return (
        contracts_of(institution_id)
        .where(
            Contract.status == ContractStatus.ACTIVE.value,
            Contract.end_on.is_not(None),
            Contract.end_on <= rules.expiry_cutoff(today, within),
        )
        .order_by(Contract.end_on, Employment.staff_number)
    )


def uncovered(institution_id: int) -> Select:
    """Return active employments with no active contract."""
    has_contract = exists().where(
        Contract.employment_id == Employment.id,
        Contract.status == ContractStatus.ACTIVE.value,
    )
    return select(Employment).where(
        Employment.institution_id == institution_id,
        Employment.end_on.is_(None),
        ~has_contract,
    )


def contract_or_404(institution_id: int, contract_id: int) -> Contract:
    """Return the institution's contract, or 404 (also for another institution's)."""
    return db.first_or_404(
        select(Contract).where(
            Contract.id == contract_id, Contract.institution_id == institution_id
        )
    )


def history_of(employment_id: int) -> list[Contract]:
    """Return an employment's contracts, oldest first."""
    return list(
        db.session.scalars(
            select(Contract)
            .where(Contract.employment_id == employment_id)
            .order_by(Contract.start_on, Contract.id)
        )
    )


def uncovered_summary(institution_id: int, limit: int) -> tuple[int, list[Employment]]:
    """Return how many active staff have no active contract, and the first ``limit`` of them."""
    stmt = uncovered(institution_id)
    count = db.session.scalar(stmt.with_only_columns(func.count(Employment.id)))
    first = list(db.session.scalars(stmt.order_by(Employment.staff_number).limit(limit)))
    return count, first


def count_expiring(institution_ids, within: int, today: date) -> dict[int, int]:
    """Return {institution id: active contracts ending within ``within`` days (or past)}."""
    stmt = (
        select(Contract.institution_id, func.count())
        .where(
            Contract.institution_id.in_(sorted(set(institution_ids))),
            Contract.status == ContractStatus.ACTIVE.value,
            Contract.end_on.is_not(None),
            Contract.end_on <= rules.expiry_cutoff(today, within),
        )
        .group_by(Contract.institution_id)
    )
    return dict(db.session.execute(stmt).tuples().all())
