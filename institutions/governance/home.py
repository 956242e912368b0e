"""What council governance contributes to users' home pages: the motions awaiting their vote."""

from __future__ import annotations

from core.home import Section
from institutions.governance.queries import awaiting_my_vote


def awaiting_vote(user) -> Section | None:
    """Council members see the open motions awaiting their vote first."""
    waiting = awaiting_my_vote(user)
    if not waiting:
        return None
    return Section("governance/_home_awaiting.html", {"waiting": waiting}, order=5)
