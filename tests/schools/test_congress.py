"""Staff congress: teachers a majority, 2/3 present, more than half of ALL delegates."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from institutions.governance.tally import Choice
from schools.congress import (
    CONGRESS_KEY,
    DEFAULTS,
    CongressRules,
    CongressStatus,
    Delegate,
    composition_findings,
    tally_congress,
)
from schools.findings import SchoolsRefusal

PROPERTY = settings(database=None, deadline=None, max_examples=200)
RULES = CongressRules.from_value()
YES, NO, ABSTAIN = Choice.YES, Choice.NO, Choice.ABSTAIN


def _delegates(n, teachers=None):
    teachers = n if teachers is None else teachers
    return [Delegate(i, f"代表{i}", i < teachers) for i in range(n)]


def test_defaults():
    assert DEFAULTS[CONGRESS_KEY] == {
        "quorum": "2/3",
        "threshold": "1/2",
        "teacher_share": "1/2",
        "teacher_share_strict": True,
    }
    assert CongressRules() == RULES


def test_thirty_delegates():
    delegates = _delegates(30)
    # 20 present is exactly 2/3; 16 yes is more than half of all 30
    present = range(20)
    ballots = {i: YES if i < 16 else NO for i in present}
    outcome = tally_congress(delegates, present, ballots, RULES)
    assert outcome.status is CongressStatus.PASSED
    assert outcome.passed and outcome.is_valid_meeting
    assert str(outcome.reason) == "赞成 16 票，超过全体代表 30 人的半数（至少 16 票），通过"
    # 15 yes of 20 present is a big majority of those present but not more than half of all
    ballots = {i: YES if i < 15 else NO for i in present}
    outcome = tally_congress(delegates, present, ballots, RULES)
    assert outcome.status is CongressStatus.REJECTED
    assert str(outcome.reason) == "赞成 15 票，未超过全体代表 30 人的半数（至少 16 票），未通过"


def test_quorum_is_two_thirds_of_all_delegates_rounded_up():
    delegates = _delegates(31)  # ceil(62/3) = 21
    outcome = tally_congress(delegates, range(20), {i: YES for i in range(20)}, RULES)
    assert outcome.status is CongressStatus.NO_QUORUM
    assert not outcome.is_valid_meeting
    assert str(outcome.reason) == (
        "出席代表 20 人，不足全体代表 31 人的三分之二（21 人），会议无效"
    )
    assert tally_congress(delegates, range(21), {i: YES for i in range(21)}, RULES).passed


def test_abstentions_and_a_tie_do_not_pass():
    delegates = _delegates(10)
    ballots = {i: YES for i in range(5)} | {i: ABSTAIN for i in range(5, 10)}
    assert tally_congress(delegates, range(10), ballots, RULES).status is CongressStatus.REJECTED
    ballots = {i: YES for i in range(6)} | {i: NO for i in range(6, 10)}
    assert tally_congress(delegates, range(10), ballots, RULES).passed


def test_teachers_must_be_a_majority_of_delegates():
    assert composition_findings(_delegates(10, teachers=6), RULES) == []
    findings = composition_findings(_delegates(10, teachers=5), RULES)
    assert [f.code for f in findings] == ["teachers_not_majority"]
    assert str(findings[0].message) == (
        "教师代表 5 人，未超过代表总数 10 人的半数（至少应有 6 人）"
    )
    outcome = tally_congress(
        _delegates(10, teachers=5), range(10), {i: YES for i in range(10)}, RULES
    )
    assert outcome.status is CongressStatus.IMPROPERLY_CONSTITUTED
    assert not outcome.passed
    assert str(outcome.reason).startswith("代表构成不符合规定，不能作出决议：教师代表 5 人")


def test_a_sixty_percent_rule_is_a_parameter():
    rules = CongressRules.from_value({"teacher_share": "3/5", "teacher_share_strict": False})
    assert rules.teachers_needed(10) == 6
    assert composition_findings(_delegates(10, teachers=6), rules) == []
    findings = composition_findings(_delegates(10, teachers=5), rules)
    assert (
        str(findings[0].message) == "教师代表 5 人，不足代表总数 10 人的五分之三（至少应有 6 人）"
    )


def test_ballots_of_absent_delegates_and_strangers_are_ignored():
    delegates = _delegates(6)
    ballots = {0: YES, 1: YES, 2: YES, 3: YES, 4: YES, 99: YES}
    outcome = tally_congress(delegates, [0, 1, 2, 5], ballots, RULES)
    # 4 present = ceil(2/3 × 6); only 0–2 voted while present: 3 yes, not more than 3
    assert outcome.tally.yes == 3
    assert outcome.ignored == (3, 4, 99)
    assert outcome.status is CongressStatus.REJECTED


def test_input_errors():
    with pytest.raises(SchoolsRefusal):
        tally_congress([], [], {}, RULES)
    with pytest.raises(ValueError):
        tally_congress([Delegate(1, "a", True), Delegate(1, "b", True)], [1], {}, RULES)
    with pytest.raises(ValueError):
        tally_congress(_delegates(3), [0], {0: "maybe"}, RULES)
    with pytest.raises(ValueError):
        CongressRules.from_value({"threshold": "1/3"})


@PROPERTY
@given(
    st.integers(1, 60),
    st.data(),
)
def test_the_three_rules_decide_exactly(n, data):
    teachers = data.draw(st.integers(0, n))
    present = data.draw(st.frozensets(st.integers(0, n - 1)))
    ballots = data.draw(st.dictionaries(st.integers(0, n - 1), st.sampled_from([YES, NO, ABSTAIN])))
    outcome = tally_congress(_delegates(n, teachers), present, ballots, RULES)
    yes = sum(1 for i, c in ballots.items() if c is YES and i in present)
    composed = teachers > n / 2
    quorate = len(present) >= math.ceil(2 * n / 3)
    passes = yes > n / 2
    if not composed:
        expected = CongressStatus.IMPROPERLY_CONSTITUTED
    elif not quorate:
        expected = CongressStatus.NO_QUORUM
    elif passes:
        expected = CongressStatus.PASSED
    else:
        expected = CongressStatus.REJECTED
    assert outcome.status is expected
