from decimal import Decimal
from fractions import Fraction

import pytest

from institutions.governance.charter import Base, Charter
from institutions.governance.tally import (
    MAJOR_KINDS,
    SAN_ZHONG_YI_DA_KINDS,
    WRITTEN_VOTING_FORBIDDEN_KINDS,
    Choice,
    MotionCategory,
    MotionKind,
    Status,
    classify,
    quorum_required,
    tally,
    written_voting_refusal,
    yes_required,
)

Y, N, A = Choice.YES, Choice.NO, Choice.ABSTAIN
ORDINARY, MAJOR = MotionCategory.ORDINARY, MotionCategory.MAJOR


def members(n: int) -> frozenset[int]:
    return frozenset(range(1, n + 1))


def votes(yes=(), no=(), abstain=()) -> dict[int, Choice]:
    out = {m: Y for m in yes}
    out.update({m: N for m in no})
    out.update({m: A for m in abstain})
    return out


def run(
    charter: Charter | None = None,
    *,
    seated: int = 9,
    present=None,
    proxies=None,
    recused=(),
    ballots=None,
    category=ORDINARY,
    chair_id=None,
    written=False,
):
    return tally(
        charter or Charter(),
        category=category,
        seated=members(seated),
        present=members(seated) if present is None else present,
        proxies=proxies or {},
        recused=recused,
        ballots=ballots or {},
        chair_id=chair_id,
        written=written,
    )


# --- classification and the kinds of matter -------------------------------------------


def test_major_matters_of_domain_rules():
    assert {k.label for k in SAN_ZHONG_YI_DA_KINDS} == {
        "重大决策",
        "重要人事任免",
        "重大项目安排",
        "大额资金使用",
    }
    for kind in (
        MotionKind.CHARTER,
        MotionKind.DEVELOPMENT_PLAN,
        MotionKind.BUDGET,
        MotionKind.HEAD_APPOINTMENT,
        MotionKind.STRUCTURE,
        MotionKind.PAY_PLAN,
        MotionKind.ASSETS,
        MotionKind.MERGER,
        *SAN_ZHONG_YI_DA_KINDS,
    ):
        assert kind in MAJOR_KINDS
    assert MotionKind.ROUTINE not in MAJOR_KINDS
    assert MotionKind.ELECTION not in MAJOR_KINDS
    assert MotionKind.LARGE_FUNDS.is_san_zhong_yi_da
    assert not MotionKind.BUDGET.is_san_zhong_yi_da


@pytest.mark.parametrize("kind", sorted(MAJOR_KINDS))
def test_major_kinds_classify_as_major(kind):
    assert classify(kind, None, Charter()) is MAJOR


@pytest.mark.parametrize(
    ("amount", "category"),
    [
        (None, ORDINARY),
        (Decimal("0"), ORDINARY),
        (Decimal("99999.99"), ORDINARY),
        (Decimal("100000"), MAJOR),  # 10 万元以上 includes 10 万
        (Decimal("100000.01"), MAJOR),
    ],
)
def test_large_sums_are_major(amount, category):
    assert classify(MotionKind.ROUTINE, amount, Charter()) is category


def test_large_sum_threshold_is_per_charter():
    charter = Charter(large_sum_threshold=Decimal("30000"))
    assert classify(MotionKind.ROUTINE, Decimal("30000"), charter) is MAJOR
    assert classify(MotionKind.ELECTION, Decimal("29999"), charter) is ORDINARY


def test_classify_refuses_floats_and_negative_amounts():
    with pytest.raises(TypeError):
        classify(MotionKind.ROUTINE, 1.5, Charter())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="不能为负数"):
        classify(MotionKind.ROUTINE, Decimal("-1"), Charter())


# --- written voting limits -------------------------------------------------------------


def test_written_voting_forbidden_kinds():
    assert {
        MotionKind.ELECTION,
        MotionKind.CHARTER,
        MotionKind.BUDGET,
        MotionKind.HEAD_APPOINTMENT,
        MotionKind.MERGER,
        *SAN_ZHONG_YI_DA_KINDS,
    } == WRITTEN_VOTING_FORBIDDEN_KINDS


