"""From raw indicator figures to the points and scores the allocation divides by.

Pure rules over plain values (issue 13). Figures are raw values in each indicator's own
unit (DRG points, visits, a rate); they are turned into 0–100 scores against the best value
with :func:`hospitals.scheme.normalize`, in the direction the catalogue gives (lower is
better for infection rates, cost growth, length of stay).

- **Departments.** The departments that take part are those with figures. Each must have a
  figure for every indicator of the scheme (a missing one is refused, naming department and
  indicator: a missing "lower is better" value would otherwise look like the best). A
  department's points = Σ weight × score ÷ 100 over the indicators, scores normalized across
  the departments.
- **People.** In a department with figures per person, each person's score per indicator is
  normalized across the people of that department, and every person needs every indicator.
  In a department without person figures everyone scores 100 on each indicator, so the
  department's amount is split equally.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import Decimal

from core.i18n import msg
from hospitals.findings import HospitalsRefusal
from hospitals.indicators import Direction, lookup
from hospitals.scheme import HUNDRED, SchemeIndicator, normalize

#: {subject: {indicator key: raw value}}
Figures = Mapping[Hashable, Mapping[str, Decimal]]


def _lower_is_better(key: str) -> bool:
    indicator = lookup(key)
    return indicator is not None and indicator.direction is Direction.LOWER_BETTER


def _missing(figures: Figures, indicators, names: Mapping[Hashable, str]) -> None:
    gaps = [
        (names.get(subject, str(subject)), item.key)
        for subject in sorted(figures, key=str)
        for item in indicators
        if item.key not in figures[subject]
    ]
    if gaps:
        labels = {i.key: str(lookup(i.key).label) if lookup(i.key) else i.key for i in indicators}
        raise HospitalsRefusal(
            msg(
                "缺少指标数据：%(list)s",
                list="、".join(f"{name}「{labels[key]}」" for name, key in gaps[:20]),
            ),
            field="figures",
        )


def scores(
    indicators: tuple[SchemeIndicator, ...], figures: Figures, names: Mapping[Hashable, str]
) -> dict[Hashable, dict[str, Decimal]]:
    """Return {subject: {indicator: 0–100 score}}, normalized across the subjects given."""
    _missing(figures, indicators, names)
    by_indicator = {
        item.key: normalize(
            {subject: values[item.key] for subject, values in figures.items()},
            lower_is_better=_lower_is_better(item.key),
        )
        for item in indicators
    }
    return {
        subject: {item.key: by_indicator[item.key][subject] for item in indicators}
        for subject in figures
    }


def weighted(indicators: tuple[SchemeIndicator, ...], subject_scores: Mapping[str, Decimal]):
    """Return Σ weight × score ÷ 100 (exact)."""
    return (
        sum((item.weight * subject_scores[item.key] for item in indicators), Decimal(0)) / HUNDRED
    )


def department_points(
    indicators: tuple[SchemeIndicator, ...], figures: Figures, names: Mapping[Hashable, str]
) -> dict[Hashable, Decimal]:
    """Return each department's points from its figures (module text)."""
    return {
        department: weighted(indicators, values)
        for department, values in scores(indicators, figures, names).items()
    }


def equal_scores(indicators: tuple[SchemeIndicator, ...]) -> dict[str, Decimal]:
    """Return the scores of everyone in a department without person figures."""
    return {item.key: HUNDRED for item in indicators}
