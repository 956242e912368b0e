"""Function evaluation (职能运行评估): classify each function, score the unit, recommend its 编制.

The city's practice (DOMAIN §7, after 《机构编制管理评估办法（试行）》) looks at three things:

- 职能来源依据 — every function cites its legal basis (law, regulation, 三定 provision,
  document and article); a function without one is flagged;
- 履责轻重强弱 — workload, frequency, importance and risk, each rated 1–5, give a function's
  duty level and from it a classification: 强化 / 保持 / 弱化 / 取消 (the office may adjust
  it, with a reason);
- 岗位设置运转 — posts against 编制 against actual staff, vacancies, staff seconded out and
  whether the post structure meets the ratios.

A scoring scheme (weights and thresholds, stored with each round; ``DEFAULTS`` otherwise)
turns these into a score out of 100 and a recommendation: keep, reduce by N, or add N.
Needs are met first from the unit's own vacancies and from the staff its weakened and
cancelled functions release; only what is left is a request for more.

Pure functions over plain values: no Flask, no database. Decimal arithmetic throughout.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from core.i18n import Msg, msg

__all__ = [
    "ACTION_LABELS",
    "BASIS_LABELS",
    "CLASSIFICATION_LABELS",
    "DEFAULTS",
    "RATINGS",
    "Action",
    "BasisKind",
    "Classification",
    "EvaluationResult",
    "Function",
    "FunctionResult",
    "LegalBasis",
    "PostOperation",
    "Recommendation",
    "Scheme",
    "classify",
    "duty_level",
    "evaluate",
    "finalise_problems",
    "operation_score",
    "recommend",
]

MIN_RATING, MAX_RATING = 1, 5
SCORE_PLACES = Decimal("0.1")
LEVEL_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)


class Classification(StrEnum):
    """What to do with a function (履责轻重强弱)."""

    STRENGTHEN = "strengthen"  # 强化
    KEEP = "keep"  # 保持
    WEAKEN = "weaken"  # 弱化
    CANCEL = "cancel"  # 取消

    @property
    def label(self) -> Msg:
        return CLASSIFICATION_LABELS[self]


CLASSIFICATION_LABELS = {
    Classification.STRENGTHEN: msg("强化"),
    Classification.KEEP: msg("保持"),
    Classification.WEAKEN: msg("弱化"),
    Classification.CANCEL: msg("取消"),
}


class BasisKind(StrEnum):
    """Where a function comes from (职能来源依据)."""

    LAW = "law"  # 法律
    REGULATION = "regulation"  # 行政法规、地方性法规、规章
    SANDING = "sanding"  # 三定规定
    DOCUMENT = "document"  # 规范性文件

    @property
    def label(self) -> Msg:
        return BASIS_LABELS[self]


BASIS_LABELS = {
    BasisKind.LAW: msg("法律"),
    BasisKind.REGULATION: msg("法规规章"),
    BasisKind.SANDING: msg("三定规定"),
    BasisKind.DOCUMENT: msg("规范性文件"),
}


class Action(StrEnum):
    """What the evaluation recommends for the unit's 编制."""

    KEEP = "keep"
    REDUCE = "reduce"
    ADD = "add"

    @property
    def label(self) -> Msg:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.KEEP: msg("维持现有编制"),
    Action.REDUCE: msg("建议核减编制"),
    Action.ADD: msg("建议增加编制"),
}

#: the four ratings of a function, each 1–5, with their labels
RATINGS = {
    "workload": msg("工作量"),
    "frequency": msg("履职频次"),
    "importance": msg("重要程度"),
    "risk": msg("风险程度"),
}


@dataclass(frozen=True, slots=True)
class LegalBasis:
    """One source of a function: a law, regulation, 三定 provision or document, and article."""

    kind: BasisKind
    title: str  # 《中华人民共和国教育法》, 三定规定, …
    document_number: str | None = None  # 文号, for documents
    article: str | None = None  # 第二十条


