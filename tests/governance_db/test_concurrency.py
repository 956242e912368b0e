"""Real threads on either database: simultaneous votes and closes stay consistent.

Runs on a database of its own (tests/pg.py: race_app), SQLite in the SQLite pass and
PostgreSQL in the PostgreSQL pass: threads must commit, which the suite's per-test
rollback cannot undo. On SQLite a writer holds the write lock from the start of its
transaction (core/sqlite.py), so racers queue; on PostgreSQL the operation's own lock decides.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core.auth.models import User
from core.extensions import db
from institutions.governance import queries
from institutions.governance.models import (
    Ballot,
    ChainHead,
    GovernanceError,
    Motion,
    MotionStatus,
    Resolution,
)
from institutions.governance.motions import operations as motion_ops
from tests.governance_db.helpers import convene, make_council, motion_on
from tests.pg import DATABASES, race_app

VOTERS = 10
CLOSERS = 5
MEMBERS = 5
#: ballots cast before the closers start (of VOTERS × MEMBERS)
HEAD_START = 20


@pytest.fixture(params=DATABASES)
def race_db(request, tmp_path):
    with race_app(
        request.param, "gov_concurrency", tmp_path, pool_size=VOTERS + CLOSERS + 10, max_overflow=5
    ) as app:
        yield app


def _run(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a thread hung (lock never released?)"


def test_simultaneous_votes_and_closes(race_db):
    now = datetime.now(UTC)
    with race_db.app_context():
        council = make_council(MEMBERS)
        meeting = convene(council, scheduled_at=now)
        motions = [motion_on(meeting, title=f"议案{i}") for i in range(3)]
        for motion in motions:
            motion_ops.open_voting(motion, now=now)
            for member in council.members:
                motion_ops.cast_ballot(motion, member, "yes", now=now)
        db.session.commit()
        institution_id = council.institution.id
        member_ids = [m.id for m in council.members]
        main_id, *other_ids = [m.id for m in motions]
        db.session.remove()

    barrier = threading.Barrier(VOTERS + CLOSERS + 2 * len(other_ids))
    lock = threading.Lock()
    cast: list[int] = []
    closes: Counter[int] = Counter()
    refusals: list[str] = []
    errors: list[BaseException] = []
    head_start = threading.Event()

    def in_app(work):
        def run():
            try:
                with race_db.app_context():
                    barrier.wait()
                    try:
                        work()
                    finally:
                        db.session.remove()
            except BaseException as error:  # noqa: BLE001 - reported by the test below
                with lock:
                    errors.append(error)

        return threading.Thread(target=run)

    def vote(index: int):
        def work():
            for member_id in member_ids:
                motion = db.session.get(Motion, main_id)
                member = db.session.get(User, member_id)
                try:
                    ballot = motion_ops.cast_ballot(
                        motion, member, "yes", reason=f"线程 {index}", now=datetime.now(UTC)
                    )
                    db.session.commit()
                except GovernanceError as refusal:
                    db.session.rollback()
                    with lock:
                        refusals.append(str(refusal))
                    return
                with lock:
                    cast.append(ballot.id)
                    if len(cast) >= HEAD_START:
                        head_start.set()

        return work

    def close(motion_id: int):
        def work():
            # let ballots pile up first, so the closes race the remaining votes
            head_start.wait(timeout=30)
            motion = db.session.get(Motion, motion_id)
            try:
                motion_ops.close_motion(motion, now=datetime.now(UTC))
                db.session.commit()
            except GovernanceError as refusal:
                db.session.rollback()
                with lock:
                    refusals.append(str(refusal))
                return
            with lock:
                closes[motion_id] += 1

        return work

    threads = [in_app(vote(i)) for i in range(VOTERS)]
    threads += [in_app(close(main_id)) for _ in range(CLOSERS)]
    threads += [in_app(close(motion_id)) for motion_id in other_ids for _ in range(2)]
    _run(threads)

    assert errors == []
    assert closes == {main_id: 1, **dict.fromkeys(other_ids, 1)}
    assert set(refusals) <= {"议案表决已结束"}
    with race_db.app_context():
        main = db.session.get(Motion, main_id)
        assert main.status == MotionStatus.PASSED
        # exactly one counted ballot per member, all of them yes
        assert main.outcome["voters"] == sorted(member_ids)
        assert (main.outcome["yes"], main.outcome["no"]) == (MEMBERS, 0)
        ballots = queries.ballot_history(main)
        assert len(ballots) == MEMBERS + len(cast)
        assert sorted(queries.latest_ballots(main)) == sorted(member_ids)
        # no ballot landed after the close
        assert max(b.sequence for b in ballots) < main.resolution.sequence
        # one resolution per passed motion, numbered without gaps or duplicates
        resolutions = db.session.scalars(
            select(Resolution).where(Resolution.institution_id == institution_id)
        ).all()
        assert sorted(r.motion_id for r in resolutions) == sorted([main_id, *other_ids])
        assert sorted(r.number for r in resolutions) == [1, 2, 3]
        total = db.session.scalar(
            select(func.count()).select_from(Ballot).where(Ballot.institution_id == institution_id)
        )
        rows = queries.chain_rows(institution_id)
        assert [row.sequence for row in rows] == list(range(1, total + len(resolutions) + 1))
        assert queries.verify_chain(institution_id).ok
        db.session.remove()


def test_simultaneous_opens_on_a_fresh_chain(race_db):
    """The first links of a chain: the head row is created once, each motion opens once."""
    now = datetime.now(UTC)
    with race_db.app_context():
        council = make_council(MEMBERS)
        meeting = convene(council, scheduled_at=now)
        motion_ids = [motion_on(meeting, title=f"议案{i}").id for i in range(3)]
        institution_id = council.institution.id
        db.session.commit()
        db.session.remove()

    barrier = threading.Barrier(2 * len(motion_ids))
    lock = threading.Lock()
    opened: Counter[int] = Counter()
    refusals: list[str] = []
    errors: list[BaseException] = []

    def open_one(motion_id: int) -> threading.Thread:
        def run():
            try:
                with race_db.app_context():
                    barrier.wait()
                    try:
                        motion_ops.open_voting(
                            db.session.get(Motion, motion_id), now=datetime.now(UTC)
                        )
                        db.session.commit()
                        with lock:
                            opened[motion_id] += 1
                    except GovernanceError as refusal:
                        db.session.rollback()
                        with lock:
                            refusals.append(str(refusal))
                    finally:
                        db.session.remove()
            except BaseException as error:  # noqa: BLE001 - reported by the test below
                with lock:
                    errors.append(error)

        return threading.Thread(target=run)

    _run([open_one(motion_id) for motion_id in motion_ids for _ in range(2)])
    assert errors == []
    assert opened == dict.fromkeys(motion_ids, 1)
    assert refusals == ["议案已在表决中"] * len(motion_ids)
    with race_db.app_context():
        heads = db.session.scalar(
            select(func.count())
            .select_from(ChainHead)
            .where(ChainHead.institution_id == institution_id)
        )
        assert heads == 1
        db.session.remove()
