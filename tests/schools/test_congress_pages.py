"""The staff congress on the pages: delegates, a vote counted by the rules, and the reward
plan usable only once the congress has passed it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.extensions import db
from core.roles import Role
from schools.findings import SchoolsRefusal
from schools.models import CongressVote
from schools.staff_congress import operations
from tests.factories import create_employment, create_institution, create_user


@pytest.fixture
def school():
    return create_institution(name="教代会学校")


def _delegates(school, teachers, others=0):
    return [
        operations.add_delegate(school.id, create_employment(school), True) for _ in range(teachers)
    ] + [
        operations.add_delegate(school.id, create_employment(school), False) for _ in range(others)
    ]


def _vote(school, present, ballots, kind="reward_plan", held_on=date(2026, 9, 10)):
    return operations.record_vote(
        school.id,
        {"title": "奖励性绩效分配方案", "kind": kind, "held_on": held_on},
        present,
        ballots,
    )


def test_more_than_half_of_all_delegates_must_vote_yes(school):
    delegates = _delegates(school, 7, 2)  # 9 delegates: quorum 6, yes needed 5
    ids = [d.id for d in delegates]
    # 6 present, 4 yes: a majority of those present but not of all nine
    rejected = _vote(school, ids[:6], {i: "yes" for i in ids[:4]})
    assert rejected.status == "rejected" and rejected.number is None
    passed = _vote(school, ids[:6], {i: "yes" for i in ids[:5]})
    assert passed.status == "passed" and passed.number == "教代会〔2026〕第1号"
    again = _vote(school, ids, {i: "yes" for i in ids}, kind="rules")
    assert again.number == "教代会〔2026〕第2号"


def test_without_quorum_or_a_teacher_majority_nothing_is_decided(school):
    delegates = _delegates(school, 3, 3)  # teachers 3 of 6: not more than half
    ids = [d.id for d in delegates]
    assert _vote(school, ids, {i: "yes" for i in ids}).status == "improperly_constituted"
    other = create_institution()
    few = [operations.add_delegate(other.id, create_employment(other), True) for _ in range(6)]
    assert _vote(other, [d.id for d in few[:3]], {d.id: "yes" for d in few[:3]}).status == (
        "no_quorum"
    )


def test_a_delegate_must_be_staff_of_the_school_and_once(school):
    delegate = _delegates(school, 1)[0]
    with pytest.raises(SchoolsRefusal):
        operations.add_delegate(school.id, delegate.employment, True)
    with pytest.raises(SchoolsRefusal):
        operations.add_delegate(school.id, create_employment(create_institution()), True)
    operations.end_delegate(delegate, date(2026, 10, 1))
    assert operations.delegates_on(school.id) == []


def test_the_principal_records_a_vote_on_the_page(school, login_as):
    delegates = _delegates(school, 4, 1)
    principal = create_user(Role.INSTITUTION_ADMIN, institution=school)
    db.session.commit()
    client = login_as(principal)
    assert client.get(f"/schools/{school.id}/congress").status_code == 200
    data = {"title": "绩效方案", "kind": "reward_plan", "held_on": "2026-09-10"}
    data["present"] = [str(d.id) for d in delegates]
    data.update({f"choice-{d.id}": "yes" for d in delegates[:3]})
    response = client.post(f"/schools/{school.id}/congress/votes", data=data)
    assert response.status_code == 302
    vote = db.session.scalar(select(CongressVote).where(CongressVote.institution_id == school.id))
    assert (vote.status, vote.yes, vote.number) == ("passed", 3, "教代会〔2026〕第1号")
    page = client.get(f"/schools/{school.id}/rewards").get_data(as_text=True)
    assert "教代会〔2026〕第1号" in page  # the plan can now be used
    hr = create_user(Role.FINANCE_OFFICER, institution=school)
    assert login_as(hr).post(f"/schools/{school.id}/congress/votes", data=data).status_code == 403
