"""Reads of payroll's records, including what payroll gives HR's pages through registries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, or_, select

from core.extensions import db
from hr.models import Employment, Person
from payroll.models import PayBonusChoice, PaySettings


def settings_staff(institution_id: int, on: date, q: str = "") -> Select:
    """Return the statement of the staff employed on ``on`` (by staff number) whose staff
    number or name contains ``q`` (typed text: ``%`` and ``_`` match themselves)."""
    stmt = (
        select(Employment)
        .join(Person, Person.id == Employment.person_id)
        .where(
            Employment.institution_id == institution_id,
            or_(Employment.end_on.is_(None), Employment.end_on >= on),
        )
        .order_by(Employment.staff_number)
    )
    if q:
        stmt = stmt.where(
            or_(
                Employment.staff_number.contains(q, autoescape=True),
                Person.name.contains(q, autoescape=True),
            )
        )
    return stmt


def settings_on(employment_ids: Sequence[int], on: date) -> dict[int, PaySettings]:
    """Return {employment id: the pay settings in effect on ``on`` (else the earliest)}."""
    found: dict[int, PaySettings] = {}
    if not employment_ids:
        return found
    versions = db.session.scalars(
        select(PaySettings)
        .where(PaySettings.employment_id.in_(list(employment_ids)))
        .order_by(PaySettings.employment_id, PaySettings.effective_on)
    )
    for version in versions:
        current = found.get(version.employment_id)
        if current is None or version.effective_on <= on:
            found[version.employment_id] = version
    return found


def bonus_merged(employment_ids: Sequence[int], year: int) -> set[int]:
    """Return the employments whose 全年一次性奖金 of ``year`` is merged into wage income."""
    if not employment_ids:
        return set()
    return set(
        db.session.scalars(
            select(PayBonusChoice.employment_id).where(
                PayBonusChoice.year == year,
                PayBonusChoice.merge.is_(True),
                PayBonusChoice.employment_id.in_(list(employment_ids)),
            )
        )
    )


def bonus_choices(employment_id: int) -> list[PayBonusChoice]:
    """Return an employment's bonus tax choices, the latest year first."""
    return list(
        db.session.scalars(
            select(PayBonusChoice)
            .where(PayBonusChoice.employment_id == employment_id)
            .order_by(PayBonusChoice.year.desc())
        )
    )


def roster_pay_settings(employment_ids: Sequence[int], on: date) -> dict[int, dict[str, Any]]:
    """Return the roster export's money columns (HR's ``roster_pay_settings`` registry).

    Only the columns it shows, as rows rather than records: the export reads 100,000 at a
    time, and loading each record (with its JSON deductions) cost more than writing it.
    The version chosen is ``settings_on``'s: in effect on ``on``, else the earliest.
    """
    found: dict[int, dict[str, Any]] = {}
    if not employment_ids:
        return found
    versions = db.session.execute(
        select(
            PaySettings.employment_id,
            PaySettings.effective_on,
            PaySettings.contribution_base,
            PaySettings.fund_base,
            PaySettings.fund_rate,
        )
        .where(PaySettings.employment_id.in_(list(employment_ids)))
        .order_by(PaySettings.employment_id, PaySettings.effective_on, PaySettings.id)
    )
    for employment_id, effective_on, contribution_base, fund_base, fund_rate in versions:
        if employment_id not in found or effective_on <= on:
            found[employment_id] = {
                "contribution_base": contribution_base,
                "fund_base": fund_base,
                "fund_rate": fund_rate,
            }
    return found
