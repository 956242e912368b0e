"""The demo city's hospital: partway through the transition, with an identity pay gap to find,
confirmed upward so the staffing office and the health commission see it."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from core.ids import china_today
from hospitals.models import PayGapSummary, PerformanceScheme, SchemeStatus
from hospitals.pay import queries as pay_queries
from institutions.indicators import values
from institutions.models import Institution


def test_the_demo_hospital_is_partway_with_a_visible_identity_gap(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    hospital = db.session.scalar(
        select(Institution).where(Institution.name == "成都市武侯区人民医院")
    )
    today = china_today()
    found = values(
        [
            "hospitals.post_coverage",
            "hospitals.staff_without_post",
            "hospitals.identity_pay_gaps",
            "hospitals.identity_pay_gap",
        ],
        [hospital.id],
        today,
    )
    assert 0 < found["hospitals.post_coverage"][hospital.id] < 100
    assert found["hospitals.staff_without_post"][hospital.id] >= 3
    assert found["hospitals.identity_pay_gaps"][hospital.id] > 0
    assert found["hospitals.identity_pay_gap"][hospital.id] > 0  # percent, on the dashboard
    year = pay_queries.pay_years(hospital.id)[0]
    report = pay_queries.gap_report(hospital.id, year, today)
    assert report.gaps and any(g.identity == "contract" for g in report.gaps)
    summaries = db.session.scalars(
        select(PayGapSummary).where(PayGapSummary.institution_id == hospital.id)
    ).all()
    assert {s.year for s in summaries} == set(pay_queries.pay_years(hospital.id))
    # this month's allocation waits for the council, so nothing is paid from it yet
    scheme = db.session.scalar(
        select(PerformanceScheme).where(PerformanceScheme.institution_id == hospital.id)
    )
    assert scheme.status == SchemeStatus.ALLOCATED
