"""Named figures per institution that higher packages provide, for a whole scope at once.

The registry keeps the quota ledger; the people who occupy it, a school's teacher shortfall
or a hospital's post coverage are figures of packages above this one. Each of them declares
``Indicator`` values in its ``module.py`` under ``provides={"indicators": [...]}``; the quota
ledger, the staffing office's dashboard and its API read them here, never from those
packages.

A provider answers for a whole scope in SQL: ``provide(ids, on)`` gets a SELECT of
institution ids and a date and returns ``{institution_id: value}`` from one query, so a page
over 3,000 institutions runs one query per indicator, not one per institution. Institutions
the provider has no figure for are simply absent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select

from core.modules import platform
from institutions.models import Institution, QuotaKind

Provider = Callable[[Select, date], Mapping[int, Any]]


@dataclass(frozen=True)
class Indicator:
    """One named figure: what it means, its unit, who provides it and how."""

    #: dotted key, e.g. "staff.establishment"
    key: str
    label: Any
    #: e.g. 人, %, 元
    unit: Any
    #: the package that provides it
    owner: str
    provide: Provider
    #: institution kinds it concerns ("school", "hospital"); empty: every kind
    kinds: frozenset[str] = frozenset()
    description: Any = None


#: Well-known keys: the people occupying each quota kind, named (实名制), on a date.
OCCUPANCY_KEYS: dict[QuotaKind, str] = {
    QuotaKind.ESTABLISHMENT: "staff.establishment",
    QuotaKind.FILED: "staff.filed",
}


def registered() -> dict[str, Indicator]:
    """Return the indicators the loaded modules provide, by key."""
    found: dict[str, Indicator] = {}
    for indicator in platform().provided("indicators"):
        if indicator.key in found:
            raise ValueError(f"indicator {indicator.key!r} provided twice")
        found[indicator.key] = indicator
    return found


def ids_select(scope: Select | Iterable[int] | Any) -> Select:
    """Return a SELECT of institution ids for a scope.

    ``scope`` is a SELECT of ids, an iterable of ids, or a WHERE clause on institutions
    (e.g. ``Institution.district_code == "510107"`` or a permission scope's clause).
    """
    if isinstance(scope, Select):
        return scope
    if isinstance(scope, Iterable) and not hasattr(scope, "compile"):
        return select(Institution.id).where(Institution.id.in_(sorted(set(scope))))
    return select(Institution.id).where(scope)


def values(keys: Iterable[str], scope: Any, on: date) -> dict[str, dict[int, Any]]:
    """Return ``{key: {institution_id: value}}`` for the scope, one query per indicator.

    A key no loaded module provides maps to an empty dict ("not yet reported").
    """
    known = registered()
    ids = ids_select(scope)
    return {key: dict(known[key].provide(ids, on)) if key in known else {} for key in keys}


def occupancy(institution_id: int, on: date) -> dict[QuotaKind, int]:
    """Return the occupied places per quota kind on ``on``; kinds nobody counts are absent."""
    found = values(OCCUPANCY_KEYS.values(), [institution_id], on)
    known = registered()
    return {
        kind: int(found[key].get(institution_id, 0))
        for kind, key in OCCUPANCY_KEYS.items()
        if key in known
    }
