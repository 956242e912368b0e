"""The figures hospitals report upward (institutions/indicators.py): post coverage.

Each provider answers for a whole scope in one query, so the staffing office's dashboard
over thousands of institutions runs one query per figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from fractions import Fraction

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, func, select

from core.extensions import db
from hospitals.findings import percent
from hospitals.transition.queries import employed_on, on_post
from hr.models import Employment
from institutions.indicators import Indicator
from institutions.models import Institution, InstitutionKind


def _counts(ids: Select, on: date) -> list[tuple[int, int, int]]:
    return db.session.execute(
        select(
            Employment.institution_id,
            func.count(),
            func.sum(case((on_post(on), 1), else_=0)),
        )
        .join(Institution, Institution.id == Employment.institution_id)
        .where(
            Employment.institution_id.in_(ids.scalar_subquery()),
            Institution.kind == InstitutionKind.HOSPITAL.value,
            employed_on(on),
        )
        .group_by(Employment.institution_id)
    ).all()


def post_coverage(ids: Select, on: date) -> Mapping[int, object]:
    """Percent of a hospital's staff (every identity) holding a post on ``on``."""
    return {
        institution_id: percent(Fraction(int(posted or 0), staff))
        for institution_id, staff, posted in _counts(ids, on)
        if staff
    }


def staff_without_post(ids: Select, on: date) -> Mapping[int, int]:
    """How many of a hospital's staff hold no post on ``on``."""
    return {
        institution_id: staff - int(posted or 0)
        for institution_id, staff, posted in _counts(ids, on)
    }


INDICATORS = (
    Indicator(
        key="hospitals.post_coverage",
        label=_l("医院已聘岗位人员比例"),
        unit="%",
        owner="hospitals",
        provide=post_coverage,
        kinds=frozenset({InstitutionKind.HOSPITAL.value}),
        description=_l("在职人员（不论编制内外）中聘用在岗位上的比例（身份管理转向岗位管理）"),
    ),
    Indicator(
        key="hospitals.staff_without_post",
        label=_l("医院未聘岗位人数"),
        unit=_l("人"),
        owner="hospitals",
        provide=staff_without_post,
        kinds=frozenset({InstitutionKind.HOSPITAL.value}),
    ),
)
