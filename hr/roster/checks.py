"""Every check a 人员花名册 (roster) import must pass.

DOMAIN.md §9. Reading converts and checks each cell (``hr.roster.excel.ROSTER_SPEC``);
``row_problems`` checks one row column against column (pure); ``file_duplicates`` finds
repeats inside the file (pure); ``check_roster`` runs both and adds what needs the
database, set-based (one query per kind of fact, never one per row), and reports every
problem as a ``CellError`` with the Excel row, the column header and the reason. Imports
land whole or not at all: the caller writes only when the list is empty
(``hr.roster.operations.import_roster``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from operator import itemgetter
from typing import Any

from core.excel import MAX_ERRORS, CellError
from core.i18n import Msg, msg
from core.ids import (
    china_today,
    credit_code_problem,
)
from core.parameters import parameter
from hr.appraisals.grading import DEFAULTS as APPRAISAL_DEFAULTS
from hr.departments.matching import Known, match, name_key
from hr.departments.queries import known_by_institution
from hr.models import (
    GENERAL_WORKER_GRADE,
    GRADES,
    Identity,
    PostCategory,
    grade_label,
)
from hr.posts import capacity
from hr.posts.queries import occupied_counts, plan_for
from hr.roster.excel import (
    CATEGORY_BY_LABEL,
    CATEGORY_LABELS,
    COLUMN_ORDER,
    GENERAL_WORKER_LABEL,
    GRADE_CHOICES,
    HEADERS,
    IDENTITY_BY_LABEL,
    birth_on,
)
from hr.roster.plan import RosterPlan, plan_from_columns
from hr.roster.queries import (
    active_employments,
    institutions_by_code,
    people_by_citizen_id,
    staff_numbers_in_use,
)
from hr.staff import entry as entry_rules
from hr.staff.headcount import lock_institutions, vacancy

# --------------------------------------------------------------------------- parameters

#: Dated parameters the roster checks read, with their seeded values (DOMAIN.md §3, §4).
DEFAULTS: dict[str, Any] = {
    # 薪级 ranges of the 2006 scale tables: 管理/专技 steps 1–65, 工人 1–40.
    # 住房公积金 employee rate 5%–12% (建金管〔2005〕5号).
    "hr.fund_rate_range": {"min": "0.05", "max": "0.12"},
}
DEFAULTS_FROM = date(2006, 7, 1)  # 国人部发〔2006〕56号 in force
DEFAULTS_SOURCE = "国人部发〔2006〕56号；建金管〔2005〕5号"


def ensure_defaults() -> None:
    """Seed the roster parameters with their default values (idempotent)."""
    from core.parameters import ensure_defaults as seed

    seed(DEFAULTS, effective_from=DEFAULTS_FROM, source=DEFAULTS_SOURCE)


# --------------------------------------------------------------------------- row rules


@dataclass(frozen=True)
class RosterRules:
    """The parameter values the row checks need, read once per import."""

    today: date
    max_step: dict[str, int]
    fund_rate_min: Decimal
    fund_rate_max: Decimal
    min_age: int
    max_future_days: int

    @cached_property
    def latest_start(self) -> date:
        """Return the latest 入职日期 accepted (start_date_problem decides past it)."""
        return self.today + timedelta(days=self.max_future_days)


def load_rules(today: date | None = None) -> RosterRules:
    """Read the parameters in force today (falling back to the seeded defaults)."""
    today = today or china_today()
    steps = parameter("hr.salary_step_max", today, default=APPRAISAL_DEFAULTS["hr.salary_step_max"])
    rates = parameter("hr.fund_rate_range", today, default=DEFAULTS["hr.fund_rate_range"])
    entry = entry_rules.DEFAULTS
    return RosterRules(
        today=today,
        max_step={key: int(value) for key, value in steps.items()},
        fund_rate_min=Decimal(str(rates["min"])),
        fund_rate_max=Decimal(str(rates["max"])),
        min_age=int(parameter("hr.entry.min_age", today, default=entry["hr.entry.min_age"])),
        max_future_days=int(
            parameter("hr.entry.max_future_days", today, default=entry["hr.entry.max_future_days"])
        ),
    )


def grade_of(category: str, text: str) -> int | None:
    """Return the grade a 岗位等级 cell names for the category, or None if it does not fit."""
    if category == PostCategory.WORKER:
        if text == GENERAL_WORKER_LABEL:
            return GENERAL_WORKER_GRADE
        fits = text.isdigit() and 1 <= int(text) < GENERAL_WORKER_GRADE
    else:
        fits = text.isdigit() and int(text) in GRADES[PostCategory(category)]
    return int(text) if fits else None


def parse_grade(category: str, text: str) -> int | Msg:
    """Return the grade number for a 岗位等级 cell, or the reason it does not fit the category."""
    grade = grade_of(category, text)
    if grade is not None:
        return grade
    label = Msg(CATEGORY_LABELS[category])
    if category == PostCategory.WORKER:
        return msg(
            "「%(v)s」不是%(c)s岗位的等级（应为 1–%(n)d 级或「普通工」）",
            v=text,
            c=label,
            n=GENERAL_WORKER_GRADE - 1,
        )
    grades = GRADES[PostCategory(category)]
    return msg(
        "「%(v)s」不是%(c)s岗位的等级（应为 %(lo)d–%(hi)d 级）",
        v=text,
        c=label,
        lo=grades.start,
        hi=grades.stop - 1,
    )


#: The grade of each category and dropdown choice that fit together: one lookup per row.
_GRADE_TABLE: dict[tuple[str, str], int] = {
    (category, text): grade
    for category in CATEGORY_LABELS
    for text in GRADE_CHOICES
    if (grade := grade_of(category, text)) is not None
}


#: 人员身份 and 岗位类别 labels (and, so that a second pass changes nothing, the values).
_IDENTITY_VALUES = {**IDENTITY_BY_LABEL, **{v: v for v in IDENTITY_BY_LABEL.values()}}
_CATEGORY_VALUES = {**CATEGORY_BY_LABEL, **{v: v for v in CATEGORY_BY_LABEL.values()}}


def row_problems(row: dict[str, Any], rules: RosterRules) -> list[tuple[str, Msg | str]]:
    """Normalize one converted row in place; return (header, reason) for each problem.

    Checks what compares columns (a grade that fits the category, the 薪级 range of the
    category, the age on the 入职日期) or needs parameters (the fund-rate range, how far
    ahead an entry may be). Sets the enum values of 人员身份 and 岗位类别 (mapped here
    rather than by a column validator: one pass per row is cheaper than a wrapper per
    cell) and ``row["grade"]`` when the grade fits.
    """
    problems: list[tuple[str, Msg | str]] = []
    code = row["institution_code"]
    if code is not None:  # None only in a row with a cell that did not convert
        row["institution_code"] = code.upper()
    row["identity"] = _IDENTITY_VALUES.get(row["identity"])
    category = row["category"] = _CATEGORY_VALUES.get(row["category"])
    grade = _GRADE_TABLE.get((category, row["grade_text"]))
    if grade is None and category is not None and row["grade_text"] is not None:
        grade = parse_grade(category, row["grade_text"])
    if grade.__class__ is Msg:
        problems.append((HEADERS["grade_text"], grade))
    elif grade is not None:
        row["grade"] = grade
    step = row["salary_step"]
    max_step = rules.max_step[category] if category is not None else None
    if step is not None and max_step is not None and step > max_step:
        problems.append(
            (
                HEADERS["salary_step"],
                msg(
                    "%(c)s岗位的薪级为 1–%(n)d，不能是 %(v)d",
                    c=Msg(CATEGORY_LABELS[category]),
                    n=max_step,
                    v=step,
                ),
            )
        )
    rate = row["fund_rate"]
    if rate is not None and not rules.fund_rate_min <= rate <= rules.fund_rate_max:
        problems.append(
            (
                HEADERS["fund_rate"],
                msg(
                    "「%(v)s」超出 %(lo)s–%(hi)s 的范围",
                    v=_percent(rate),
                    lo=_percent(rules.fund_rate_min),
                    hi=_percent(rules.fund_rate_max),
                ),
            )
        )
    start_on = row["start_on"]
    problem = None
    if start_on is None:
        pass
    elif start_on > rules.latest_start:
        problem = entry_rules.start_date_problem(start_on, rules.today, rules.max_future_days)
    elif row["citizen_id"] is not None:
        birth = birth_on(row["citizen_id"][6:14])
        # Only a start within a year of the minimum age needs the exact rule.
        if start_on.year - birth.year <= rules.min_age:
            problem = entry_rules.entry_age_problem(birth, start_on, rules.min_age)
    if problem:
        problems.append((HEADERS["start_on"], problem))
    return problems


def _percent(rate: Decimal) -> str:
    """Return a rate as a percentage without trailing zeros: 0.12 -> "12%", 0.075 -> "7.5%"."""
    text = format((rate * 100).normalize(), "f")
    return f"{text}%"


# --------------------------------------------------------------------------- file rules


def file_duplicates(rows: Sequence[dict[str, Any]]) -> list[CellError]:
    """Return an error for each repeat inside the file: 工号 per 单位代码, and 身份证号.

    A repeated 身份证号 under another name also gets the one identity answer
    (``entry.identity_mismatch``), as a number on file under another name does.
    """
    errors: list[CellError] = []
    staff_seen: dict[tuple[str, str], int] = {}
    id_seen: dict[str, int] = {}
    name_of: dict[int, str | None] = {}
    for row in rows:
        key = (row["institution_code"], row["staff_number"])
        first = staff_seen.setdefault(key, row["_row"]) if None not in key else row["_row"]
        if first != row["_row"]:
            errors.append(
                CellError(
                    row["_row"],
                    HEADERS["staff_number"],
                    msg("与第 %(r)d 行的工号重复（同一单位）", r=first),
                )
            )
        number = row["citizen_id"]
        first = id_seen.setdefault(number, row["_row"]) if number is not None else row["_row"]
        name_of.setdefault(first, row["name"])
        if first != row["_row"]:
            errors.append(
                CellError(
                    row["_row"], HEADERS["citizen_id"], msg("与第 %(r)d 行的身份证号重复", r=first)
                )
            )
            mismatch = entry_rules.identity_mismatch(row["name"], name_of[first])
            if mismatch:
                errors.append(CellError(row["_row"], HEADERS["name"], mismatch))
    return errors


def quota_overflow(rows: Sequence[dict[str, Any]], vacant: int) -> dict[str, Any] | None:
    """Return the first row (in file order) beyond ``vacant`` places, or None if all fit."""
    places = max(vacant, 0)
    if len(rows) <= places:
        return None
    return sorted(rows, key=lambda r: r["_row"])[places]


def check_roster(
    rows: list[dict[str, Any]],
    *,
    institution: Any = None,
    rules: RosterRules | None = None,
    max_errors: int | None = MAX_ERRORS,
    create_departments: bool = False,
) -> list[CellError]:
    """Return every problem of the converted rows, sorted by row and column.

    ``institution`` limits the file to that institution (the web import); without it any
    registered institution may appear (the command line). A 部门 must be one of the
    institution's active departments; with ``create_departments`` (the user's explicit
    choice) a name it does not have yet is created by the import instead. Annotates each
    row with ``_institution_id``, ``_person_id`` (an existing person, or None) and
    ``_department_id`` (None: no department, or one the import creates), from which
    :func:`plan_roster` builds the plan the import writes.
    """
    rules = rules or load_rules()
    errors: list[CellError] = []
    add = errors.append

    for row in rows:
        for header, reason in row_problems(row, rules):
            add(CellError(row["_row"], header, reason))
    errors.extend(file_duplicates(rows))

    # 单位代码: registered, and (on the web) the institution of the page.
    found = institutions_by_code(
        row["institution_code"] for row in rows if row["institution_code"] is not None
    )
    code_header = HEADERS["institution_code"]
    placed: list[dict[str, Any]] = []
    for row in rows:
        code = row["institution_code"]
        ref = found.get(code)
        row["_institution_id"] = ref.id if ref else None
        if code is None:
            continue  # the cell did not convert: reported already
        if ref is None:
            problem = credit_code_problem(code)
            add(
                CellError(
                    row["_row"],
                    code_header,
                    msg("「%(v)s」不是有效的统一社会信用代码：%(p)s", v=code, p=problem)
                    if problem
                    else msg("没有信用代码为「%(v)s」的已登记单位", v=code),
                )
            )
        elif institution is not None and ref.id != institution.id:
            row["_institution_id"] = None
            add(
                CellError(
                    row["_row"],
                    code_header,
                    msg(
                        "只能导入本单位（%(name)s，%(code)s）的人员，不能导入「%(other)s」的人员",
                        name=institution.name,
                        code=institution.credit_code,
                        other=ref.name,
                    ),
                )
            )
        else:
            placed.append(row)

    # 部门: one of the institution's departments, or created on the user's explicit choice.
    known = known_by_institution(row["_institution_id"] for row in placed)
    for row in rows:
        row["_department_id"] = None
    matched: dict[tuple[int, str], Any] = {}  # a few names, many rows: match each once
    for row in placed:
        name = row.get("department")
        if not name:
            continue
        key = (row["_institution_id"], name)
        departments = known[row["_institution_id"]]
        department = matched.get(key)
        if department is None:
            department = matched[key] = match(name, departments)
        if isinstance(department, Known):
            row["_department_id"] = department.id
        elif not (create_departments and name_key(name) not in departments):
            add(CellError(row["_row"], HEADERS["department"], department))

    # 工号 already used at that institution (past or present employments).
    used = staff_numbers_in_use(row["_institution_id"] for row in placed)
    for row in placed:
        if (row["_institution_id"], row["staff_number"]) in used:
            add(
                CellError(
                    row["_row"],
                    HEADERS["staff_number"],
                    msg("工号「%(v)s」在本单位已被使用", v=row["staff_number"]),
                )
            )

    # People already on file: same name, not already here, at most one quota place. A name
    # that does not go with the number gets the one neutral answer and nothing more about
    # the person on file (it must not confirm a record elsewhere: hr.models).
    said = {(e.row, e.column, e.message) for e in errors if isinstance(e.message, Msg)}
    people = people_by_citizen_id(row["citizen_id"] for row in rows if row["citizen_id"])
    active = active_employments((person_id for person_id, _ in people.values()), rules.today)
    for row in rows:
        person = people.get(row["citizen_id"])
        row["_person_id"] = person[0] if person else None
        if person is None:
            continue
        mismatch = entry_rules.identity_mismatch(row["name"], person[1])
        if mismatch:
            row["_person_id"] = None
            if (row["_row"], HEADERS["name"], mismatch) not in said:
                add(CellError(row["_row"], HEADERS["name"], mismatch))
            continue
        here = [e for e in active.get(person[0], ()) if e[0] == row["_institution_id"]]
        if row["_institution_id"] is not None and here:
            add(
                CellError(
                    row["_row"],
                    HEADERS["citizen_id"],
                    msg("该人员已在本单位在职（工号 %(v)s），不能重复入职", v=here[0][1]),
                )
            )
        elsewhere = [e[2] for e in active.get(person[0], ()) if e[0] != row["_institution_id"]]
        conflict = row["identity"] and entry_rules.quota_conflict(row["identity"], elsewhere)
        if conflict:
            add(CellError(row["_row"], HEADERS["identity"], conflict))

    # 严禁超编进人: the new 编制 / 员额 rows of each institution must fit its vacancies.
    names = {ref.id: ref.name for ref in found.values()}
    quota_rows: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for row in placed:
        if row["identity"] in entry_rules.QUOTA_IDENTITIES:
            quota_rows[(row["_institution_id"], row["identity"])].append(row)
    # Held until the import is written (same transaction): see hr.staff.headcount.
    lock_institutions(institution_id for institution_id, _ in quota_rows)
    for (institution_id, identity), hires in sorted(quota_rows.items()):
        place = vacancy(institution_id, Identity(identity), rules.today)
        refusal = place.refusal(len(hires)) if place else None
        first = quota_overflow(hires, place.vacant) if refusal else None
        if first is not None:
            add(
                CellError(
                    first["_row"],
                    HEADERS["identity"],
                    msg(
                        "%(name)s：从本行起超出。%(refusal)s",
                        name=names[institution_id],
                        refusal=refusal,
                    ),
                )
            )

    errors.extend(post_plan_overflows(placed, names, rules.today))

    errors.sort(key=lambda e: (e.row or 0, COLUMN_ORDER.get(e.column or "", 99)))
    if max_errors is not None and len(errors) > max_errors:
        more = len(errors) - max_errors
        errors = [
            *errors[:max_errors],
            CellError(None, None, msg("还有 %(n)d 个错误未列出", n=more), location=""),
        ]
    return errors


def post_plan_overflows(
    rows: Sequence[dict[str, Any]], names: dict[int, str], today: date
) -> list[CellError]:
    """Return an error where a post of the file goes beyond the institution's post plan.

    The appointment form's rule (``hr.posts.capacity``), applied to the posts the file
    creates: each institution's plan for this year, against the posts held today plus the
    file's. The plans are locked until the import is written (as the form locks its plan).
    An institution without a plan for the year is not checked here: the preview says so.
    """
    hiring: dict[int, dict[tuple[str, int], list[dict[str, Any]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for row in rows:
        if row.get("grade") is not None:
            hiring[row["_institution_id"]][(row["category"], row["grade"])].append(row)
    errors: list[CellError] = []
    for institution_id, posts in sorted(hiring.items()):
        plan = plan_for(institution_id, today.year, for_update=True)
        if plan is None:
            continue
        approved = {(line.category, line.grade): line.approved_count for line in plan.lines}
        held = occupied_counts(institution_id, today)
        for (category, grade), taking in sorted(posts.items()):
            occupied = held.get((category, grade), 0)
            refusal = capacity.room_refusal(
                category,
                grade,
                year=today.year,
                approved=approved.get((category, grade), 0),
                occupied=occupied,
                on=today,
                hiring=len(taking),
            )
            if refusal is None:
                continue
            room = max(approved.get((category, grade), 0) - occupied, 0)
            first = sorted(taking, key=lambda r: r["_row"])[room]
            errors.append(
                CellError(
                    first["_row"],
                    HEADERS["grade_text"],
                    msg(
                        "%(name)s：从本行起超出。%(refusal)s",
                        name=names[institution_id],
                        refusal=refusal,
                    ),
                )
            )
    return errors


def plan_roster(
    rows: list[dict[str, Any]],
    *,
    institution: Any = None,
    rules: RosterRules | None = None,
    max_errors: int | None = MAX_ERRORS,
    create_departments: bool = False,
) -> tuple[list[CellError], RosterPlan | None]:
    """Check the converted rows (:func:`check_roster`): every error, or the plan to write."""
    errors = check_roster(
        rows,
        institution=institution,
        rules=rules,
        max_errors=max_errors,
        create_departments=create_departments,
    )
    if errors or not rows:
        return errors, None
    return [], _plan(rows)


_PLAN_KEYS = {
    "row": "_row",
    "institution_id": "_institution_id",
    "person_id": "_person_id",
    "department_id": "_department_id",
}


def _plan(rows: list[dict[str, Any]]) -> RosterPlan:
    """Return the plan of rows that check_roster passed (normalized and annotated)."""
    columns = {
        name: list(map(itemgetter(_PLAN_KEYS.get(name, name)), rows))
        for name in (
            "row",
            "institution_id",
            "person_id",
            "citizen_id",
            "name",
            "staff_number",
            "identity",
            "department_id",
            "department",
            "category",
            "grade",
            "salary_step",
            "start_on",
            "bank_account",
            "contribution_base",
            "fund_base",
            "fund_rate",
        )
    }
    labels = {
        key: grade_label(*key)
        for key in set(zip(columns["category"], columns["grade"], strict=True))
    }
    columns["post_name"] = [
        named or labels[key]
        for named, key in zip(
            map(itemgetter("post_name"), rows),
            zip(columns["category"], columns["grade"], strict=True),
            strict=True,
        )
    ]
    new_departments: dict[int, dict[str, str]] = defaultdict(dict)
    for institution_id, department_id, name in zip(
        columns["institution_id"], columns["department_id"], columns["department"], strict=True
    ):
        if department_id is None and name:
            new_departments[institution_id].setdefault(name_key(name), name)
    return plan_from_columns(
        columns, {key: list(names.values()) for key, names in new_departments.items()}
    )