@pytest.mark.parametrize("kind", sorted(WRITTEN_VOTING_FORBIDDEN_KINDS))
def test_forbidden_kinds_are_refused(kind):
    category = classify(kind, None, Charter())
    reason = written_voting_refusal(kind, category, Charter())
    assert reason is not None
    assert str(reason).startswith(kind.label)
    assert str(reason).endswith("不得通讯表决，须召开会议表决")


def test_refusal_reasons_in_words():
    charter = Charter()
    assert (
        written_voting_refusal(MotionKind.ELECTION, ORDINARY, charter)
        == "选举或罢免不得通讯表决，须召开会议表决"
    )
    assert (
        written_voting_refusal(MotionKind.LARGE_FUNDS, MAJOR, charter)
        == "大额资金使用（三重一大事项）不得通讯表决，须召开会议表决"
    )


def test_only_routine_items_may_be_written():
    charter = Charter()
    assert written_voting_refusal(MotionKind.ROUTINE, ORDINARY, charter) is None
    # a pay plan is a major matter, though not named in the written-voting list
    assert (
        written_voting_refusal(MotionKind.PAY_PLAN, MAJOR, charter)
        == "重大事项不得通讯表决，须召开会议表决"
    )
    large = classify(MotionKind.ROUTINE, Decimal("200000"), charter)
    assert written_voting_refusal(MotionKind.ROUTINE, large, charter) is not None
    # a routine item the secretary raised to major
    assert written_voting_refusal(MotionKind.ROUTINE, MAJOR, charter) is not None


def test_charter_may_forbid_written_voting():
    charter = Charter(written_voting_allowed=False)
    assert (
        written_voting_refusal(MotionKind.ROUTINE, ORDINARY, charter)
        == "本单位章程不允许通讯表决，须召开会议表决"
    )


# --- quorum -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seated", "required"), [(0, 1), (1, 1), (2, 2), (3, 2), (5, 4), (7, 5), (9, 6), (10, 7)]
)
def test_quorum_is_ceil_two_thirds(seated, required):
    assert quorum_required(Charter(), seated) == required


def test_quorum_fraction_is_per_charter():
    assert quorum_required(Charter(quorum_fraction=Fraction(1, 2)), 9) == 5
    assert quorum_required(Charter(quorum_fraction=Fraction(1)), 9) == 9


def test_quorum_met_exactly():
    outcome = run(present=members(6), ballots=votes(yes=range(1, 6)))
    assert outcome.quorum_required == 6
    assert outcome.attending == 6
    assert outcome.quorum_met
    assert outcome.status is Status.PASSED


def test_no_quorum():
    outcome = run(present=members(5), ballots=votes(yes=range(1, 6)))
    assert outcome.status is Status.NO_QUORUM
    assert not outcome.quorum_met
    assert not outcome.passed
    assert outcome.reason == "出席理事 5 人，不足法定人数 6 人"
    assert outcome.yes == 5  # counted for the record all the same


def test_non_members_present_do_not_make_the_quorum():
    # supervisors and other non-voting attendees (列席) are not seated members
    outcome = run(present=members(5) | {101, 102}, ballots=votes(yes=range(1, 6)))
    assert outcome.attending == 5
    assert outcome.status is Status.NO_QUORUM


# --- thresholds -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "base", "required"),
    [
        (ORDINARY, 9, 5),
        (ORDINARY, 10, 6),
        (ORDINARY, 1, 1),
        (ORDINARY, 0, 1),
        (MAJOR, 9, 6),
        (MAJOR, 10, 7),
        (MAJOR, 3, 2),
        (MAJOR, 0, 1),
    ],
)
def test_yes_required(category, base, required):
    assert yes_required(Charter(), category, base) == required


def test_ordinary_on_all_seated_members():
    passed = run(seated=9, ballots=votes(yes=range(1, 6), no=range(6, 10)))
    assert passed.status is Status.PASSED
    assert passed.reason == "赞成 5 票，超过全体理事半数（至少 5 票），通过"
    failed = run(seated=10, ballots=votes(yes=range(1, 6), no=range(6, 9)))
    assert failed.status is Status.REJECTED
    assert failed.reason == "赞成 5 票，未超过全体理事半数（至少 6 票），未通过"


