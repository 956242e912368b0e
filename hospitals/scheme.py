"""Performance schemes (岗位绩效方案): validation, and the allocation of the pool to the fen.

Pure rules over plain values (DOMAIN.md §3, §6; issue 13). Money is ``Decimal`` to the fen.

**Validation** (:func:`check_scheme`, :func:`validate_scheme`). A scheme lists indicators
with weights in percent; it is rejected, with every reason, when

- the weights do not add up to exactly 100 (Decimal, no tolerance), or one is ≤ 0;
- an indicator is not in the allowed catalogue (``hospitals.indicators``) or the
  hospital's own additions, or appears twice;
- an indicator is fed by drug, consumable, examination or test revenue (the message cites
  人社部发〔2017〕10号, 〔2021〕52号 and the 九项准则);
- a target on a department or person is a revenue target (创收指标), whatever its indicator;
- the pool or the floor is negative or has more than two decimals.

**Allocation** (:func:`allocate`), in two stages, each rounded by the largest-remainder
rule of ``core.apportion``:

1. *Pool → departments* in proportion to the departments' points (their weights or points
   as the scheme computed them). Each department's amount is exact to the fen; leftover
   fen go to the largest remainders, ties to the smaller department key.
2. *Department → people* in proportion to each person's **weighted score**
   Σ weight_k × score_k ÷ 100, over the scheme's indicators. Scores are on one scale
   (assessed scores, e.g. 0–100, or normalized values: see :func:`normalize`), not
   raw volumes of different units. Leftover fen go to the largest remainders, ties to the
   smaller person key.

So the people's amounts add up to their department's amount and the departments' to the
pool, to the fen; the result does not depend on the order of departments or people; a
higher score in any indicator never lowers a person's amount (inside the department
everyone else's share shrinks). Then the **floor**: if anyone's amount is below the
scheme's floor, the whole allocation is refused naming them (:class:`FloorBreached`), so
HR changes the scheme rather than paying anyone below it.

Refused as well: a person in an unknown department, scores for an indicator the scheme
does not use, negative scores or points, a department with money but nobody (or only zero
scores) to give it to, and the hospital's head, whose pay the sponsor sets outside the pool.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Context, Decimal, Inexact, InvalidOperation, Rounded
from fractions import Fraction

from core.apportion import apportion_units, exact, from_fen, largest_remainder, to_fen
from core.i18n import msg
from core.money import round_half_up
from hospitals.findings import (
    Finding,
    FloorBreached,
    HospitalsRefusal,
    Level,
    SchemeRejected,
    Shortfall,
    decimal,
    errors,
    number,
)
from hospitals.indicators import Indicator, forbidden, lookup

HUNDRED = Decimal(100)
#: Weighted scores are sums of products of short decimals: computed exactly, or not at all.
_EXACT = Context(prec=120, traps=[Inexact, Rounded, InvalidOperation])


@dataclass(frozen=True)
class SchemeIndicator:
    """An indicator of a scheme and its weight in percent; ``label`` for a hospital's own."""

    key: str
    weight: Decimal
    label: str | None = None


@dataclass(frozen=True)
class Target:
    """A target the scheme sets a department or person (考核目标)."""

    subject: Hashable
    indicator: str
    value: Decimal
    label: str | None = None


@dataclass(frozen=True)
class Scheme:
    """A performance scheme: the pool, the weighted indicators, targets and the floor."""

    pool: Decimal
    indicators: tuple[SchemeIndicator, ...]
    targets: tuple[Target, ...] = ()
    #: the least anyone may be allocated (None: no floor)
    floor: Decimal | None = None


def _label(item: SchemeIndicator | Target, extra: Mapping[str, Indicator] | None):
    indicator = lookup(item.key if isinstance(item, SchemeIndicator) else item.indicator, extra)
    if indicator is not None:
        return indicator.label
    return item.label or (item.key if isinstance(item, SchemeIndicator) else item.indicator)


def _money_problem(value: Decimal | None, what, code: str) -> Finding | None:
    if value is None:
        return None
    if isinstance(value, float | bool):
        raise TypeError("money must be Decimal")
    if not value.is_finite() or value < 0:
        return Finding(Level.ERROR, code, msg("%(what)s不能为负数", what=what))
    if value != round_half_up(value):
        return Finding(Level.ERROR, code, msg("%(what)s最多两位小数", what=what))
    return None


