"""Teachers' performance pay (绩效工资): the 70/30 split and the 奖励性 pool's allocation.

Pure rules over plain values (DOMAIN.md §3, 人社部发〔2008〕133号). Money is ``Decimal`` to
the fen.

**The split.** A total of 绩效工资 divides into 基础性 (paid monthly, ``basic_share`` of the
total, default 70%, the parameter ``schools.performance_pay``) and 奖励性 (the rest,
distributed after assessment). 基础性 = total × share rounded half up to the fen; 奖励性 =
total − 基础性, so the two always add up to the total.

**The allocation of the 奖励性 pool** follows the school's distribution plan (奖励性绩效分配
方案, adopted by the staff congress): a list of *factors* (班主任, extra lessons, posts,
results, …) each with a weight in percent; the weights add up to exactly 100. Each teacher
has *points* per factor (months as 班主任, extra lessons taught, a post coefficient, a results
score: any non-negative number; what a point means is the plan's business).

1. The pool is divided among the factors by weight: factor f gets pool × w_f ÷ 100.
   A factor in which no teacher has any points cannot be paid out; its weight is spread
   over the other factors in proportion to their weights (the plan's other shares grow by
   the same ratio), and the allocation says so in a notice.
2. Each factor's money is divided among the teachers in proportion to their points in it.
3. A teacher's exact amount is the sum over the factors (an exact fraction of a fen).
4. **Rounding residue: largest remainder** (``core.apportion``): every exact amount is
   rounded down to the fen; the fen left over (fewer than the number of teachers) go one
   each to the teachers with the largest discarded fractions, equal fractions to the
   smaller teacher key. So the amounts add up to the pool to the fen, nobody is more than
   one fen from their exact share, and the result does not depend on the order of the list.

More points in any factor never lower a teacher's amount (everyone else's exact share
shrinks or stays); teachers with the same points get the same amount give or take the one
residue fen.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from core.apportion import apportion, exact, from_fen, largest_remainder, to_fen
from core.i18n import msg
from core.money import round_half_up
from schools.findings import Finding, Level, SchoolsRefusal, errors

PERFORMANCE_PAY_KEY = "schools.performance_pay"
SOURCE = "人社部发〔2008〕133号；DOMAIN.md §3（基础性 70%、奖励性 30%）"
DEFAULTS: dict[str, Any] = {PERFORMANCE_PAY_KEY: {"basic_share": "0.70"}}

HUNDRED = Decimal(100)

#: A starting point for a school's plan (the school's own text once it adopts one).
PLAN_TEMPLATE: tuple[dict[str, str], ...] = (
    {"key": "head_teacher", "label": "班主任工作", "weight": "20"},
    {"key": "extra_lessons", "label": "超课时工作量", "weight": "30"},
    {"key": "posts", "label": "岗位职责", "weight": "20"},
    {"key": "results", "label": "教育教学成绩", "weight": "30"},
)


@dataclass(frozen=True)
class PerformanceSplit:
    """A 绩效工资 total split into its 基础性 and 奖励性 parts."""

    total: Decimal
    basic: Decimal
    reward: Decimal
    basic_share: Decimal


def split_performance(total: Decimal, basic_share: Decimal | str) -> PerformanceSplit:
    """Return ``total`` split into 基础性 (share × total, half up) and 奖励性 (the rest)."""
    amount = _pool(total)
    share = Decimal(str(basic_share))
    if not 0 <= share <= 1:
        raise ValueError("basic_share must be within 0–1")
    basic = round_half_up(amount * share)
    return PerformanceSplit(total=amount, basic=basic, reward=amount - basic, basic_share=share)


def monthly_parts(amount: Decimal, months: int = 12) -> list[Decimal]:
    """Return ``amount`` in ``months`` equal parts to the fen; leftover fen go to the first months."""
    if months < 1:
        raise ValueError("months must be at least 1")
    parts = apportion(_pool(amount), {month: 1 for month in range(months)})
    return [parts[month] for month in range(months)]


@dataclass(frozen=True)
class Factor:
    """One factor of a distribution plan: its key, the plan's label and its weight in percent."""

    key: str
    label: str
    weight: Decimal


@dataclass(frozen=True)
class RewardPlan:
    """A school's 奖励性绩效分配方案: the factors and their weights (percent, total 100)."""

    factors: tuple[Factor, ...]

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> RewardPlan:
        """Build a plan from stored rows {"key", "label", "weight"} (weights as strings)."""
        return cls(
            tuple(Factor(str(r["key"]), str(r["label"]), Decimal(str(r["weight"]))) for r in rows)
        )


def check_plan(plan: RewardPlan) -> list[Finding]:
    """Return the errors of a plan: no factors, repeated keys, weights ≤ 0 or not totalling 100."""
    findings = []
    if not plan.factors:
        return [Finding(Level.ERROR, "no_factors", msg("分配方案至少要有一个分配因素"))]
    seen = set()
    for factor in plan.factors:
        if factor.key in seen:
            findings.append(
                Finding(
                    Level.ERROR,
                    "duplicate_factor",
                    msg("分配因素「%(factor)s」重复", factor=factor.label),
                )
            )
        seen.add(factor.key)
        if not factor.weight.is_finite() or factor.weight <= 0:
            findings.append(
                Finding(
                    Level.ERROR,
                    "weight_not_positive",
                    msg("分配因素「%(factor)s」的权重必须大于 0", factor=factor.label),
                )
            )
    total = sum((f.weight for f in plan.factors if f.weight.is_finite()), Decimal(0))
    if total != HUNDRED:
        findings.append(
            Finding(
                Level.ERROR,
                "weights_total",
                msg("各分配因素的权重合计应为 100%%，现为 %(total)s%%", total=_number(total)),
            )
        )
    return findings


