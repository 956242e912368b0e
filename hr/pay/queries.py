"""Reads of HR's pay records (薪级): what is in effect on a date, and who has none."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import Select, func, or_, select

from core.bulk import chunks
from core.extensions import db
from hr.models import Employment, SalaryStep


def versions_of(employment_ids: Iterable[int]) -> dict[int, list[SalaryStep]]:
    """Return every 薪级 version of the employments, oldest first, by employment."""
    found: dict[int, list[SalaryStep]] = defaultdict(list)
    ids = sorted(set(employment_ids))
    for part in chunks(ids):
        for version in db.session.scalars(
            select(SalaryStep)
            .where(SalaryStep.employment_id.in_(part))
            .order_by(SalaryStep.employment_id, SalaryStep.effective_on)
        ):
            found[version.employment_id].append(version)
    return found


def in_effect(versions: list[SalaryStep], on: date) -> SalaryStep | None:
    """Return the version in effect on ``on`` from one employment's versions (oldest first)."""
    earlier = [v for v in versions if v.effective_on <= on]
    return earlier[-1] if earlier else None


def steps_on(employment_ids: Iterable[int], on: date) -> dict[int, SalaryStep]:
    """Return {employment id: the 薪级 version in effect on ``on``} (absent: none yet)."""
    return {
        employment_id: version
        for employment_id, versions in versions_of(employment_ids).items()
        if (version := in_effect(versions, on)) is not None
    }


def has_step():
    """Return the condition "the employment has a 薪级 record" (for a query on Employment)."""
    return select(SalaryStep.id).where(SalaryStep.employment_id == Employment.id).exists()


def without_steps(institution_ids: Select | Iterable[int], on: date) -> Select:
    """Return the employments active on ``on`` at the institutions that have no 薪级 record.

    The annual step skips them and payroll has no 薪级 for them: HR's to fix.
    """
    ids = institution_ids if isinstance(institution_ids, Select) else sorted(set(institution_ids))
    return select(Employment).where(
        Employment.institution_id.in_(ids),
        Employment.start_on <= on,
        or_(Employment.end_on.is_(None), Employment.end_on >= on),
        ~has_step(),
    )


def count_without_steps(institution_ids: Select | Iterable[int], on: date) -> dict[int, int]:
    """Return {institution id: active staff without a 薪级 record} in one query."""
    stmt = without_steps(institution_ids, on).with_only_columns(
        Employment.institution_id, func.count()
    )
    rows = db.session.execute(stmt.group_by(Employment.institution_id))
    return {institution_id: count for institution_id, count in rows}