def check_scheme(scheme: Scheme, extra: Mapping[str, Indicator] | None = None) -> list[Finding]:
    """Return every reason to reject ``scheme`` (see the module text); [] if it may be used."""
    findings: list[Finding] = []
    for problem in (
        _money_problem(scheme.pool, msg("绩效总额"), "pool"),
        _money_problem(scheme.floor, msg("保底额"), "floor"),
    ):
        if problem:
            findings.append(problem)
    if not scheme.indicators:
        findings.append(Finding(Level.ERROR, "no_indicators", msg("方案至少要有一项考核指标")))
    seen: set[str] = set()
    for item in scheme.indicators:
        label = _label(item, extra)
        bad = forbidden(item.key, item.label)
        if bad is not None:
            findings.append(
                Finding(
                    Level.ERROR,
                    "forbidden_indicator",
                    msg(
                        "指标「%(indicator)s」不得用于绩效分配：%(rule)s",
                        indicator=bad.label,
                        rule=bad.rule,
                    ),
                    subject=item.key,
                )
            )
        elif lookup(item.key, extra) is None:
            findings.append(
                Finding(
                    Level.ERROR,
                    "unknown_indicator",
                    msg("指标「%(indicator)s」不在允许的考核指标目录中", indicator=label),
                    subject=item.key,
                )
            )
        if item.key in seen:
            findings.append(
                Finding(
                    Level.ERROR,
                    "duplicate_indicator",
                    msg("指标「%(indicator)s」重复", indicator=label),
                    subject=item.key,
                )
            )
        seen.add(item.key)
        if not item.weight.is_finite() or item.weight <= 0:
            findings.append(
                Finding(
                    Level.ERROR,
                    "weight_not_positive",
                    msg("指标「%(indicator)s」的权重必须大于 0", indicator=label),
                    subject=item.key,
                )
            )
    total = sum((i.weight for i in scheme.indicators if i.weight.is_finite()), Decimal(0))
    if scheme.indicators and total != HUNDRED:
        findings.append(
            Finding(
                Level.ERROR,
                "weights_total",
                msg("各指标权重合计应为 100%%，现为 %(total)s%%", total=number(total)),
            )
        )
    for target in scheme.targets:
        bad = forbidden(target.indicator, target.label)
        if bad is not None:
            findings.append(
                Finding(
                    Level.ERROR,
                    "revenue_target",
                    msg(
                        "不得向「%(subject)s」下达「%(indicator)s」目标：%(rule)s",
                        subject=target.subject,
                        indicator=bad.label,
                        rule=bad.rule,
                    ),
                    subject=target.subject,
                )
            )
    return findings


def validate_scheme(scheme: Scheme, extra: Mapping[str, Indicator] | None = None) -> None:
    """Raise :class:`SchemeRejected` with every reason if ``scheme`` breaks a rule."""
    problems = errors(check_scheme(scheme, extra))
    if problems:
        raise SchemeRejected(problems, field="indicators")


@dataclass(frozen=True)
class Department:
    """A department and its points (its share of the pool, before normalization)."""

    key: Hashable
    name: str
    points: Decimal | int | str


@dataclass(frozen=True)
class Person:
    """A person in the allocation: department, scores per indicator (missing: 0)."""

    key: Hashable
    name: str
    department: Hashable
    scores: Mapping[str, Decimal | int | str] = field(default_factory=dict)
    #: the hospital's head (院长): paid by the sponsor outside the pool
    is_head: bool = False


@dataclass(frozen=True)
class PersonShare:
    """What a person gets: the weighted score and the amount to the fen."""

    key: Hashable
    name: str
    department: Hashable
    #: Σ weight × score ÷ 100, to 0.0001 (for display)
    score: Decimal
    #: the exact amount in fen before rounding
    exact_fen: Fraction
    amount: Decimal


@dataclass(frozen=True)
class DepartmentShare:
    """A department's amount and its people's, in key order."""

    key: Hashable
    name: str
    points: Decimal
    amount: Decimal
    people: tuple[PersonShare, ...]


@dataclass(frozen=True)
class Allocation:
    """The pool allocated to departments and people, in key order."""

    pool: Decimal
    departments: tuple[DepartmentShare, ...]

    def amounts(self) -> dict[Hashable, Decimal]:
        """Return {person key: amount}."""
        return {p.key: p.amount for d in self.departments for p in d.people}

    def people(self) -> list[PersonShare]:
        return [p for d in self.departments for p in d.people]


def normalize(
    values: Mapping[Hashable, Decimal | int | str], *, lower_is_better: bool = False
) -> dict[Hashable, Decimal]:
    """Turn raw values into 0–100 scores against the best value (to 0.0001).

    Higher is better: value ÷ max × 100. Lower is better: min ÷ value × 100, and 100 for a
    value of 0 (the best possible). All values ≤ 0 (higher is better) score 0.
    """
    raw = {key: exact(value) for key, value in values.items()}
    if any(value < 0 for value in raw.values()):
        raise HospitalsRefusal(msg("指标数值不能为负数"), field="scores")
    if not raw:
        return {}
    if lower_is_better:
        best = min(raw.values())
        return {k: Decimal(100) if v == 0 else decimal(best / v * 100) for k, v in raw.items()}
    best = max(raw.values())
    if best == 0:
        return {k: decimal(Fraction(0)) for k in raw}
    return {k: decimal(v / best * 100) for k, v in raw.items()}


