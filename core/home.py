"""Home-page sections that packages contribute without core importing them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.modules import platform


@dataclass(frozen=True)
class Section:
    """One block on a user's home page: a template and the data it needs."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


def sections_for(user: Any) -> list[Section]:
    """Return the sections the modules' providers have for this user, in order.

    Each provider (declared in a ``module.py`` under ``home_sections``) takes the signed-in
    user and returns a Section, or None if it has nothing for that user.
    """
    providers = platform().home_sections
    found = [s for s in (provider(user) for provider in providers) if s is not None]
    return sorted(found, key=lambda s: s.order)
