"""Resolution numbers: sequential per institution and (local) year, no gaps, no duplicates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from institutions.governance import queries
from institutions.governance.models import Resolution
from institutions.governance.motions import operations as motion_ops
from institutions.governance.resolutions import queries as resolution_queries
from tests.governance_db.helpers import convene, make_council, motion_on


def _pass(council, closed_at: datetime):
    motion = motion_on(convene(council, scheduled_at=closed_at - timedelta(hours=1)))
    motion_ops.open_voting(motion, now=closed_at - timedelta(minutes=30))
    for member in council.members:
        motion_ops.cast_ballot(motion, member, "yes", now=closed_at - timedelta(minutes=10))
    motion_ops.close_motion(motion, now=closed_at)
    return motion.resolution


def test_numbers_run_per_institution_and_year(app):
    school, hospital = make_council(3), make_council(3)
    march = datetime(2026, 3, 2, 2, tzinfo=UTC)
    numbers = [_pass(school, march + timedelta(days=i)).document_number for i in range(3)]
    assert numbers == ["〔2026〕第1号", "〔2026〕第2号", "〔2026〕第3号"]
    assert _pass(hospital, march).document_number == "〔2026〕第1号"
    # 17:00 UTC on 31 December is already 1 January in Chengdu: a new year, a new series.
    new_year = _pass(school, datetime(2026, 12, 31, 17, tzinfo=UTC))
    assert (new_year.year, new_year.number) == (2027, 1)
    assert _pass(school, datetime(2027, 1, 5, 2, tzinfo=UTC)).document_number == "〔2027〕第2号"
    assert [r.number for r in resolution_queries.resolutions_of(school.institution.id, 2026)] == [
        1,
        2,
        3,
    ]
    assert queries.verify_chain(school.institution.id).ok
    assert queries.verify_chain(hospital.institution.id).ok


def test_the_database_refuses_a_duplicate_number(app):
    council = make_council(3)
    first = _pass(council, datetime(2026, 3, 2, 2, tzinfo=UTC))
    second = _pass(council, datetime(2026, 3, 3, 2, tzinfo=UTC))
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            Resolution.__table__.update()
            .where(Resolution.id == second.id)
            .values(number=first.number)
        )
