"""What payroll does when HR tells it something (``hr.signals``); connected in ``setup``.

Receivers follow HR's contract: they write in the sender's transaction and never commit; a
failure raises and the whole HR operation rolls back (see hr/signals.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Flask
from sqlalchemy import literal_column

from core.bulk import insert_columns
from core.models import utcnow
from hr import signals
from hr.staff.entry import QUOTA_IDENTITIES
from payroll.models import PaySettings

#: Why a hire's first pay settings exist.
HIRE_REASON = "入职"


def create_pay_settings(sender: Any, *, hires: Sequence[signals.Hire], **_: Any) -> None:
    """Give every hire its pay settings from the start date, with what the hire carried.

    Staff on 编制 or 员额 are in the occupational annuity (职业年金) by default; finance
    corrects any of it later with a new version.
    """
    now = utcnow()
    insert_columns(
        PaySettings,
        {
            "employment_id": [h.employment_id for h in hires],
            "effective_on": [h.start_on for h in hires],
            "contribution_base": [h.contribution_base for h in hires],
            "fund_base": [h.fund_base for h in hires],
            "fund_rate": [h.fund_rate for h in hires],
            "has_occupational_annuity": [h.identity in QUOTA_IDENTITIES for h in hires],
        },
        # none declared yet; JSON has no literal renderer, and one dumps per row costs
        special_deductions=literal_column("'{}'"),
        is_first_job_this_year=False,
        has_prior_year_low_income=False,
        reason=HIRE_REASON,
        created_at=now,
        updated_at=now,
    )


def connect(app: Flask) -> None:
    """Listen to HR's signals for this app only."""
    signals.hired.connect(create_pay_settings, sender=app, weak=False)
