"""What council governance contributes to users' home pages: the motions awaiting their
vote, and the pending work of secretaries, members, supervisors and sponsors."""

from __future__ import annotations

from core.home import Section
from institutions.governance.motions.queries import awaiting_my_vote
from institutions.governance.queries import home_tasks


def awaiting_vote(user) -> Section | None:
    """Council members see the open motions awaiting their vote first."""
    waiting = awaiting_my_vote(user)
    if not waiting:
        return None
    return Section("governance/_home_awaiting.html", {"waiting": waiting}, order=5)


def pending_work(user) -> Section | None:
    """The secretary's, member's, supervisor's and sponsor's pending council work, counted."""
    tasks = home_tasks(user)
    if not tasks:
        return None
    return Section("governance/_home_tasks.html", {"tasks": tasks}, order=6)