@dataclass(frozen=True, slots=True)
class Function:
    """One function of the unit as the institution and the office describe it."""

    name: str
    bases: tuple[LegalBasis, ...] = ()
    workload: int = 3
    frequency: int = 3
    importance: int = 3
    risk: int = 3
    #: 编制 (full-time equivalents) the function takes now
    staff: Decimal = Decimal(0)
    #: for a function to strengthen: the 编制 it needs in all
    staff_needed: Decimal | None = None
    #: the office's classification when it differs from the computed one
    adjusted: Classification | None = None
    adjustment_reason: str | None = None

    @property
    def has_basis(self) -> bool:
        return any(basis.title.strip() for basis in self.bases)


@dataclass(frozen=True, slots=True)
class PostOperation:
    """How the unit's posts run (岗位设置运转), from the indicators."""

    approved: int  # 核定编制
    posts: int  # 岗位设置数
    actual: int  # 实有在编人数
    seconded_out: int = 0  # 借调、抽调出的在编人员
    #: whether the post structure meets the ratios; None when not known
    structure_compliant: bool | None = None

    @property
    def vacancies(self) -> int:
        """Return 空编 = approved − actual (negative when over quota)."""
        return self.approved - self.actual

    @property
    def is_over_quota(self) -> bool:
        return self.actual > self.approved


@dataclass(frozen=True, slots=True)
class Scheme:
    """Weights and thresholds of one evaluation round; see ``DEFAULTS``."""

    # The three dimensions of the score.
    basis_weight: Decimal = Decimal(30)
    duty_weight: Decimal = Decimal(40)
    operation_weight: Decimal = Decimal(30)
    # The four ratings in a function's duty level.
    workload_weight: Decimal = Decimal(35)
    frequency_weight: Decimal = Decimal(15)
    importance_weight: Decimal = Decimal(30)
    risk_weight: Decimal = Decimal(20)
    # The parts of the operation dimension.
    usage_weight: Decimal = Decimal(50)
    posts_weight: Decimal = Decimal(25)
    structure_weight: Decimal = Decimal(25)
    # Duty level (1–5) from which a function is strengthened, kept or weakened; below
    # ``weaken_from`` it is cancelled.
    strengthen_from: Decimal = Decimal("4.0")
    keep_from: Decimal = Decimal("2.5")
    weaken_from: Decimal = Decimal("1.5")
    #: share of a weakened function's 编制 it releases
    weaken_share: Decimal = Decimal("0.5")
    #: share of approved 编制 that may stay vacant without being proposed for reduction
    vacancy_tolerance: Decimal = Decimal("0.05")
    #: share of staff seconded out counted as 编制 the unit does not need
    seconded_share: Decimal = Decimal(1)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Scheme:
        """Return DEFAULTS with the given values (as stored with a round) replaced.

        Raise ValueError for an unknown name or a value that is not a number.
        """
        names = {f.name for f in fields(cls)}
        changes = {}
        for name, value in values.items():
            if name not in names:
                raise ValueError(f"unknown scheme setting {name!r}")
            try:
                changes[name] = Decimal(str(value))
            except InvalidOperation:
                raise ValueError(f"{name} must be a number, not {value!r}") from None
            if not changes[name].is_finite():
                raise ValueError(f"{name} must be a finite number")
        return replace(DEFAULTS, **changes)

    def to_mapping(self) -> dict[str, str]:
        """Return the settings as text (exact in JSON)."""
        return {f.name: str(getattr(self, f.name)) for f in fields(self)}

    def problems(self) -> list[Msg]:
        """Return what makes this scheme unusable (empty when it can be used)."""
        found = []
        if any(getattr(self, f.name) < 0 for f in fields(self)):
            found.append(msg("评分方案中的权重和比例不能为负数"))
        groups = [
            (self.basis_weight, self.duty_weight, self.operation_weight),
            (self.workload_weight, self.frequency_weight, self.importance_weight, self.risk_weight),
            (self.usage_weight, self.posts_weight, self.structure_weight),
        ]
        if any(sum(group) <= 0 for group in groups):
            found.append(msg("评分方案每一组权重之和须大于 0"))
        if not (
            MIN_RATING <= self.weaken_from <= self.keep_from <= self.strengthen_from <= MAX_RATING
        ):
            found.append(
                msg(
                    "分类界限须满足 %(low)d ≤ 弱化 ≤ 保持 ≤ 强化 ≤ %(high)d",
                    low=MIN_RATING,
                    high=MAX_RATING,
                )
            )
        if any(
            share > 1 for share in (self.weaken_share, self.vacancy_tolerance, self.seconded_share)
        ):
            found.append(msg("评分方案中的比例须在 0 到 1 之间"))
        return found


