"""Same post, same pay (同岗同酬): identity gaps per department and post grade, with the people.

Pure rules over plain values (DOMAIN.md §6; issue 13). Pay may differ by post grade and by
performance, never by identity (事业编制 / 员额 / 合同制 / 劳务派遣). The parameter
``hospitals.pay_gap`` holds the components compared and the tolerances.

**Method.** Input: pay records (one person, one month, by component). Per person, and per
(department, post grade, identity) the person held, the monthly amounts are averaged over
the months present. Two measures are compared:

1. **Post pay** (``post_pay``) = the components the post alone decides: 岗位工资, 基础性绩效
   and 津贴补贴 (``post_components``). Left out on purpose: 薪级工资, which grows with years
   of service and so differs legitimately between people on one post, and 奖励性绩效, which
   differs with performance and is measure 2. (A hospital that also wants 薪级 compared
   adds ``scale_pay`` to ``post_components``.)
2. **Performance pay per score point** (``pay_per_point``) = 奖励性绩效 ÷ the performance
   score, over the months with a positive score. Equal scores must earn equal pay, so this
   ratio must not depend on identity; differences *explained by scores* disappear in it.

For each department and grade, people are grouped by identity and each group's mean of a
measure is compared with the *reference group*: ``reference_identity`` (事业编制) if the
cell has any, else the best-paid group. A group's gap = its mean − the reference mean. A
gap counts when it exceeds **both** ``tolerance_amount`` (yuan a month; post pay only) and
``tolerance_share`` × the reference mean. The *people behind* a gap are the members of that
group whose own value is off the reference mean in the same direction by more than the
same tolerances, the largest difference first.

:func:`run_warnings` is the check for one payroll run: people on the same post (department
and grade) with the same score whose post pay plus performance pay differs by identity.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from core.i18n import Msg, msg
from core.money import round_half_up
from hospitals.findings import Finding, Level, percent
from hr.models import Identity

PAY_GAP_KEY = "hospitals.pay_gap"
SOURCE = "国办发〔2015〕38号（同岗同酬）；DOMAIN.md §6"
DEFAULTS: dict[str, Any] = {
    PAY_GAP_KEY: {
        #: components the post alone decides (compared as post pay)
        "post_components": ["post_pay", "basic_performance", "allowances"],
        #: the performance component compared per score point
        "performance_component": "reward_performance",
        #: a gap counts beyond this share of the reference mean …
        "tolerance_share": "0.02",
        #: … and beyond this many yuan a month (post pay)
        "tolerance_amount": "10.00",
        "reference_identity": Identity.ESTABLISHMENT.value,
    }
}

ZERO = Decimal(0)
FEN = Decimal("0.01")
PER_POINT = Decimal("0.0001")

Month = tuple[int, int]

_IDENTITY_LABELS = {
    Identity.ESTABLISHMENT.value: msg("事业编制"),
    Identity.FILED.value: msg("员额"),
    Identity.CONTRACT.value: msg("合同制"),
    Identity.DISPATCH.value: msg("劳务派遣"),
}


def identity_label(identity: str) -> Msg | str:
    """Return the name of an identity (the key itself if unknown)."""
    return _IDENTITY_LABELS.get(identity, identity)


class Measure(StrEnum):
    """What is compared between identities."""

    POST_PAY = "post_pay"
    PAY_PER_POINT = "pay_per_point"
    SAME_SCORE_PAY = "same_score_pay"

    @property
    def label(self) -> Msg:
        return _MEASURE_LABELS[self]


_MEASURE_LABELS = {
    Measure.POST_PAY: msg("岗位相关工资（岗位工资、基础性绩效、津贴补贴）"),
    Measure.PAY_PER_POINT: msg("每绩效分值的奖励性绩效"),
    Measure.SAME_SCORE_PAY: msg("同分值人员的岗位工资与绩效合计"),
}


@dataclass(frozen=True)
class GapRules:
    """The parameter ``hospitals.pay_gap`` in typed form."""

    post_components: tuple[str, ...]
    performance_component: str
    tolerance_share: Decimal
    tolerance_amount: Decimal
    reference_identity: str

    @classmethod
    def from_value(cls, value: Mapping[str, Any] | None = None) -> GapRules:
        merged = {**DEFAULTS[PAY_GAP_KEY], **(value or {})}
        rules = cls(
            post_components=tuple(merged["post_components"]),
            performance_component=str(merged["performance_component"]),
            tolerance_share=Decimal(str(merged["tolerance_share"])),
            tolerance_amount=Decimal(str(merged["tolerance_amount"])),
            reference_identity=str(merged["reference_identity"]),
        )
        if rules.tolerance_share < 0 or rules.tolerance_amount < 0:
            raise ValueError("tolerances must not be negative")
        return rules


@dataclass(frozen=True)
class PayRecord:
    """One person's pay for one month, by component (yuan), with the month's score."""

    person: Hashable
    name: str
    department: str
    #: the post grade as shown, e.g. "专技 8 级"
    grade: str
    identity: str
    components: Mapping[str, Decimal]
    score: Decimal | None = None
    month: Month | None = None


@dataclass(frozen=True)
class PersonValue:
    """A person's value of a measure, and the months it rests on."""

    person: Hashable
    name: str
    identity: str
    value: Decimal
    months: int