def test_ordinary_on_seated_base_counts_absent_members():
    # 7 of 9 present, 4 yes 3 no: a majority of those present but not of all members
    outcome = run(seated=9, present=members(7), ballots=votes(yes=range(1, 5), no=range(5, 8)))
    assert outcome.base == 9
    assert outcome.status is Status.REJECTED


def test_ordinary_on_present_base():
    charter = Charter(ordinary_base=Base.PRESENT)
    outcome = run(
        charter, seated=9, present=members(7), ballots=votes(yes=range(1, 5), no=range(5, 8))
    )
    assert outcome.base == 7
    assert outcome.yes_required == 4
    assert outcome.status is Status.PASSED
    assert outcome.reason == "赞成 4 票，超过出席理事半数（至少 4 票），通过"


def test_major_on_all_seated_members():
    passed = run(seated=9, category=MAJOR, ballots=votes(yes=range(1, 7), no=range(7, 10)))
    assert passed.status is Status.PASSED
    assert passed.reason == "赞成 6 票，达到全体理事三分之二（6 票），通过"
    failed = run(seated=9, category=MAJOR, ballots=votes(yes=range(1, 6), no=range(6, 10)))
    assert failed.status is Status.REJECTED
    assert failed.reason == "赞成 5 票，未达到全体理事三分之二（6 票），未通过"


def test_major_uses_ceil():
    outcome = run(seated=10, category=MAJOR, ballots=votes(yes=range(1, 7)))
    assert outcome.yes_required == 7
    assert outcome.status is Status.REJECTED


def test_major_on_present_base():
    charter = Charter(major_base=Base.PRESENT)
    outcome = run(
        charter, seated=9, present=members(6), category=MAJOR, ballots=votes(yes=[1, 2, 3, 4])
    )
    assert outcome.base == 6
    assert outcome.yes_required == 4
    assert outcome.status is Status.PASSED
    assert outcome.reason == "赞成 4 票，达到出席理事三分之二（4 票），通过"


def test_other_fractions_in_words():
    charter = Charter(major_threshold=Fraction(3, 4), ordinary_threshold=Fraction(3, 5))
    major = run(charter, seated=8, category=MAJOR, ballots=votes(yes=range(1, 7)))
    assert major.reason == "赞成 6 票，达到全体理事四分之三（6 票），通过"
    ordinary = run(charter, seated=10, ballots=votes(yes=range(1, 7)))
    assert ordinary.reason == "赞成 6 票，未超过全体理事五分之三（至少 7 票），未通过"


# --- abstentions ------------------------------------------------------------------------


def test_abstentions_are_not_yes():
    outcome = run(seated=9, ballots=votes(yes=range(1, 5), abstain=range(5, 10)))
    assert (outcome.yes, outcome.no, outcome.abstain) == (4, 0, 5)
    assert outcome.status is Status.REJECTED


def test_abstentions_stay_in_the_present_base():
    charter = Charter(ordinary_base=Base.PRESENT)
    outcome = run(
        charter,
        seated=9,
        present=members(8),
        ballots=votes(yes=[1, 2, 3, 4], no=[5], abstain=[6, 7, 8]),
    )
    assert outcome.base == 8
    assert outcome.status is Status.REJECTED


def test_no_ballots_at_all():
    outcome = run(seated=9)
    assert outcome.counted == 0
    assert outcome.status is Status.REJECTED
    assert outcome.reason == "赞成 0 票，未超过全体理事半数（至少 5 票），未通过"


# --- ties and the casting vote ----------------------------------------------------------

TIE = votes(yes=range(1, 6), no=range(6, 11))  # 5 : 5 among 10


def test_tie_fails_without_casting_vote():
    outcome = run(seated=10, ballots=TIE, chair_id=1)
    assert outcome.status is Status.REJECTED
    assert not outcome.casting_vote_used
    assert (
        outcome.reason == "赞成 5 票，反对 5 票，票数相等，未超过全体理事半数（至少 6 票），未通过"
    )


