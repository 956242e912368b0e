"""Every dated parameter of the hospitals rules: its default value and source, for seeding.

Each rule module declares ``DEFAULTS`` ({parameter key: JSON value}) and ``SOURCE``; the
module declaration (``hospitals/module.py``, later) hands these to core, and the operations
read the version in force with ``core.parameters.parameter(key, on)`` and build the typed
rules with each module's ``…Rules.from_value(value)``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hospitals import benchmarks, leadership, paygap

_MODULES = (benchmarks, paygap, leadership)

#: When the seeded versions start: 国办发〔2015〕38号 (the 两转一去 reform's first document).
EFFECTIVE_FROM = date(2015, 5, 1)

DEFAULTS: dict[str, Any] = {
    key: value for module in _MODULES for key, value in module.DEFAULTS.items()
}
SOURCES: dict[str, str] = {key: module.SOURCE for module in _MODULES for key in module.DEFAULTS}


def ensure_defaults() -> None:
    """Seed every hospitals parameter with its default (safe to run again)."""
    from core.parameters import ensure_parameter

    for key, value in DEFAULTS.items():
        ensure_parameter(key, value, effective_from=EFFECTIVE_FROM, source=SOURCES[key])
