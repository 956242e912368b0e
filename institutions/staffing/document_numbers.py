"""Document numbers (文号): validate one and write it the standard way.

GB/T 9704-2012 (党政机关公文格式) writes a document number as the issuer's abbreviation
(发文机关代字), the full year in hexagonal brackets 〔〕, the serial number without "第"
and without leading zeros, and 号: 武编发〔2026〕12号. People type it with whatever brackets
their input method gives ([] () （） 【】), with spaces, full-width digits, "第012号", or
without the final 号; all of that is folded to the standard form. Anything that does not
have an issuer in Chinese characters, a plausible year and a positive serial number is
refused with a message saying which part is wrong, with an example.

Pure functions over plain strings: no Flask, no database.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from core.i18n import Msg, msg
from core.ids import china_today

__all__ = [
    "EXAMPLE",
    "FIRST_YEAR",
    "MAX_LENGTH",
    "DocumentNumber",
    "DocumentNumberError",
    "check_document_number",
    "clean_document_number",
    "parse_document_number",
]

#: shown in every message, so the reader sees the expected shape
EXAMPLE = "武编发〔2026〕12号"
#: the column length of every 文号 in the database
MAX_LENGTH = 64
#: no document of the People's Republic is older
FIRST_YEAR = 1949
#: a serial number this long is a typo (offices number a few thousand a year at most)
MAX_SERIAL_DIGITS = 6

OPEN, CLOSE = "〔", "〕"
# After NFKC: （ → (, ［ → [, ﹝ → 〔; 【】 and 〖〗 are left alone, so they are listed too.
_BRACKETS = str.maketrans({"[": OPEN, "(": OPEN, "【": OPEN, "〖": OPEN,
                           "]": CLOSE, ")": CLOSE, "】": CLOSE, "〗": CLOSE})  # fmt: skip
_SPACE = re.compile(r"\s+")
# CJK unified ideographs, extension A and the compatibility block.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_ISSUER = re.compile(f"[{_HAN}]+")
_DIGITS = re.compile(r"[0-9]+")
_BARE_YEAR = re.compile(r"(?<![0-9])(19|20)[0-9]{2}(?![0-9])")


@dataclass(frozen=True, slots=True)
class DocumentNumber:
    """A valid 文号 in its parts; ``str()`` writes it the standard way."""

    issuer: str
    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.issuer}{OPEN}{self.year}{CLOSE}{self.number}号"


class DocumentNumberError(ValueError):
    """An invalid 文号; ``message`` says which part is wrong."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message)
        self.message = message


def clean_document_number(text: str) -> str:
    """Return ``text`` with full-width forms folded, spaces removed and brackets made 〔〕.

    Only the mechanical part: the result is not checked (see ``parse_document_number``).
    """
    folded = unicodedata.normalize("NFKC", text or "")
    return _SPACE.sub("", folded).translate(_BRACKETS)


def parse_document_number(text: str, *, today: date | None = None) -> DocumentNumber:
    """Return the parts of a 文号, or raise DocumentNumberError saying what is wrong.

    The year must lie between 1949 and the current year (``today``, China's date by default).
    """
    cleaned = clean_document_number(text)
    if not cleaned:
        raise DocumentNumberError(msg("请填写文号，如：%(example)s", example=EXAMPLE))
    if len(cleaned) > MAX_LENGTH:
        raise DocumentNumberError(msg("文号不能超过 %(max)d 个字", max=MAX_LENGTH))
    opening, closing = cleaned.find(OPEN), cleaned.find(CLOSE)
    if opening < 0 or closing < opening:
        if _BARE_YEAR.search(cleaned):
            raise DocumentNumberError(
                msg("文号的年份应放在六角括号〔〕中，如：%(example)s", example=EXAMPLE)
            )
        raise DocumentNumberError(
            msg(
                "不是有效的文号：应由发文机关代字、〔年份〕、发文顺序号和「号」组成，"
                "如：%(example)s",
                example=EXAMPLE,
            )
        )
    issuer, year_text, rest = (
        cleaned[:opening],
        cleaned[opening + 1 : closing],
        cleaned[closing + 1 :],
    )
    if not _ISSUER.fullmatch(issuer):
        raise DocumentNumberError(
            msg("文号应以发文机关代字（汉字）开头，如：%(example)s", example=EXAMPLE)
        )
    if not (_DIGITS.fullmatch(year_text) and len(year_text) == 4):
        raise DocumentNumberError(
            msg("文号〔〕中应为 4 位数字的年份，如：%(example)s", example=EXAMPLE)
        )
    year = int(year_text)
    last_year = (today or china_today()).year
    if not FIRST_YEAR <= year <= last_year:
        raise DocumentNumberError(
            msg(
                "文号的年份 %(year)d 不合理，应在 %(first)d 至 %(last)d 年之间",
                year=year,
                first=FIRST_YEAR,
                last=last_year,
            )
        )
    serial = rest.removeprefix("第").removesuffix("号")
    if not (
        _DIGITS.fullmatch(serial)
        and int(serial) > 0
        and len(serial.lstrip("0")) <= MAX_SERIAL_DIGITS
    ):
        raise DocumentNumberError(
            msg(
                "文号〔〕后应为发文顺序号（正整数）和「号」，如：%(example)s",
                example=EXAMPLE,
            )
        )
    number = DocumentNumber(issuer=issuer, year=year, number=int(serial))
    if len(str(number)) > MAX_LENGTH:  # "号" added to a 64-character text
        raise DocumentNumberError(msg("文号不能超过 %(max)d 个字", max=MAX_LENGTH))
    return number


def check_document_number(text: str, *, today: date | None = None) -> str | Msg:
    """Return the 文号 written the standard way, or a message saying what is wrong with it."""
    try:
        return str(parse_document_number(text, today=today))
    except DocumentNumberError as error:
        return error.message
