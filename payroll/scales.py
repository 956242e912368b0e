"""The pay scales (DOMAIN.md §3): 岗位工资 by post, 薪级工资 by step, and loading a new table.

Pure module. The tables are dated parameters (``core.parameters``); their JSON values have
one shape, the one ``DEFAULTS`` seeds with the 2006 national tables (国人部发〔2006〕56号)::

    "payroll.post_wage_table":   {"management": {"1": "2750", ..., "10": "550"},
                                  "professional": {"1": "2800", ..., "13": "550"},
                                  "worker": {"1": "830", ..., "5": "545", "6": "540"}}
    "payroll.salary_step_table": {"management": {"1": "80", ..., "65": "2600"},
                                  "professional": {...same...},
                                  "worker": {"1": "70", ..., "40": "915"}}

Categories are ``hr.models.PostCategory`` values; worker grade 6 is 普通工. Amounts are
yuan per month as decimal strings. The starting steps (起点薪级) are HR's parameter
``hr.starting_steps`` (``hr.posts.promotion``), re-exported here, not copied.

A newer table (a province's current one) is loaded from rows read from Excel by
``load_post_wage_table`` / ``load_salary_step_table``: they return the parameter value or
every error by row and column, never half a table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from core.i18n import Msg, msg
from hr.appraisals.grading import DEFAULTS as APPRAISAL_DEFAULTS
from hr.models import GENERAL_WORKER_GRADE, GRADES, PostCategory
from hr.posts.promotion import STARTING_STEPS_KEY, starting_step
from payroll.amounts import FEN, as_decimal, money
from payroll.problems import RowError

POST_WAGE_KEY = "payroll.post_wage_table"
STEP_WAGE_KEY = "payroll.salary_step_table"

MANAGEMENT = PostCategory.MANAGEMENT.value
PROFESSIONAL = PostCategory.PROFESSIONAL.value
WORKER = PostCategory.WORKER.value
CATEGORIES = (MANAGEMENT, PROFESSIONAL, WORKER)

#: Grades per category (1 is the highest); worker 6 is 普通工.
GRADES_BY_CATEGORY: dict[str, range] = {c.value: r for c, r in GRADES.items()}
#: Highest 薪级 per category: 65 for 管理/专技, 40 for 工人 (HR's parameter hr.salary_step_max).
STEP_MAX_DEFAULT: dict[str, int] = dict(APPRAISAL_DEFAULTS["hr.salary_step_max"])

_POST_2006 = {
    PROFESSIONAL: (2800, 1900, 1630, 1420, 1180, 1040, 930, 780, 730, 680, 620, 590, 550),
    MANAGEMENT: (2750, 2130, 1640, 1305, 1045, 850, 720, 640, 590, 550),
    # 技术工 1–5, then 普通工 as grade 6
    WORKER: (830, 690, 615, 575, 545, 540),
}
_STEPS_2006_STAFF = (
    *(80, 91, 102, 113, 125, 137, 151, 165, 181, 197, 215, 233, 253, 273, 295, 317, 341),
    *(365, 391, 417, 443, 471, 499, 527, 555, 583, 613, 643, 673, 703, 735, 767, 799, 834),
    *(869, 904, 944, 984, 1024, 1064, 1109, 1154, 1199, 1244, 1289, 1334, 1384, 1434, 1484),
    *(1534, 1590, 1655, 1720, 1785, 1850, 1920, 1990, 2060, 2130, 2200, 2280, 2360, 2440),
    *(2520, 2600),
)
_STEPS_2006_WORKER = (
    *(70, 80, 90, 101, 112, 124, 136, 148, 161, 174, 188, 202, 217, 232, 248, 264, 282, 300),
    *(320, 340, 363, 386, 409, 432, 455, 478, 504, 530, 556, 585, 614, 643, 675, 707, 739),
    *(774, 809, 844, 879, 915),
)


def _column(amounts: Iterable[int]) -> dict[str, str]:
    return {str(n): str(amount) for n, amount in enumerate(amounts, start=1)}


#: Seeded parameter values (the 2006 national tables).
DEFAULTS: dict[str, Any] = {
    POST_WAGE_KEY: {category: _column(amounts) for category, amounts in _POST_2006.items()},
    STEP_WAGE_KEY: {
        MANAGEMENT: _column(_STEPS_2006_STAFF),
        PROFESSIONAL: _column(_STEPS_2006_STAFF),
        WORKER: _column(_STEPS_2006_WORKER),
    },
}
DEFAULTS_FROM = date(2006, 7, 1)
SOURCES = {
    POST_WAGE_KEY: "国人部发〔2006〕56号 事业单位工作人员岗位工资标准（2006 年全国表）",
    STEP_WAGE_KEY: "国人部发〔2006〕56号 事业单位工作人员薪级工资标准（2006 年全国表）",
}

# Column headers of the table workbooks (payroll.excel_specs builds the specs from them).
CATEGORY_HEADER = "岗位类别"
GRADE_HEADER = "岗位等级"
POST_AMOUNT_HEADER = "岗位工资"
STEP_HEADER = "薪级"
STAFF_STEP_HEADER = "管理和专业技术人员"
WORKER_STEP_HEADER = "工人"

CATEGORY_BY_LABEL = {"管理": MANAGEMENT, "专业技术": PROFESSIONAL, "工勤技能": WORKER}
CATEGORY_LABELS = {value: label for label, value in CATEGORY_BY_LABEL.items()}
#: the same names for messages, translated where shown
CATEGORY_NAMES = {MANAGEMENT: msg("管理"), PROFESSIONAL: msg("专业技术"), WORKER: msg("工勤技能")}
GENERAL_WORKER_LABEL = "普通工"

__all__ = [
    "CATEGORIES",
    "DEFAULTS",
    "POST_WAGE_KEY",
    "STARTING_STEPS_KEY",
    "STEP_WAGE_KEY",
    "ScaleError",
    "TableLoad",
    "amounts_by_key",
    "ensure_defaults",
    "grade_name",
    "load_post_wage_table",
    "load_salary_step_table",
    "post_wage",
    "starting_step",
    "step_wage",
]


def ensure_defaults() -> None:
    """Seed the 2006 tables as parameter versions (idempotent; needs an app context)."""
    from core.parameters import ensure_parameter

    for key, value in DEFAULTS.items():
        ensure_parameter(key, value, effective_from=DEFAULTS_FROM, source=SOURCES[key])


class ScaleError(LookupError):
    """A table has no amount for the post or step asked for; ``message`` says which."""

    def __init__(self, message: Msg) -> None:
        super().__init__(str(message))
        self.message = message


def grade_name(category: str, grade: int) -> Msg:
    """Return how a post is named in messages: "专业技术 8 级", "工勤技能 2 级", "普通工"."""
    if category == WORKER and grade == GENERAL_WORKER_GRADE:
        return msg("普通工")
    label = CATEGORY_NAMES.get(category, category)
    return msg("%(category)s %(grade)s 级", category=label, grade=grade)


def post_wage(table: Mapping[str, Any], category: str, grade: int) -> Decimal:
    """Return the monthly 岗位工资 of a post from a ``payroll.post_wage_table`` value."""
    try:
        return money(table[category][str(grade)])
    except (KeyError, TypeError):
        raise ScaleError(
            msg("岗位工资表中没有%(post)s", post=grade_name(category, grade))
        ) from None


def step_wage(table: Mapping[str, Any], category: str, step: int) -> Decimal:
    """Return the monthly 薪级工资 of a step from a ``payroll.salary_step_table`` value."""
    try:
        return money(table[category][str(step)])
    except (KeyError, TypeError):
        label = CATEGORY_NAMES.get(category, category)
        raise ScaleError(
            msg("薪级工资表中没有%(category)s第 %(step)s 级", category=label, step=step)
        ) from None


def amounts_by_key(table: Mapping[str, Any]) -> dict[tuple[str, int], Decimal]:
    """Return a table value parsed once: (category, grade or step) -> monthly amount."""
    return {
        (category, int(key)): money(amount)
        for category, column in table.items()
        for key, amount in column.items()
    }


# --------------------------------------------------------------------------- loading


@dataclass
class TableLoad:
    """The result of loading a table: the parameter value, or every error (never both)."""

    value: dict[str, dict[str, str]] | None = None
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


_AMOUNT_LIMIT = Decimal(1_000_000)  # yuan a month; anything larger is a typing error


def _amount(raw: Any) -> Decimal:
    """Return a positive amount in fen, or raise ValueError with a Msg as its argument."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError(msg("必填，不能为空"))
    try:
        amount = as_decimal(raw)
    except (TypeError, InvalidOperation):
        raise ValueError(msg("「%(value)s」不是有效金额", value=raw)) from None
    if not amount.is_finite():
        raise ValueError(msg("「%(value)s」不是有效金额", value=raw))
    if amount <= 0:
        raise ValueError(msg("金额应大于 0"))
    if amount >= _AMOUNT_LIMIT:
        raise ValueError(msg("「%(value)s」不是有效金额", value=raw))
    if amount != amount.quantize(FEN):
        raise ValueError(msg("金额最多两位小数"))
    return amount


