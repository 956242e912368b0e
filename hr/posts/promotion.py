"""Promotion rules (岗位晋升) and the starting step (起点薪级) of a post, DOMAIN.md §2–§3.

Pure rules over plain values. Grade 1 is the highest grade of every category, so a
promotion lowers the grade number. The warnings are advice an HR officer may override with
a written reason; none of them is a refusal.

- Within a professional tier (正高 1–4, 副高 5–7, 中级 8–10, 助理 11–12, 员级 13), and on the
  single ladders of 管理 and 工勤 posts, moving up usually needs ``years_in_grade`` years
  (default 3) in the lower grade.
- Moving up more than one grade inside a tier skips grades; entering a higher professional
  tier starts at its lowest grade (a new 副高 title starts at 专技 7 级), and jumping over a
  whole tier is flagged.
- Moving down (低聘) and moving to another category (转岗) are flagged for a reason too.
- A professional post should match the person's title (职称): the title → grade table of
  DOMAIN §2 (teachers 正高级教师 1–4 … 三级教师 13; doctors and nurses 主任医(护)师 2–4 …
  医士/护士 13). Checked on every professional appointment, the first one included.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.i18n import N_, Msg, joined, msg
from core.parameters import ensure_parameter, parameter
from hr.models import grade_label, grade_name

PROMOTION_KEY = "hr.promotion"
STARTING_STEPS_KEY = "hr.starting_steps"
TITLE_GRADES_KEY = "hr.title_grades"
EFFECTIVE_FROM = date(2006, 7, 1)

#: 专业技术岗位 tiers, highest first: (name, grades).
PROFESSIONAL_TIERS = (
    (N_("正高级"), (1, 2, 3, 4)),
    (N_("副高级"), (5, 6, 7)),
    (N_("中级"), (8, 9, 10)),
    (N_("助理级"), (11, 12)),
    (N_("员级"), (13,)),
)

_CATEGORY_NAMES = {
    "management": N_("管理"),
    "professional": N_("专业技术"),
    "worker": N_("工勤技能"),
}

DEFAULTS: dict[str, Any] = {
    # Promotion within a tier usually after 3 years in the lower grade [practice].
    PROMOTION_KEY: {"years_in_grade": 3},
    # 起点薪级 per category and grade (国人部发〔2006〕56号); worker grade 6 is 普通工.
    STARTING_STEPS_KEY: {
        "professional": {
            "1": 39,
            **{str(g): 25 for g in (2, 3, 4)},
            **{str(g): 16 for g in (5, 6, 7)},
            **{str(g): 9 for g in (8, 9, 10)},
            **{str(g): 5 for g in (11, 12)},
            "13": 1,
        },
        "management": {
            "1": 46,
            "2": 39,
            "3": 31,
            "4": 26,
            "5": 21,
            "6": 17,
            "7": 12,
            "8": 8,
            "9": 4,
            "10": 1,
        },
        "worker": {"1": 26, "2": 20, "3": 14, "4": 8, "5": 2, "6": 1},
    },
}
# 职称 → 专业技术岗位等级 [lowest grade number, highest grade number] (DOMAIN §2).
DEFAULTS[TITLE_GRADES_KEY] = {
    "正高级教师": [1, 4],
    "高级教师": [5, 7],
    "一级教师": [8, 10],
    "二级教师": [11, 12],
    "三级教师": [13, 13],
    "主任医师": [2, 4],
    "主任护师": [2, 4],
    "副主任医师": [5, 7],
    "副主任护师": [5, 7],
    "主治医师": [8, 10],
    "主管护师": [8, 10],
    "医师": [11, 12],
    "护师": [11, 12],
    "医士": [13, 13],
    "护士": [13, 13],
}
SOURCES = {
    TITLE_GRADES_KEY: "DOMAIN.md §2 职称与专业技术岗位等级对应",
    PROMOTION_KEY: "DOMAIN.md §2（实践做法：在低一等级任职满 3 年）",
    STARTING_STEPS_KEY: "国人部发〔2006〕56号 起点薪级；DOMAIN.md §3",
}


@dataclass(frozen=True)
class Post:
    """A post as the promotion rules see it: category, grade and since when it is held."""

    category: str
    grade: int
    start_on: date | None = None


def post_label(category: str, grade: int) -> str:
    """Return how a grade is written: "专技 8 级", "管理 5 级", "工勤 2 级" or "普通工"."""
    return grade_label(category, grade)


def full_months(start: date, end: date) -> int:
    """Return the whole months from ``start`` to ``end`` (0 if ``end`` is not later)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def duration_text(months: int) -> Msg:
    """Return "2 年 3 个月", "2 年", "5 个月" or "不足 1 个月" (a message)."""
    years, rest = divmod(months, 12)
    if years and rest:
        return msg("%(years)d 年 %(months)d 个月", years=years, months=rest)
    if years:
        return msg("%(years)d 年", years=years)
    if rest:
        return msg("%(months)d 个月", months=rest)
    return msg("不足 1 个月")


def tier_of(category: str, grade: int) -> int:
    """Return the index of the tier holding ``grade`` (0 = highest).

    Professional posts have five tiers; 管理 and 工勤 posts are one ladder each.
    """
    if category != "professional":
        return 0
    for index, (_, grades) in enumerate(PROFESSIONAL_TIERS):
        if grade in grades:
            return index
    raise ValueError(f"no professional grade {grade}")


