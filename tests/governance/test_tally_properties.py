"""Invariants of the tally over random councils, attendance, proxies, recusals and ballots."""

from dataclasses import replace
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from institutions.governance.charter import Base, Charter
from institutions.governance.tally import Choice, MotionCategory, Status, tally

SETTINGS = settings(max_examples=200, deadline=None, database=None)

charters = st.builds(
    Charter,
    quorum_fraction=st.sampled_from([Fraction(1, 2), Fraction(2, 3), Fraction(3, 4), Fraction(1)]),
    ordinary_threshold=st.sampled_from([Fraction(1, 2), Fraction(3, 5), Fraction(2, 3)]),
    ordinary_base=st.sampled_from(Base),
    major_threshold=st.sampled_from([Fraction(2, 3), Fraction(3, 4), Fraction(1)]),
    major_base=st.sampled_from(Base),
    proxy_counts_toward_quorum=st.booleans(),
    chair_casting_vote=st.booleans(),
)


@st.composite
def scenarios(draw, yes_heavy: bool = False):
    """Draw the keyword arguments of one tally, including invalid proxies and stray ballots."""
    n = draw(st.integers(1, 12))
    seated = frozenset(range(n))
    everyone = range(n + 3)  # a few ids that are not seated members
    members = st.sampled_from(range(n))
    strays = st.frozensets(st.sampled_from(everyone), max_size=2)
    # mostly full meetings, so that items pass and ties occur often enough to matter
    absent_sizes = [0, 1] if yes_heavy else [0, 1, 3, n]
    absent = draw(st.frozensets(members, max_size=draw(st.sampled_from(absent_sizes))))
    present = (seated - absent) | draw(strays)
    recused = draw(st.frozensets(members, max_size=draw(st.sampled_from([0, 0, 1, 4]))))
    proxies = draw(
        st.dictionaries(st.sampled_from(everyone), st.sampled_from(everyone), max_size=4)
        | st.dictionaries(st.sampled_from(sorted(absent) or [0]), members, max_size=3)
    )
    pool = [Choice.YES] * (6 if yes_heavy else 2) + [Choice.NO, Choice.ABSTAIN, None]
    drawn = draw(st.lists(st.sampled_from(pool), min_size=n + 3, max_size=n + 3))
    ballots = {m: c for m, c in zip(everyone, drawn, strict=True) if c is not None}
    return {
        "category": draw(st.sampled_from(MotionCategory)),
        "seated": seated,
        "present": present,
        "proxies": proxies,
        "recused": recused,
        "ballots": ballots,
        "chair_id": draw(st.none() | members | st.sampled_from(everyone)),
        "written": draw(st.booleans()),
    }


@SETTINGS
@given(charters, scenarios() | scenarios(yes_heavy=True), st.data())
def test_a_further_yes_never_turns_a_pass_into_a_fail(charter, kwargs, data):
    before = tally(charter, **kwargs)
    member = data.draw(st.sampled_from(sorted(kwargs["seated"])))
    after = tally(charter, **{**kwargs, "ballots": {**kwargs["ballots"], member: Choice.YES}})
    if before.passed:
        assert after.passed
    if not kwargs["written"]:
        assert after.status is before.status or (before.status, after.status) == (
            Status.REJECTED,
            Status.PASSED,
        )
    assert after.yes >= before.yes


@SETTINGS
@given(charters, scenarios(), st.data())
def test_a_further_recusal_never_raises_the_yes_required(charter, kwargs, data):
    before = tally(charter, **kwargs)
    member = data.draw(st.sampled_from(sorted(kwargs["seated"])))
    after = tally(charter, **{**kwargs, "recused": kwargs["recused"] | {member}})
    assert after.eligible <= before.eligible
    assert after.yes_required <= before.yes_required
    assert after.yes_required <= max(after.eligible, 1)
    assert after.quorum_required <= max(after.eligible, 1)


@SETTINGS
@given(charters, scenarios())
def test_counts_add_up_to_the_ballots_counted(charter, kwargs):
    outcome = tally(charter, **kwargs)
    assert outcome.yes + outcome.no + outcome.abstain == len(outcome.voters)
    eligible = kwargs["seated"] - kwargs["recused"]
    assert outcome.voters <= eligible & set(kwargs["ballots"])
    assert outcome.eligible == len(eligible)
    if not kwargs["written"]:
        reachable = (eligible & kwargs["present"]) | {p for p, _ in outcome.valid_proxies}
        assert outcome.voters <= reachable
        assert outcome.counted <= outcome.base
    # every ballot is either counted or explained
    ignored = len(kwargs["ballots"]) - len(outcome.voters)
    assert sum("表决票不计入" in note for note in outcome.notes) == ignored


