"""The staff congress (教职工代表大会): its composition, quorum and vote, as a pure check.

Rules [law: 学校教职工代表大会规定, 教育部令第32号, 2011; DOMAIN.md §5], as the dated
parameter ``schools.staff_congress``:

- teachers are a majority of the delegates (``teacher_share`` 1/2, strictly more);
  the regulation's text is commonly read as "教师代表不低于代表总数的 60%": a city that
  follows that sets ``teacher_share`` to "3/5" with ``teacher_share_strict`` false;
- a meeting is valid only with at least 2/3 of all delegates present (ceil(2/3 × n));
- a resolution or an election needs yes votes from more than half of ALL delegates
  (floor(n / 2) + 1), not of those present. Abstentions are not yes votes; a tie fails;
  no proxies, no written votes, no casting vote.

The count itself is the governance tally (:func:`institutions.governance.tally.tally`) run
with a charter built from these rules, so the later wiring can record congress votes with
the same ballots, outcome and chain as the council. This module adds the composition check
and says the outcome in words (a :class:`~core.i18n.Msg`). A congress whose composition
breaks the teacher rule cannot adopt anything: its outcome is ``improperly_constituted``
whatever the votes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from core.i18n import Msg, msg
from institutions.governance.charter import Base, Charter
from institutions.governance.tally import Choice, MotionCategory, Outcome, Status, tally
from schools.findings import Finding, Level, SchoolsRefusal, limit_percent

CONGRESS_KEY = "schools.staff_congress"
SOURCE = "学校教职工代表大会规定（教育部令第32号）；DOMAIN.md §5"
DEFAULTS: dict[str, Any] = {
    CONGRESS_KEY: {
        #: at least this share of all delegates present (rounded up)
        "quorum": "2/3",
        #: yes votes strictly more than this share of ALL delegates
        "threshold": "1/2",
        #: teachers' share of the delegates: more than it (strict) or at least it
        "teacher_share": "1/2",
        "teacher_share_strict": True,
    }
}

__all__ = [
    "CONGRESS_KEY",
    "DEFAULTS",
    "Choice",
    "CongressOutcome",
    "CongressRules",
    "CongressStatus",
    "Delegate",
    "composition_findings",
    "tally_congress",
]


class CongressStatus(StrEnum):
    """How a congress vote ended; the first three share the governance Status values."""

    PASSED = Status.PASSED.value
    REJECTED = Status.REJECTED.value
    NO_QUORUM = Status.NO_QUORUM.value
    IMPROPERLY_CONSTITUTED = "improperly_constituted"

    @property
    def label(self) -> Msg:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    CongressStatus.PASSED: msg("通过"),
    CongressStatus.REJECTED: msg("未通过"),
    CongressStatus.NO_QUORUM: msg("出席代表不足，会议无效"),
    CongressStatus.IMPROPERLY_CONSTITUTED: msg("代表构成不符合规定"),
}


@dataclass(frozen=True)
class CongressRules:
    """The parameter ``schools.staff_congress`` in typed form."""

    quorum: Fraction = Fraction(2, 3)
    threshold: Fraction = Fraction(1, 2)
    teacher_share: Fraction = Fraction(1, 2)
    teacher_share_strict: bool = True

    @classmethod
    def from_value(cls, value: Mapping[str, Any] | None = None) -> CongressRules:
        merged = {**DEFAULTS[CONGRESS_KEY], **(value or {})}
        rules = cls(
            quorum=Fraction(str(merged["quorum"])),
            threshold=Fraction(str(merged["threshold"])),
            teacher_share=Fraction(str(merged["teacher_share"])),
            teacher_share_strict=bool(merged["teacher_share_strict"]),
        )
        rules.charter()  # the governance charter validates the fractions
        if not 0 <= rules.teacher_share < 1:
            raise ValueError("teacher_share must be within 0 and 1")
        return rules

    def charter(self) -> Charter:
        """Return the governance charter that counts a congress vote under these rules."""
        return Charter(
            quorum_fraction=self.quorum,
            ordinary_threshold=self.threshold,
            ordinary_base=Base.SEATED,
            major_base=Base.SEATED,
            proxy_counts_toward_quorum=False,
            chair_casting_vote=False,
            written_voting_allowed=False,
        )

    def teachers_needed(self, delegates: int) -> int:
        """Return the fewest teacher delegates a congress of ``delegates`` must have."""
        if self.teacher_share_strict:
            return math.floor(self.teacher_share * delegates) + 1
        return math.ceil(self.teacher_share * delegates)


@dataclass(frozen=True)
class Delegate:
    """A delegate (代表) of the staff congress."""

    id: int
    name: str
    is_teacher: bool


def _share_words(share: Fraction) -> Msg | str:
    words = {
        Fraction(1, 2): msg("半数"),
        Fraction(2, 3): msg("三分之二"),
        Fraction(3, 5): msg("五分之三"),
    }
    return words.get(share) or msg("%(share)s%%", share=limit_percent(share))


def composition_findings(delegates: Iterable[Delegate], rules: CongressRules) -> list[Finding]:
    """Return why the delegates do not make a valid congress (teachers too few), if they don't."""
    delegates = list(delegates)
    teachers = sum(1 for d in delegates if d.is_teacher)
    needed = rules.teachers_needed(len(delegates))
    if teachers >= needed:
        return []
    if rules.teacher_share_strict:
        text = msg(
            "教师代表 %(teachers)d 人，未超过代表总数 %(total)d 人的%(share)s"
            "（至少应有 %(needed)d 人）",
            teachers=teachers,
            total=len(delegates),
            share=_share_words(rules.teacher_share),
            needed=needed,
        )
    else:
        text = msg(
            "教师代表 %(teachers)d 人，不足代表总数 %(total)d 人的%(share)s"
            "（至少应有 %(needed)d 人）",
            teachers=teachers,
            total=len(delegates),
            share=_share_words(rules.teacher_share),
            needed=needed,
        )
    return [Finding(Level.ERROR, "teachers_not_majority", text)]