def _amount_text(amount: Decimal) -> str:
    """Return the amount as stored: "2800", "2800.5"."""
    return format(amount.normalize(), "f")


def _category(raw: Any) -> str:
    text = str(raw or "").strip()
    if not text:
        raise ValueError(msg("必填，不能为空"))
    if text in CATEGORY_BY_LABEL:
        return CATEGORY_BY_LABEL[text]
    if text in CATEGORIES:
        return text
    raise ValueError(msg("「%(value)s」不是岗位类别（可选：管理、专业技术、工勤技能）", value=text))


def _whole(raw: Any) -> int:
    """Return a whole number from an int, a whole Decimal or digits; else ValueError."""
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int):
        return raw
    try:
        number = as_decimal(raw)
    except (TypeError, InvalidOperation):
        raise ValueError from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError
    return int(number)


def _grade(raw: Any, category: str | None) -> int:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError(msg("必填，不能为空"))
    if isinstance(raw, str) and raw.strip() == GENERAL_WORKER_LABEL:
        if category not in (None, WORKER):
            raise ValueError(msg("只有工勤技能岗位有普通工"))
        return GENERAL_WORKER_GRADE
    try:
        grade = _whole(raw)
    except ValueError:
        raise ValueError(msg("「%(value)s」不是岗位等级", value=raw)) from None
    if category is not None and grade not in GRADES_BY_CATEGORY[category]:
        grades = GRADES_BY_CATEGORY[category]
        raise ValueError(
            msg(
                "%(category)s岗位没有 %(grade)d 级（应为 %(low)d–%(high)d）",
                category=CATEGORY_NAMES[category],
                grade=grade,
                low=grades.start,
                high=grades.stop - 1,
            )
        )
    return grade