@SETTINGS
@given(charters, scenarios())
def test_everyone_present_voting_yes_passes_unless_referred(charter, kwargs):
    eligible = kwargs["seated"] - kwargs["recused"]
    kwargs = {
        **kwargs,
        "present": kwargs["seated"],
        "ballots": dict.fromkeys(eligible, Choice.YES),
    }
    outcome = tally(charter, **kwargs)
    if outcome.status is not Status.REFERRED:
        assert outcome.passed, outcome.reason
    if not kwargs["recused"]:
        assert outcome.passed


@SETTINGS
@given(charters, scenarios())
def test_without_quorum_nothing_passes(charter, kwargs):
    outcome = tally(charter, **kwargs)
    if not outcome.quorum_met:
        assert not outcome.passed
        assert outcome.status in (Status.NO_QUORUM, Status.REFERRED)
    if outcome.passed:
        assert outcome.quorum_met
        assert outcome.yes >= outcome.yes_required or outcome.casting_vote_used


@SETTINGS
@given(charters, scenarios())
def test_fewer_than_three_unconflicted_with_a_recusal_never_decides(charter, kwargs):
    outcome = tally(charter, **kwargs)
    if kwargs["recused"] and outcome.attending < 3:
        assert outcome.status in (Status.REFERRED, Status.NO_QUORUM)


@SETTINGS
@given(charters, scenarios(), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_member_ids(charter, kwargs, rng):
    ids = list(range(len(kwargs["seated"]) + 3))
    labels = [100 + i * 7 for i in ids]
    rng.shuffle(labels)
    relabel = dict(zip(ids, labels, strict=True))

    def mapped(values):
        return frozenset(relabel[v] for v in values)

    chair = kwargs["chair_id"]
    renamed = {
        **kwargs,
        "seated": mapped(kwargs["seated"]),
        "present": mapped(kwargs["present"]),
        "recused": mapped(kwargs["recused"]),
        "proxies": {relabel[a]: relabel[h] for a, h in kwargs["proxies"].items()},
        "ballots": {relabel[m]: c for m, c in kwargs["ballots"].items()},
        "chair_id": None if chair is None else relabel[chair],
    }
    before = tally(charter, **kwargs)
    after = tally(charter, **renamed)
    assert after.voters == mapped(before.voters)
    assert set(after.valid_proxies) == {(relabel[a], relabel[h]) for a, h in before.valid_proxies}
    assert len(after.notes) == len(before.notes)
    ignore = {"voters": frozenset(), "valid_proxies": (), "notes": ()}
    assert replace(after, **ignore) == replace(before, **ignore)


@st.composite
def ties(draw):
    """Draw a full meeting of an even council split evenly between yes and no."""
    half = draw(st.integers(1, 6))
    seated = frozenset(range(2 * half))
    yes = frozenset(draw(st.permutations(sorted(seated)))[:half])
    ballots = {m: Choice.YES if m in yes else Choice.NO for m in seated}
    return {
        "category": MotionCategory.ORDINARY,
        "seated": seated,
        "present": seated,
        "proxies": {},
        "recused": frozenset(),
        "ballots": ballots,
        "chair_id": draw(st.sampled_from(sorted(seated))),
        "written": False,
    }


@SETTINGS
@given(charters, ties())
def test_a_tie_passes_only_on_the_chairs_casting_yes(charter, kwargs):
    outcome = tally(charter, **kwargs)
    chair_voted_yes = kwargs["ballots"][kwargs["chair_id"]] is Choice.YES
    assert outcome.casting_vote_used == (
        charter.chair_casting_vote and chair_voted_yes and outcome.yes + 1 == outcome.yes_required
    )
    assert outcome.passed == outcome.casting_vote_used
    assert "票数相等" in outcome.reason


@SETTINGS
@given(charters, scenarios())
def test_the_casting_vote_only_breaks_ordinary_meeting_ties(charter, kwargs):
    outcome = tally(charter, **kwargs)
    if outcome.casting_vote_used:
        assert charter.chair_casting_vote
        assert outcome.category is MotionCategory.ORDINARY
        assert not outcome.is_written
        assert outcome.yes == outcome.no
        assert outcome.yes + 1 == outcome.yes_required
        assert kwargs["chair_id"] in kwargs["present"]
