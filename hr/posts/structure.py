"""Post structure ratios (岗位结构比例, DOMAIN.md §2): check a post plan and list deviations.

Pure rules over plain values: plan lines ``(category, grade, count)`` and a ratio
configuration (the JSON value of the dated parameter ``hr.post_structure``).

How ratios are compared. A ratio such as 高:中:初 = 1:3:6 caps the *higher* posts: read
from the top, the highest group may hold at most 1/10 of the posts and the two highest
together at most 4/10. So each prefix of the groups (highest first) is a maximum share, and
a deviation is a prefix whose share exceeds its target share by more than the tolerance
(in percentage points, ``tolerance`` in the configuration). A plan with fewer senior posts
than the ratio allows never deviates; a plan exactly at the ratio never deviates. A wider
prefix is reported only when it exceeds its target by more than a narrower prefix already
reported does, so one surplus 正高 post is one message, not two. The same
reading applies inside the tiers (正高 2:3:4 = 1:3:6 caps 专技 2 级 at 10% and 2–3 级 at 40%
of 正高 posts) and to 工勤 (1–3 级 at most 25%, 1–2 级 at most 5% of 工勤 posts). The
professional share is a minimum and is compared without tolerance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from core.i18n import N_, Msg, msg
from core.parameters import ensure_parameter, parameter

PARAMETER_KEY = "hr.post_structure"
#: Parameter scope per institution kind; kinds without their own ("other") use the general one.
SCOPE_FOR_KIND = {"school": "school", "hospital": "hospital"}
EFFECTIVE_FROM = date(2006, 7, 1)
SOURCE = "国人部发〔2006〕70号、〔2006〕87号；DOMAIN.md §2"

#: 专业技术岗位 by level: 高级 (正高 1–4 and 副高 5–7), 中级 8–10, 初级 11–13.
PROFESSIONAL_TIERS = (("高级", range(1, 8)), ("中级", range(8, 11)), ("初级", range(11, 14)))

#: Names the default configuration uses (tiers inside 专业技术, school stages), extracted for
#: translation: a configured name is shown through ``msg(name)``, as recorded if unknown.
CONFIGURED_NAMES = (
    N_("正高级"),
    N_("副高级"),
    N_("中级"),
    N_("助理级"),
    N_("高中"),
    N_("初中"),
    N_("小学"),
)

_GENERAL: dict[str, Any] = {
    #: smallest share of 专业技术岗位 among all posts
    "professional_min_share": "0.70",
    #: how far (as a share, 0.01 = 1 percentage point) a capped share may exceed its target
    "tolerance": "0.01",
    #: 高:中:初 within professional posts
    "tier_ratio": [1, 3, 6],
    #: ratios between the grades inside a professional tier, highest grade first
    "within_tiers": [
        {"name": "正高级", "grades": [2, 3, 4], "ratio": [1, 3, 6]},
        {"name": "副高级", "grades": [5, 6, 7], "ratio": [2, 4, 4]},
        {"name": "中级", "grades": [8, 9, 10], "ratio": [3, 4, 3]},
        {"name": "助理级", "grades": [11, 12], "ratio": [5, 5]},
    ],
    #: largest shares of the higher 工勤 grades among all 工勤 posts
    "worker_caps": [
        {"grades": [1, 2, 3], "max_share": "0.25"},
        {"grades": [1, 2], "max_share": "0.05"},
    ],
}

DEFAULTS: dict[str, dict[str, Any]] = {
    "": _GENERAL,
    # School-stage variants of 高:中:初 (practice in one province); the general ratio applies
    # unless a stage is chosen when checking.
    "school": {
        **_GENERAL,
        "stages": {
            "senior": {"label": "高中", "tier_ratio": [2, 4, 4]},
            "junior": {"label": "初中", "tier_ratio": [1, 4, 5]},
            "primary": {"label": "小学", "tier_ratio": [0, 5, 5]},
        },
    },
    # Health units commonly hold at least 80% professional posts.
    "hospital": {**_GENERAL, "professional_min_share": "0.80"},
}


@dataclass(frozen=True)
class Deviation:
    """One way a plan departs from the structure ratios."""

    #: which rule: "professional_share", "tier_ratio", "within_tier", "worker_cap"
    rule: str
    #: the message shown to the user (translated where it is shown)
    message: Msg
    #: the limit (a share) and the plan's share
    expected: Fraction
    actual: Fraction


def _share(value: Any) -> Fraction:
    return Fraction(str(value))


def percent(share: Fraction) -> str:
    """Return a share as a percentage with one decimal, half up: Fraction(13, 20) -> "65.0%"."""
    scaled = Decimal(share.numerator * 100) / Decimal(share.denominator)
    return f"{scaled.quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def limit_percent(share: Fraction) -> str:
    """Return a limit as a percentage without needless decimals: 70%, 33.3%."""
    scaled = share * 100
    if scaled.denominator == 1:
        return f"{scaled.numerator}%"
    return percent(share)


def _ratio_text(ratio: Iterable[int]) -> str:
    return ":".join(str(part) for part in ratio)


_SINGLE_GRADE = {"professional": N_("专技 %(grade)d 级"), "worker": N_("工勤 %(grade)d 级")}
_GRADE_RANGE = {
    "professional": N_("专技 %(low)d–%(high)d 级"),
    "worker": N_("工勤 %(low)d–%(high)d 级"),
}


def _grades_text(category: str, grades: list[int]) -> Msg:
    """Return "专技 2 级" or "专技 2–3 级" (grades are consecutive in every DOMAIN rule)."""
    if len(grades) == 1:
        return msg(_SINGLE_GRADE[category], grade=grades[0])
    return msg(_GRADE_RANGE[category], low=min(grades), high=max(grades))


def tally(lines: Iterable[tuple[str, int, int]]) -> dict[tuple[str, int], int]:
    """Return {(category, grade): count} summed over plan lines."""
    counts: dict[tuple[str, int], int] = {}
    for category, grade, count in lines:
        key = (str(category), int(grade))
        counts[key] = counts.get(key, 0) + int(count)
    return counts


def professional_share(lines: Iterable[tuple[str, int, int]]) -> Fraction | None:
    """Return the share of 专业技术岗位 among all posts, or None for an empty plan."""
    counts = tally(lines)
    total = sum(counts.values())
    if total == 0:
        return None
    professional = sum(n for (category, _), n in counts.items() if category == "professional")
    return Fraction(professional, total)


def _prefix_caps(
    rule: str,
    counts: list[int],
    ratio: list[int],
    subjects: list[Msg],
    *,
    scope_text: Msg,
    rule_text: Msg,
    tolerance: Fraction,
) -> list[Deviation]:
    """Check each prefix of ``counts`` (highest group first) against the same prefix of ``ratio``.

    ``subjects[k]`` names the first k + 1 groups in the message.
    """
    total = sum(counts)
    ratio_total = sum(ratio)
    if total == 0 or ratio_total == 0:
        return []
    deviations = []
    taken = allowed = 0
    worst = Fraction(0)
    for index in range(len(counts) - 1):
        taken += counts[index]
        allowed += ratio[index]
        cap = Fraction(allowed, ratio_total)
        actual = Fraction(taken, total)
        # A wider prefix is news only if it exceeds by more than a narrower one already does.
        if actual <= cap + tolerance or actual - cap <= worst:
            continue
        worst = actual - cap
        deviations.append(
            Deviation(
                rule,
                msg(
                    "%(subject)s占%(scope)s的 %(share)s（%(taken)d/%(total)d），"
                    "超过「%(rule)s」对应的上限 %(cap)s%(tolerance)s",
                    subject=subjects[index],
                    scope=scope_text,
                    share=percent(actual),
                    taken=taken,
                    total=total,
                    rule=rule_text,
                    cap=limit_percent(cap),
                    tolerance=_tolerance_text(tolerance),
                ),
                cap,
                actual,
            )
        )
    return deviations


def _tolerance_text(tolerance: Fraction) -> Msg | str:
    if tolerance == 0:
        return ""
    points = limit_percent(tolerance).removesuffix("%")
    return msg("（允许偏差 %(points)s 个百分点）", points=points)


def tier_ratio_for(config: Mapping[str, Any], stage: str | None = None) -> list[int]:
    """Return the 高:中:初 ratio to apply: the stage's variant if one is chosen and known."""
    stages = config.get("stages") or {}
    if stage and stage in stages:
        return list(stages[stage]["tier_ratio"])
    return list(config["tier_ratio"])


