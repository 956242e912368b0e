"""The figures hospitals report upward (institutions/indicators.py): post coverage, staff
without a post, compliant scheme months, confirmed identity pay gaps, leaders on terms.

Each provider answers for a whole scope in one query, so the staffing office's dashboard
over thousands of institutions runs one query per figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, case, func, select

from core.extensions import db
from hospitals.findings import percent
from hospitals.models import LeaderTerm, PayGapSummary, PerformanceScheme, SchemeStatus
from hospitals.periods import period_of
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


def _months_back(on: date, months: int) -> str:
    year, month = on.year, on.month - months
    while month < 1:
        year, month = year - 1, month + 12
    return f"{year:04d}-{month:02d}"


def approved_schemes(ids: Select, on: date) -> Mapping[int, int]:
    """How many of the last 12 pay months (to ``on``'s) have an approved performance scheme.

    Only schemes that passed the rules can be stored and approved, so this counts months
    paid by a compliant post-and-performance scheme (no revenue-linked indicator).
    """
    rows = db.session.execute(
        select(PerformanceScheme.institution_id, func.count())
        .where(
            PerformanceScheme.institution_id.in_(ids.scalar_subquery()),
            PerformanceScheme.status == SchemeStatus.APPROVED.value,
            PerformanceScheme.period > _months_back(on, 12),
            PerformanceScheme.period <= period_of(on),
        )
        .group_by(PerformanceScheme.institution_id)
    )
    return dict(rows.all())


def leaders_on_terms(ids: Select, on: date) -> Mapping[int, int]:
    """How many leaders hold a running term contract with targets and no administrative rank.

    A term is only stored when it passes the de-administration rules (a management grade,
    targets, no rank), so every running term counts.
    """
    rows = db.session.execute(
        select(LeaderTerm.institution_id, func.count())
        .where(
            LeaderTerm.institution_id.in_(ids.scalar_subquery()),
            LeaderTerm.start_on <= on,
            LeaderTerm.end_on >= on,
            LeaderTerm.administrative_rank.is_(None),
        )
        .group_by(LeaderTerm.institution_id)
    )
    return dict(rows.all())


def _latest_summaries(ids: Select, on: date, *columns) -> list:
    """Return (institution id, *columns) of each hospital's latest confirmed yearly summary
    up to ``on``'s year: one query for the whole scope, never a year of pay."""
    latest = (
        select(PayGapSummary.institution_id, func.max(PayGapSummary.year).label("year"))
        .where(
            PayGapSummary.institution_id.in_(ids.scalar_subquery()),
            PayGapSummary.year <= on.year,
        )
        .group_by(PayGapSummary.institution_id)
        .subquery()
    )
    return db.session.execute(
        select(PayGapSummary.institution_id, *columns).join(
            latest,
            and_(
                latest.c.institution_id == PayGapSummary.institution_id,
                latest.c.year == PayGapSummary.year,
            ),
        )
    ).all()


def identity_pay_gaps(ids: Select, on: date) -> Mapping[int, int]:
    """Identity pay gaps beyond the tolerance in the latest year HR confirmed."""
    return dict(_latest_summaries(ids, on, PayGapSummary.gaps))


def identity_pay_gap(ids: Select, on: date) -> Mapping[int, object]:
    """编内外同岗薪酬差距: the mean post-pay difference between identities on one post, in
    percent, in the latest year HR confirmed (hospitals where nothing was compared: absent)."""
    return {
        institution_id: (share * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
        for institution_id, share in _latest_summaries(ids, on, PayGapSummary.mean_share)
        if share is not None
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
    Indicator(
        key="hospitals.approved_scheme_months",
        label=_l("近 12 个月按合规绩效方案分配的月数"),
        unit=_l("个月"),
        owner="hospitals",
        provide=approved_schemes,
        kinds=frozenset({InstitutionKind.HOSPITAL.value}),
        description=_l(
            "奖励性绩效按已批准的岗位绩效方案分配（不与药品、耗材、检查、化验收入挂钩）的月数"
        ),
    ),
    Indicator(
        key="hospitals.identity_pay_gap",
        label=_l("编内外同岗薪酬差距"),
        unit="%",
        owner="hospitals",
        provide=identity_pay_gap,
        kinds=frozenset({InstitutionKind.HOSPITAL.value}),
        description=_l(
            "最近一个经人事部门确认的年度里，同一科室同一岗位等级其他身份人员与事业编制人员"
            "岗位相关工资的平均差距（占编制人员平均数的百分比）"
        ),
    ),
    Indicator(
        key="hospitals.identity_pay_gaps",
        label=_l("同岗同酬身份差异（处）"),
        unit=_l("处"),
        owner="hospitals",
        provide=identity_pay_gaps,
        kinds=frozenset({InstitutionKind.HOSPITAL.value}),
        description=_l(
            "最近一个经人事部门确认的年度里，同一科室同一岗位等级按人员身份超出容差的工资差异数"
        ),
    ),
    Indicator(
        key="hospitals.leaders_on_terms",
        label=_l("实行任期制、无行政级别的院级领导人数"),
        unit=_l("人"),
        owner="hospitals",
        provide=leaders_on_terms,
        kinds=frozenset({InstitutionKind.HOSPITAL.value}),
    ),
)
