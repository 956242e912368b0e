"""The figures council governance provides to the registry's indicators.

The staffing office's dashboard, annual reports and API read these through
``institutions.indicators``; each provider answers for a whole scope in a few queries.
Counts are for the calendar year of the date asked (China's calendar), up to that date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from core.audit import AuditEvent
from core.auth.models import Membership, User
from core.extensions import db
from core.roles import Role
from institutions.governance import composition
from institutions.governance.models import (
    Body,
    InterestDeclaration,
    Meeting,
    MeetingStatus,
    Relation,
    Resolution,
    Seat,
)
from institutions.indicators import Indicator
from institutions.models import Institution


def _year_window(on: date) -> tuple[datetime, datetime]:
    """Return [1 January of ``on``'s year, the end of ``on``) as UTC-aware bounds."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))
    start = datetime.combine(date(on.year, 1, 1), time.min, tzinfo=zone)
    end = datetime.combine(on + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def meetings_held(ids: Select, on: date) -> Mapping[int, int]:
    """Council meetings concluded this year up to ``on``, per institution."""
    start, end = _year_window(on)
    rows = db.session.execute(
        select(Meeting.institution_id, func.count())
        .where(
            Meeting.institution_id.in_(ids.scalar_subquery()),
            Meeting.status == MeetingStatus.CONCLUDED.value,
            Meeting.scheduled_at >= start,
            Meeting.scheduled_at < end,
        )
        .group_by(Meeting.institution_id)
    )
    return dict(rows.all())


def resolutions(ids: Select, on: date) -> Mapping[int, int]:
    """Resolutions passed this year up to ``on``, per institution."""
    start, end = _year_window(on)
    rows = db.session.execute(
        select(Resolution.institution_id, func.count())
        .where(
            Resolution.institution_id.in_(ids.scalar_subquery()),
            Resolution.passed_at >= start,
            Resolution.passed_at < end,
        )
        .group_by(Resolution.institution_id)
    )
    return dict(rows.all())


def charter_changes(ids: Select, on: date) -> Mapping[int, int]:
    """Changes to the charter settings this year up to ``on``, per institution."""
    start, end = _year_window(on)
    rows = db.session.execute(
        select(AuditEvent.institution_id, func.count())
        .where(
            AuditEvent.institution_id.in_(ids.scalar_subquery()),
            AuditEvent.action == "governance.charter.save",
            AuditEvent.occurred_at >= start,
            AuditEvent.occurred_at < end,
        )
        .group_by(AuditEvent.institution_id)
    )
    return dict(rows.all())


def council_compliant(ids: Select, on: date) -> Mapping[int, bool]:
    """Whether each institution that has seats meets the composition rules on ``on``.

    Three queries for the whole scope (seats, declared relatives, finance staff); the rules
    are ``composition.composition_warnings``, the same the council page shows.
    """
    in_scope = ids.scalar_subquery()
    seats = db.session.execute(
        select(
            Seat.institution_id,
            Seat.user_id,
            User.full_name,
            Body.kind,
            Seat.office,
            Seat.constituency,
            Seat.term_start_on,
            Seat.term_end_on,
            Institution.kind,
        )
        .join(Body, Body.id == Seat.body_id)
        .join(User, User.id == Seat.user_id)
        .join(Institution, Institution.id == Seat.institution_id)
        .where(Seat.institution_id.in_(in_scope), Seat.term_start_on <= on)
    ).all()
    if not seats:
        return {}
    by_institution: dict[int, list[composition.SeatInfo]] = defaultdict(list)
    kinds: dict[int, str] = {}
    for row in seats:
        institution_id = row[0]
        kinds[institution_id] = row[8]
        by_institution[institution_id].append(
            composition.SeatInfo(
                member_id=row[1],
                name=row[2],
                body=row[3],
                office=row[4],
                constituency=row[5],
                term_start_on=row[6],
                term_end_on=row[7],
            )
        )
    relatives: dict[int, dict[int, list[str]]] = defaultdict(dict)
    declarations = db.session.execute(
        select(
            InterestDeclaration.institution_id,
            InterestDeclaration.member_id,
            InterestDeclaration.items,
        )
        .where(InterestDeclaration.institution_id.in_(list(by_institution)))
        .order_by(InterestDeclaration.id)
    )
    for institution_id, member_id, items in declarations:
        relatives[institution_id][member_id] = [
            item.get("name", "")
            for item in items or []
            if item.get("relation") == Relation.NEAR_RELATIVE
        ]
    finance: dict[int, set[int]] = defaultdict(set)
    for institution_id, user_id in db.session.execute(
        select(Membership.institution_id, Membership.user_id).where(
            Membership.institution_id.in_(list(by_institution)),
            Membership.role == Role.FINANCE_OFFICER.value,
        )
    ):
        finance[institution_id].add(user_id)
    return {
        institution_id: not composition.composition_warnings(
            institution_kind=kinds[institution_id],
            seats=infos,
            near_relatives=relatives.get(institution_id, {}),
            finance_officer_ids=finance.get(institution_id, set()),
            today=on,
        )
        for institution_id, infos in by_institution.items()
    }


INDICATORS = (
    Indicator(
        key="governance.council_compliant",
        label=_l("理事会组成符合规定"),
        unit=_l("是/否"),
        owner="institutions.governance",
        provide=council_compliant,
        description=_l("有理事会记录的单位，其理事会、监事会组成是否符合规定"),
    ),
    Indicator(
        key="governance.meetings_held",
        label=_l("本年已召开理事会会议"),
        unit=_l("次"),
        owner="institutions.governance",
        provide=meetings_held,
    ),
    Indicator(
        key="governance.resolutions",
        label=_l("本年形成决议"),
        unit=_l("项"),
        owner="institutions.governance",
        provide=resolutions,
    ),
    Indicator(
        key="governance.charter_changes",
        label=_l("本年章程设置变更"),
        unit=_l("次"),
        owner="institutions.governance",
        provide=charter_changes,
    ),
)
