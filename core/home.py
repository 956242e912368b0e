"""Home-page sections that higher packages contribute without core importing them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Section:
    """One block on a user's home page: a template and the data it needs."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


#: Each provider takes the signed-in user and returns a Section, or None if it has nothing
#: for that user. Packages append to this list when they are imported at start-up.
SECTION_PROVIDERS: list[Callable[[Any], Section | None]] = []


def home_section(provider: Callable[[Any], Section | None]):
    """Register a home-page section provider (a decorator)."""
    SECTION_PROVIDERS.append(provider)
    return provider


def sections_for(user: Any) -> list[Section]:
    """Return the sections the providers have for this user, in order."""
    found = [s for s in (provider(user) for provider in SECTION_PROVIDERS) if s is not None]
    return sorted(found, key=lambda s: s.order)
