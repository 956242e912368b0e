"""Real threads against PostgreSQL: offers racing for a plan's last places cannot all pass.

Six scored candidates are offered at once on a plan for two; exactly two offers land, the
others are refused with the plan's count. Runs only when TEST_DATABASE_URL is a PostgreSQL
URL, on its own database (``<db>_recruitment_concurrency``), created and dropped here:
threads must commit, which the suite's per-test rollback cannot undo. (On SQLite a writer
holds the whole database from the start of its transaction, core/sqlite.py.)
"""

from __future__ import annotations

import os
import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.extensions import db
from schools.findings import SchoolsRefusal
from schools.recruitment import operations as ops
from schools.recruitment.models import Candidate, CandidateStatus, PlanStatus, RecruitmentPlan
from tests.factories import create_institution
from tests.pg import own_database_app

URL = os.environ.get("TEST_DATABASE_URL", "")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not URL.startswith("postgresql"), reason="needs TEST_DATABASE_URL on PostgreSQL"
    ),
]

CANDIDATES = 6
PLACES = 2


@pytest.fixture
def pg_app(tmp_path):
    with own_database_app(
        URL, "recruitment_concurrency", tmp_path, pool_size=CANDIDATES + 3, max_overflow=3
    ) as app:
        yield app


def test_offers_racing_for_the_last_places(pg_app):
    with pg_app.app_context():
        school = create_institution(name="抢名额学校")
        plan = RecruitmentPlan(
            institution_id=school.id,
            subject="数学",
            stage="junior",
            count=PLACES,
            requirements="",
            pay_low=Decimal("90000"),
            pay_high=Decimal("120000"),
            weight_written=Decimal(30),
            weight_interview=Decimal(30),
            weight_trial=Decimal(40),
            status=PlanStatus.APPROVED,
        )
        for n in range(CANDIDATES):
            plan.candidates.append(
                Candidate(
                    name=f"考生{n}",
                    citizen_id=f"51010719950101{n:04d}",
                    written=Decimal(80 + n),
                    interview=Decimal(80),
                    trial=Decimal(80),
                )
            )
        db.session.add(plan)
        db.session.commit()
        ids = [c.id for c in plan.candidates]
        db.session.remove()

    barrier = threading.Barrier(CANDIDATES)
    lock = threading.Lock()
    landed: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def offer(candidate_id: int):
        candidate = db.session.get(Candidate, candidate_id)
        _ = candidate.plan.count  # loaded before the race
        barrier.wait()
        try:
            ops.offer(candidate)
            db.session.commit()
        except SchoolsRefusal as refusal:
            db.session.rollback()
            with lock:
                refused.append(str(refusal))
            return
        with lock:
            landed.append(candidate_id)

    def run(candidate_id: int):
        try:
            with pg_app.app_context():
                try:
                    offer(candidate_id)
                finally:
                    db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread hung (lock never released?)"

    assert errors == []
    assert len(landed) == PLACES, landed
    assert len(refused) == CANDIDATES - PLACES
    assert all("已录满" in reason for reason in refused)
    with pg_app.app_context():
        offered = db.session.scalar(
            select(func.count()).where(Candidate.status == CandidateStatus.OFFERED)
        )
        assert offered == PLACES
        db.session.remove()