@dataclass(frozen=True)
class GroupValue:
    """An identity group in a cell: its people and their mean."""

    identity: str
    people: tuple[PersonValue, ...]
    mean: Decimal


@dataclass(frozen=True)
class Cell:
    """One post (department and grade, and score for a run check) and one measure."""

    department: str
    grade: str
    measure: Measure
    groups: tuple[GroupValue, ...]
    score: Decimal | None = None


@dataclass(frozen=True)
class IdentityGap:
    """An identity group paid differently from the reference group on the same post."""

    department: str
    grade: str
    measure: Measure
    identity: str
    reference_identity: str
    mean: Decimal
    reference_mean: Decimal
    #: mean − reference mean (negative: paid less)
    gap: Decimal
    #: gap ÷ reference mean (None if the reference mean is 0)
    gap_share: Decimal | None
    #: the people of the group beyond the tolerance, largest difference first
    people: tuple[PersonValue, ...]
    message: Msg


@dataclass(frozen=True)
class GapReport:
    """Every compared cell and the gaps found, by department, grade and measure."""

    cells: tuple[Cell, ...]
    gaps: tuple[IdentityGap, ...]

    def people(self) -> list[Hashable]:
        """Return the keys of everyone behind a gap (once each, in gap order)."""
        seen: dict[Hashable, None] = {}
        for gap in self.gaps:
            for person in gap.people:
                seen.setdefault(person.person, None)
        return list(seen)


class _Sums:
    __slots__ = ("months", "name", "performance", "points", "post", "scored_months", "total")

    def __init__(self, name: str) -> None:
        self.name = name
        self.months = 0
        self.post = Decimal(0)
        self.performance = Decimal(0)
        self.points = Decimal(0)
        self.scored_months = 0
        self.total = Decimal(0)


def _mean(values: list[Decimal], places: Decimal) -> Decimal:
    return _round(sum(values, ZERO) / len(values), places)


def _round(value: Decimal, places: Decimal) -> Decimal:
    # core.money.round_half_up's checks cost more than the arithmetic over a year of payroll
    return value.quantize(places, rounding=ROUND_HALF_UP) + ZERO


def _beyond(difference: Decimal, reference: Decimal, rules: GapRules, *, amounts: bool) -> bool:
    """Whether a difference from the reference mean exceeds the tolerances."""
    size = abs(difference)
    if size == 0:
        return False
    if amounts and size <= rules.tolerance_amount:
        return False
    return reference == 0 or size > rules.tolerance_share * abs(reference)


def _compare(
    department: str,
    grade: str,
    measure: Measure,
    values: Mapping[str, list[PersonValue]],
    rules: GapRules,
    places: Decimal,
    score: Decimal | None = None,
) -> tuple[Cell, list[IdentityGap]]:
    groups = tuple(
        GroupValue(
            identity,
            tuple(sorted(people, key=lambda p: p.person)),
            _mean([p.value for p in people], places),
        )
        for identity, people in sorted(values.items())
    )
    cell = Cell(department, grade, measure, groups, score)
    if len(groups) < 2:
        return cell, []
    by_identity = {group.identity: group for group in groups}
    reference = by_identity.get(rules.reference_identity) or max(
        groups, key=lambda g: (g.mean, g.identity)
    )
    amounts = measure is not Measure.PAY_PER_POINT
    gaps = []
    for group in groups:
        if group is reference:
            continue
        gap = group.mean - reference.mean
        if not _beyond(gap, reference.mean, rules, amounts=amounts):
            continue
        behind = [
            person
            for person in group.people
            if (person.value - reference.mean) * gap > 0
            and _beyond(person.value - reference.mean, reference.mean, rules, amounts=amounts)
        ]
        behind.sort(key=lambda p: (-abs(p.value - reference.mean), p.person))
        share = None if reference.mean == 0 else gap / reference.mean
        gaps.append(
            IdentityGap(
                department=department,
                grade=grade,
                measure=measure,
                identity=group.identity,
                reference_identity=reference.identity,
                mean=group.mean,
                reference_mean=reference.mean,
                gap=gap,
                gap_share=None if share is None else round_half_up(share, PER_POINT),
                people=tuple(behind),
                message=_gap_message(department, grade, measure, group, reference, gap, behind),
            )
        )
    return cell, gaps