def test_chair_casting_vote_breaks_a_tie():
    outcome = run(Charter(chair_casting_vote=True), seated=10, ballots=TIE, chair_id=1)
    assert outcome.status is Status.PASSED
    assert outcome.casting_vote_used
    assert outcome.yes == 5  # the casting vote is not a ballot
    assert outcome.reason == "赞成 5 票，反对 5 票，票数相等，理事长行使决定票，通过"


def test_casting_vote_follows_the_chairs_ballot():
    outcome = run(Charter(chair_casting_vote=True), seated=10, ballots=TIE, chair_id=6)
    assert outcome.status is Status.REJECTED
    assert not outcome.casting_vote_used


def test_casting_vote_on_present_base():
    charter = Charter(chair_casting_vote=True, ordinary_base=Base.PRESENT)
    ballots = votes(yes=[1, 2, 3, 4], no=[5, 6, 7, 8])
    outcome = run(charter, seated=10, present=members(8), ballots=ballots, chair_id=1)
    assert outcome.yes_required == 5
    assert outcome.status is Status.PASSED
    assert outcome.casting_vote_used


def test_casting_vote_cannot_bridge_more_than_one_vote():
    # 4 : 4 with 2 abstentions among 10 on the seated base needs 6 yes; one more is not enough
    ballots = votes(yes=[1, 2, 3, 4], no=[5, 6, 7, 8], abstain=[9, 10])
    outcome = run(Charter(chair_casting_vote=True), seated=10, ballots=ballots, chair_id=1)
    assert outcome.status is Status.REJECTED
    assert not outcome.casting_vote_used
    assert "票数相等" in outcome.reason


@pytest.mark.parametrize(
    "setup",
    [
        {"category": MAJOR},  # a supermajority is not broken by a casting vote
        {"written": True},  # no one presides over a written vote
        {"chair_id": None},
        {"chair_id": 99},  # not a member
        {"recused": [1]},
    ],
)
def test_casting_vote_limits(setup):
    kwargs = {"seated": 10, "ballots": TIE, "chair_id": 1, **setup}
    outcome = run(Charter(chair_casting_vote=True, major_threshold=Fraction(3, 5)), **kwargs)
    assert not outcome.casting_vote_used
    assert outcome.status is not Status.PASSED


def test_absent_chair_has_no_casting_vote_through_a_proxy():
    ballots = votes(yes=[1, 2, 3, 4, 5], no=[6, 7, 8, 9, 10])
    outcome = run(
        Charter(chair_casting_vote=True),
        seated=10,
        present=members(10) - {1},
        proxies={1: 2},
        ballots=ballots,
        chair_id=1,
    )
    assert outcome.yes == 5  # the proxy's ballot counts
    assert not outcome.casting_vote_used
    assert outcome.status is Status.REJECTED


# --- proxies ----------------------------------------------------------------------------


def test_proxy_votes_but_does_not_make_the_quorum_by_default():
    outcome = run(seated=9, present=members(5), proxies={6: 1}, ballots=votes(yes=range(1, 7)))
    assert outcome.valid_proxies == ((6, 1),)
    assert outcome.represented == 1
    assert outcome.attending == 5
    assert outcome.status is Status.NO_QUORUM
    assert outcome.reason == "出席理事 5 人，不足法定人数 6 人"
    assert outcome.yes == 6


def test_proxy_counts_toward_quorum_when_the_charter_says_so():
    charter = Charter(proxy_counts_toward_quorum=True)
    outcome = run(
        charter, seated=9, present=members(5), proxies={6: 1}, ballots=votes(yes=range(1, 7))
    )
    assert outcome.attending == 6
    assert outcome.status is Status.PASSED
    short = run(
        charter, seated=9, present=members(4), proxies={6: 1}, ballots=votes(yes=range(1, 5))
    )
    assert short.reason == "出席理事 5 人（含委托出席 1 人），不足法定人数 6 人"