#: the scheme of a round that sets none
DEFAULTS = Scheme()


@dataclass(frozen=True, slots=True)
class FunctionResult:
    """A function with its duty level and classification (computed, and as adjusted)."""

    function: Function
    duty_level: Decimal
    suggested: Classification
    classification: Classification

    @property
    def is_adjusted(self) -> bool:
        return self.classification != self.suggested


@dataclass(frozen=True, slots=True)
class Recommendation:
    """Keep, reduce by ``number`` or add ``number`` 编制, and why."""

    action: Action
    number: int
    #: of a reduction, how many places are vacant and can go at once (the rest as staff leave)
    reducible_now: int
    reasons: tuple[Msg, ...] = ()


@dataclass(frozen=True, slots=True)
class EvaluationResult:
    """The whole evaluation of one unit in one round."""

    functions: tuple[FunctionResult, ...]
    basis_score: Decimal | None
    duty_score: Decimal | None
    operation_score: Decimal | None
    #: out of 100; None when nothing could be scored
    score: Decimal | None
    recommendation: Recommendation
    #: what the office should look at (a function without basis, over quota, …)
    flags: tuple[Msg, ...] = field(default=())


# --------------------------------------------------------------------------- functions


def _clamped(rating: int) -> int:
    return min(MAX_RATING, max(MIN_RATING, int(rating)))