def _gap_message(department, grade, measure, group, reference, gap, behind) -> Msg:
    params = {
        "department": department,
        "grade": grade,
        "measure": measure.label,
        "identity": identity_label(group.identity),
        "reference": identity_label(reference.identity),
        "mean": group.mean,
        "reference_mean": reference.mean,
        "gap": abs(gap),
        "share": percent(abs(gap) / reference.mean) if reference.mean else "—",
        "n": len(behind),
    }
    if gap < 0:
        return msg(
            "%(department)s %(grade)s：%(identity)s人员的%(measure)s平均 %(mean)s 元，"
            "比%(reference)s人员（%(reference_mean)s 元）低 %(gap)s 元（%(share)s%%），"
            "涉及 %(n)d 人",
            **params,
        )
    return msg(
        "%(department)s %(grade)s：%(identity)s人员的%(measure)s平均 %(mean)s 元，"
        "比%(reference)s人员（%(reference_mean)s 元）高 %(gap)s 元（%(share)s%%），"
        "涉及 %(n)d 人",
        **params,
    )


def _sum_records(
    records: Iterable[PayRecord], rules: GapRules
) -> dict[tuple[str, str, str, Hashable], _Sums]:
    sums: dict[tuple[str, str, str, Hashable], _Sums] = {}
    post_keys = rules.post_components
    performance_key = rules.performance_component
    for record in records:
        key = (record.department, record.grade, record.identity, record.person)
        entry = sums.get(key)
        if entry is None:
            entry = sums[key] = _Sums(record.name)
        components = record.components
        # Decimal + float raises TypeError, so floats cannot slip in through the sums.
        post = ZERO
        for k in post_keys:
            post += components.get(k, ZERO)
        performance = components.get(performance_key, ZERO)
        entry.months += 1
        entry.post += post
        entry.total += post + performance
        if record.score is not None and record.score > 0:
            entry.performance += performance
            entry.points += record.score
            entry.scored_months += 1
    return sums


def identity_gaps(records: Iterable[PayRecord], rules: GapRules) -> GapReport:
    """Return every department-and-grade cell compared by identity, and the gaps beyond tolerance."""
    sums = _sum_records(records, rules)
    post: dict[tuple[str, str], dict[str, list[PersonValue]]] = {}
    per_point: dict[tuple[str, str], dict[str, list[PersonValue]]] = {}
    for (department, grade, identity, person), entry in sums.items():
        value = _round(entry.post / entry.months, FEN)
        post.setdefault((department, grade), {}).setdefault(identity, []).append(
            PersonValue(person, entry.name, identity, value, entry.months)
        )
        if entry.points > 0:
            value = _round(entry.performance / entry.points, PER_POINT)
            per_point.setdefault((department, grade), {}).setdefault(identity, []).append(
                PersonValue(person, entry.name, identity, value, entry.scored_months)
            )
    cells: list[Cell] = []
    gaps: list[IdentityGap] = []
    for department, grade in sorted(post):
        for measure, table, places in (
            (Measure.POST_PAY, post, FEN),
            (Measure.PAY_PER_POINT, per_point, PER_POINT),
        ):
            if (department, grade) not in table:
                continue
            cell, found = _compare(
                department, grade, measure, table[(department, grade)], rules, places
            )
            cells.append(cell)
            gaps += found
    return GapReport(tuple(cells), tuple(gaps))


def run_warnings(records: Iterable[PayRecord], rules: GapRules) -> list[Finding]:
    """Warn when one payroll run pays the same post and score differently by identity.

    Compares post pay plus performance pay (薪级 left out) of people in the same department
    and grade with the same score (no score is a group of its own).
    """
    records = list(records)
    sums = _sum_records(records, rules)
    scores: dict[tuple[str, str, str, Hashable], Decimal | None] = {}
    for record in records:
        scores[(record.department, record.grade, record.identity, record.person)] = record.score
    cells: dict[tuple[str, str, Decimal | None], dict[str, list[PersonValue]]] = {}
    for key, entry in sums.items():
        department, grade, identity, person = key
        value = _round(entry.total / entry.months, FEN)
        score = scores[key]
        cell_key = (department, grade, None if score is None else Decimal(score).normalize())
        cells.setdefault(cell_key, {}).setdefault(identity, []).append(
            PersonValue(person, entry.name, identity, value, entry.months)
        )
    findings = []
    ordered = sorted(cells.items(), key=lambda item: (item[0][0], item[0][1], str(item[0][2])))
    for (department, grade, score), values in ordered:
        _cell, gaps = _compare(department, grade, Measure.SAME_SCORE_PAY, values, rules, FEN, score)
        for gap in gaps:
            findings.append(
                Finding(
                    Level.WARNING,
                    "same_post_same_score",
                    msg(
                        "绩效分值 %(score)s：%(gap)s；请核对：%(names)s",
                        score="—" if score is None else f"{score:f}",
                        gap=gap.message,
                        names="、".join(p.name for p in gap.people),
                    ),
                    subject=(department, grade),
                )
            )
    return findings
