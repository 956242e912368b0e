"""Real threads on either database: offers racing for a plan's last places cannot all pass.

Six scored candidates are offered at once on a plan for two; exactly two offers land, the
others are refused with the plan's count.

Runs on a database of its own (tests/pg.py: race_app), SQLite in the SQLite pass and
PostgreSQL in the PostgreSQL pass: threads must commit, which the suite's per-test
rollback cannot undo. On SQLite a writer holds the write lock from the start of its
transaction (core/sqlite.py), so racers queue; on PostgreSQL the operation's own lock decides.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.extensions import db
from schools.findings import SchoolsRefusal
from schools.recruitment import operations as ops
from schools.recruitment.models import Candidate, CandidateStatus, PlanStatus, RecruitmentPlan
from tests.factories import create_institution
from tests.pg import DATABASES, race_app

CANDIDATES = 6
PLACES = 2


@pytest.fixture(params=DATABASES)
def race_db(request, tmp_path):
    with race_app(
        request.param, "recruitment_concurrency", tmp_path, pool_size=CANDIDATES + 3, max_overflow=3
    ) as app:
        yield app


def test_offers_racing_for_the_last_places(race_db):
    with race_db.app_context():
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
        # Start together, then load and offer in one transaction, as a request would (on
        # SQLite that transaction holds the write lock from its start, so offers queue).
        barrier.wait()
        candidate = db.session.get(Candidate, candidate_id)
        _ = candidate.plan.count
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
            with race_db.app_context():
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
    with race_db.app_context():
        offered = db.session.scalar(
            select(func.count()).where(Candidate.status == CandidateStatus.OFFERED)
        )
        assert offered == PLACES
        db.session.remove()