def test_proxies_are_in_the_present_base():
    charter = Charter(ordinary_base=Base.PRESENT)
    outcome = run(
        charter, seated=9, present=members(6), proxies={7: 1, 8: 2}, ballots=votes(yes=range(1, 5))
    )
    assert outcome.base == 8
    assert outcome.yes_required == 5
    assert outcome.status is Status.REJECTED


def test_a_holder_holds_at_most_one_proxy():
    outcome = run(
        seated=9, present=members(6), proxies={7: 1, 8: 1}, ballots=votes(yes=range(1, 9))
    )
    assert outcome.valid_proxies == ((7, 1),)
    assert 8 not in outcome.voters
    assert outcome.yes == 7
    assert (
        "理事 8 的委托无效（受托人 1 已接受其他理事的委托，每人至多受托一人），已忽略"
        in outcome.notes
    )
    assert "理事 8 未出席且无有效委托，表决票不计入" in outcome.notes


@pytest.mark.parametrize(
    ("proxies", "recused", "problem"),
    [
        ({7: 8}, [], "理事 7 的委托无效（受托人 8 未出席），已忽略"),
        ({7: 7}, [], "理事 7 的委托无效（不能委托本人），已忽略"),
        ({7: 42}, [], "理事 7 的委托无效（受托人 42 不是在任理事），已忽略"),
        ({1: 2}, [], "理事 1 的委托无效（委托人已出席），已忽略"),
        ({42: 1}, [], "理事 42 的委托无效（委托人不是在任理事），已忽略"),
        ({7: 1}, [1], "理事 7 的委托无效（受托人 1 对本议案回避），已忽略"),
        ({7: 1}, [7], "理事 7 的委托无效（委托人对本议案回避），已忽略"),
    ],
)
def test_invalid_proxies_are_ignored_with_a_note(proxies, recused, problem):
    outcome = run(seated=9, present=members(6), proxies=proxies, recused=recused)
    assert outcome.valid_proxies == ()
    assert problem in outcome.notes


def test_ballot_of_an_absent_member_without_proxy_is_ignored():
    outcome = run(seated=9, present=members(6), ballots=votes(yes=[1, 7]))
    assert outcome.yes == 1
    assert outcome.voters == frozenset({1})
    assert outcome.notes == ("理事 7 未出席且无有效委托，表决票不计入",)


def test_ballot_of_a_non_member_is_ignored():
    outcome = run(seated=9, ballots=votes(yes=[1, 101]))
    assert outcome.yes == 1
    assert outcome.notes == ("101 不是在任理事，表决票不计入",)


# --- recusal ----------------------------------------------------------------------------


def test_recusal_shrinks_quorum_and_thresholds():
    outcome = run(
        seated=9, recused=[8, 9], category=MAJOR, ballots=votes(yes=range(1, 6), no=[6, 7])
    )
    assert outcome.eligible == 7
    assert outcome.attending == 7  # the recused members present do not count
    assert outcome.quorum_required == 5
    assert outcome.yes_required == 5  # ceil(2/3 × 7), not ceil(2/3 × 9) = 6
    assert outcome.status is Status.PASSED
    assert outcome.reason == "赞成 5 票，达到全体无利害关系理事三分之二（5 票），通过"


def test_recusal_with_present_base():
    charter = Charter(ordinary_base=Base.PRESENT)
    outcome = run(charter, seated=9, recused=[9], present=members(8), ballots=votes(yes=[1, 2, 3]))
    assert outcome.base == 8
    assert outcome.reason == "赞成 3 票，未超过出席的无利害关系理事半数（至少 5 票），未通过"


def test_recused_members_do_not_vote():
    outcome = run(seated=9, recused=[9], ballots=votes(yes=range(1, 10)))
    assert outcome.yes == 8
    assert 9 not in outcome.voters
    assert "理事 9 回避，表决票不计入" in outcome.notes


def test_recusal_quorum_counts_only_unconflicted_members():
    outcome = run(seated=9, recused=[8, 9], present=members(4) | {8, 9})
    assert outcome.attending == 4
    assert outcome.status is Status.NO_QUORUM
    assert outcome.reason == "无利害关系的出席理事 4 人，不足法定人数 5 人"