@dataclass(frozen=True)
class CongressOutcome:
    """The result of one congress vote: status, the governance count and the reason in words."""

    status: CongressStatus
    #: the governance tally's outcome (numbers, voters); its ``reason`` is the council's wording
    tally: Outcome
    reason: Msg
    composition: tuple[Finding, ...]
    #: ballots not counted (not a delegate, or not present)
    ignored: tuple[int, ...]

    @property
    def passed(self) -> bool:
        return self.status is CongressStatus.PASSED

    @property
    def is_valid_meeting(self) -> bool:
        """Whether the congress could decide at all: composition and quorum both hold."""
        return self.status in (CongressStatus.PASSED, CongressStatus.REJECTED)


def tally_congress(
    delegates: Iterable[Delegate],
    present: Iterable[int],
    ballots: Mapping[int, Choice | str],
    rules: CongressRules,
) -> CongressOutcome:
    """Count a congress vote: composition first, then quorum, then more than half of all.

    ``present`` are the ids of the delegates at the meeting; ``ballots`` maps a delegate to
    their vote. Ballots of non-delegates or of absent delegates are not counted.
    """
    delegates = list(delegates)
    if not delegates:
        raise SchoolsRefusal(msg("教职工代表大会没有代表，无法表决"), field="delegates")
    ids = [d.id for d in delegates]
    if len(set(ids)) != len(ids):
        raise ValueError("a delegate appears twice")
    outcome = tally(
        rules.charter(),
        category=MotionCategory.ORDINARY,
        seated=ids,
        present=present,
        proxies={},
        recused=(),
        ballots={key: Choice(value) for key, value in ballots.items()},
    )
    composition = tuple(composition_findings(delegates, rules))
    ignored = tuple(sorted(k for k in ballots if k not in outcome.voters))
    total = len(delegates)
    if composition:
        status = CongressStatus.IMPROPERLY_CONSTITUTED
        reason = msg(
            "代表构成不符合规定，不能作出决议：%(problem)s", problem=composition[0].message
        )
    elif not outcome.quorum_met:
        status = CongressStatus.NO_QUORUM
        reason = msg(
            "出席代表 %(present)d 人，不足全体代表 %(total)d 人的%(share)s（%(quorum)d 人），"
            "会议无效",
            present=outcome.attending,
            total=total,
            share=_share_words(rules.quorum),
            quorum=outcome.quorum_required,
        )
    elif outcome.status is Status.PASSED:
        status = CongressStatus.PASSED
        reason = msg(
            "赞成 %(yes)d 票，超过全体代表 %(total)d 人的%(share)s（至少 %(needed)d 票），通过",
            yes=outcome.yes,
            total=total,
            share=_share_words(rules.threshold),
            needed=outcome.yes_required,
        )
    else:
        status = CongressStatus.REJECTED
        reason = msg(
            "赞成 %(yes)d 票，未超过全体代表 %(total)d 人的%(share)s（至少 %(needed)d 票），未通过",
            yes=outcome.yes,
            total=total,
            share=_share_words(rules.threshold),
            needed=outcome.yes_required,
        )
    return CongressOutcome(status, outcome, reason, composition, ignored)
