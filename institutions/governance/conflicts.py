"""Propose recusals (回避) by matching a motion's counterparties against declared interests.

Names are compared after normalization: NFKC (full-width letters, digits, brackets and spaces
become half-width), case folded, whitespace removed, middle-dot variants unified. A name
matches when equal after normalization, or, for names of at least 4 characters (entity names;
a 2–3 character person's name would match too much), when one contains the other.
The result is a proposal: the secretary confirms it and members may declare more.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: Shorter names match only exactly.
MIN_CONTAINMENT_LENGTH = 4

_SPACE = re.compile(r"\s+")
_DOTS = str.maketrans({"・": "·", "•": "·", "‧": "·", "∙": "·", "⋅": "·"})


def normalize_name(name: str) -> str:
    """Return a name in the form used for matching."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return _SPACE.sub("", text).translate(_DOTS)


def names_match(a: str, b: str) -> bool:
    """Return whether two names refer to the same person or entity."""
    a, b = normalize_name(a), normalize_name(b)
    if not a or not b:
        return False
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= MIN_CONTAINMENT_LENGTH and shorter in longer


@dataclass(frozen=True)
class Conflict:
    """One match: a member's declared interest against one of the motion's counterparties."""

    member_id: int
    counterparty: str
    declared: str


def find_conflicts(
    counterparties: Iterable[str], declarations: Mapping[int, Iterable[str]]
) -> list[Conflict]:
    """Return every (member, counterparty, declared interest) match, by member then motion order."""
    names = list(dict.fromkeys(counterparties))
    found = []
    for member_id in sorted(declarations):
        for declared in dict.fromkeys(declarations[member_id]):
            for counterparty in names:
                if names_match(counterparty, declared):
                    found.append(Conflict(member_id, counterparty, declared))
    return found


def propose_recusals(
    counterparties: Iterable[str], declarations: Mapping[int, Iterable[str]]
) -> dict[int, list[str]]:
    """Return {member id: [the motion's counterparties that match their declared interests]}."""
    names = list(dict.fromkeys(counterparties))
    proposed: dict[int, list[str]] = {}
    for conflict in find_conflicts(names, declarations):
        matched = proposed.setdefault(conflict.member_id, [])
        if conflict.counterparty not in matched:
            matched.append(conflict.counterparty)
    return {member_id: sorted(matched, key=names.index) for member_id, matched in proposed.items()}