def test_fewer_than_three_unconflicted_members_attending_goes_to_the_sponsor():
    # 6 seated, 3 recused: 3 eligible, quorum 2; only 2 of them attend
    outcome = run(seated=6, recused=[4, 5, 6], present=members(6) - {3}, ballots=votes(yes=[1, 2]))
    assert outcome.quorum_met
    assert outcome.status is Status.REFERRED
    assert outcome.reason == "无利害关系的出席理事不足 3 人，提交举办单位决定"


def test_fewer_than_three_unconflicted_members_at_all_goes_to_the_sponsor():
    outcome = run(seated=5, recused=[3, 4, 5], ballots=votes(yes=[1, 2]))
    assert outcome.eligible == 2
    assert outcome.status is Status.REFERRED
    assert outcome.reason == "无利害关系的理事不足 3 人，提交举办单位决定"
    nobody = run(seated=5, recused=[1, 2, 3, 4, 5])
    assert nobody.status is Status.REFERRED


def test_three_unconflicted_members_attending_decide():
    outcome = run(seated=5, recused=[4, 5], ballots=votes(yes=[1, 2, 3]), category=MAJOR)
    assert outcome.status is Status.PASSED


def test_poor_attendance_is_no_quorum_not_a_referral():
    # 7 eligible members, 2 attend: the council can meet again; nothing goes to the sponsor
    outcome = run(seated=9, recused=[8, 9], present={1, 2, 8, 9})
    assert outcome.status is Status.NO_QUORUM


def test_small_council_without_recusal_is_not_referred():
    outcome = run(seated=3, present={1, 2}, ballots=votes(yes=[1, 2]))
    assert outcome.status is Status.PASSED


# --- written voting ---------------------------------------------------------------------


def test_written_vote_quorum_is_the_returned_ballots():
    outcome = run(seated=9, present=set(), written=True, ballots=votes(yes=range(1, 6)))
    assert outcome.is_written
    assert outcome.attending == 5
    assert outcome.status is Status.NO_QUORUM
    assert outcome.reason == "收回表决票 5 份，不足法定人数 6 份"
    enough = run(seated=9, present=set(), written=True, ballots=votes(yes=range(1, 6), abstain=[6]))
    assert enough.status is Status.PASSED
    assert enough.reason == "赞成 5 票，超过全体理事半数（至少 5 票），通过"


def test_written_vote_thresholds_are_on_all_members():
    charter = Charter(ordinary_base=Base.PRESENT)
    ballots = votes(yes=[1, 2, 3, 4], no=[5, 6])
    outcome = run(charter, seated=9, present=set(), written=True, ballots=ballots)
    assert outcome.base == 9
    assert outcome.status is Status.REJECTED
    assert outcome.reason == "赞成 4 票，未超过全体理事半数（至少 5 票），未通过"


def test_written_vote_has_no_proxies():
    outcome = run(seated=9, written=True, proxies={9: 1}, ballots=votes(yes=range(1, 7)))
    assert outcome.valid_proxies == ()
    assert outcome.notes == ("通讯表决不适用委托，理事 9 的委托已忽略",)


def test_written_vote_with_recusals():
    outcome = run(seated=9, recused=[9], written=True, ballots=votes(yes=range(1, 5)))
    assert outcome.reason == "收回无利害关系理事的表决票 4 份，不足法定人数 6 份"
    referred = run(seated=5, recused=[5, 4], written=True, ballots=votes(yes=[1, 2]))
    assert referred.quorum_met
    assert referred.status is Status.REFERRED
    assert referred.reason == "收回无利害关系理事的表决票不足 3 份，提交举办单位决定"


# --- the outcome ------------------------------------------------------------------------


def test_outcome_counts_and_choices_as_strings():
    outcome = run(seated=9, ballots={1: "yes", 2: "no", 3: "abstain", 4: Y})  # type: ignore[dict-item]
    assert (outcome.yes, outcome.no, outcome.abstain, outcome.counted) == (2, 1, 1, 4)
    assert outcome.category is ORDINARY
    assert Choice.YES.label == "同意"
    assert Status.REFERRED.label == "提交举办单位决定"
