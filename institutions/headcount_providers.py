"""Who occupies the quota: counts that higher packages provide, without institutions importing them.

The registry keeps the approved 编制 and filed 员额 (the ledger); the people who occupy them
are HR's records, in a package above this one. HR registers a provider here at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from institutions.models import QuotaKind

#: Each provider takes an institution id and a date and returns {QuotaKind: occupied places}
#: for the kinds it knows about. Packages append to this list when imported at start-up.
OCCUPANCY_PROVIDERS: list[Callable[[int, date], Mapping[QuotaKind, int]]] = []


def register(provider: Callable[[int, date], Mapping[QuotaKind, int]]):
    """Register an occupancy provider (a decorator)."""
    if provider not in OCCUPANCY_PROVIDERS:
        OCCUPANCY_PROVIDERS.append(provider)
    return provider


def occupancy(institution_id: int, on: date) -> dict[QuotaKind, int]:
    """Return the occupied places per quota kind on ``on``; kinds nobody counts are absent."""
    found: dict[QuotaKind, int] = {}
    for provider in OCCUPANCY_PROVIDERS:
        for kind, count in provider(institution_id, on).items():
            found[QuotaKind(kind)] = found.get(QuotaKind(kind), 0) + int(count)
    return found
