"""Every dated parameter of the schools rules: its default value and source, for seeding.

Each rule module declares ``DEFAULTS`` ({parameter key: JSON value}) and ``SOURCE``; the
module declaration (``schools/module.py``, later) hands these to core, and the operations
read the version in force with ``core.parameters.parameter(key, on)`` and build the typed
rules with each module's ``…Rules.from_value(value)``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from schools import allowance, congress, enrolment, lumpsum, projection, reward, stages, surplus

_MODULES = (stages, allowance, enrolment, projection, lumpsum, reward, congress, surplus)

#: When the seeded versions start: the 2014 unified staffing standard (中央编办发〔2014〕72号).
EFFECTIVE_FROM = date(2014, 11, 1)

DEFAULTS: dict[str, Any] = {
    key: value for module in _MODULES for key, value in module.DEFAULTS.items()
}
SOURCES: dict[str, str] = {key: module.SOURCE for module in _MODULES for key in module.DEFAULTS}


def ensure_defaults() -> None:
    """Seed every schools parameter with its default (safe to run again)."""
    from core.parameters import ensure_parameter

    for key, value in DEFAULTS.items():
        ensure_parameter(key, value, effective_from=EFFECTIVE_FROM, source=SOURCES[key])
