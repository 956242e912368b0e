"""Validate and build Chinese identifiers: 统一社会信用代码 and 公民身份号码.

Pure functions over plain strings, no Flask. Every validation failure raises ``IdError``
whose ``message`` (a :class:`~core.i18n.Msg`) says what is wrong without naming the field;
callers put it in a message of their own, e.g. msg("身份证号%(p)s", p=error.message).

A code or number that fails its check character is not told which character was expected:
the typo is as likely anywhere else, and naming the "right" last character invites changing
it and registering a wrong number that then passes. The message asks to compare the whole
number with the certificate instead.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.i18n import Msg, msg

__all__ = [
    "CITIZEN_ID_CHECK_CHARS",
    "CITIZEN_ID_CHECK_FAILED",
    "CITIZEN_ID_WEIGHTS",
    "CREDIT_CODE_CHARS",
    "CREDIT_CODE_CHECK_FAILED",
    "CREDIT_CODE_WEIGHTS",
    "CitizenId",
    "IdError",
    "citizen_id_check_char",
    "clean_credit_code",
    "credit_code_check_char",
    "credit_code_problem",
    "make_citizen_id",
    "make_credit_code",
    "mask_citizen_id",
    "normalize_credit_code",
    "org_code_check_char",
    "parse_citizen_id",
]

# GB 32100-2015: 31 characters, a character's value is its index (no I, O, S, V, Z).
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_LENGTH = 18
_CREDIT_CODE_VALUES = {char: index for index, char in enumerate(CREDIT_CODE_CHARS)}

# GB 11714-1997 organization code (组织机构代码), positions 9–17 of a credit code.
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# GB 11643-1999.
CITIZEN_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CITIZEN_ID_CHECK_CHARS = "10X98765432"
CITIZEN_ID_LENGTH = 18

# "Today" for birth-date checks is the date in China, whatever the server's zone.
CHINA_TZ = ZoneInfo("Asia/Shanghai")

_ASCII_DIGITS = frozenset("0123456789")

# Which character is wrong cannot be known, so none is named (see the module docstring).
CREDIT_CODE_CHECK_FAILED = msg("未通过校验：请与登记证书逐位核对，输错的可能是其中任何一位")
CITIZEN_ID_CHECK_FAILED = msg("未通过校验：请与身份证逐位核对，输错的可能是其中任何一位")


class IdError(ValueError):
    """Signal an invalid identifier; ``message`` says what is wrong, without the field name."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message)
        self.message = message


def _clean(value: str) -> str:
    """Fold full-width characters to ASCII, strip surrounding whitespace and upper-case."""
    if not isinstance(value, str):
        raise TypeError(f"identifier must be str, not {type(value).__name__}")
    # NFKC turns full-width input from Chinese IMEs ("１２３ＡＢ") into ASCII.
    return unicodedata.normalize("NFKC", value).strip().upper()


def _is_digits(text: str) -> bool:
    """Return whether text is made of ASCII digits only (str.isdigit accepts others)."""
    return all(char in _ASCII_DIGITS for char in text)


def _check_length(text: str, expected: int) -> None:
    """Raise IdError unless text is non-empty and exactly expected characters long."""
    if not text:
        raise IdError(msg("不能为空"))
    if len(text) != expected:
        raise IdError(
            msg("应为 %(expected)d 位，实际为 %(actual)d 位", expected=expected, actual=len(text))
        )


def _credit_code_weighted_sum(first17: str) -> int:
    """Return Σ value × weight over the first 17 characters of a credit code."""
    if len(first17) != CREDIT_CODE_LENGTH - 1:
        raise ValueError(f"need 17 characters, got {len(first17)}")
    try:
        values = [_CREDIT_CODE_VALUES[char] for char in first17]
    except KeyError as exc:
        raise ValueError(f"character {exc.args[0]!r} is not a credit-code character") from None
    return sum(value * weight for value, weight in zip(values, CREDIT_CODE_WEIGHTS, strict=True))


