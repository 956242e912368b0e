"""The figures HR provides to the registry's indicators: who occupies each quota, by name."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select

from core.extensions import db
from hr.models import Employment, Identity
from institutions.indicators import OCCUPANCY_KEYS, Indicator
from institutions.models import QuotaKind


def _employed(identity: Identity):
    """Return a provider counting people of ``identity`` employed on a date, per institution."""

    def provide(ids: Select, on: date) -> Mapping[int, int]:
        rows = db.session.execute(
            select(Employment.institution_id, func.count())
            .where(
                Employment.institution_id.in_(ids.scalar_subquery()),
                Employment.identity == identity.value,
                Employment.start_on <= on,
                or_(Employment.end_on.is_(None), Employment.end_on >= on),
            )
            .group_by(Employment.institution_id)
        )
        return {institution_id: count for institution_id, count in rows}

    return provide


INDICATORS = (
    Indicator(
        key=OCCUPANCY_KEYS[QuotaKind.ESTABLISHMENT],
        label=_l("在编人数（事业编制）"),
        unit=_l("人"),
        owner="hr",
        provide=_employed(Identity.ESTABLISHMENT),
    ),
    Indicator(
        key=OCCUPANCY_KEYS[QuotaKind.FILED],
        label=_l("员额在岗人数（备案制）"),
        unit=_l("人"),
        owner="hr",
        provide=_employed(Identity.FILED),
    ),
)
