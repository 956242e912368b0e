"""The 人员花名册 (roster) workbook: its columns, and every check an import must pass.

DOMAIN.md §9. Reading converts and checks each cell (``ROSTER_SPEC``); ``row_problems``
checks one row column against column (pure); ``file_duplicates`` finds repeats inside the file (pure); ``check_roster``
runs both and adds what needs the database, set-based (one query per kind of fact, never
one per row), and reports every problem as a ``CellError`` with the Excel row, the column
header and the reason. Imports land whole or not at all: the caller writes only when the
list is empty (``hr.roster.operations.import_roster``).
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property, lru_cache
from operator import mul
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import or_, select

from core.excel import MAX_ERRORS, CellError, Column, Spec
from core.extensions import db
from core.ids import (
    CITIZEN_ID_CHECK_CHARS,
    CITIZEN_ID_WEIGHTS,
    china_today,
    credit_code_problem,
    parse_citizen_id,
)
from core.parameters import parameter
from hr.appraisals.grading import DEFAULTS as APPRAISAL_DEFAULTS
from hr.models import GENERAL_WORKER_GRADE, GRADES, Employment, Identity, Person, PostCategory
from hr.staff import entry as entry_rules
from hr.staff.headcount import vacancy
from institutions.models import Institution

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


# --------------------------------------------------------------------------- closed lists

# The workbook is always Chinese, whatever the user's UI language: these are the labels of
# the enums in hr/models.py, spelled out so that a request in English cannot change them.
IDENTITY_BY_LABEL = {
    "事业编制": Identity.ESTABLISHMENT.value,
    "员额": Identity.FILED.value,
    "合同制": Identity.CONTRACT.value,
    "劳务派遣": Identity.DISPATCH.value,
}
IDENTITY_LABELS = {value: label for label, value in IDENTITY_BY_LABEL.items()}
CATEGORY_BY_LABEL = {
    "管理": PostCategory.MANAGEMENT.value,
    "专业技术": PostCategory.PROFESSIONAL.value,
    "工勤技能": PostCategory.WORKER.value,
}
CATEGORY_LABELS = {value: label for label, value in CATEGORY_BY_LABEL.items()}
GENERAL_WORKER_LABEL = "普通工"
GRADE_CHOICES = (*(str(n) for n in range(1, 14)), GENERAL_WORKER_LABEL)

NAME_MAX = 64
DEPARTMENT_MAX = 64
_BANK_ACCOUNT = re.compile(r"[0-9]{8,32}", re.ASCII)
_BANK_SEPARATORS = str.maketrans("", "", " -")
_FUND_RATE_PLACES = Decimal("0.001")


def grade_text(category: str, grade: int) -> str:
    """Return a grade as the 岗位等级 cell shows it: "8", or "普通工"."""
    if category == PostCategory.WORKER and grade == GENERAL_WORKER_GRADE:
        return GENERAL_WORKER_LABEL
    return str(grade)


# --------------------------------------------------------------------------- cell checks
# Column validators take the converted, non-blank value and return the normalized value (or
# None to keep it) or raise ValueError with the reason (core.excel prefixes row and column).


def _staff_number(value: str) -> str:
    if value.isalnum() and value.isascii() and len(value) <= entry_rules.STAFF_NUMBER_MAX:
        return value.upper()  # the common case, valid by the rule below
    number = entry_rules.normalize_staff_number(value)
    problem = entry_rules.staff_number_problem(number)
    if problem:
        raise ValueError(problem)
    return number


_ID_WEIGHT_OFFSET = ord("0") * sum(CITIZEN_ID_WEIGHTS)
_today_cache: list[Any] = [0.0, None]


def _today() -> date:
    """Return china_today(), read at most once a minute (it runs once per imported row)."""
    now = time.monotonic()
    if now >= _today_cache[0]:
        _today_cache[:] = [now + 60, china_today()]
    return _today_cache[1]


def _citizen_id(value: str) -> str:
    """Return the normalized ID number, or raise with parse_citizen_id's reason.

    The common case (18 ASCII characters, valid date and check character) is decided here
    with the same rule in a few C-level operations; anything else goes to parse_citizen_id,
    which decides and explains. A property test keeps the two in agreement.
    """
    number = value.upper()
    data = number.encode("ascii", "replace")
    if len(data) == 18 and data[:17].isdigit():
        total = sum(map(mul, data[:17], CITIZEN_ID_WEIGHTS)) - _ID_WEIGHT_OFFSET
        if CITIZEN_ID_CHECK_CHARS[total % 11] == number[17]:
            birth = birth_on(number[6:14])
            if birth is not None and birth <= _today():
                return number
    return parse_citizen_id(value).number


@lru_cache(maxsize=65536)
def birth_on(text: str) -> date | None:
    """Return the date written YYYYMMDD, or None if there is no such day."""
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _bank_account(value: str) -> str:
    if value.isdigit() and value.isascii() and 8 <= len(value) <= 32:
        return value
    digits = value.translate(_BANK_SEPARATORS)
    if not _BANK_ACCOUNT.fullmatch(digits):
        raise ValueError(_("「%(v)s」应为 8–32 位数字", v=value))
    return digits


def _max_length(limit: int):
    def check(value: str) -> None:
        if len(value) > limit:
            raise ValueError(_("不能超过 %(n)d 个字，实际为 %(m)d 个字", n=limit, m=len(value)))

    return check


def _fund_rate(value: Decimal) -> None:
    if value != value.quantize(_FUND_RATE_PLACES):
        raise ValueError(_("「%(v)s」最多三位小数（如 0.12 或 12%%）", v=value))


ROSTER_SPEC = Spec(
    sheet_name="人员花名册",
    title="人员花名册",
    columns=(
        Column(
            "单位代码",
            "institution_code",
            "code",
            required=True,
            width=22,
            help="单位的统一社会信用代码（18 位），须为已登记的单位",
        ),
        Column(
            "工号",
            "staff_number",
            "code",
            required=True,
            validate=_staff_number,
            help="本单位内唯一；字母、数字、连字符或下划线",
        ),
        Column("姓名", "name", "text", required=True, validate=_max_length(NAME_MAX)),
        Column(
            "身份证号",
            "citizen_id",
            "code",
            required=True,
            validate=_citizen_id,
            width=22,
            help="18 位公民身份号码；已在系统中的人员按身份证号匹配，姓名须一致",
        ),
        Column("部门", "department", "text", validate=_max_length(DEPARTMENT_MAX), width=16),
        Column(
            "人员身份",
            "identity",
            "choice",
            required=True,
            choices=tuple(IDENTITY_BY_LABEL),
            help="事业编制、员额占用单位的编制或员额，须有空编",
        ),
        Column(
            "岗位类别",
            "category",
            "choice",
            required=True,
            choices=tuple(CATEGORY_BY_LABEL),
        ),
        Column(
            "岗位等级",
            "grade_text",
            "choice",
            required=True,
            choices=GRADE_CHOICES,
            help="管理 1–10 级，专业技术 1–13 级，工勤技能 1–5 级或「普通工」",
        ),
        Column(
            "薪级",
            "salary_step",
            "int",
            required=True,
            min=1,
            help="管理、专业技术岗位 1–65，工勤技能岗位 1–40",
        ),
        Column("入职日期", "start_on", "date", required=True),
        Column("银行账号", "bank_account", "code", validate=_bank_account, width=24),
        Column(
            "缴费基数", "contribution_base", "money", min=Decimal(0), help="社保缴费基数（元/月）"
        ),
        Column(
            "公积金基数", "fund_base", "money", min=Decimal(0), help="住房公积金缴存基数（元/月）"
        ),
        Column(
            "公积金比例",
            "fund_rate",
            "decimal",
            validate=_fund_rate,
            num_format="0.0%",
            help="5%–12%，可填 0.12 或 12%",
        ),
    ),
)

HEADERS = {column.field: column.header for column in ROSTER_SPEC.columns}
_COLUMN_ORDER = {column.header: index for index, column in enumerate(ROSTER_SPEC.columns)}


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


def parse_grade(category: str, text: str) -> int | str:
    """Return the grade number for a 岗位等级 cell, or the reason it does not fit the category."""
    grade = grade_of(category, text)
    if grade is not None:
        return grade
    label = CATEGORY_LABELS[category]
    if category == PostCategory.WORKER:
        return _(
            "「%(v)s」不是%(c)s岗位的等级（应为 1–%(n)d 级或「普通工」）",
            v=text,
            c=label,
            n=GENERAL_WORKER_GRADE - 1,
        )
    grades = GRADES[PostCategory(category)]
    return _(
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


def row_problems(row: dict[str, Any], rules: RosterRules) -> list[tuple[str, str]]:
    """Normalize one converted row in place; return (header, reason) for each problem.

    Checks what compares columns (a grade that fits the category, the 薪级 range of the
    category, the age on the 入职日期) or needs parameters (the fund-rate range, how far
    ahead an entry may be). Sets the enum values of 人员身份 and 岗位类别 (mapped here
    rather than by a column validator: one pass per row is cheaper than a wrapper per
    cell) and ``row["grade"]`` when the grade fits.
    """
    problems: list[tuple[str, str]] = []
    row["institution_code"] = row["institution_code"].upper()
    row["identity"] = _IDENTITY_VALUES[row["identity"]]
    category = row["category"] = _CATEGORY_VALUES[row["category"]]
    grade = _GRADE_TABLE.get((category, row["grade_text"]))
    if grade is None:
        grade = parse_grade(category, row["grade_text"])
    if grade.__class__ is str:
        problems.append((HEADERS["grade_text"], grade))
    else:
        row["grade"] = grade
    step, max_step = row["salary_step"], rules.max_step[category]
    if step > max_step:
        problems.append(
            (
                HEADERS["salary_step"],
                _(
                    "%(c)s岗位的薪级为 1–%(n)d，不能是 %(v)d",
                    c=CATEGORY_LABELS[category],
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
                _(
                    "「%(v)s」超出 %(lo)s–%(hi)s 的范围",
                    v=_percent(rate),
                    lo=_percent(rules.fund_rate_min),
                    hi=_percent(rules.fund_rate_max),
                ),
            )
        )
    start_on = row["start_on"]
    problem = None
    if start_on > rules.latest_start:
        problem = entry_rules.start_date_problem(start_on, rules.today, rules.max_future_days)
    else:
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
    """Return an error for each repeat inside the file: 工号 per 单位代码, and 身份证号."""
    errors: list[CellError] = []
    staff_seen: dict[tuple[str, str], int] = {}
    id_seen: dict[str, int] = {}
    for row in rows:
        key = (row["institution_code"], row["staff_number"])
        first = staff_seen.setdefault(key, row["_row"])
        if first != row["_row"]:
            errors.append(
                CellError(
                    row["_row"],
                    HEADERS["staff_number"],
                    _("与第 %(r)d 行的工号重复（同一单位）", r=first),
                )
            )
        first = id_seen.setdefault(row["citizen_id"], row["_row"])
        if first != row["_row"]:
            errors.append(
                CellError(
                    row["_row"], HEADERS["citizen_id"], _("与第 %(r)d 行的身份证号重复", r=first)
                )
            )
    return errors


def quota_overflow(rows: Sequence[dict[str, Any]], vacant: int) -> dict[str, Any] | None:
    """Return the first row (in file order) beyond ``vacant`` places, or None if all fit."""
    places = max(vacant, 0)
    if len(rows) <= places:
        return None
    return sorted(rows, key=lambda r: r["_row"])[places]


# --------------------------------------------------------------------------- database checks

_CHUNK = 5000


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class InstitutionRef:
    id: int
    credit_code: str
    name: str


def institutions_by_code(codes: Iterable[str]) -> dict[str, InstitutionRef]:
    """Return {credit code: institution} for the registered ones among ``codes``."""
    found: dict[str, InstitutionRef] = {}
    for chunk in _chunks(sorted(set(codes))):
        stmt = select(Institution.id, Institution.credit_code, Institution.name).where(
            Institution.credit_code.in_(chunk)
        )
        for row in db.session.execute(stmt):
            found[row.credit_code] = InstitutionRef(row.id, row.credit_code, row.name)
    return found


def people_by_citizen_id(numbers: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Return {citizen id: (person id, name)} for the people already on file."""
    found: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(sorted(set(numbers))):
        stmt = select(Person.id, Person.citizen_id, Person.name).where(Person.citizen_id.in_(chunk))
        for row in db.session.execute(stmt):
            found[row.citizen_id] = (row.id, row.name)
    return found