def credit_code_check_char(first17: str) -> str:
    """Return the 18th (check) character of a credit code from its first 17 characters."""
    remainder = _credit_code_weighted_sum(first17) % 31
    return CREDIT_CODE_CHARS[(31 - remainder) % 31]


def clean_credit_code(value: str) -> str:
    """Return a credit code folded to ASCII, upper-cased and without any whitespace.

    Codes pasted from certificates and PDFs often come with spaces between the groups; they
    are never part of the code. Nothing is validated here.
    """
    return "".join(_clean(value).split())


def _credit_code_error(value: str) -> tuple[str, IdError | None]:
    """Return the cleaned code and the first problem found in it, or None."""
    code = clean_credit_code(value)
    try:
        _check_length(code, CREDIT_CODE_LENGTH)
    except IdError as error:
        return code, error
    for position, char in enumerate(code, start=1):
        if char not in _CREDIT_CODE_VALUES:
            return code, IdError(
                msg(
                    "第 %(position)d 位「%(char)s」不是允许的字符"
                    "（只能用数字和除 I、O、S、V、Z 外的大写字母）",
                    position=position,
                    char=char,
                )
            )
    if code[17] != credit_code_check_char(code[:17]):
        return code, IdError(CREDIT_CODE_CHECK_FAILED)
    return code, None


def normalize_credit_code(value: str) -> str:
    """Return the credit code cleaned (see clean_credit_code), or raise IdError if invalid."""
    code, error = _credit_code_error(value)
    if error is not None:
        raise error
    return code


def credit_code_problem(value: str) -> Msg | None:
    """Return the message saying what is wrong with a credit code, or None if it is valid.

    Use it where a failing legacy code may still be accepted with a warning and an audited
    override, instead of catching IdError from normalize_credit_code.
    """
    _, error = _credit_code_error(value)
    return None if error is None else error.message


def org_code_check_char(first8: str) -> str:
    """Return the 9th (check) character of an 8-character organization code (GB 11714)."""
    if len(first8) != 8:
        raise ValueError(f"need 8 characters, got {len(first8)}")
    total = 0
    for char, weight in zip(first8, ORG_CODE_WEIGHTS, strict=True):
        if char in _ASCII_DIGITS:
            value = int(char)
        elif "A" <= char <= "Z":
            value = ord(char) - ord("A") + 10
        else:
            raise ValueError(f"character {char!r} is not an organization-code character")
        total += value * weight
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def make_credit_code(region_code: str, org_code8: str, dept: str = "1", kind: str = "2") -> str:
    """Build a valid credit code (default 事业单位: dept 1, kind 2) for seeds and tests.

    ``org_code8`` is the organization code: either 9 characters used as given (their charset
    is validated), or its 8-character body, to which the GB 11714 check character is added.
    """
    region = _clean(region_code)
    org = _clean(org_code8).replace("-", "")  # org codes are often written "45000001-6"
    dept, kind = _clean(dept), _clean(kind)
    if len(region) != 6 or not _is_digits(region):
        raise IdError(msg("行政区划码「%(code)s」应为 6 位数字", code=region_code))
    if len(dept) != 1 or dept not in _CREDIT_CODE_VALUES:
        raise IdError(msg("登记管理部门码「%(code)s」应为 1 位允许的字符", code=dept))
    if len(kind) != 1 or kind not in _CREDIT_CODE_VALUES:
        raise IdError(msg("机构类别码「%(code)s」应为 1 位允许的字符", code=kind))
    if len(org) not in (8, 9):
        raise IdError(msg("组织机构代码应为 8 或 9 位，实际为 %(actual)d 位", actual=len(org)))
    for position, char in enumerate(org, start=1):
        if char not in _CREDIT_CODE_VALUES:
            raise IdError(
                msg(
                    "组织机构代码第 %(position)d 位「%(char)s」不是允许的字符"
                    "（只能用数字和除 I、O、S、V、Z 外的大写字母）",
                    position=position,
                    char=char,
                )
            )
    if len(org) == 8:
        org += org_code_check_char(org)
    first17 = dept + kind + region + org
    return first17 + credit_code_check_char(first17)