def _score(value: Decimal | int | str) -> Decimal:
    if isinstance(value, bool | float):
        raise TypeError("scores must be Decimal, int or str")
    score = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    if not score.is_finite():
        raise ValueError(f"{value} is not a finite number")
    return score


def _units(scores: list[Decimal]) -> list[int]:
    """Return the scores as integers in the same proportions (scaled by a power of ten)."""
    if not scores:
        return []
    exponent = min(score.as_tuple().exponent for score in scores)
    return [int(score.scaleb(-exponent, context=_EXACT)) for score in scores]


def _refuse(message, field: str):
    raise HospitalsRefusal(message, field=field)


def allocate(
    scheme: Scheme,
    departments: Iterable[Department],
    people: Iterable[Person],
    extra: Mapping[str, Indicator] | None = None,
) -> Allocation:
    """Allocate the scheme's pool to departments, then people (rules in the module text)."""
    validate_scheme(scheme, extra)
    fen = to_fen(scheme.pool)
    weights = {i.key: i.weight for i in scheme.indicators}
    labels = {i.key: _label(i, extra) for i in scheme.indicators}

    departments = sorted(departments, key=lambda d: d.key)
    points: dict[Hashable, Fraction] = {}
    for department in departments:
        if department.key in points:
            raise ValueError(f"department {department.key!r} appears twice")
        value = exact(department.points)
        if value < 0:
            _refuse(msg("科室「%(name)s」的分值不能为负数", name=department.name), "departments")
        points[department.key] = value

    people = sorted(people, key=lambda p: p.key)
    scores: dict[Hashable, Decimal] = {}
    members: dict[Hashable, list[Person]] = {d.key: [] for d in departments}
    for person in people:
        if person.key in scores:
            raise ValueError(f"person {person.key!r} appears twice")
        if person.is_head:
            _refuse(
                msg("%(name)s是院长，薪酬由举办单位核定，不参加院内绩效分配", name=person.name),
                "people",
            )
        if person.department not in members:
            _refuse(
                msg(
                    "%(name)s所在的科室「%(department)s」不在本方案中",
                    name=person.name,
                    department=person.department,
                ),
                "people",
            )
        total = Decimal(0)
        for key, value in person.scores.items():
            if key not in weights:
                _refuse(
                    msg(
                        "%(name)s的数据中有本方案未用的指标「%(indicator)s」",
                        name=person.name,
                        indicator=key,
                    ),
                    "scores",
                )
            score = _score(value)
            if score < 0:
                _refuse(
                    msg(
                        "%(name)s的「%(indicator)s」得分不能为负数",
                        name=person.name,
                        indicator=labels[key],
                    ),
                    "scores",
                )
            total = _EXACT.add(total, _EXACT.multiply(weights[key], score))
        scores[person.key] = total
        members[person.department].append(person)

    point_total = sum(points.values(), Fraction(0))
    if fen and point_total == 0:
        _refuse(msg("各科室分值均为 0，绩效总额无法分到科室"), "departments")
    department_fen = (
        largest_remainder({k: fen * v / point_total for k, v in points.items()}, fen)
        if fen
        else {k: 0 for k in points}
    )

    shares = []
    for department in departments:
        amount = department_fen[department.key]
        staff = members[department.key]
        units = _units([scores[p.key] for p in staff])
        score_total = sum(units)
        if amount and score_total == 0:
            _refuse(
                msg(
                    "科室「%(name)s」分得 %(amount)s 元，但没有人员或人员得分均为 0",
                    name=department.name,
                    amount=from_fen(amount),
                ),
                "people",
            )
        weights_in = {p.key: unit for p, unit in zip(staff, units, strict=True)}
        rounded = apportion_units(amount, weights_in)
        exact_fen = {
            key: Fraction(amount * unit, score_total) if amount else Fraction(0)
            for key, unit in weights_in.items()
        }
        shares.append(
            DepartmentShare(
                key=department.key,
                name=department.name,
                points=decimal(points[department.key]),
                amount=from_fen(amount),
                people=tuple(
                    PersonShare(
                        key=p.key,
                        name=p.name,
                        department=department.key,
                        score=round_half_up(scores[p.key] / HUNDRED, Decimal("0.0001")),
                        exact_fen=exact_fen[p.key],
                        amount=from_fen(rounded[p.key]),
                    )
                    for p in staff
                ),
            )
        )
    allocation = Allocation(pool=from_fen(fen), departments=tuple(shares))
    _check_floor(allocation, scheme.floor)
    return allocation


def _check_floor(allocation: Allocation, floor: Decimal | None) -> None:
    if floor is None:
        return
    below = [Shortfall(p.key, p.name, p.amount) for p in allocation.people() if p.amount < floor]
    if below:
        raise FloorBreached(
            msg(
                "%(n)d 人的分配额低于保底额 %(floor)s 元：%(names)s",
                n=len(below),
                floor=floor,
                names="、".join(s.name for s in below),
            ),
            below,
        )