def check_plan(
    lines: Iterable[tuple[str, int, int]],
    config: Mapping[str, Any],
    stage: str | None = None,
) -> list[Deviation]:
    """Return every deviation of a plan from the structure ratios in ``config``."""
    counts = tally(lines)
    tolerance = _share(config.get("tolerance", "0"))
    deviations: list[Deviation] = []

    share = professional_share((c, g, n) for (c, g), n in counts.items())
    minimum = _share(config["professional_min_share"])
    if share is not None and share < minimum:
        professional = sum(n for (c, _), n in counts.items() if c == "professional")
        deviations.append(
            Deviation(
                "professional_share",
                msg(
                    "专业技术岗位占比 %(share)s，低于规定的 %(minimum)s"
                    "（专业技术岗位 %(professional)d 个，岗位总数 %(total)d 个）",
                    share=percent(share),
                    minimum=limit_percent(minimum),
                    professional=professional,
                    total=sum(counts.values()),
                ),
                minimum,
                share,
            )
        )

    def professional(grade: int) -> int:
        return counts.get(("professional", grade), 0)

    ratio = tier_ratio_for(config, stage)
    stage_label = ((config.get("stages") or {}).get(stage) or {}).get("label") if stage else None
    if stage_label:
        rule_text = msg(
            "%(stage)s 高:中:初 = %(ratio)s", stage=Msg(stage_label), ratio=_ratio_text(ratio)
        )
    else:
        rule_text = msg("高:中:初 = %(ratio)s", ratio=_ratio_text(ratio))
    deviations += _prefix_caps(
        "tier_ratio",
        [sum(professional(g) for g in grades) for _, grades in PROFESSIONAL_TIERS],
        ratio,
        [msg("高级岗位"), msg("高级和中级岗位合计")],
        scope_text=msg("专业技术岗位"),
        rule_text=rule_text,
        tolerance=tolerance,
    )

    for tier in config.get("within_tiers", []):
        grades = [int(g) for g in tier["grades"]]
        deviations += _prefix_caps(
            "within_tier",
            [professional(g) for g in grades],
            [int(part) for part in tier["ratio"]],
            [_grades_text("professional", grades[:1])]
            + [
                msg("%(grades)s合计", grades=_grades_text("professional", grades[: k + 1]))
                for k in range(1, len(grades))
            ],
            scope_text=msg("%(tier)s岗位", tier=Msg(tier["name"])),
            rule_text=msg(
                "%(tier)s %(grades)s 级 = %(ratio)s",
                tier=Msg(tier["name"]),
                grades=_ratio_text(grades),
                ratio=_ratio_text(tier["ratio"]),
            ),
            tolerance=tolerance,
        )

    workers = sum(n for (c, _), n in counts.items() if c == "worker")
    for cap_rule in config.get("worker_caps", []):
        if workers == 0:
            break
        grades = [int(g) for g in cap_rule["grades"]]
        cap = _share(cap_rule["max_share"])
        taken = sum(counts.get(("worker", g), 0) for g in grades)
        actual = Fraction(taken, workers)
        if actual > cap + tolerance:
            deviations.append(
                Deviation(
                    "worker_cap",
                    msg(
                        "%(grades)s岗位占工勤技能岗位的 %(share)s（%(taken)d/%(total)d），"
                        "超过规定的上限 %(cap)s%(tolerance)s",
                        grades=_grades_text("worker", grades),
                        share=percent(actual),
                        taken=taken,
                        total=workers,
                        cap=limit_percent(cap),
                        tolerance=_tolerance_text(tolerance),
                    ),
                    cap,
                    actual,
                )
            )
    return deviations


def scope_for_kind(kind: str | None) -> str:
    """Return the parameter scope of an institution kind ("" for the general rules)."""
    return SCOPE_FOR_KIND.get(kind or "", "")


def config_for(kind: str | None, on: date) -> dict[str, Any]:
    """Return the ratio configuration in force on ``on`` for an institution kind."""
    scope = scope_for_kind(kind)
    return parameter(PARAMETER_KEY, on, scope=scope, default=DEFAULTS[scope])


def ensure_defaults() -> None:
    """Seed DOMAIN.md's structure ratios as parameter versions (general, school, hospital)."""
    for scope, value in DEFAULTS.items():
        ensure_parameter(
            PARAMETER_KEY, value, effective_from=EFFECTIVE_FROM, scope=scope, source=SOURCE
        )