def _weighted_mean(pairs: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Return Σ w·x / Σ w over (x, w) pairs, or None when the weights add up to nothing."""
    pairs = list(pairs)
    total = sum((w for _, w in pairs), Decimal(0))
    if total <= 0:
        return None
    return sum((x * w for x, w in pairs), Decimal(0)) / total


def duty_level(function: Function, scheme: Scheme = DEFAULTS) -> Decimal:
    """Return a function's duty level: the weighted mean of its ratings (1–5), to 0.01.

    A rating outside 1–5 counts as the nearest end (``finalise_problems`` reports it).
    """
    level = _weighted_mean(
        [
            (Decimal(_clamped(function.workload)), scheme.workload_weight),
            (Decimal(_clamped(function.frequency)), scheme.frequency_weight),
            (Decimal(_clamped(function.importance)), scheme.importance_weight),
            (Decimal(_clamped(function.risk)), scheme.risk_weight),
        ]
    )
    if level is None:  # a scheme without rating weights: the plain mean
        level = Decimal(
            sum(
                _clamped(r)
                for r in (function.workload, function.frequency, function.importance, function.risk)
            )
        ) / Decimal(4)
    return level.quantize(LEVEL_PLACES, ROUND_HALF_UP)


def classify(level: Decimal, scheme: Scheme = DEFAULTS) -> Classification:
    """Return the classification a duty level calls for."""
    if level >= scheme.strengthen_from:
        return Classification.STRENGTHEN
    if level >= scheme.keep_from:
        return Classification.KEEP
    if level >= scheme.weaken_from:
        return Classification.WEAKEN
    return Classification.CANCEL


def _function_result(function: Function, scheme: Scheme) -> FunctionResult:
    level = duty_level(function, scheme)
    suggested = classify(level, scheme)
    return FunctionResult(function, level, suggested, function.adjusted or suggested)


def finalise_problems(functions: Sequence[Function], scheme: Scheme = DEFAULTS) -> list[Msg]:
    """Return what stops an evaluation from being finalised (empty when it may be).

    A function without a legal basis does not stop it: it is flagged, and usually proposed
    for 取消 by the office's adjustment.
    """
    found = list(scheme.problems())
    if not functions:
        found.append(msg("尚未填报任何职能"))
    for function in functions:
        if not function.name.strip():
            found.append(msg("有职能未填写名称"))
        for rating, label in RATINGS.items():
            value = getattr(function, rating)
            if not MIN_RATING <= value <= MAX_RATING:
                found.append(
                    msg(
                        "职能「%(name)s」的%(rating)s评分应为 %(low)d–%(high)d，现为 %(value)d",
                        name=function.name,
                        rating=label,
                        low=MIN_RATING,
                        high=MAX_RATING,
                        value=value,
                    )
                )
        if function.staff < 0 or (function.staff_needed is not None and function.staff_needed < 0):
            found.append(msg("职能「%(name)s」的编制数不能为负数", name=function.name))
        result = _function_result(function, scheme)
        if result.is_adjusted and not (function.adjustment_reason or "").strip():
            found.append(
                msg(
                    "职能「%(name)s」测算为「%(suggested)s」，调整为「%(adjusted)s」须写明理由",
                    name=function.name,
                    suggested=result.suggested.label,
                    adjusted=result.classification.label,
                )
            )
    return found


# --------------------------------------------------------------------------- operation


def _ratio_score(ratio: Decimal) -> Decimal:
    """Return 100 at a ratio of 1, falling linearly to 0 at 0 and at 2."""
    return HUNDRED * max(Decimal(0), 1 - abs(1 - ratio))


def operation_score(operation: PostOperation, scheme: Scheme = DEFAULTS) -> Decimal | None:
    """Return the 岗位设置运转 score out of 100, or None for a unit without 编制.

    Usage: staff at work (actual − seconded out) against 编制, best at 100 %, lower both when
    places stand empty and when the unit is over quota. Posts: posts set against 编制. The
    structure counts only when known.
    """
    if operation.approved <= 0:
        return None
    approved = Decimal(operation.approved)
    at_work = Decimal(max(0, operation.actual - operation.seconded_out))
    parts = [
        (_ratio_score(at_work / approved), scheme.usage_weight),
        (_ratio_score(Decimal(operation.posts) / approved), scheme.posts_weight),
    ]
    if operation.structure_compliant is not None:
        parts.append(
            (HUNDRED if operation.structure_compliant else Decimal(0), scheme.structure_weight)
        )
    score = _weighted_mean(parts)
    return None if score is None else score.quantize(SCORE_PLACES, ROUND_HALF_UP)


def _operation_flags(operation: PostOperation) -> list[Msg]:
    found = []
    if operation.is_over_quota:
        found.append(
            msg(
                "超编：核定编制 %(approved)d 名，实有 %(actual)d 名，超出 %(over)d 名",
                approved=operation.approved,
                actual=operation.actual,
                over=operation.actual - operation.approved,
            )
        )
    if operation.posts > operation.approved:
        found.append(
            msg(
                "岗位设置数 %(posts)d 个，超过核定编制 %(approved)d 名",
                posts=operation.posts,
                approved=operation.approved,
            )
        )
    if operation.seconded_out > 0:
        found.append(msg("有 %(n)d 名在编人员被借调、抽调出单位", n=operation.seconded_out))
    if operation.structure_compliant is False:
        found.append(msg("岗位结构比例不符合规定"))
    return found


# --------------------------------------------------------------------------- recommendation


def _whole(value: Decimal, rounding: str) -> int:
    return int(value.to_integral_value(rounding=rounding))


def recommend(
    results: Sequence[FunctionResult], operation: PostOperation, scheme: Scheme = DEFAULTS
) -> Recommendation:
    """Return keep, reduce by N or add N, and the reasons.

    The needs of functions to strengthen (what they need beyond what they have, rounded up)
    are met first from the unit's vacancies, then from the staff that cancelled functions
    and the ``weaken_share`` of weakened ones release, together with the ``seconded_share``
    of staff seconded out (rounded down: only whole places move). Only an unmet need is an
    addition. Released places nobody needs, and vacancies beyond the tolerated share of
    编制, are a reduction, never more than the 编制 approved.
    """
    reasons: list[Msg] = []
    shortfall = sum(
        (
            max(Decimal(0), r.function.staff_needed - r.function.staff)
            for r in results
            if r.classification is Classification.STRENGTHEN and r.function.staff_needed is not None
        ),
        Decimal(0),
    )
    need = _whole(shortfall, ROUND_CEILING)
    cancelled = [r for r in results if r.classification is Classification.CANCEL]
    weakened = [r for r in results if r.classification is Classification.WEAKEN]
    from_functions = _whole(
        sum((r.function.staff for r in cancelled), Decimal(0))
        + scheme.weaken_share * sum((r.function.staff for r in weakened), Decimal(0)),
        ROUND_FLOOR,
    )
    from_seconded = _whole(scheme.seconded_share * operation.seconded_out, ROUND_FLOOR)
    released = max(0, from_functions) + max(0, from_seconded)
    if need:
        reasons.append(msg("强化职能尚需编制 %(n)d 名", n=need))
    if from_functions > 0:
        reasons.append(
            msg(
                "取消职能 %(cancelled)d 项、弱化职能 %(weakened)d 项，可腾出编制 %(n)d 名",
                cancelled=len(cancelled),
                weakened=len(weakened),
                n=from_functions,
            )
        )
    if from_seconded > 0:
        reasons.append(
            msg(
                "借调、抽调出 %(seconded)d 名，计为不需要的编制 %(n)d 名",
                seconded=operation.seconded_out,
                n=from_seconded,
            )
        )

    vacant = max(0, operation.vacancies)
    from_vacancies = min(vacant, need)
    need -= from_vacancies
    if from_vacancies:
        reasons.append(msg("其中 %(n)d 名以现有空编解决", n=from_vacancies))
    moved = min(released, need)
    need -= moved
    released -= moved
    if moved:
        reasons.append(msg("其中 %(n)d 名以内部调剂腾出的编制解决", n=moved))

    tolerated = _whole(scheme.vacancy_tolerance * operation.approved, ROUND_HALF_UP)
    surplus_vacancies = max(0, vacant - from_vacancies - tolerated)
    if surplus_vacancies:
        reasons.append(
            msg(
                "空编 %(vacant)d 名，超出可保留的 %(tolerated)d 名",
                vacant=vacant - from_vacancies,
                tolerated=tolerated,
            )
        )
    reduce = min(released + surplus_vacancies, max(0, operation.approved))

    if need > 0:
        return Recommendation(Action.ADD, need, 0, tuple(reasons))
    if reduce > 0:
        return Recommendation(
            Action.REDUCE, reduce, min(reduce, vacant - from_vacancies), tuple(reasons)
        )
    return Recommendation(Action.KEEP, 0, 0, tuple(reasons))


# --------------------------------------------------------------------------- the whole


def evaluate(
    functions: Sequence[Function], operation: PostOperation, scheme: Scheme = DEFAULTS
) -> EvaluationResult:
    """Return the evaluation of one unit: per function, the three scores, score, advice."""
    results = tuple(_function_result(function, scheme) for function in functions)
    basis_score = duty_score = None
    if results:
        with_basis = sum(1 for r in results if r.function.has_basis)
        basis_score = (HUNDRED * with_basis / len(results)).quantize(SCORE_PLACES, ROUND_HALF_UP)
        mean_level = sum((r.duty_level for r in results), Decimal(0)) / len(results)
        duty_score = (HUNDRED * (mean_level - MIN_RATING) / (MAX_RATING - MIN_RATING)).quantize(
            SCORE_PLACES, ROUND_HALF_UP
        )
    op_score = operation_score(operation, scheme)
    dimensions = [
        (s, w)
        for s, w in (
            (basis_score, scheme.basis_weight),
            (duty_score, scheme.duty_weight),
            (op_score, scheme.operation_weight),
        )
        if s is not None
    ]
    score = _weighted_mean(dimensions)
    flags = [
        msg("职能「%(name)s」没有职能来源依据", name=r.function.name)
        for r in results
        if not r.function.has_basis
    ]
    flags += _operation_flags(operation)
    return EvaluationResult(
        functions=results,
        basis_score=basis_score,
        duty_score=duty_score,
        operation_score=op_score,
        score=None if score is None else score.quantize(SCORE_PLACES, ROUND_HALF_UP),
        recommendation=recommend(results, operation, scheme),
        flags=tuple(flags),
    )
