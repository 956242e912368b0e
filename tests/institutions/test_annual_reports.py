"""Annual reports (年度报告): the deadline and every status a report can be in on a date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from institutions.staffing.reports import (
    DEFAULT_DEADLINE,
    Action,
    Event,
    ReportStatus,
    action_problem,
    deadline_for,
    standing,
)

YEAR = 2025
DEADLINE = date(2026, 3, 31)
PROPERTY = settings(database=None, max_examples=200)


def status(events, on, **kwargs) -> ReportStatus:
    return standing(YEAR, [Event(a, d) for a, d in events], on, **kwargs).status


def test_the_deadline_is_31_march_of_the_next_year_by_default():
    assert DEFAULT_DEADLINE == (3, 31)
    assert deadline_for(2025) == DEADLINE
    assert deadline_for(2025, (6, 30)) == date(2026, 6, 30)


@pytest.mark.parametrize(
    ("events", "on", "expected"),
    [
        ([], date(2026, 1, 10), ReportStatus.NOT_STARTED),
        ([], DEADLINE, ReportStatus.NOT_STARTED),
        ([], DEADLINE + timedelta(days=1), ReportStatus.MISSING),
        ([(Action.START, date(2026, 2, 1))], date(2026, 3, 1), ReportStatus.DRAFT),
        ([(Action.START, date(2026, 2, 1))], date(2026, 4, 1), ReportStatus.MISSING),
        ([(Action.SUBMIT, DEADLINE)], DEADLINE, ReportStatus.SUBMITTED),
        ([(Action.SUBMIT, date(2026, 4, 2))], date(2026, 5, 1), ReportStatus.LATE),
        (
            [(Action.SUBMIT, date(2026, 3, 1)), (Action.RETURN, date(2026, 3, 5))],
            date(2026, 4, 20),
            ReportStatus.RETURNED,
        ),
        (
            [
                (Action.SUBMIT, date(2026, 3, 1)),
                (Action.RETURN, date(2026, 3, 5)),
                (Action.SUBMIT, date(2026, 4, 10)),  # back after the deadline: still on time
            ],
            date(2026, 4, 20),
            ReportStatus.SUBMITTED,
        ),
        (
            [(Action.SUBMIT, date(2026, 3, 1)), (Action.ACCEPT, date(2026, 3, 20))],
            date(2026, 12, 31),
            ReportStatus.ACCEPTED,
        ),
    ],
)
def test_every_status(events, on, expected):
    assert status(events, on) is expected


def test_the_status_on_an_earlier_date_ignores_what_came_later():
    events = [
        (Action.START, date(2026, 1, 5)),
        (Action.SUBMIT, date(2026, 3, 1)),
        (Action.RETURN, date(2026, 3, 5)),
        (Action.SUBMIT, date(2026, 3, 9)),
        (Action.ACCEPT, date(2026, 3, 20)),
    ]
    assert status(events, date(2026, 1, 1)) is ReportStatus.NOT_STARTED
    assert status(events, date(2026, 2, 1)) is ReportStatus.DRAFT
    assert status(events, date(2026, 3, 2)) is ReportStatus.SUBMITTED
    assert status(events, date(2026, 3, 6)) is ReportStatus.RETURNED
    assert status(events, date(2026, 3, 9)) is ReportStatus.SUBMITTED
    assert status(events, date(2026, 3, 20)) is ReportStatus.ACCEPTED


def test_same_day_events_count_in_the_order_given():
    day = date(2026, 3, 3)
    assert status([(Action.SUBMIT, day), (Action.RETURN, day)], day) is ReportStatus.RETURNED
    assert status([(Action.RETURN, day), (Action.SUBMIT, day)], day) is ReportStatus.SUBMITTED


def test_days_late_and_a_custom_deadline():
    late = standing(YEAR, [Event(Action.SUBMIT, date(2026, 4, 10))], date(2026, 6, 1))
    assert (late.days_late, late.was_late, late.first_submitted_on) == (10, True, date(2026, 4, 10))
    missing = standing(YEAR, [], date(2026, 4, 30))
    assert (missing.status, missing.days_late) == (ReportStatus.MISSING, 30)
    accepted_late = standing(
        YEAR,
        [Event(Action.SUBMIT, date(2026, 4, 2)), Event(Action.ACCEPT, date(2026, 4, 3))],
        date(2026, 5, 1),
    )
    assert accepted_late.status is ReportStatus.ACCEPTED and accepted_late.was_late
    extended = standing(YEAR, [], date(2026, 4, 30), deadline=date(2026, 6, 30))
    assert (extended.status, extended.deadline, extended.days_late) == (
        ReportStatus.NOT_STARTED,
        date(2026, 6, 30),
        0,
    )


def test_labels_and_the_office_lists():
    assert str(ReportStatus.MISSING.label) == "逾期未交"
    overdue = {s for s in ReportStatus if s.is_overdue}
    assert overdue == {ReportStatus.LATE, ReportStatus.MISSING}
    assert not ReportStatus.ACCEPTED.is_editable and ReportStatus.RETURNED.is_editable


@pytest.mark.parametrize(
    ("current", "action", "refused"),
    [
        (ReportStatus.NOT_STARTED, Action.SUBMIT, False),
        (ReportStatus.MISSING, Action.SUBMIT, False),
        (ReportStatus.RETURNED, Action.SUBMIT, False),
        (ReportStatus.SUBMITTED, Action.SUBMIT, True),
        (ReportStatus.ACCEPTED, Action.START, True),
        (ReportStatus.SUBMITTED, Action.ACCEPT, False),
        (ReportStatus.LATE, Action.RETURN, False),
        (ReportStatus.DRAFT, Action.ACCEPT, True),
        (ReportStatus.ACCEPTED, Action.RETURN, True),
    ],
)
def test_what_can_be_done_in_each_status(current, action, refused):
    assert (action_problem(current, action) is not None) == refused


def test_refusals_name_the_status():
    problem = action_problem(ReportStatus.DRAFT, Action.RETURN)
    assert "「草稿」" in str(problem)


# --------------------------------------------------------------------------- properties

days = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31))
event_lists = st.lists(st.builds(Event, st.sampled_from(Action), days), max_size=8)


@PROPERTY
@given(event_lists, days)
def test_only_a_report_never_submitted_by_the_deadline_is_missing(events, on):
    result = standing(YEAR, events, on)
    submitted = [e.on for e in events if e.action is Action.SUBMIT and e.on <= on]
    assert result.first_submitted_on == (min(submitted) if submitted else None)
    if result.status is ReportStatus.MISSING:
        assert on > DEADLINE
    if result.status is ReportStatus.LATE:
        assert result.first_submitted_on > DEADLINE and result.was_late
    if result.status is ReportStatus.SUBMITTED:
        assert result.first_submitted_on <= DEADLINE and not result.was_late
    if on <= DEADLINE:
        assert result.days_late == 0 and not result.status.is_overdue


@PROPERTY
@given(event_lists, days, st.integers(1, 60))
def test_the_first_submission_decides_lateness_whatever_follows(events, on, later):
    before = standing(YEAR, events, on)
    after = standing(YEAR, events, on + timedelta(days=later))
    if before.first_submitted_on is not None:
        assert after.first_submitted_on == before.first_submitted_on
        assert after.was_late == before.was_late
