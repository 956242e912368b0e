"""The 人员花名册 (roster) workbook's columns: closed lists, cell checks, the spec.

DOMAIN.md §9. Reading converts and checks each cell against ``ROSTER_SPEC``; what compares
columns or needs the database is checked in ``hr.roster.checks``.
"""

from __future__ import annotations

import re
import time
from datetime import date
from decimal import Decimal
from functools import lru_cache
from operator import mul
from typing import Any

from core.excel import Column, Spec
from core.i18n import msg
from core.ids import (
    CITIZEN_ID_CHECK_CHARS,
    CITIZEN_ID_WEIGHTS,
    china_today,
    parse_citizen_id,
)
from hr.models import (
    GENERAL_WORKER_GRADE,
    Identity,
    PostCategory,
)
from hr.staff import entry as entry_rules

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
POST_NAME_MAX = 64
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
        raise ValueError(msg("「%(v)s」应为 8–32 位数字", v=value))
    return digits


def _max_length(limit: int):
    def check(value: str) -> None:
        if len(value) > limit:
            raise ValueError(msg("不能超过 %(n)d 个字，实际为 %(m)d 个字", n=limit, m=len(value)))

    return check


def _fund_rate(value: Decimal) -> None:
    if value != value.quantize(_FUND_RATE_PLACES):
        raise ValueError(msg("「%(v)s」最多三位小数（如 0.12 或 12%%）", v=value))


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
        Column(
            "部门",
            "department",
            "text",
            validate=_max_length(DEPARTMENT_MAX),
            width=16,
            help="本单位已有的部门（人事 → 部门）；导入时可选择新建文件中的新部门",
        ),
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
            "岗位名称",
            "post_name",
            "text",
            validate=_max_length(POST_NAME_MAX),
            width=16,
            help="如「语文教师」「护士长」；不填时为岗位等级（如「专技 8 级」）",
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
COLUMN_ORDER = {column.header: index for index, column in enumerate(ROSTER_SPEC.columns)}
