"""The ranked list of candidates: weighted scores, and how ties are broken (pure rules).

The total is Σ score × weight ÷ 100 over the written test, the interview and the trial
lesson, computed in Decimal and rounded half up to 0.01. The weights are the plan's, in
percent, each 0–100 and summing to exactly 100.

Ties on the rounded total are broken, in this order, by the higher trial-lesson score (the
job is teaching), then the higher interview score, then the higher written score, then
the earlier registration (the lower candidate number). A candidate without all three
scores is not ranked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from core.i18n import Msg, msg
from core.money import round_half_up

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Weights:
    """The plan's weights in percent."""

    written: Decimal
    interview: Decimal
    trial: Decimal


@dataclass(frozen=True)
class Scores:
    """One candidate's scores (None: not given yet)."""

    id: int
    written: Decimal | None
    interview: Decimal | None
    trial: Decimal | None

    @property
    def complete(self) -> bool:
        return None not in (self.written, self.interview, self.trial)


@dataclass(frozen=True)
class Ranked:
    """A place on the list: 1 for the best."""

    rank: int
    id: int
    total: Decimal


def weights_problem(weights: Weights) -> Msg | None:
    """Return why the weights are unusable, or None."""
    parts = (weights.written, weights.interview, weights.trial)
    if any(w is None or w < 0 or w > HUNDRED for w in parts):
        return msg("各项权重须在 0 到 100 之间")
    if sum(parts) != HUNDRED:
        return msg("笔试、面试、试讲权重之和须为 100%%（现为 %(s)s%%）", s=str(sum(parts)))
    return None


def score_problem(value: Decimal | None) -> Msg | None:
    """Return why a score is unusable (each is out of 100), or None."""
    if value is not None and not Decimal(0) <= value <= HUNDRED:
        return msg("成绩须在 0–100 分之间")
    return None


def total(scores: Scores, weights: Weights) -> Decimal:
    """Return the weighted total, half up to 0.01; the scores must be complete."""
    raw = (
        scores.written * weights.written
        + scores.interview * weights.interview
        + scores.trial * weights.trial
    ) / HUNDRED
    return round_half_up(raw, CENT)


def rank(candidates: Iterable[Scores], weights: Weights) -> list[Ranked]:
    """Return the complete candidates best first, ties broken by the module's stated rule."""
    complete = [c for c in candidates if c.complete]
    keyed = sorted(
        ((total(c, weights), c) for c in complete),
        key=lambda pair: (
            -pair[0],
            -pair[1].trial,
            -pair[1].interview,
            -pair[1].written,
            pair[1].id,
        ),
    )
    return [Ranked(place, c.id, t) for place, (t, c) in enumerate(keyed, start=1)]
