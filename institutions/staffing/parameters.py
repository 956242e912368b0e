"""The staffing office's dated parameters (DOMAIN.md: every threshold is a dated version)."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.parameters import ensure_defaults, parameter
from institutions.staffing.evaluation import DEFAULTS, Scheme
from institutions.staffing.reports import DEFAULT_DEADLINE
from institutions.staffing.requests import DEFAULT_EVALUATION_MAX_AGE_MONTHS

EVALUATION_MAX_AGE = "staffing.evaluation_max_age_months"
REPORT_DEADLINE = "staffing.report_deadline"
SCORING_WEIGHTS = "staffing.scoring_weights"

DEFAULTS_BY_KEY: dict[str, Any] = {
    EVALUATION_MAX_AGE: DEFAULT_EVALUATION_MAX_AGE_MONTHS,
    REPORT_DEADLINE: {"month": DEFAULT_DEADLINE[0], "day": DEFAULT_DEADLINE[1]},
    SCORING_WEIGHTS: DEFAULTS.to_mapping(),
}
SOURCE = "《机构编制管理评估办法（试行）》；事业单位年度报告公示办法（每年 3 月 31 日前）"
SINCE = date(2020, 1, 1)


def seed_defaults() -> None:
    """Store the defaults as the first versions (idempotent); run by ``flask init``."""
    ensure_defaults(DEFAULTS_BY_KEY, effective_from=SINCE, source=SOURCE)


def evaluation_max_age(on: date) -> int:
    """Return how many months a finalised evaluation counts for a request on ``on``."""
    return int(parameter(EVALUATION_MAX_AGE, on, default=DEFAULT_EVALUATION_MAX_AGE_MONTHS))


def report_deadline(year: int, on: date | None = None) -> date:
    """Return the deadline of the annual report on ``year`` (in the next year)."""
    value = parameter(REPORT_DEADLINE, on or date(year + 1, 1, 1), default=None) or {}
    month = int(value.get("month", DEFAULT_DEADLINE[0]))
    day = int(value.get("day", DEFAULT_DEADLINE[1]))
    return date(year + 1, month, day)


def scoring_scheme(on: date) -> Scheme:
    """Return the scoring scheme a round opened on ``on`` takes by default."""
    value = parameter(SCORING_WEIGHTS, on, default=None)
    return Scheme.from_mapping(value) if value else DEFAULTS
