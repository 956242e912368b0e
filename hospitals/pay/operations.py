"""Writes of 同岗同酬: the yearly gap summary HR confirms, which the indicator upward reads."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from core import audit
from core.extensions import db
from core.models import utcnow
from core.money import round_half_up
from hospitals.models import PayGapSummary
from hospitals.pay import queries
from hospitals.paygap import GapReport, Measure
from institutions.models import Institution

#: the largest share the column holds (a gap against a near-zero reference)
CAP = Decimal("9999.9999")
SUMMARY_FIELDS = ("records", "cells", "gaps", "people", "largest_share", "mean_share")
SHARE = Decimal("0.0001")


def mean_share(report: GapReport, reference_identity: str) -> Decimal | None:
    """Return the mean post-pay difference of every other identity from the reference on
    the same post (department and grade), as a share of the reference's mean.

    Every compared cell counts, also differences within the tolerance; the reference is the
    reference identity where the cell has one, else its best-paid identity (as the report).
    """
    shares: list[Decimal] = []
    for cell in report.cells:
        if cell.measure != Measure.POST_PAY or len(cell.groups) < 2:
            continue
        groups = {g.identity: g for g in cell.groups}
        reference = groups.get(reference_identity) or max(cell.groups, key=lambda g: g.mean)
        if reference.mean == 0:
            continue
        shares += [
            abs(g.mean - reference.mean) / reference.mean
            for g in cell.groups
            if g.identity != reference.identity
        ]
    if not shares:
        return None
    return min(round_half_up(sum(shares, Decimal(0)) / len(shares), SHARE), CAP)


def summary_values(report: GapReport, records: int, reference_identity: str) -> dict[str, Any]:
    """Return the figures a yearly summary keeps of a gap report."""
    shares = [min(abs(g.gap_share), CAP) for g in report.gaps if g.gap_share is not None]
    return {
        "records": records,
        "cells": sum(
            1 for c in report.cells if c.measure == Measure.POST_PAY and len(c.groups) > 1
        ),
        "gaps": len(report.gaps),
        "people": len(report.people()),
        "largest_share": max(shares) if shares else None,
        "mean_share": mean_share(report, reference_identity),
    }


def confirm_summary(
    institution: Institution, year: int, on: date, *, actor: Any = None
) -> PayGapSummary:
    """Compute the year's identity-gap report and store (or replace) its summary."""
    report = queries.gap_report(institution.id, year, on)
    figures = summary_values(
        report,
        queries.records_count(institution.id, year),
        queries.gap_rules(on).reference_identity,
    )
    summary = db.session.scalar(
        select(PayGapSummary).where(
            PayGapSummary.institution_id == institution.id, PayGapSummary.year == year
        )
    )
    before = audit.snapshot(summary, SUMMARY_FIELDS) if summary else {}
    if summary is None:
        summary = PayGapSummary(institution_id=institution.id, year=year)
        db.session.add(summary)
    for key, value in figures.items():
        setattr(summary, key, value)
    summary.computed_at = utcnow()
    summary.computed_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(
        "pay_gap.confirm",
        summary,
        institution_id=institution.id,
        summary=f"{year}",
        changes=audit.diff(before, audit.snapshot(summary, SUMMARY_FIELDS)),
        actor=actor,
    )
    return summary