def load_post_wage_table(rows: Iterable[Mapping[str, Any]]) -> TableLoad:
    """Validate a new 岗位工资 table and return it as a ``payroll.post_wage_table`` value.

    Each row is a mapping with ``category`` (管理 / 专业技术 / 工勤技能, or the code),
    ``grade`` (1–13 by category; 普通工 or 6 for the general worker), ``amount`` (yuan per
    month, positive, at most two decimals) and ``_row`` (the Excel row, for messages).
    Every grade of every category must appear exactly once, and a higher grade (a smaller
    number) may not pay less than the grade below it.
    """
    errors: list[RowError] = []
    found: dict[str, dict[int, tuple[Decimal, int | None]]] = {c: {} for c in CATEGORIES}
    for row in rows:
        number = row.get("_row")
        category = grade = amount = None
        try:
            category = _category(row.get("category"))
        except ValueError as exc:
            errors.append(RowError(number, CATEGORY_HEADER, exc.args[0]))
        try:
            grade = _grade(row.get("grade"), category)
        except ValueError as exc:
            errors.append(RowError(number, GRADE_HEADER, exc.args[0]))
        try:
            amount = _amount(row.get("amount"))
        except ValueError as exc:
            errors.append(RowError(number, POST_AMOUNT_HEADER, exc.args[0]))
        if category is None or grade is None or amount is None:
            continue
        if grade in found[category]:
            first = found[category][grade][1]
            errors.append(
                RowError(
                    number,
                    GRADE_HEADER,
                    msg(
                        "%(post)s重复（已在第 %(first)s 行）",
                        post=grade_name(category, grade),
                        first=first if first is not None else "?",
                    ),
                )
            )
            continue
        found[category][grade] = (amount, number)

    for category in CATEGORIES:
        missing = [g for g in GRADES_BY_CATEGORY[category] if g not in found[category]]
        for grade in missing:
            errors.append(
                RowError(
                    None,
                    GRADE_HEADER,
                    msg("缺少%(post)s的岗位工资", post=grade_name(category, grade)),
                )
            )
        errors.extend(_order_errors(category, found[category], POST_AMOUNT_HEADER, higher=-1))
    if errors:
        return TableLoad(None, errors)
    value = {
        category: {str(g): _amount_text(a) for g, (a, _) in sorted(found[category].items())}
        for category in CATEGORIES
    }
    return TableLoad(value, [])