@dataclass(frozen=True)
class TeacherPoints:
    """A teacher's points per factor; factors left out count 0."""

    key: Hashable
    name: str
    points: Mapping[str, Decimal | int | str]


@dataclass(frozen=True)
class TeacherReward:
    """A teacher's allocation: the amount to the fen and, for display, the part per factor."""

    key: Hashable
    name: str
    amount: Decimal
    #: exact amount in fen (before the largest-remainder rounding)
    exact_fen: Fraction
    #: each factor's part, half up to the fen (for display: may differ from amount by a fen)
    by_factor: Mapping[str, Decimal]


@dataclass(frozen=True)
class RewardAllocation:
    """The 奖励性 pool allocated to teachers, in teacher-key order."""

    pool: Decimal
    teachers: tuple[TeacherReward, ...]
    #: the money each factor distributed (after spreading unused factors), half up
    factor_pools: Mapping[str, Decimal]
    #: factors in which nobody had points (their weight went to the others)
    unused_factors: tuple[str, ...]
    #: how many fen the largest-remainder rule handed out
    residue_fen: int
    notices: tuple[Finding, ...]

    def amounts(self) -> dict[Hashable, Decimal]:
        """Return {teacher key: amount}."""
        return {teacher.key: teacher.amount for teacher in self.teachers}


def _pool(amount: Decimal) -> Decimal:
    if isinstance(amount, float | bool):
        raise TypeError("money must be Decimal")
    value = Decimal(amount)
    if not value.is_finite() or value < 0:
        raise SchoolsRefusal(msg("分配总额不能为负数"), field="pool")
    if value != round_half_up(value):
        raise SchoolsRefusal(msg("分配总额最多两位小数"), field="pool")
    return round_half_up(value)


def allocate(
    pool: Decimal, plan: RewardPlan, teachers: Iterable[TeacherPoints]
) -> RewardAllocation:
    """Allocate the 奖励性 ``pool`` to ``teachers`` by the plan (rules in the module text).

    Teacher keys must be unique and comparable with each other (employee ids): they order
    the result and break ties in the rounding.
    """
    amount = _pool(pool)
    problems = errors(check_plan(plan))
    if problems:
        raise SchoolsRefusal(problems[0].message, field="plan")
    teachers = sorted(teachers, key=lambda t: t.key)
    labels = {factor.key: factor.label for factor in plan.factors}
    points: dict[Hashable, dict[str, Fraction]] = {}
    for teacher in teachers:
        if teacher.key in points:
            raise ValueError(f"teacher key {teacher.key!r} appears twice")
        row = {}
        for key, value in teacher.points.items():
            if key not in labels:
                raise SchoolsRefusal(
                    msg(
                        "%(name)s的分值中有方案未列的因素「%(factor)s」",
                        name=teacher.name,
                        factor=key,
                    ),
                    field="points",
                )
            number = exact(value)
            if number < 0:
                raise SchoolsRefusal(
                    msg(
                        "%(name)s的「%(factor)s」分值不能为负数",
                        name=teacher.name,
                        factor=labels[key],
                    ),
                    field="points",
                )
            row[key] = number
        points[teacher.key] = row

    totals = {
        f.key: sum((row.get(f.key, Fraction(0)) for row in points.values()), Fraction(0))
        for f in plan.factors
    }
    used = [f for f in plan.factors if totals[f.key] > 0]
    unused = tuple(f.key for f in plan.factors if totals[f.key] == 0)
    fen = to_fen(amount)
    if fen and not used:
        raise SchoolsRefusal(
            msg("没有教师在任何分配因素上有分值，奖励性绩效无法分配"), field="points"
        )
    used_weight = sum((exact(f.weight) for f in used), Fraction(0))
    factor_fen = {f.key: fen * exact(f.weight) / used_weight for f in used}

    parts: dict[Hashable, dict[str, Fraction]] = {}
    for key, row in points.items():
        parts[key] = {
            f.key: factor_fen[f.key] * row.get(f.key, Fraction(0)) / totals[f.key] for f in used
        }
    exact_fen = {key: sum(row.values(), Fraction(0)) for key, row in parts.items()}
    rounded = largest_remainder(exact_fen, fen) if fen else {key: 0 for key in exact_fen}
    residue = fen - sum(int(share) for share in exact_fen.values()) if fen else 0

    notices = tuple(
        Finding(
            Level.NOTICE,
            "unused_factor",
            msg(
                "没有教师在「%(factor)s」上有分值，其 %(weight)s%% 的份额按权重分给其他因素",
                factor=labels[key],
                weight=_number(next(f.weight for f in plan.factors if f.key == key)),
            ),
        )
        for key in unused
        if fen and used
    )
    return RewardAllocation(
        pool=amount,
        teachers=tuple(
            TeacherReward(
                key=teacher.key,
                name=teacher.name,
                amount=from_fen(rounded[teacher.key]),
                exact_fen=exact_fen[teacher.key],
                by_factor={k: _yuan(v) for k, v in parts[teacher.key].items()},
            )
            for teacher in teachers
        ),
        factor_pools={key: _yuan(value) for key, value in factor_fen.items()},
        unused_factors=unused,
        residue_fen=residue,
        notices=notices,
    )


def _yuan(fen: Fraction) -> Decimal:
    return round_half_up(Decimal(fen.numerator) / Decimal(fen.denominator) / HUNDRED)


def _number(value: Decimal) -> str:
    """Return a number without trailing zeros or exponent: 20.50 -> "20.5", 20 -> "20"."""
    return f"{value.normalize():f}"
