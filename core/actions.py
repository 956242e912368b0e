"""Running an operation from a view: try it, commit once, or show why it was refused.

Every form handler did the same four steps by hand (call, catch the package's error, put the
message on the form or flash it with a 422, commit and flash the success). ``perform`` is
that block, written once::

    done = perform(ops.add_quota_entry, institution, form.data, form=form,
                   success=lambda entry: msg("已登记 %(n)s", n=entry.document_number))
    if done:
        return redirect(...)
    return render(..., status=422)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash

from core.errors import Refusal
from core.extensions import db
from core.i18n import Msg


@dataclass
class Outcome:
    """What ``perform`` did: the operation's value, or the refusal that stopped it."""

    value: Any = None
    refusal: Refusal | None = None

    def __bool__(self) -> bool:
        return self.refusal is None


def perform(
    operation: Callable[..., Any],
    *args: Any,
    form: Any = None,
    success: Msg | str | Callable[[Any], Msg | str] | None = None,
    **kwargs: Any,
) -> Outcome:
    """Run ``operation``; commit and flash ``success``, or roll back and report the refusal.

    A refusal naming a field of ``form`` goes under that field (each of its ``errors``
    under its own); any other is flashed. Flashed
    text is translated now: the session cookie carries text, and the reader is the actor.
    """
    try:
        value = operation(*args, **kwargs)
    except Refusal as refusal:
        db.session.rollback()
        for name, message in refusal.by_field().items():
            field = getattr(form, name, None) if (form is not None and name) else None
            if field is not None:
                field.errors = [*field.errors, message]
            else:
                flash(str(message), "danger")
        return Outcome(refusal=refusal)
    db.session.commit()
    if success is not None:
        flash(str(success(value) if callable(success) else success), "success")
    return Outcome(value=value)
