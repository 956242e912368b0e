"""Reads: awaiting my vote, hidden results, live quorum, composition warnings."""

from __future__ import annotations

from datetime import date, timedelta

from core.roles import Role
from institutions.governance import queries
from institutions.governance.council import operations as council_ops
from institutions.governance.council import queries as council_queries
from institutions.governance.meetings import operations as meeting_ops
from institutions.governance.meetings import queries as meeting_queries
from institutions.governance.models import BodyKind, Constituency, MeetingMode, Office, Presence
from institutions.governance.motions import operations as motion_ops
from institutions.governance.motions import queries as motion_queries
from tests import factories
from tests.governance_db.helpers import (
    T0,
    TERM_START,
    convene,
    make_council,
    motion_on,
    open_motion,
)


def test_awaiting_my_vote_lists_own_and_proxy_votes_not_yet_cast(app):
    council = make_council(5)
    meeting = convene(council, absent=(4,), proxies={4: 2})
    first, second, draft = motion_on(meeting), motion_on(meeting), motion_on(meeting)
    motion_ops.open_voting(first, now=T0)
    motion_ops.open_voting(second, now=T0)
    holder = council.members[2]
    waiting = motion_queries.awaiting_my_vote(holder, now=T0)
    assert [(w.motion, w.for_member_id) for w in waiting] == [
        (first, None),
        (first, council.members[4].id),
        (second, None),
        (second, council.members[4].id),
    ]
    motion_ops.cast_ballot(first, holder, "yes", now=T0)
    motion_ops.cast_ballot(first, holder, "yes", for_member=council.members[4], now=T0)
    assert [
        (w.motion, w.for_member_id) for w in motion_queries.awaiting_my_vote(holder, now=T0)
    ] == [
        (second, None),
        (second, council.members[4].id),
    ]
    assert draft not in [
        w.motion for w in motion_queries.awaiting_my_vote(council.members[0], now=T0)
    ]
    # absent members, supervisors and outsiders have nothing awaiting
    assert motion_queries.awaiting_my_vote(council.members[4], now=T0) == []
    assert motion_queries.awaiting_my_vote(council.supervisor, now=T0) == []
    assert motion_queries.awaiting_my_vote(factories.create_user(), now=T0) == []
    motion_ops.recuse(second, council.members[0], "关联")
    assert [w.motion for w in motion_queries.awaiting_my_vote(council.members[0], now=T0)] == [
        first
    ]


def test_written_votes_await_until_the_deadline(app):
    council = make_council(3)
    motion = motion_on(convene(council, mode=MeetingMode.WRITTEN))
    motion_ops.open_voting(motion, now=T0, deadline=T0 + timedelta(days=3))
    member = council.members[1]
    assert [w.motion for w in motion_queries.awaiting_my_vote(member, now=T0)] == [motion]
    assert motion_queries.awaiting_my_vote(member, now=T0 + timedelta(days=4)) == []


def test_results_are_hidden_until_close_when_the_charter_says_so(app):
    council = make_council(3)
    motion = open_motion(council)
    a, b, c = council.members
    motion_ops.cast_ballot(motion, a, "yes", now=T0)
    motion_ops.cast_ballot(motion, b, "no", now=T0)
    assert not motion_queries.results_visible(motion)
    assert set(motion_queries.visible_ballots(motion, a.id)) == {a.id}
    assert motion_queries.visible_ballots(motion, c.id) == {}
    motion_ops.cast_ballot(motion, c, "yes", now=T0)
    motion_ops.close_motion(motion, now=T0 + timedelta(hours=1))
    assert motion_queries.results_visible(motion)
    assert set(motion_queries.visible_ballots(motion, c.id)) == {a.id, b.id, c.id}

    shown = make_council(3, charter={"results_hidden_until_close": False})
    motion = open_motion(shown)
    motion_ops.cast_ballot(motion, shown.members[0], "yes", now=T0)
    assert motion_queries.results_visible(motion)
    assert set(motion_queries.visible_ballots(motion, shown.members[2].id)) == {shown.members[0].id}
    assert not motion_queries.results_visible(motion_on(motion.meeting))  # a draft has no results


def test_the_charter_is_fixed_when_voting_opens(app):
    council = make_council(3)
    motion = open_motion(council)
    council_ops.save_charter(council.institution.id, {"results_hidden_until_close": False})
    assert not motion_queries.results_visible(motion)


def test_live_quorum(app):
    council = make_council(6, charter={"proxy_counts_toward_quorum": True})
    meeting = convene(council, absent=(3, 4, 5), proxies={5: 0})
    quorum = meeting_queries.meeting_quorum(meeting)
    assert (quorum.seated, quorum.present, quorum.represented, quorum.attending) == (6, 3, 1, 4)
    assert (quorum.required, quorum.met, quorum.proxy_counts) == (4, True, True)
    meeting_ops.record_attendance(meeting, council.members[1], Presence.ABSENT)
    assert not meeting_queries.meeting_quorum(meeting).met


def test_composition_warnings(app):
    council = make_council(5)  # 3 outside (sponsor), 2 staff
    institution_id = council.institution.id
    day = T0.date()
    assert council_queries.composition_warnings(institution_id, day) == []
    for _ in range(2):
        council_ops.seat_member(
            institution_id,
            factories.create_user(Role.COUNCIL_MEMBER, institution=council.institution),
            body=BodyKind.COUNCIL,
            office=Office.MEMBER,
            constituency=Constituency.STAFF,
            term_start_on=TERM_START,
        )
    council_ops.seat_member(
        institution_id,
        council.members[2],
        body=BodyKind.SUPERVISORS,
        office=Office.SUPERVISOR,
        constituency=Constituency.STAFF,
        term_start_on=TERM_START,
    )
    finance = factories.create_user(
        Role.FINANCE_OFFICER, institution=council.institution, full_name="会计丙"
    )
    council_ops.seat_member(
        institution_id,
        finance,
        body=BodyKind.SUPERVISORS,
        office=Office.SUPERVISOR,
        term_start_on=TERM_START,
    )
    council_ops.declare_interests(
        council.members[0],
        institution_id,
        [{"name": "监事甲", "relation": "near_relative"}],
        now=T0,
    )
    warnings = council_queries.composition_warnings(institution_id, day)
    assert warnings == [
        "外部理事 3 人，未超过在任理事 7 人的半数（学校、医院的外部理事应过半数）",
        "监事 理事2号 同时担任理事",
        "监事 监事甲 是理事 理事0号 申报的近亲属",
        "监事 会计丙 是财务人员",
    ]


def test_expired_terms_are_reported_for_half_a_year(app):
    council = make_council(3)
    seat = next(
        s
        for s in queries.active_seats(council.institution.id, T0.date(), BodyKind.COUNCIL)
        if s.user_id == council.members[2].id
    )
    council_ops.end_seat(seat, date(2026, 2, 28))
    assert (
        "理事2号 的任期已于 2026-02-28 届满，尚未换届或续任"
        in council_queries.composition_warnings(council.institution.id, date(2026, 3, 2))
    )
    later = council_queries.composition_warnings(council.institution.id, date(2026, 12, 1))
    assert not any("届满" in warning for warning in later)
