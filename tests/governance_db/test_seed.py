"""The demo governance step of `flask seed-demo`."""

from __future__ import annotations

from sqlalchemy import func, select

from core.auth.models import User
from core.extensions import db
from institutions.governance import queries
from institutions.governance import seed as governance_seed  # registers the demo step
from institutions.governance.council import queries as council_queries
from institutions.governance.models import Ballot, BodyKind, Minutes, Motion, MotionStatus, Seat
from institutions.governance.motions import queries as motion_queries
from institutions.governance.resolutions import queries as resolution_queries
from institutions.seed import seed_registry_and_users


def _counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Seat, Motion, Ballot, Minutes)
    )


def test_demo_councils_with_history_and_an_open_vote(app):
    seed_registry_and_users()
    lines = governance_seed.seed_governance()
    assert any("待 lishi 表决" in line for line in lines)
    institution_ids = queries.chain_institution_ids()
    assert len(institution_ids) == len(governance_seed.NAMES)

    lishi = db.session.scalar(select(User).where(User.username == "lishi"))
    waiting = motion_queries.awaiting_my_vote(lishi)
    assert len(waiting) == 1 and waiting[0].for_member_id is None
    open_motion = waiting[0].motion
    school = open_motion.institution_id

    offices = {
        s.user.username: s.office
        for s in queries.active_seats(school, queries.local_date(open_motion.opened_at))
    }
    assert offices["lishizhang"] == "chair"
    assert offices["mishu"] == "secretary"
    assert offices["lishi"] == "member"
    assert offices["jianshi"] == "supervisor"

    for institution_id in institution_ids:
        assert queries.verify_chain(institution_id).ok
        resolutions = resolution_queries.resolutions_of(institution_id)
        assert [r.number for r in resolutions] == [1, 2, 3]
        day = queries.local_date(resolutions[0].passed_at)
        assert council_queries.composition_warnings(institution_id, day) == []
        assert len(queries.seated_member_ids(institution_id, day)) == 8
    minutes = db.session.scalars(select(Minutes)).all()
    assert minutes and all(m.locked_at is not None for m in minutes)
    decided = db.session.scalars(
        select(Motion).where(Motion.institution_id == school, Motion.status != MotionStatus.OPEN)
    ).all()
    assert {m.status for m in decided} == {MotionStatus.PASSED}
    project = next(m for m in decided if m.recusals)
    assert [r.member.username for r in project.recusals] == ["lishi"]
    assert queries.body_of(school, BodyKind.MANAGEMENT) is not None

    counts = _counts()
    assert governance_seed.seed_governance() == []
    assert _counts() == counts