@dataclass(frozen=True, slots=True)
class CitizenId:
    """A validated 公民身份号码 and what it encodes."""

    number: str
    region_code: str
    birth_date: date
    gender: str  # "男" or "女"

    @property
    def is_male(self) -> bool:
        """Return whether the 17th digit is odd (male)."""
        return self.gender == "男"

    @property
    def masked(self) -> str:
        """Return the number with all but the first 6 and last 4 characters hidden."""
        return mask_citizen_id(self.number)


def _citizen_id_weighted_sum(first17: str) -> int:
    """Return Σ digit × weight over the first 17 digits of an ID number."""
    if len(first17) != CITIZEN_ID_LENGTH - 1 or not _is_digits(first17):
        raise ValueError("need 17 ASCII digits")
    return sum(
        int(digit) * weight for digit, weight in zip(first17, CITIZEN_ID_WEIGHTS, strict=True)
    )


def citizen_id_check_char(first17: str) -> str:
    """Return the 18th (check) character of an ID number from its first 17 digits."""
    return CITIZEN_ID_CHECK_CHARS[_citizen_id_weighted_sum(first17) % 11]


def china_today() -> date:
    """Return today's date in China (Asia/Shanghai)."""
    return datetime.now(tz=CHINA_TZ).date()


def parse_citizen_id(value: str, today: date | None = None) -> CitizenId:
    """Parse and validate a 公民身份号码, or raise IdError saying what is wrong."""
    number = _clean(value)  # upper-casing also normalizes a lowercase check "x"
    _check_length(number, CITIZEN_ID_LENGTH)
    first17, check = number[:17], number[17]
    if not _is_digits(first17):
        raise IdError(msg("前 17 位只能是数字"))
    if check not in _ASCII_DIGITS and check != "X":
        raise IdError(msg("第 18 位「%(char)s」只能是数字或 X", char=check))
    birth_text = number[6:14]
    try:
        birth_date = date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:]))
    except ValueError:
        raise IdError(msg("出生日期「%(text)s」不是有效日期", text=birth_text)) from None
    if birth_date > (today if today is not None else china_today()):
        raise IdError(msg("出生日期「%(text)s」晚于今天", text=birth_text))
    if check != citizen_id_check_char(first17):
        raise IdError(CITIZEN_ID_CHECK_FAILED)
    return CitizenId(
        number=number,
        region_code=number[:6],
        birth_date=birth_date,
        gender="男" if int(number[16]) % 2 == 1 else "女",
    )


def mask_citizen_id(number: str) -> str:
    """Return the ID number with all but the first 6 and last 4 characters replaced by *."""
    text = number.strip()
    if len(text) <= 10:
        # Too short to show both ends without showing everything: hide it all.
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def make_citizen_id(region: str, birth: date, seq: int, male: bool) -> str:
    """Build a valid ID number for seeds and tests.

    ``seq`` in 0–499 picks the 3-digit sequence code ``2 × seq + (1 if male else 0)``, so
    distinct (seq, male) pairs give distinct numbers and the 17th digit encodes the gender.
    The birth date is not checked against today.
    """
    if len(region) != 6 or not _is_digits(region):
        raise ValueError(f"region must be 6 ASCII digits, got {region!r}")
    if not 0 <= seq < 500:
        raise ValueError(f"seq must be in 0..499, got {seq}")
    first17 = f"{region}{birth.year:04d}{birth.month:02d}{birth.day:02d}{2 * seq + int(male):03d}"
    return first17 + citizen_id_check_char(first17)
