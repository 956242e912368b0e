"""The one write of HR's pay records: 薪级 versions, for every path.

A hire (entry form, roster import, seeds) sets the first 薪级; an appointment raises it to
the new post's starting step from the next month; closing the annual appraisal adds one
step from 1 January. All of them write through ``record_salary_steps``, which also tells
the packages above (``hr.signals.salary_steps_changed``). Add and flush; the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from core.bulk import insert_columns
from core.errors import Refusal
from core.extensions import db
from core.i18n import Msg, msg, source_text, to_json
from core.models import utcnow
from hr import signals
from hr.models import SalaryStep
from hr.pay.queries import in_effect, versions_of
from hr.signals import StepChange


class PayError(Refusal):
    """A 薪级 that cannot be recorded."""

    def __init__(self, message: Msg | str, field: str | None = "salary_step") -> None:
        super().__init__(message, field=field)


class StepRequest(NamedTuple):
    """From ``effective_on`` the employment's 薪级 is ``step``, because ``reason``.

    ``at_least``: a floor, not a value (a new post's starting step): nothing changes when
    the 薪级 in effect is already as high, or when there is none to raise; later versions
    below the floor are raised to it too.
    """

    employment_id: int
    institution_id: int
    effective_on: date
    step: int
    #: a message (stored as its id and parameters), or plain text from seeds
    reason: Msg | str
    at_least: bool = False


def _stored(reason: Msg | str) -> dict[str, object]:
    """Return the columns that record ``reason``: a message as JSON, plain text as text."""
    if isinstance(reason, Msg):
        return {"reason": None, "reason_message": [to_json(reason)]}
    return {"reason": reason, "reason_message": None}


def _extend(version: SalaryStep, reason: Msg | str) -> None:
    """Add ``reason`` to a same-day version's reasons (unless it is already one of them)."""
    before = version.reasons
    if any(source_text(r) == source_text(reason) for r in before):
        return
    version.reason = None
    version.reason_message = [to_json(r) for r in [*before, reason]]


def record_salary_steps(
    requests: Sequence[StepRequest], *, source: str, new_employments: bool = False
) -> list[StepChange]:
    """Write the requested 薪级 versions and return what changed (also sent as a signal).

    A version on the requested date is updated (its reason extended); otherwise a version is
    added: history is never rewritten. ``new_employments``: the employments were created in
    this transaction and have no version yet (a hire), so nothing is looked up and the rows
    go in one bulk insert whatever their number.
    """
    for request in requests:
        if request.step < 1:
            raise PayError(msg("薪级须是正整数，不能是 %(v)d", v=request.step))
    if not requests:
        return []
    changes = _insert_first(requests) if new_employments else _apply(requests)
    signals.send(signals.salary_steps_changed, changes, source=source)
    return changes


def _insert_first(requests: Sequence[StepRequest]) -> list[StepChange]:
    db.session.flush()  # the employments first: the insert bypasses the unit of work
    now = utcnow()
    insert_columns(
        SalaryStep,
        {
            "employment_id": [r.employment_id for r in requests],
            "effective_on": [r.effective_on for r in requests],
            "step": [r.step for r in requests],
            "reason": [_stored(r.reason)["reason"] for r in requests],
            "reason_message": [_stored(r.reason)["reason_message"] for r in requests],
        },
        created_at=now,
        updated_at=now,
    )
    # A new employment's versions follow each other (a seed's history): each one's
    # previous is the one before it.
    before: dict[int, int] = {}
    changes = []
    for r in sorted(requests, key=lambda r: (r.employment_id, r.effective_on)):
        previous = before.get(r.employment_id)
        before[r.employment_id] = r.step
        changes.append(
            StepChange(
                r.employment_id, r.institution_id, r.effective_on, r.step, previous, r.reason
            )
        )
    return changes


def _apply(requests: Sequence[StepRequest]) -> list[StepChange]:
    versions = versions_of(r.employment_id for r in requests)
    changes: list[StepChange] = []
    for request in requests:
        mine = versions[request.employment_id]
        base = in_effect(mine, request.effective_on)
        if request.at_least and (base is None or base.step >= request.step):
            continue
        previous = base.step if base is not None else None
        if base is not None and base.effective_on == request.effective_on:
            base.step = request.step
            _extend(base, request.reason)
        else:
            version = SalaryStep(
                employment_id=request.employment_id,
                effective_on=request.effective_on,
                step=request.step,
                **_stored(request.reason),
            )
            db.session.add(version)
            mine.append(version)
            mine.sort(key=lambda v: v.effective_on)
        changes.append(
            StepChange(
                request.employment_id,
                request.institution_id,
                request.effective_on,
                request.step,
                previous,
                request.reason,
            )
        )
        if request.at_least:
            # Versions already made for later dates (next 1 January's step) start from the
            # new floor too.
            for later in mine:
                if later.effective_on > request.effective_on and later.step < request.step:
                    changes.append(
                        StepChange(
                            request.employment_id,
                            request.institution_id,
                            later.effective_on,
                            request.step,
                            later.step,
                            request.reason,
                        )
                    )
                    later.step = request.step
    db.session.flush()
    return changes