def _order_errors(
    category: str,
    found: Mapping[int, tuple[Decimal, int | None]],
    column: str,
    *,
    higher: int,
) -> list[RowError]:
    """Return errors where an amount is below that of the next lower post or step.

    ``higher`` is the step from one key to the next better-paid key: -1 for grades (grade 1
    is the highest), +1 for steps (step 65 is the highest).
    """
    errors = []
    for key, (amount, number) in sorted(found.items()):
        better = found.get(key + higher)
        if better is None or better[0] >= amount:
            continue
        if column == POST_AMOUNT_HEADER:
            reason = msg(
                "%(post)s的岗位工资 %(amount)s 高于%(better)s的 %(other)s",
                post=grade_name(category, key),
                amount=amount,
                better=grade_name(category, key + higher),
                other=better[0],
            )
            errors.append(RowError(number, column, reason))
        else:
            reason = msg(
                "第 %(step)d 级薪级工资 %(amount)s 低于第 %(lower)d 级的 %(other)s",
                step=key + higher,
                amount=better[0],
                lower=key,
                other=amount,
            )
            errors.append(RowError(better[1], column, reason))
    return errors


def load_salary_step_table(
    rows: Iterable[Mapping[str, Any]], step_max: Mapping[str, int] | None = None
) -> TableLoad:
    """Validate a new 薪级工资 table and return it as a ``payroll.salary_step_table`` value.

    Each row is one step as the national table prints it: ``step`` (薪级), ``staff`` (the
    amount for 管理 and 专业技术 staff), ``worker`` (the amount for 工人, blank above the
    workers' top step) and ``_row``. ``step_max`` is HR's ``hr.salary_step_max`` (65 and 40
    by default): every step up to it must have an amount, none above it, and a higher step
    never pays less than a lower one.
    """
    step_max = dict(step_max or STEP_MAX_DEFAULT)
    staff_max = max(step_max.get(MANAGEMENT, 0), step_max.get(PROFESSIONAL, 0))
    worker_max = step_max.get(WORKER, 0)
    errors: list[RowError] = []
    staff: dict[int, tuple[Decimal, int | None]] = {}
    worker: dict[int, tuple[Decimal, int | None]] = {}
    seen: dict[int, int | None] = {}
    for row in rows:
        number = row.get("_row")
        raw_step = row.get("step")
        try:
            if raw_step is None or (isinstance(raw_step, str) and not raw_step.strip()):
                raise ValueError(msg("必填，不能为空"))
            try:
                step = _whole(raw_step)
            except ValueError:
                raise ValueError(msg("「%(value)s」不是整数", value=raw_step)) from None
            if step < 1 or step > max(staff_max, worker_max):
                raise ValueError(msg("薪级应为 1–%(high)d", high=max(staff_max, worker_max)))
            if step in seen:
                raise ValueError(
                    msg(
                        "第 %(step)d 级重复（已在第 %(first)s 行）",
                        step=step,
                        first=seen[step] if seen[step] is not None else "?",
                    )
                )
        except ValueError as exc:
            errors.append(RowError(number, STEP_HEADER, exc.args[0]))
            continue
        seen[step] = number
        for key, column, top, target in (
            ("staff", STAFF_STEP_HEADER, staff_max, staff),
            ("worker", WORKER_STEP_HEADER, worker_max, worker),
        ):
            raw = row.get(key)
            blank = raw is None or (isinstance(raw, str) and not raw.strip())
            if step > top:
                if not blank:
                    errors.append(
                        RowError(
                            number,
                            column,
                            msg("超过最高薪级 %(high)d 级，应为空", high=top),
                        )
                    )
                continue
            try:
                target[step] = (_amount(raw), number)
            except ValueError as exc:
                errors.append(RowError(number, column, exc.args[0]))
    for column, top, target in (
        (STAFF_STEP_HEADER, staff_max, staff),
        (WORKER_STEP_HEADER, worker_max, worker),
    ):
        absent = [s for s in range(1, top + 1) if s not in seen]
        for step in absent:
            errors.append(RowError(None, column, msg("缺少第 %(step)d 级", step=step)))
        errors.extend(_order_errors(column, target, column, higher=+1))
    if errors:
        return TableLoad(None, errors)
    staff_column = {str(s): _amount_text(a) for s, (a, _) in sorted(staff.items())}
    value = {
        MANAGEMENT: dict(staff_column),
        PROFESSIONAL: dict(staff_column),
        WORKER: {str(s): _amount_text(a) for s, (a, _) in sorted(worker.items())},
    }
    return TableLoad(value, [])