def _staff_numbers_in_use(institution_ids: Iterable[int]) -> set[tuple[int, str]]:
    """Return (institution id, staff number) of every employment, past or present, there."""
    used: set[tuple[int, str]] = set()
    for chunk in _chunks(sorted(set(institution_ids)), 500):
        stmt = select(Employment.institution_id, Employment.staff_number).where(
            Employment.institution_id.in_(chunk)
        )
        used.update(db.session.execute(stmt).tuples())
    return used


def _active_employments(
    person_ids: Iterable[int], on: date
) -> dict[int, list[tuple[int, str, str]]]:
    """Return {person id: [(institution id, staff number, identity)]} of employments on ``on``."""
    found: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for chunk in _chunks(sorted(set(person_ids))):
        stmt = select(
            Employment.person_id,
            Employment.institution_id,
            Employment.staff_number,
            Employment.identity,
        ).where(
            Employment.person_id.in_(chunk),
            or_(Employment.end_on.is_(None), Employment.end_on >= on),
        )
        for person_id, institution_id, staff_number, identity in db.session.execute(stmt):
            found[person_id].append((institution_id, staff_number, identity))
    return found


def check_roster(
    rows: list[dict[str, Any]],
    *,
    institution: Any = None,
    rules: RosterRules | None = None,
    max_errors: int | None = MAX_ERRORS,
) -> list[CellError]:
    """Return every problem of the converted rows, sorted by row and column.

    ``institution`` limits the file to that institution (the web import); without it any
    registered institution may appear (the command line). Annotates each row with
    ``_institution_id`` and ``_person_id`` (an existing person, or None) for the import.
    """
    rules = rules or load_rules()
    errors: list[CellError] = []
    add = errors.append

    for row in rows:
        for header, reason in row_problems(row, rules):
            add(CellError(row["_row"], header, reason))
    errors.extend(file_duplicates(rows))

    # 单位代码: registered, and (on the web) the institution of the page.
    found = institutions_by_code(row["institution_code"] for row in rows)
    code_header = HEADERS["institution_code"]
    placed: list[dict[str, Any]] = []
    for row in rows:
        code = row["institution_code"]
        ref = found.get(code)
        row["_institution_id"] = ref.id if ref else None
        if ref is None:
            problem = credit_code_problem(code)
            add(
                CellError(
                    row["_row"],
                    code_header,
                    _("「%(v)s」不是有效的统一社会信用代码：%(p)s", v=code, p=problem)
                    if problem
                    else _("没有信用代码为「%(v)s」的已登记单位", v=code),
                )
            )
        elif institution is not None and ref.id != institution.id:
            row["_institution_id"] = None
            add(
                CellError(
                    row["_row"],
                    code_header,
                    _(
                        "只能导入本单位（%(name)s，%(code)s）的人员，不能导入「%(other)s」的人员",
                        name=institution.name,
                        code=institution.credit_code,
                        other=ref.name,
                    ),
                )
            )
        else:
            placed.append(row)

    # 工号 already used at that institution (past or present employments).
    used = _staff_numbers_in_use(row["_institution_id"] for row in placed)
    for row in placed:
        if (row["_institution_id"], row["staff_number"]) in used:
            add(
                CellError(
                    row["_row"],
                    HEADERS["staff_number"],
                    _("工号「%(v)s」在本单位已被使用", v=row["staff_number"]),
                )
            )

    # People already on file: same name, not already here, at most one quota place.
    people = people_by_citizen_id(row["citizen_id"] for row in rows)
    active = _active_employments((person_id for person_id, _ in people.values()), rules.today)
    for row in rows:
        person = people.get(row["citizen_id"])
        row["_person_id"] = person[0] if person else None
        if person is None:
            continue
        if person[1] != row["name"]:
            add(
                CellError(
                    row["_row"], HEADERS["name"], _("与系统中该身份证号登记的姓名不一致，请核对")
                )
            )
        here = [e for e in active.get(person[0], ()) if e[0] == row["_institution_id"]]
        if row["_institution_id"] is not None and here:
            add(
                CellError(
                    row["_row"],
                    HEADERS["citizen_id"],
                    _("该人员已在本单位在职（工号 %(v)s），不能重复入职", v=here[0][1]),
                )
            )
        elsewhere = [e[2] for e in active.get(person[0], ()) if e[0] != row["_institution_id"]]
        conflict = entry_rules.quota_conflict(row["identity"], elsewhere)
        if conflict:
            add(CellError(row["_row"], HEADERS["identity"], conflict))

    # 严禁超编进人: the new 编制 / 员额 rows of each institution must fit its vacancies.
    names = {ref.id: ref.name for ref in found.values()}
    quota_rows: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for row in placed:
        if row["identity"] in entry_rules.QUOTA_IDENTITIES:
            quota_rows[(row["_institution_id"], row["identity"])].append(row)
    for (institution_id, identity), hires in sorted(quota_rows.items()):
        place = vacancy(institution_id, Identity(identity), rules.today)
        refusal = place.refusal(len(hires)) if place else None
        first = quota_overflow(hires, place.vacant) if refusal else None
        if first is not None:
            add(
                CellError(
                    first["_row"],
                    HEADERS["identity"],
                    _(
                        "%(name)s：%(refusal)s，从本行起超出。",
                        name=names[institution_id],
                        refusal=refusal.rstrip("。"),
                    ),
                )
            )

    errors.sort(key=lambda e: (e.row or 0, _COLUMN_ORDER.get(e.column or "", 99)))
    if max_errors is not None and len(errors) > max_errors:
        more = len(errors) - max_errors
        errors = [
            *errors[:max_errors],
            CellError(None, None, _("还有 %(n)d 个错误未列出", n=more), location=""),
        ]
    return errors
