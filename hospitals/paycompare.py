"""Old pay against new: each person's month under the identity structure and under posts.

Pure rules over plain values (DOMAIN.md §6; issue 13). 身份工资 → 岗位绩效: the old structure
pays people on one post differently by identity; the new one pays the post, and the
performance the council-approved allocation gives.

**Method.** Input: a person's monthly pay lines of a year (each placed on the post held that
month, as for the gap report). Per person and post (department, grade), over the months:

- **old** = the mean month as paid: post pay (the components the post alone decides:
  ``post_components`` of ``hospitals.pay_gap``) + 薪级工资 + 奖励性绩效;
- **new** = the post's pay for everyone on it — the mean post pay of the cell's reference
  identity (事业编制), or of its best-paid identity when it has none, the same rule as the
  gap report — + the person's own 薪级工资 (seniority, not identity) + the 奖励性绩效 the
  approved allocation gives them (their old 奖励性绩效 where no allocation covers them).

The difference is new − old, to the fen (half up): who gains, who loses and by how much.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from core.money import round_half_up

ZERO = Decimal(0)
FEN = Decimal("0.01")


@dataclass(frozen=True)
class PayLine:
    """One person's month on a post: the post pay, 薪级工资 and 奖励性绩效."""

    person: Hashable
    name: str
    department: str
    grade: str
    identity: str
    post: Decimal
    scale: Decimal
    reward: Decimal


@dataclass(frozen=True)
class Comparison:
    """One person on one post: the mean month under the old and the new structure."""

    person: Hashable
    name: str
    department: str
    grade: str
    identity: str
    months: int
    old_post: Decimal
    new_post: Decimal
    scale: Decimal
    old_reward: Decimal
    new_reward: Decimal
    #: whether the new 奖励性绩效 comes from an approved allocation
    is_allocated: bool

    @property
    def old_total(self) -> Decimal:
        return self.old_post + self.scale + self.old_reward

    @property
    def new_total(self) -> Decimal:
        return self.new_post + self.scale + self.new_reward

    @property
    def difference(self) -> Decimal:
        return self.new_total - self.old_total


@dataclass(frozen=True)
class Summary:
    """How many gain, lose and stay the same, and the total change a month."""

    gainers: int
    losers: int
    unchanged: int
    total_change: Decimal
    largest_gain: Decimal
    largest_loss: Decimal


def _mean(values: list[Decimal]) -> Decimal:
    return round_half_up(sum(values, ZERO) / len(values), FEN) if values else ZERO


def compare(
    lines: Iterable[PayLine],
    reference_identity: str,
    allocated: Mapping[Hashable, Decimal] | None = None,
) -> list[Comparison]:
    """Return each person's old and new month, per post, in (department, grade, person) order.

    ``allocated`` maps a person to the 奖励性绩效 the approved allocation gives them.
    """
    allocated = allocated or {}
    months: dict[tuple, list[PayLine]] = defaultdict(list)
    for line in lines:
        months[(line.department, line.grade, line.person)].append(line)
    people: dict[tuple, dict[Hashable, tuple[PayLine, Decimal, Decimal, Decimal]]] = defaultdict(
        dict
    )
    for (department, grade, person), held in months.items():
        people[(department, grade)][person] = (
            held[-1],
            _mean([m.post for m in held]),
            _mean([m.scale for m in held]),
            _mean([m.reward for m in held]),
        )
    found: list[Comparison] = []
    for (department, grade), members in people.items():
        by_identity: dict[str, list[Decimal]] = defaultdict(list)
        for line, post, _scale, _reward in members.values():
            by_identity[line.identity].append(post)
        means = {identity: _mean(posts) for identity, posts in by_identity.items()}
        post_pay = means.get(reference_identity, max(means.values()))
        for person, (line, post, scale, reward) in members.items():
            is_allocated = person in allocated
            found.append(
                Comparison(
                    person=person,
                    name=line.name,
                    department=department,
                    grade=grade,
                    identity=line.identity,
                    months=len(months[(department, grade, person)]),
                    old_post=post,
                    new_post=post_pay,
                    scale=scale,
                    old_reward=reward,
                    new_reward=allocated[person] if is_allocated else reward,
                    is_allocated=is_allocated,
                )
            )
    found.sort(key=lambda c: (c.department, c.grade, str(c.person)))
    return found


def summarize(rows: Iterable[Comparison]) -> Summary:
    """Return the counts of gainers and losers and the total change a month."""
    differences = [r.difference for r in rows]
    return Summary(
        gainers=sum(1 for d in differences if d > 0),
        losers=sum(1 for d in differences if d < 0),
        unchanged=sum(1 for d in differences if d == 0),
        total_change=sum(differences, ZERO),
        largest_gain=max([d for d in differences if d > 0], default=ZERO),
        largest_loss=min([d for d in differences if d < 0], default=ZERO),
    )