def promotion_warnings(
    current: Post | None, proposed: Post, on: date, *, years_in_grade: int = 3
) -> list[Msg]:
    """Return why appointing to ``proposed`` on ``on`` departs from the promotion rules."""
    if current is None:
        return []  # a first appointment is checked against the plan, not these rules
    was = grade_name(current.category, current.grade)
    will = grade_name(proposed.category, proposed.grade)
    if current.category != proposed.category:
        return [
            msg(
                "由%(was)s转聘为%(will)s，属跨类别转岗（%(from)s → %(to)s），请核实是否符合转岗条件",
                was=was,
                will=will,
                **{
                    "from": Msg(_CATEGORY_NAMES[current.category]),
                    "to": Msg(_CATEGORY_NAMES[proposed.category]),
                },
            )
        ]
    if proposed.grade == current.grade:
        return []
    if proposed.grade > current.grade:
        return [msg("由%(was)s低聘为%(will)s（降低岗位等级）", was=was, will=will)]

    warnings = []
    tier_was = tier_of(current.category, current.grade)
    tier_will = tier_of(proposed.category, proposed.grade)
    if tier_was == tier_will:
        skipped = list(range(current.grade - 1, proposed.grade, -1))
        if skipped:
            warnings.append(
                msg(
                    "从%(was)s直接聘到%(will)s，跨越了 %(n)d 个等级（%(names)s）",
                    was=was,
                    will=will,
                    n=len(skipped),
                    names=joined(grade_name(current.category, g) for g in skipped),
                )
            )
        if current.start_on is not None:
            months = full_months(current.start_on, on)
            if months < years_in_grade * 12:
                warnings.append(
                    msg(
                        "在%(was)s任职 %(held)s，未满 %(years)d 年",
                        was=was,
                        held=duration_text(months),
                        years=years_in_grade,
                    )
                )
    else:
        skipped_tiers = [Msg(PROFESSIONAL_TIERS[i][0]) for i in range(tier_will + 1, tier_was)]
        if skipped_tiers:
            warnings.append(
                msg(
                    "从%(was)s岗位直接聘到%(will)s岗位，跨越了%(skipped)s岗位",
                    was=Msg(PROFESSIONAL_TIERS[tier_was][0]),
                    will=Msg(PROFESSIONAL_TIERS[tier_will][0]),
                    skipped=joined(skipped_tiers),
                )
            )
        entry = max(PROFESSIONAL_TIERS[tier_will][1])
        if proposed.grade != entry:
            warnings.append(
                msg(
                    "首次聘入%(tier)s岗位一般从%(entry)s起聘，拟聘%(will)s",
                    tier=Msg(PROFESSIONAL_TIERS[tier_will][0]),
                    entry=grade_name(proposed.category, entry),
                    will=will,
                )
            )
    return warnings


def title_grades(title: str | None, table: Mapping[str, Any] | None = None) -> range | None:
    """Return the professional grades a title (职称) qualifies for, or None if not in the table."""
    table = table if table is not None else DEFAULTS[TITLE_GRADES_KEY]
    found = table.get((title or "").strip())
    if not found:
        return None
    low, high = int(found[0]), int(found[1])
    return range(low, high + 1)


def title_warnings(
    title: str | None, category: str, grade: int, table: Mapping[str, Any] | None = None
) -> list[Msg]:
    """Return why a professional post of ``grade`` does not match the person's title.

    Only professional posts are checked, and only titles the table knows; a post within the
    title's grades, or a non-professional post, gives no warning.
    """
    if category != "professional":
        return []
    grades = title_grades(title, table)
    if grades is None or grade in grades:
        return []
    if grades.start == grades.stop - 1:
        allowed = grade_name(category, grades.start)
    else:
        allowed = msg("专技 %(low)d–%(high)d 级", low=grades.start, high=grades.stop - 1)
    return [
        msg(
            "职称「%(title)s」对应%(allowed)s，拟聘%(post)s与职称不符",
            title=(title or "").strip(),
            allowed=allowed,
            post=grade_name(category, grade),
        )
    ]


def title_grades_on(on: date) -> Mapping[str, Any]:
    """Return the title → grade table in force on ``on``."""
    return parameter(TITLE_GRADES_KEY, on, default=DEFAULTS[TITLE_GRADES_KEY])


def starting_step(category: str, grade: int, table: Mapping[str, Any] | None = None) -> int:
    """Return the 起点薪级 of a post; ``table`` is the ``hr.starting_steps`` parameter."""
    table = table if table is not None else DEFAULTS[STARTING_STEPS_KEY]
    try:
        return int(table[category][str(grade)])
    except KeyError:
        raise ValueError(f"no starting step for {category} grade {grade}") from None


def new_step_on_promotion(
    current_step: int, category: str, new_grade: int, table: Mapping[str, Any] | None = None
) -> int:
    """Return the 薪级 after taking a new post: kept, but raised to the post's starting step."""
    return max(current_step, starting_step(category, new_grade, table))


def years_in_grade_on(on: date) -> int:
    """Return the years-in-grade rule in force on ``on``."""
    value = parameter(PROMOTION_KEY, on, default=DEFAULTS[PROMOTION_KEY])
    return int(value["years_in_grade"])


def starting_steps_on(on: date) -> Mapping[str, Any]:
    """Return the starting-step table in force on ``on``."""
    return parameter(STARTING_STEPS_KEY, on, default=DEFAULTS[STARTING_STEPS_KEY])


def ensure_defaults() -> None:
    """Seed the promotion rule and the starting-step table as parameter versions."""
    for key, value in DEFAULTS.items():
        ensure_parameter(key, value, effective_from=EFFECTIVE_FROM, source=SOURCES[key])
