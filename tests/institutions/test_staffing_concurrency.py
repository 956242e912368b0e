"""Real threads on either database: approvals racing for the last of a region's pool.

Runs on a database of its own (tests/pg.py: race_app), SQLite in the SQLite pass and
PostgreSQL in the PostgreSQL pass: threads must commit, which the suite's per-test
rollback cannot undo. On SQLite a writer holds the write lock from the start of its
transaction (core/sqlite.py), so racers queue; on PostgreSQL the operation's own lock decides.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.errors import Refusal
from core.extensions import db
from institutions.models import QuotaEntry
from institutions.staffing import operations as ops
from institutions.staffing.models import QuotaPool, QuotaRequest, RequestStatus
from tests.factories import add_quota, create_institution
from tests.institutions.test_staffing_requests import TODAY, finalised_evaluation
from tests.pg import DATABASES, race_app

RACERS = 6


@pytest.fixture(params=DATABASES)
def race_db(request, tmp_path):
    with race_app(
        request.param, "staffing_race", tmp_path, pool_size=RACERS + 4, max_overflow=4
    ) as app:
        yield app


def test_approvals_racing_for_the_last_places_cannot_both_pass(race_db):
    with race_db.app_context():
        donor = create_institution(district_code="510107")
        add_quota(donor, change=10)
        ops.add_quota_entry(
            donor,
            {
                "kind": "establishment",
                "change": -3,
                "document_number": "武编发〔2026〕1号",
                "effective_on": TODAY - timedelta(days=3),
            },
            today=TODAY,
        )
        request_ids = []
        for n in range(RACERS):
            school = create_institution(district_code="510107")
            add_quota(school, change=5)
            finalised_evaluation(school, weakened=False)
            request = ops.create_request(school, {"number": 2, "reason": f"扩班{n}"})
            ops.save_cleanup(
                request,
                {"vacancies": 0, "secondments": 0, "off_quota": 0, "weakened_reported": True},
            )
            ops.submit_request(request, today=TODAY)
            request_ids.append(request.id)
        db.session.commit()
        db.session.remove()

    barrier = threading.Barrier(RACERS)
    approved: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def approve(index: int, request_id: int) -> None:
        try:
            with race_db.app_context():
                # Start together, then each load and decide in one transaction, as a request
                # would (on SQLite that transaction holds the write lock from its start).
                barrier.wait(timeout=30)
                request = db.session.get(QuotaRequest, request_id)
                try:
                    ops.approve_request(
                        request,
                        {
                            "document_number": f"武编发〔2026〕{100 + index}号",
                            "effective_on": TODAY,
                        },
                        today=TODAY,
                    )
                    db.session.commit()
                    with lock:
                        approved.append(request_id)
                except Refusal as refusal:
                    db.session.rollback()
                    with lock:
                        refused.append(str(refusal))
                finally:
                    db.session.remove()
        except BaseException as error:  # pragma: no cover - reported below
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=approve, args=(i, rid)) for i, rid in enumerate(request_ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a thread hung (lock never released?)"
    assert errors == []
    # 3 places freed, 2 asked each time: exactly one approval fits.
    assert len(approved) == 1
    assert len(refused) == RACERS - 1
    assert all("不足以批准 2 名" in r for r in refused), refused

    with race_db.app_context():
        pool = db.session.scalar(select(QuotaPool).where(QuotaPool.district_code == "510107"))
        assert (pool.freed, pool.drawn) == (3, 2)
        statuses = db.session.scalars(
            select(QuotaRequest.status).where(QuotaRequest.id.in_(request_ids))
        ).all()
        assert sorted(statuses).count(RequestStatus.APPROVED.value) == 1
        pooled_additions = db.session.scalar(
            select(func.coalesce(func.sum(QuotaEntry.change), 0)).where(
                QuotaEntry.is_pooled.is_(True), QuotaEntry.change > 0
            )
        )
        assert pooled_additions == 2
