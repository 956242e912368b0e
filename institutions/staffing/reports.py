"""Annual reports (年度报告): the deadline, and where a unit's report stands on a date.

Each institution reports on a year by a deadline in the next one (31 March by default;
DOMAIN §7). A report is started, submitted, returned with comments and submitted again,
and finally accepted by the office. Its standing on a date follows from what happened up
to that date:

====================  =====================================================================
not started 未开始      nothing yet, the deadline not passed
draft 草稿              started, not submitted, the deadline not passed
submitted 已按时提交     submitted by the deadline, awaiting the office
late 逾期提交            first submitted after the deadline, awaiting the office
returned 已退回          returned by the office, to be corrected and submitted again
accepted 已接收          accepted by the office
missing 逾期未交         the deadline passed and nothing was submitted
====================  =====================================================================

Lateness is judged by the first submission: a report submitted on time and returned for
corrections is not late when it comes back after the deadline.

Pure functions over plain values: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from core.i18n import Msg, msg

__all__ = [
    "DEFAULT_DEADLINE",
    "STATUS_LABELS",
    "Action",
    "Event",
    "ReportStatus",
    "Standing",
    "action_problem",
    "deadline_for",
    "standing",
]

#: (month, day) of the deadline in the year after the one reported on
DEFAULT_DEADLINE = (3, 31)


class ReportStatus(StrEnum):
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    LATE = "late"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    MISSING = "missing"

    @property
    def label(self) -> Msg:
        return STATUS_LABELS[self]

    @property
    def is_editable(self) -> bool:
        """Return whether the institution may still edit the report."""
        return self in _EDITABLE

    @property
    def is_overdue(self) -> bool:
        """Return whether the report belongs on the office's list of late and missing ones."""
        return self in (ReportStatus.LATE, ReportStatus.MISSING)


STATUS_LABELS = {
    ReportStatus.NOT_STARTED: msg("未开始"),
    ReportStatus.DRAFT: msg("草稿"),
    ReportStatus.SUBMITTED: msg("已按时提交"),
    ReportStatus.LATE: msg("逾期提交"),
    ReportStatus.RETURNED: msg("已退回"),
    ReportStatus.ACCEPTED: msg("已接收"),
    ReportStatus.MISSING: msg("逾期未交"),
}
_EDITABLE = frozenset(
    {ReportStatus.NOT_STARTED, ReportStatus.DRAFT, ReportStatus.RETURNED, ReportStatus.MISSING}
)
_AWAITING_OFFICE = frozenset({ReportStatus.SUBMITTED, ReportStatus.LATE})


class Action(StrEnum):
    """What happens to a report."""

    START = "start"  # the institution saves a first draft
    SUBMIT = "submit"  # the institution submits it
    RETURN = "return"  # the office returns it with comments
    ACCEPT = "accept"  # the office accepts it


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened to a report, on a date (China's date)."""

    action: Action
    on: date


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a report stands on a date."""

    status: ReportStatus
    deadline: date
    #: the first submission, if any by the date
    first_submitted_on: date | None
    #: days past the deadline: of the first submission when late, of the date when missing
    days_late: int

    @property
    def was_late(self) -> bool:
        """Return whether the report was (or is still not) in after the deadline."""
        return self.days_late > 0


def deadline_for(year: int, month_day: tuple[int, int] = DEFAULT_DEADLINE) -> date:
    """Return the deadline of the report on ``year``: ``month_day`` of the next year."""
    month, day = month_day
    return date(year + 1, month, day)


def standing(
    year: int,
    events: Iterable[Event],
    on: date,
    *,
    deadline: date | None = None,
) -> Standing:
    """Return where the report on ``year`` stands on ``on``, from its events up to that day.

    Events after ``on`` are ignored; events of one day count in the order given.
    ``deadline`` defaults to ``deadline_for(year)``.
    """
    deadline = deadline or deadline_for(year)
    started = False
    first_submitted_on: date | None = None
    last: Action | None = None
    for event in sorted((e for e in events if e.on <= on), key=lambda e: e.on):
        if event.action is Action.START:
            started = True
            continue
        if event.action is Action.SUBMIT and first_submitted_on is None:
            first_submitted_on = event.on
        started = True
        last = event.action

    if last is Action.ACCEPT:
        status = ReportStatus.ACCEPTED
    elif last is Action.RETURN:
        status = ReportStatus.RETURNED
    elif last is Action.SUBMIT:
        late = first_submitted_on is not None and first_submitted_on > deadline
        status = ReportStatus.LATE if late else ReportStatus.SUBMITTED
    elif on > deadline:
        status = ReportStatus.MISSING
    else:
        status = ReportStatus.DRAFT if started else ReportStatus.NOT_STARTED

    if first_submitted_on is not None:
        days_late = max(0, (first_submitted_on - deadline).days)
    else:
        days_late = max(0, (on - deadline).days)
    return Standing(status, deadline, first_submitted_on, days_late)


def action_problem(status: ReportStatus, action: Action) -> Msg | None:
    """Return why ``action`` cannot be taken on a report in ``status``, or None if it can."""
    if action in (Action.START, Action.SUBMIT):
        if status is ReportStatus.ACCEPTED:
            return msg("年度报告已接收，不能再修改或提交")
        if status in _AWAITING_OFFICE:
            return msg("年度报告已提交，正等待编办审核；如需修改，请联系编办退回")
        return None
    if status not in _AWAITING_OFFICE:
        return msg(
            "只能退回或接收已提交的年度报告，此报告的状态为「%(status)s」", status=status.label
        )
    return None
