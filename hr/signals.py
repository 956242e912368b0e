"""What HR tells the packages above it: hires, exits, appointments and 薪级 changes.

HR never imports payroll, schools or hospitals; they listen here (blinker, as Flask does).
Each signal is sent by the one operation for its event, whatever the path (form, roster
import, demo and scale seeds), once per operation with every item of it (a roster import of
100,000 rows sends one ``hired`` carrying 100,000 hires, so receivers write in bulk).

Receivers' contract (decided, and tested in tests/hr/test_signals.py):

- A signal is sent inside the operation's transaction, after HR's rows are flushed (their
  ids exist) and before the caller commits. Receivers write through ``db.session`` (add and
  flush), never commit or roll back, and do nothing that cannot be undone (no mail, no
  files): what must happen after the commit, they do from their own after-commit hook.
- A receiver that cannot do its part raises. The exception leaves the operation, the caller
  rolls back, and nothing of the event lands: neither HR's rows nor any receiver's. There is
  no half-applied hire (an employment without its pay settings is exactly what this rules
  out). A reason meant for the user is a ``core.errors.Refusal``; anything else is a bug
  and surfaces as one. Unlike governance's ``motion_decided`` (a decision stands even if a
  follower fails), these are facts other records must agree with.
- Receivers connect per app, in their module's ``setup(app)``:
  ``hired.connect(receiver, sender=app)``. The sender is the app, so two apps in one
  process (the tests make several) never call each other's receivers.

Arguments (keyword; every signal also gets ``source``: "form", "import", "seed", "cli").
The items are named tuples (cheap to make by the hundred thousand, immutable):

- ``hired(app, hires: list[Hire], source)``: employments that began (entry form, roster
  import, seeds). A ``Hire`` carries the money settings the roster import had for it
  (缴费基数, 公积金基数, 公积金比例), which HR hands on without keeping: payroll stores them.
- ``exited(app, exits: list[Exit], source)``: employments that ended (last day employed).
- ``appointed(app, appointments: list[Appointed], source)``: posts taken (the appointment
  form; the first post of every hire from the roster import and seeds).
- ``salary_steps_changed(app, changes: list[StepChange], source)``: 薪级 versions written
  by ``hr.pay.operations.record_salary_steps`` (a hire's first step, a raise on appointment,
  the annual step).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from blinker import Namespace
from flask import current_app

hr_signals = Namespace()

hired = hr_signals.signal("hired")
exited = hr_signals.signal("exited")
appointed = hr_signals.signal("appointed")
salary_steps_changed = hr_signals.signal("salary-steps-changed")


class Hire(NamedTuple):
    """An employment that began; the money fields are handed on, HR does not keep them."""

    employment_id: int
    institution_id: int
    person_id: int
    #: an ``hr.models.Identity`` value
    identity: str
    start_on: date
    #: 社保缴费基数, 公积金基数 and 比例 given with the hire (roster import), else None
    contribution_base: Decimal | None = None
    fund_base: Decimal | None = None
    fund_rate: Decimal | None = None


class Exit(NamedTuple):
    """An employment that ended on ``end_on`` (its last day) for ``reason`` (ExitReason)."""

    employment_id: int
    institution_id: int
    end_on: date
    reason: str


class Appointed(NamedTuple):
    """A post taken from ``start_on``; ``previous`` is the (category, grade) it replaced."""

    appointment_id: int
    employment_id: int
    institution_id: int
    category: str
    grade: int
    post_name: str
    start_on: date
    previous: tuple[str, int] | None = None


class StepChange(NamedTuple):
    """A 薪级 version: ``step`` from ``effective_on`` (``previous`` in effect before, if any)."""

    employment_id: int
    institution_id: int
    effective_on: date
    step: int
    previous: int | None
    reason: Any


def send(signal: Any, items: Sequence[Any], *, source: str, **kwargs: Any) -> None:
    """Send ``signal`` with ``items`` (under the signal's argument name) if there are any."""
    if not items:
        return
    name = {
        hired: "hires",
        exited: "exits",
        appointed: "appointments",
        salary_steps_changed: "changes",
    }[signal]
    signal.send(current_app._get_current_object(), source=source, **{name: list(items)}, **kwargs)
