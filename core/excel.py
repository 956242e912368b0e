"""Read, validate and write Excel (.xlsx) workbooks described by a column spec.

Pure module, no Flask. Every import reads through ``read_workbook`` (python-calamine, one
pass that converts and validates every cell and collects every error with its Excel row
and header), after ``check_extent`` has bounded the sheet's rows and columns from the file
itself, so no reader is handed a sheet claiming billions of cells; every export writes through ``write_workbook`` (XlsxWriter, constant memory,
formula-like text escaped); every import offers a ``write_template``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import math
import os
import re
import unicodedata
import xml.parsers.expat
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from operator import call, itemgetter
from typing import Any, BinaryIO, Literal

import xlsxwriter
from python_calamine import CalamineWorkbook

from core.i18n import N_, Msg, msg
from core.money import MoneyError, parse_money_strict

__all__ = [
    "COLUMN_TYPES",
    "CellError",
    "Column",
    "MoneyError",
    "ReadResult",
    "Spec",
    "ExtentError",
    "check_extent",
    "escape_formula",
    "extent_bounds",
    "make_converter",
    "read_workbook",
    "validate_table",
    "workbook_bytes",
    "write_template",
    "write_workbook",
    "write_workbook_to",
]

ColumnType = Literal["text", "code", "int", "money", "decimal", "date", "choice"]
COLUMN_TYPES: tuple[str, ...] = ("text", "code", "int", "money", "decimal", "date", "choice")

MAX_ROWS = 200_000
MAX_ERRORS = 1000
TEMPLATE_ROWS = 10_000  # data validations and formats in templates cover rows 2..10001
EXCEL_MAX_ROWS = 1_048_576
# A real 200,000-row workbook unpacks to a few hundred MiB; more is a zip bomb.
MAX_UNCOMPRESSED_BYTES = 1 << 30

REQUIRED_MESSAGE = msg("必填，不能为空")
LOST_PRECISION_MESSAGE = msg("数字超过 15 位，Excel 已丢失精度，请将该列设为文本格式后重新填写")
NOT_XLSX_MESSAGE = msg("不是有效的 Excel（.xlsx）文件")
SAVE_AS_XLSX_MESSAGE = msg(
    "不支持旧版 Excel（.xls）或其他格式的文件，请在 Excel 中另存为 .xlsx 后重新上传"
)
EMPTY_SHEET_MESSAGE = msg("工作表为空")

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
_ZIP_MAGIC = b"PK\x03\x04"

_TYPE_LABELS = {
    "text": "文本",
    "code": "文本（保留开头的 0）",
    "int": "整数",
    "money": "金额（最多两位小数）",
    "decimal": "数字",
    "date": "日期（YYYY-MM-DD）",
    "choice": "下拉选择",
}

# Excel keeps 15 significant digits; any whole number from 10**15 up may have lost some.
_PRECISE_LIMIT = 1e15
_EXCEL_EPOCH = dt.date(1899, 12, 30)

_INT_TEXT = re.compile(r"[+-]?[0-9]+(?:\.0*)?", re.ASCII)
_DECIMAL_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)
_DATE_TEXT = re.compile(
    r"(?P<y>[0-9]{4})(?:[-/.](?P<m>[0-9]{1,2})[-/.](?P<d>[0-9]{1,2})"
    r"|年(?P<m2>[0-9]{1,2})月(?P<d2>[0-9]{1,2})日?"
    r"|(?P<m3>[0-9]{2})(?P<d3>[0-9]{2}))"
    r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?",
    re.ASCII,
)
# A number Excel turned into scientific notation, then saved as text: "1.10105E+17".
_SCIENTIFIC_TEXT = re.compile(r"[+-]?[0-9](?:\.[0-9]+)?[eE]\+?[0-9]+", re.ASCII)
# Text our own exports escaped with a leading apostrophe (see escape_formula).
_ESCAPED_TEXT = re.compile(r"'+[=+\-@\t\r]")
_FORMULA_TRIGGERS = frozenset("=+-@\t\r'")
_FORMULA_TEXT = re.compile(r"'*[=+\-@\t\r]")


# --------------------------------------------------------------------------- spec


@dataclass(frozen=True)
class Column:
    """Describe one spreadsheet column: its header, dict key, type and checks."""

    header: str
    field: str
    type: ColumnType = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    #: Called on the converted, non-blank value; returns the normalized value (None keeps
    #: the value as is) or raises ValueError whose str() is the reason shown to the user.
    validate: Callable[[Any], Any] | None = None
    width: int | None = None
    help: str = ""
    min: int | Decimal | None = None
    max: int | Decimal | None = None
    #: Number format for exports, overriding the type's default (e.g. "0.00%" for rates).
    num_format: str | None = None

    def __post_init__(self) -> None:
        """Check the column definition and freeze choices into a tuple."""
        if self.type not in COLUMN_TYPES:
            raise ValueError(f"unknown column type {self.type!r} for {self.header!r}")
        if not self.field or self.field.startswith("_"):
            raise ValueError(
                f"invalid field name {self.field!r} (names starting with _ are reserved)"
            )
        if not _header_key(self.header):
            raise ValueError("column header must not be blank")
        object.__setattr__(self, "choices", tuple(str(c) for c in self.choices))
        if self.type == "choice" and not self.choices:
            raise ValueError(f"choice column {self.header!r} needs choices")

    @property
    def type_label(self) -> str:
        """Return the Chinese description of the expected content."""
        label = _TYPE_LABELS[self.type]
        if self.min is not None and self.max is not None:
            label += f"，{_show_number(self.min)}–{_show_number(self.max)}"
        elif self.min is not None:
            label += f"，不小于 {_show_number(self.min)}"
        elif self.max is not None:
            label += f"，不大于 {_show_number(self.max)}"
        return label


@dataclass(frozen=True)
class Spec:
    """Describe one sheet: its columns in template order, sheet name and title."""

    columns: tuple[Column, ...]
    sheet_name: str = "Sheet1"
    title: str = ""

    def __post_init__(self) -> None:
        """Check that headers and fields are unique."""
        object.__setattr__(self, "columns", tuple(self.columns))
        if not self.columns:
            raise ValueError("a spec needs at least one column")
        keys = [_header_key(c.header) for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError("duplicate column headers in spec")
        fields = [c.field for c in self.columns]
        if len(set(fields)) != len(fields):
            raise ValueError("duplicate column fields in spec")

    @cached_property
    def by_header(self) -> dict[str, Column]:
        """Return the columns keyed by normalized header."""
        return {_header_key(c.header): c for c in self.columns}


# --------------------------------------------------------------------------- results


#: Where an error about the header row is located (``CellError.location``).
HEADER = N_("表头")


def header_label(header: str) -> Msg:
    """Return a column header as a message: translated in the reader's language.

    The workbook's headers are Chinese whatever the reader's language (``make messages``
    extracts every ``Column("…")`` header); a header without a translation shows as is.
    """
    return Msg(header)


def reason_of(error: BaseException) -> Msg | str:
    """Return the reason a converter or validator gave (a message, or older plain text)."""
    reason = error.args[0] if error.args else None
    if isinstance(reason, Msg):
        return reason
    return str(reason) if reason else msg("格式不正确")


@dataclass(frozen=True)
class CellError:
    """One problem found in a workbook, located by Excel row number and header.

    ``message`` is the reason (a :class:`~core.i18n.Msg`, translated where it is shown);
    ``column`` the header as the spec spells it. Shown as "第 12 行「身份证号」：校验位错误",
    in English "Row 12, column ID number: check digit is wrong".
    """

    row: int | None
    column: str | None
    message: Msg | str
    #: Overrides the location prefix derived from row and column ("" for none).
    location: Msg | str | None = None

    def as_msg(self) -> Msg:
        """Return the located message, to translate where it is shown."""
        reason = self.message
        if self.location is not None:
            if not self.location:
                return reason if isinstance(reason, Msg) else Msg("%(reason)s", {"reason": reason})
            where = self.location if isinstance(self.location, Msg) else Msg(self.location)
            return msg("%(where)s：%(reason)s", where=where, reason=reason)
        if self.row is None:
            if self.column is not None:
                return msg("表头：%(reason)s", reason=reason)
            return msg("文件：%(reason)s", reason=reason)
        if self.column is None:
            return msg("第 %(row)d 行：%(reason)s", row=self.row, reason=reason)
        return msg(
            "第 %(row)d 行「%(column)s」：%(reason)s",
            row=self.row,
            column=header_label(self.column),
            reason=reason,
        )

    def __str__(self) -> str:
        """Return the message as shown to users, in the current language."""
        return self.as_msg().render()

    def __html__(self) -> str:
        """Return the message for a page, its parameters escaped."""
        return self.as_msg().__html__()


@dataclass
class ReadResult:
    """Rows that converted cleanly (field -> value, plus "_row") and every error found."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    #: rows with a cell that did not convert: that field None, the fields in "_invalid";
    #: for checks of the other columns, so that a row's every error shows in one pass
    partial: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return whether the workbook had no errors at all."""
        return not self.errors

    @property
    def messages(self) -> list[str]:
        """Return the errors as user-facing strings."""
        return [str(e) for e in self.errors]


class _Errors:
    """Collect errors up to a cap, counting the rest."""

    def __init__(self, cap: int) -> None:
        self.items: list[CellError] = []
        self.total = 0
        self.cap = cap

    def add(
        self,
        row: int | None,
        column: str | None,
        message: Msg | str,
        location: Msg | str | None = None,
    ) -> None:
        self.total += 1
        if len(self.items) < self.cap:
            self.items.append(CellError(row, column, message, location))

    def finish(self) -> list[CellError]:
        if self.total > len(self.items):
            more = self.total - len(self.items)
            self.items.append(
                CellError(None, None, msg("还有 %(n)d 个错误未列出", n=more), location="")
            )
        return self.items


def _file_error(message: Msg | str) -> ReadResult:
    return ReadResult([], [CellError(None, None, message)])


# --------------------------------------------------------------------------- helpers


def _header_key(text: str) -> str:
    """Return a header normalized for matching: NFKC, no whitespace, no "*" marks."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(text.split()).strip("*")


def _show_number(value: Any) -> str:
    if isinstance(value, float):
        return format(value, ".15g")
    return str(value)


def _show(value: Any) -> str:
    """Return a raw cell value as the user would recognize it in a message."""
    if isinstance(value, float):
        text = format(value, ".15g")
    elif isinstance(value, dt.datetime):
        text = value.isoformat(sep=" ")
    elif isinstance(value, dt.date | dt.time):
        text = value.isoformat()
    else:
        text = str(value).strip()
    return text if len(text) <= 40 else text[:40] + "…"


def _unescape(raw: str, stripped: str) -> str:
    """Return stripped text with escape_formula undone: "'=SUM(A1)" -> "=SUM(A1)".

    The escape is recognized on the raw cell (as written), so any text our exports write
    reads back as the same text, stripped.
    """
    if _ESCAPED_TEXT.match(raw):
        return raw[1:].strip()
    return stripped


def _cell_text(value: Any) -> str:
    """Return a non-string cell as text; raise ValueError for numbers that lost digits."""
    cls = value.__class__
    if cls is float:
        if value.is_integer():
            if -_PRECISE_LIMIT < value < _PRECISE_LIMIT:
                return str(int(value))
            raise ValueError(LOST_PRECISION_MESSAGE)
        return format(value, ".15g")
    if cls is int:
        if -(10**15) < value < 10**15:
            return str(value)
        raise ValueError(LOST_PRECISION_MESSAGE)
    if cls is bool:
        return "TRUE" if value else "FALSE"
    if cls is dt.datetime:
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if value is None:
        return ""
    return str(value).strip()


def _is_blank_row(raw: Sequence[Any]) -> bool:
    # A plain loop: all() over a generator costs more, and this runs once per row.
    for value in raw:  # noqa: SIM110
        if value.__class__ is not str or value.strip():
            return False
    return True


def _is_blank_cell(value: Any) -> bool:
    return value is None or (value.__class__ is str and not value.strip())


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --------------------------------------------------------------------------- converters
# One closure per column turns a raw calamine value ("" for blank, float for numbers,
# date/datetime for date cells, str, bool) into the field value or raises ValueError with
# the reason. They are the hot loop of every import: keep the common path short.

Converter = Callable[[Any], Any]


def _blank(required: bool) -> None:
    if required:
        raise ValueError(REQUIRED_MESSAGE)


def _check_range(column: Column) -> Callable[[Any], Any] | None:
    low, high = column.min, column.max
    if low is None and high is None:
        return None

    def check(value: Any) -> Any:
        if low is not None and value < low:
            raise ValueError(
                msg("「%(v)s」不能小于 %(low)s", v=_show_number(value), low=_show_number(low))
            )
        if high is not None and value > high:
            raise ValueError(
                msg("「%(v)s」不能大于 %(high)s", v=_show_number(value), high=_show_number(high))
            )
        return value

    return check


def _text_converter(column: Column) -> Converter:
    required = column.required

    def convert(value: Any) -> str | None:
        if value.__class__ is str:
            s = value.strip()
            if s and s[0] == "'":
                s = _unescape(value, s)  # may leave "" from "'\t"
            return s if s else _blank(required)
        s = _cell_text(value)
        return s if s else _blank(required)

    return convert


def _code_converter(column: Column) -> Converter:
    required = column.required

    def convert(value: Any) -> str | None:
        if value.__class__ is str:
            s = value.strip()
            if s and s[0] == "'":
                s = _unescape(value, s)
            if not s:
                return _blank(required)
            if not s.isascii():
                s = unicodedata.normalize("NFKC", s)  # full-width digits and letters
            elif ("E" in s or "e" in s) and _SCIENTIFIC_TEXT.fullmatch(s):
                raise ValueError(LOST_PRECISION_MESSAGE)
            return s
        if value.__class__ is float:
            if not value.is_integer():
                raise ValueError(msg("「%(v)s」应为文本格式的代码，不能是小数", v=_show(value)))
            return _cell_text(value)
        if value.__class__ is int:
            return _cell_text(value)
        raise ValueError(msg("「%(v)s」应为文本格式的代码", v=_show(value)))

    return convert


def _int_converter(column: Column) -> Converter:
    required = column.required

    def convert(value: Any) -> int | None:
        cls = value.__class__
        if cls is float:
            if value.is_integer():
                if -_PRECISE_LIMIT < value < _PRECISE_LIMIT:
                    return int(value)
                raise ValueError(LOST_PRECISION_MESSAGE)
            raise ValueError(msg("「%(v)s」不是整数", v=_show(value)))
        if cls is str:
            s = value.strip()
            if not s:
                return _blank(required)
            if not s.isascii():
                s = unicodedata.normalize("NFKC", s)
            if _INT_TEXT.fullmatch(s):
                return int(s.partition(".")[0])
            raise ValueError(msg("「%(v)s」不是整数", v=_show(s)))
        if cls is int:
            return value
        raise ValueError(msg("「%(v)s」不是整数", v=_show(value)))

    return convert


def _money_converter(column: Column) -> Converter:
    required = column.required

    def convert(value: Any) -> Decimal | None:
        cls = value.__class__
        if cls is str:
            if not value.strip():
                return _blank(required)
            return parse_money_strict(value)
        if cls is float or cls is int:
            return parse_money_strict(value)
        raise ValueError(msg("「%(v)s」不是有效金额", v=_show(value)))

    return convert


def _decimal_from_text(text: str) -> Decimal:
    s = text
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s)
    percent = s.endswith("%")
    if percent:
        s = s[:-1].rstrip()
    s = s.replace(",", "") if "," in s else s
    if not _DECIMAL_TEXT.fullmatch(s):
        raise ValueError(msg("「%(v)s」不是有效数字", v=_show(text)))
    number = Decimal(s)
    return number / 100 if percent else number


def _decimal_converter(column: Column) -> Converter:
    required = column.required

    def convert(value: Any) -> Decimal | None:
        cls = value.__class__
        if cls is float:
            if not math.isfinite(value):
                raise ValueError(msg("「%(v)s」不是有效数字", v=_show(value)))
            # Excel keeps 15 significant digits: 0.1+0.2 is read as 0.3, as the user saw it.
            return Decimal(format(value, ".15g"))
        if cls is str:
            s = value.strip()
            if not s:
                return _blank(required)
            return _decimal_from_text(s)
        if cls is int:
            return Decimal(value)
        raise ValueError(msg("「%(v)s」不是有效数字", v=_show(value)))

    return convert


def _date_from_text(text: str) -> dt.date:
    s = text if text.isascii() else unicodedata.normalize("NFKC", text)
    match = _DATE_TEXT.fullmatch(s)
    if match:
        year = int(match["y"])
        month = int(match["m"] or match["m2"] or match["m3"])
        day = int(match["d"] or match["d2"] or match["d3"])
        try:
            return dt.date(year, month, day)
        except ValueError:
            pass
    raise ValueError(msg("「%(v)s」不是有效日期，应为 YYYY-MM-DD", v=_show(text)))


def _date_converter(column: Column) -> Converter:
    required = column.required

    def convert(value: Any) -> dt.date | None:
        cls = value.__class__
        if cls is dt.date:
            return value
        if cls is dt.datetime:
            return value.date()
        if cls is str:
            s = value.strip()
            if not s:
                return _blank(required)
            return _date_from_text(s)
        if cls is float and value.is_integer() and 19000101 <= value <= 29991231:
            return _date_from_text(str(int(value)))  # 20260105 typed as a number
        raise ValueError(msg("「%(v)s」不是有效日期，应为 YYYY-MM-DD", v=_show(value)))

    return convert


def _choice_converter(column: Column) -> Converter:
    required = column.required
    allowed = frozenset(column.choices)
    # Tolerate full-width characters and stray spaces: "专业 技术" -> "专业技术".
    loose = {_header_key(c): c for c in column.choices}
    listed = "、".join(column.choices[:20])
    many = len(column.choices) > 20

    def convert(value: Any) -> str | None:
        is_str = value.__class__ is str
        s = value.strip() if is_str else _cell_text(value)
        if s in allowed:
            return s
        if not s:
            return _blank(required)
        if is_str and s[0] == "'":
            s = _unescape(value, s)
            if s in allowed:
                return s
            if not s:
                return _blank(required)
        found = loose.get(_header_key(s))
        if found is not None:
            return found
        if many:
            raise ValueError(
                msg(
                    "「%(v)s」不在可选值中（可选：%(choices)s 等 %(n)d 项）",
                    v=_show(s),
                    choices=listed,
                    n=len(column.choices),
                )
            )
        raise ValueError(
            msg("「%(v)s」不在可选值中（可选：%(choices)s）", v=_show(s), choices=listed)
        )

    return convert


_CONVERTER_FACTORIES: dict[str, Callable[[Column], Converter]] = {
    "text": _text_converter,
    "code": _code_converter,
    "int": _int_converter,
    "money": _money_converter,
    "decimal": _decimal_converter,
    "date": _date_converter,
    "choice": _choice_converter,
}


def make_converter(column: Column) -> Converter:
    """Return the function turning a raw cell into the column's value or raising ValueError."""
    base = _CONVERTER_FACTORIES[column.type](column)
    checks = [c for c in (_check_range(column), column.validate) if c is not None]
    if not checks:
        return base

    def convert(value: Any) -> Any:
        result = base(value)
        if result is None:
            return None
        for check in checks:
            checked = check(result)
            if checked is not None:
                result = checked
        return result

    return convert


# --------------------------------------------------------------------------- extent
# A reader builds a dense range from the top-left to the bottom-right cell it finds, so a
# 2 KB file holding one cell at XFD1048576 asks for 17 billion cells. Before any reader
# gets a sheet, its extent is bounded from the file itself: the <dimension> it declares and,
# since that can lie, every cell and row reference actually present. The scan streams the
# decompressed XML in chunks and keeps nothing in proportion to the sheet's claimed size.

#: Rows a sheet may hold beyond the import's data rows: the header, title rows above it,
#: blank rows between the data.
EXTENT_ROW_SLACK = 1000
#: Columns a sheet may hold beyond the spec's: leading blank columns, trailing styled ones.
EXTENT_COL_SLACK = 20
EXTENT_MESSAGE = N_(
    "工作表数据范围过大：最远单元格 %(cell)s，本导入最多 %(rows)d 行、%(cols)d 列"
    "（到 %(last)s 列）。请删除表格外多余的行和列（或拆分文件）后重新上传"
)
_CHUNK = 1 << 20
#: Longest start tag carried from one chunk to the next; real ones are under 1 KB.
_MAX_TAG = 1 << 16
_DIMENSION = re.compile(
    rb"<(?:[A-Za-z_][\w.\-]*:)?dimension\s[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']"
)
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.\-]*:c[\s/>]")
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS = "0123456789"


class ExtentError(ValueError):
    """A sheet reaching beyond the rows and columns an import may read."""

    def __init__(self, cell: str) -> None:
        super().__init__(cell)
        self.cell = cell


def _at_most(bound: str, alphabet: str) -> bytes:
    """Return a regex matching the strings of ``alphabet`` that are at most ``bound`` as
    numbers or column letters (shorter, or as long and not after it), no leading zero."""
    low, high = alphabet[0], alphabet[-1]
    first = alphabet[1] if low == "0" else low
    options = []
    if len(bound) > 1:
        options.append(f"[{first}-{high}][{low}-{high}]{{0,{len(bound) - 2}}}")
    for index, char in enumerate(bound):
        floor = first if index == 0 else low
        if char == floor:
            continue
        before = alphabet[alphabet.index(char) - 1]
        rest = len(bound) - index - 1
        options.append(f"{bound[:index]}[{floor}-{before}][{low}-{high}]{{{rest}}}")
    options.append(bound)
    return ("(?:" + "|".join(options) + ")").encode()


def _column_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def _outside_pattern(rows: int, cols: int) -> re.Pattern[bytes]:
    """Return a regex finding a ``<c>`` tag not written ``<c r="A1"`` with a reference
    within rows and cols: one past them, or one this quick check does not read."""
    within = _at_most(_column_letter(cols - 1), _LETTERS) + _at_most(str(rows), _DIGITS)
    return re.compile(rb'<c(?=[\s/>])(?! r="' + within + rb'")')


def _xml_parser() -> Any:
    """Return an expat parser that refuses DTDs (and so every entity declaration)."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")

    def refuse(*_args: Any) -> None:
        raise ValueError("DTD in a workbook part")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser


def _local(tag: str) -> str:
    """Return an element's name without its namespace (as readers match them)."""
    return tag.rpartition(" ")[2]


def _parse_part(package: zipfile.ZipFile, name: str, parser: Any) -> None:
    with package.open(name) as stream:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


def _sheet_parts(package: zipfile.ZipFile) -> list[tuple[str, str]]:
    """Return (sheet name, part name) in workbook order, as readers list the sheets."""
    targets: dict[str, str] = {}
    sheets: list[tuple[str, str]] = []

    rels = _xml_parser()

    def relationship(tag: str, attrs: dict[str, str]) -> None:
        if _local(tag) == "Relationship" and "Id" in attrs:
            targets[attrs["Id"]] = attrs.get("Target", "")

    rels.StartElementHandler = relationship
    _parse_part(package, "xl/_rels/workbook.xml.rels", rels)

    book = _xml_parser()

    def sheet(tag: str, attrs: dict[str, str]) -> None:
        if _local(tag) == "sheet":
            rel = next((v for k, v in attrs.items() if k.endswith(" id")), "")
            target = targets.get(rel, "")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            sheets.append((attrs.get("name", ""), os.path.normpath(part).replace(os.sep, "/")))

    book.StartElementHandler = sheet
    _parse_part(package, "xl/workbook.xml", book)
    return sheets


def _check_part_extent(package: zipfile.ZipFile, part: str, rows: int, cols: int) -> None:
    """Raise ExtentError if the sheet part declares or holds a cell past rows or cols.

    The quick path is one regex search per chunk, no Python work per cell: when every cell
    is written ``<c r="A1"`` (as Excel, LibreOffice and the Python writers do) and every such
    reference is within the bounds, nothing is out of them. Anything else (a cell without a
    reference, a namespace prefix, a reference past the bounds) is settled by walking every
    row and cell of the part.
    """
    outside = _outside_pattern(rows, cols)
    carry = b""
    looking = True  # for <dimension>, which comes before <sheetData>
    with package.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            text = carry + chunk
            cut = text.rfind(b"<")
            if cut == -1 or text.find(b">", cut) != -1:
                carry = b""
            else:  # a tag runs into the next chunk: scan it there, whole
                carry, text = text[cut:], text[:cut]
                if len(carry) > _MAX_TAG:
                    break
            if looking:
                declared = _DIMENSION.search(text)
                if declared:
                    _check_dimension(declared.group(1).decode("ascii", "replace"), rows, cols)
                looking = not declared and b"sheetData" not in text
            if outside.search(text) or (b":c" in text and _PREFIXED_CELL.search(text)):
                break
        else:
            return
    _count_extent(package, part, rows, cols)


def _check_dimension(ref: str, rows: int, cols: int) -> None:
    for cell in ref.split(":"):
        match = _REF.fullmatch(cell.strip())
        if match and (int(match.group(2)) > rows or _column_number(match.group(1)) > cols):
            raise ExtentError(cell.strip().replace("$", "").upper())


def _count_extent(package: zipfile.ZipFile, part: str, rows: int, cols: int) -> None:
    """Walk every <row> and <c> as a reader does, positions following on where r is
    missing; raise ExtentError at the first one past the bounds."""
    parser = _xml_parser()
    state = {"row": 0, "col": 0}  # 1-based position of the last row and cell seen

    def start(tag: str, attrs: dict[str, str]) -> None:
        tag = _local(tag)
        if tag == "dimension":
            _check_dimension(attrs.get("ref") or "", rows, cols)
        elif tag == "row":
            ref = attrs.get("r")
            state["row"] = int(ref) if ref and ref.strip().isdigit() else state["row"] + 1
            state["col"] = 0
        elif tag == "c":
            match = _REF.fullmatch((attrs.get("r") or "").strip())
            if match:
                state["col"] = _column_number(match.group(1))
                row = int(match.group(2))
            else:
                state["col"] += 1
                row = max(state["row"], 1)
            if row > rows or state["col"] > cols:
                raise ExtentError(f"{_column_letter(state['col'] - 1)}{row}")

    parser.StartElementHandler = start
    _parse_part(package, part, parser)


def check_extent(data: bytes, sheet_name: str, rows: int, cols: int) -> None:
    """Raise ExtentError if the sheet a reader would open (``sheet_name``, else the first)
    declares or holds a cell past ``rows`` rows or ``cols`` columns.

    Raise ValueError (or a zip or XML error) for a package too damaged to tell.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = set(package.namelist())
        try:
            sheets = _sheet_parts(package)
        except (KeyError, ValueError, xml.parsers.expat.ExpatError):
            sheets = []
        parts = [part for name, part in sheets if name == sheet_name] or [
            part for _name, part in sheets[:1]
        ]
        if not parts or parts[0] not in names:
            # Cannot tell which sheet will be read: bound every worksheet in the package.
            parts = sorted(
                n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")
            )
        for part in parts:
            _check_part_extent(package, part, rows, cols)


def _extent_error(spec: Spec, max_rows: int, cell: str) -> ReadResult:
    rows, cols = extent_bounds(spec, max_rows)
    message = msg(EXTENT_MESSAGE, cell=cell, rows=rows, cols=cols, last=_column_letter(cols - 1))
    return ReadResult([], [CellError(None, None, message, location="")])


def extent_bounds(spec: Spec, max_rows: int) -> tuple[int, int]:
    """Return the rows and columns a sheet read against ``spec`` may reach."""
    rows = min(max_rows + EXTENT_ROW_SLACK, EXCEL_MAX_ROWS)
    cols = min(len(spec.columns) + EXTENT_COL_SLACK, 16384)
    return rows, cols


# --------------------------------------------------------------------------- reading


def _load_bytes(source: bytes | bytearray | memoryview | BinaryIO | str | os.PathLike) -> bytes:
    """Return the file content; raise OSError or TypeError when it cannot be had."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as fh:
            return fh.read()
    data = source.read()
    if not isinstance(data, bytes | bytearray):
        raise TypeError("file-like source must be opened in binary mode")
    return bytes(data)


def _sniff(data: bytes) -> Msg | None:
    """Return a file-level error message if data is not a readable .xlsx package."""
    if data.startswith(_OLE2_MAGIC):
        return SAVE_AS_XLSX_MESSAGE
    if not data.startswith(_ZIP_MAGIC):
        return NOT_XLSX_MESSAGE
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return NOT_XLSX_MESSAGE
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        # .xlsb, .ods, .docx and friends are zips too.
        if "xl/workbook.bin" in names or "content.xml" in names:
            return SAVE_AS_XLSX_MESSAGE
        return NOT_XLSX_MESSAGE
    if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
        return msg("文件过大，请拆分后分批导入")
    return None


def read_workbook(
    source: bytes | BinaryIO | str | os.PathLike,
    spec: Spec,
    max_rows: int = MAX_ROWS,
    *,
    max_errors: int = MAX_ERRORS,
) -> ReadResult:
    """Read the spec's sheet (or the first sheet) of an .xlsx and validate every cell.

    Never raises on bad input: unreadable files, header problems and cell problems all come
    back as ``ReadResult.errors``. Rows in ``ReadResult.rows`` are only those that converted
    without error; blank cells are None, missing optional columns are None.
    """
    try:
        data = _load_bytes(source)
    except (OSError, TypeError):
        return _file_error(msg("无法读取上传的文件"))
    problem = _sniff(data)
    if problem:
        return _file_error(problem)
    try:
        check_extent(data, spec.sheet_name, *extent_bounds(spec, max_rows))
    except ExtentError as exc:
        return _extent_error(spec, max_rows, exc.cell)
    except Exception:
        return _file_error(msg("文件已损坏，无法读取"))
    # calamine raises assorted errors (zip, XML, encoding, its own) on damaged packages;
    # whatever it is, the user's answer is the same.
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:
        return _file_error(msg("文件已损坏，无法读取"))
    try:
        names = workbook.sheet_names
        if not names:
            return _file_error(EMPTY_SHEET_MESSAGE)
        sheet = workbook.get_sheet_by_name(
            spec.sheet_name if spec.sheet_name in names else names[0]
        )
        start = sheet.start
        if start is None:
            return _file_error(EMPTY_SHEET_MESSAGE)
        table = sheet.to_python()
    except Exception:
        return _file_error(msg("文件已损坏，无法读取"))
    finally:
        workbook.close()
    del data
    return validate_table(
        table,
        spec,
        first_row=start[0] + 1,
        first_col=start[1],
        max_rows=max_rows,
        max_errors=max_errors,
    )


def _find_header(table: Sequence[Sequence[Any]], spec: Spec) -> int | None:
    """Return the index of the header row: the first non-blank row, skipping title rows.

    A title such as "2026 年人员花名册" above the header is skipped when a later row among
    the first 20 holds a known header; otherwise the first non-blank row is the header.
    """
    first = None
    for index, raw in enumerate(table):
        if _is_blank_row(raw):
            continue
        if first is None:
            first = index
        if index >= 20:
            break
        if any(value.__class__ is str and _header_key(value) in spec.by_header for value in raw):
            return index
    return first


def validate_table(
    table: Sequence[Sequence[Any]],
    spec: Spec,
    *,
    first_row: int = 1,
    first_col: int = 0,
    max_rows: int = MAX_ROWS,
    max_errors: int = MAX_ERRORS,
) -> ReadResult:
    """Validate raw cell rows (calamine values) whose top-left cell is (first_row, first_col).

    first_row is the 1-based Excel row number of table[0]; first_col the 0-based column.
    Blank cells are "" (as calamine gives them); numbers are float or int.
    """
    header_index = _find_header(table, spec)
    if header_index is None:
        return _file_error(EMPTY_SHEET_MESSAGE)
    header_row = table[header_index]
    data = table[header_index + 1 :]
    first_data_row = first_row + header_index + 1

    if len(data) > max_rows and sum(1 for r in data if not _is_blank_row(r)) > max_rows:
        return _file_error(msg("数据超过 %(n)d 行，请拆分后分批导入", n=max_rows))

    errors = _Errors(max_errors)
    positions: dict[str, int] = {}  # field -> index in the row
    seen: set[str] = set()
    unnamed: list[int] = []
    for index, value in enumerate(header_row):
        shown = value.strip() if value.__class__ is str else _show(value)
        key = _header_key(shown)
        if not key:
            unnamed.append(index)
            continue
        column = spec.by_header.get(key)
        if column is None:
            hint = difflib.get_close_matches(key, list(spec.by_header), n=1, cutoff=0.6)
            if hint:
                reason = msg(
                    "无法识别的列「%(v)s」（是否应为「%(hint)s」？）",
                    v=shown,
                    hint=header_label(spec.by_header[hint[0]].header),
                )
            else:
                reason = msg("无法识别的列「%(v)s」", v=shown)
            errors.add(None, shown, reason)
        elif key in seen:
            errors.add(None, column.header, msg("列「%(v)s」重复", v=header_label(column.header)))
        else:
            seen.add(key)
            positions[column.field] = index
    for column in spec.columns:
        if column.required and column.field not in positions:
            errors.add(
                None, column.header, msg("缺少必填列「%(v)s」", v=header_label(column.header))
            )
    for index in unnamed:
        if any(not _is_blank_cell(r[index]) for r in data if index < len(r)):
            letter = _column_letter(first_col + index)
            errors.add(None, None, msg("第 %(v)s 列有数据但没有表头", v=letter), location=HEADER)
    if not positions and not errors.total:
        errors.add(None, None, msg("没有可识别的列"), location=HEADER)
    if errors.total:
        # With the header wrong, every cell message would be noise: fix the header first.
        return ReadResult([], errors.finish())

    present = [c for c in spec.columns if c.field in positions]
    present.sort(key=lambda c: positions[c.field])  # errors read left to right
    fields = tuple(c.field for c in present)
    converters = tuple(make_converter(c) for c in present)
    indexes = tuple(positions[c.field] for c in present)
    width = max(indexes) + 1
    plan = tuple(zip(indexes, converters, (c.header for c in present), strict=True))
    missing = {c.field: None for c in spec.columns if c.field not in positions}
    if len(indexes) == 1:
        only = indexes[0]

        def pick(raw: Sequence[Any]) -> tuple[Any, ...]:
            return (raw[only],)
    else:
        pick = itemgetter(*indexes)

    rows: list[dict[str, Any]] = []
    partial: list[dict[str, Any]] = []
    append = rows.append
    for excel_row, raw in enumerate(data, start=first_data_row):
        if _is_blank_row(raw):
            continue
        if len(raw) < width:  # ragged input from validate_table callers; calamine pads
            raw = list(raw) + [""] * (width - len(raw))
        try:
            row = dict(zip(fields, map(call, converters, pick(raw)), strict=True))
        except ValueError:
            # Slow path, rare: find every bad cell in this row, keep what the others hold.
            kept: dict[str, Any] = {}
            invalid = set()
            for name, (index, convert, header) in zip(fields, plan, strict=True):
                try:
                    kept[name] = convert(raw[index])
                except ValueError as exc:
                    errors.add(excel_row, header, reason_of(exc))
                    kept[name] = None
                    invalid.add(name)
            kept["_row"] = excel_row
            kept["_invalid"] = frozenset(invalid)
            if missing:
                kept.update(missing)
            partial.append(kept)
            continue
        row["_row"] = excel_row
        if missing:
            row.update(missing)
        append(row)
    return ReadResult(rows, errors.finish(), partial)


# --------------------------------------------------------------------------- writing


def escape_formula(value: Any) -> Any:
    """Prefix "'" to text that a spreadsheet could take for a formula; leave the rest.

    Text starting with = + - @ tab or CR is escaped, and so is text that already starts
    with apostrophes before one of those, so that reading back (which removes exactly one
    apostrophe) always returns the original text.
    """
    if (
        isinstance(value, str)
        and value
        and value[0] in _FORMULA_TRIGGERS
        and (value[0] != "'" or _FORMULA_TEXT.match(value))
    ):
        return "'" + value
    return value


def _display_width(text: str) -> int:
    """Return the width of text in Excel character units, CJK counting double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_MIN_WIDTHS = {"date": 12, "money": 14, "code": 14, "decimal": 10, "int": 8}


def _column_width(column: Column) -> float:
    if column.width is not None:
        return column.width
    # Room for the autofilter button after the header text.
    return max(_display_width(column.header) + 4, _MIN_WIDTHS.get(column.type, 10))


_HEADER_STYLE = {
    "bold": True,
    "bg_color": "#DDEBF7",
    "border": 1,
    "align": "center",
    "valign": "vcenter",
    "text_wrap": True,
}
_DEFAULT_FORMATS = {"money": "#,##0.00", "date": "yyyy-mm-dd", "int": "0", "code": "@"}


class _Formats:
    """Create the workbook's formats once."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.workbook = workbook
        self.header = workbook.add_format(_HEADER_STYLE)
        self.required_header = workbook.add_format({**_HEADER_STYLE, "font_color": "#C00000"})
        self._cache: dict[tuple[str | None, bool], Any] = {}

    def get(self, num_format: str | None, bold: bool = False) -> Any:
        key = (num_format, bold)
        if key not in self._cache:
            props: dict[str, Any] = {}
            if num_format:
                props["num_format"] = num_format
            if bold:
                props["bold"] = True
            self._cache[key] = self.workbook.add_format(props) if props else None
        return self._cache[key]


Writer = Callable[[int, int, Any], Any]


def _cell_writer(worksheet: Any, column: Column, formats: _Formats, bold: bool = False) -> Writer:
    """Return a function writing one value of column into the worksheet."""
    # The public write_* methods only add A1-notation handling (a decorator run per cell)
    # to these; row and column are always numbers here. XlsxWriter is pinned.
    write_string = getattr(worksheet, "_write_string", worksheet.write_string)
    write_number = getattr(worksheet, "_write_number", worksheet.write_number)
    write_datetime = getattr(worksheet, "_write_datetime", worksheet.write_datetime)
    text_format = formats.get(None, bold)

    triggers = _FORMULA_TRIGGERS

    def write_text(row: int, col: int, value: Any) -> None:
        if value is None:
            return
        if value.__class__ is not str:
            value = str(value)
        if value:
            # write_string never makes a formula; escaping protects later CSV copies.
            if value[0] in triggers:
                value = escape_formula(value)
            write_string(row, col, value, text_format)

    if column.type in ("text", "code", "choice"):
        return write_text

    number_format = formats.get(column.num_format or _DEFAULT_FORMATS.get(column.type), bold)

    if column.type == "date":
        datetime_format = formats.get(column.num_format or "yyyy-mm-dd hh:mm:ss", bold)

        def write_date(row: int, col: int, value: Any) -> None:
            if value is None:
                return
            if isinstance(value, dt.datetime):
                if value.time() == dt.time():
                    write_datetime(row, col, value, number_format)
                else:
                    write_datetime(row, col, value, datetime_format)
            elif isinstance(value, dt.date):
                write_datetime(row, col, value, number_format)
            else:
                write_text(row, col, value)

        return write_date

    def write_num(row: int, col: int, value: Any) -> None:
        if value is None:
            return
        cls = value.__class__
        if (
            cls is Decimal
            or cls is int
            or cls is float
            or (isinstance(value, Decimal | int | float) and cls is not bool)
        ):
            # Excel stores IEEE doubles: converting a Decimal to float here, at the very
            # last step, is exact to the fen for any amount below 10**13.
            write_number(row, col, float(value), number_format)
        else:
            write_text(row, col, value)

    return write_num


def _columns_of(spec_or_columns: Spec | Sequence[Column]) -> tuple[Column, ...]:
    if isinstance(spec_or_columns, Spec):
        return spec_or_columns.columns
    return tuple(spec_or_columns)


def _write_header(
    worksheet: Any, columns: Sequence[Column], formats: _Formats, *, mark: bool
) -> None:
    for index, column in enumerate(columns):
        header_format = formats.required_header if mark and column.required else formats.header
        worksheet.write_string(0, index, column.header, header_format)
    worksheet.set_row(0, 22)
    worksheet.freeze_panes(1, 0)


def write_workbook(
    target: BinaryIO | str | os.PathLike,
    spec_or_columns: Spec | Sequence[Column],
    rows: Iterable[Mapping[str, Any] | Sequence[Any]],
    *,
    sheet_name: str | None = None,
    title: str | None = None,
    totals: Mapping[str, Any] | None = None,
    freeze_columns: int = 0,
) -> int:
    """Write rows (dicts by field, or sequences in column order) as a styled .xlsx export;
    return the number of data rows written.

    Streams with XlsxWriter's constant_memory mode, so rows are written in order and memory
    stays flat for any size. An optional bold totals row (field -> value) ends the sheet.
    The header row is frozen, and the first ``freeze_columns`` columns too (who a row is).
    """
    columns = _columns_of(spec_or_columns)
    spec = spec_or_columns if isinstance(spec_or_columns, Spec) else None
    sheet_name = sheet_name or (spec.sheet_name if spec else "Sheet1")
    title = title if title is not None else (spec.title if spec else "")

    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "remove_timezone": True,
        },
    )
    try:
        if title:
            workbook.set_properties({"title": title})
        worksheet = workbook.add_worksheet(sheet_name)
        formats = _Formats(workbook)
        for index, column in enumerate(columns):
            worksheet.set_column(index, index, _column_width(column))
        _write_header(worksheet, columns, formats, mark=False)
        if freeze_columns:
            worksheet.freeze_panes(1, freeze_columns)
        if title:
            # Print header; Excel caps it at 255 characters.
            worksheet.set_header(f'&C&"-,Bold"{title[:100].replace("&", "&&")}')
        worksheet.repeat_rows(0)
        worksheet.set_landscape()
        worksheet.fit_to_pages(1, 0)

        writers = [_cell_writer(worksheet, c, formats) for c in columns]
        fields = [c.field for c in columns]
        ncols = len(columns)
        plan = tuple(zip(range(ncols), fields, writers, strict=True))
        row_index = 0
        for row in rows:
            row_index += 1
            if row_index >= EXCEL_MAX_ROWS:
                raise ValueError("导出行数超过 Excel 上限（1048576 行）")
            if row.__class__ is dict or isinstance(row, Mapping):
                get = row.get
                for col_index, name, write in plan:
                    value = get(name)
                    if value is not None:
                        write(row_index, col_index, value)
            else:
                for col_index, value in enumerate(row):
                    if col_index < ncols:
                        writers[col_index](row_index, col_index, value)
        last_data_row = row_index
        if totals is not None:
            row_index += 1
            bold_writers = [_cell_writer(worksheet, c, formats, bold=True) for c in columns]
            values = dict(totals)
            if columns and fields[0] not in values:
                values[fields[0]] = "合计"
            for col_index, column in enumerate(columns):
                bold_writers[col_index](row_index, col_index, values.get(column.field))
        worksheet.autofilter(0, 0, last_data_row, max(ncols - 1, 0))
    finally:
        workbook.close()
    return last_data_row


def write_workbook_to(
    path: str | os.PathLike,
    spec_or_columns: Spec | Sequence[Column],
    rows: Iterable[Mapping[str, Any] | Sequence[Any]],
    **kwargs: Any,
) -> int:
    """Write an export row by row to the file at ``path``; return the data rows written.

    The one way exports reach the disk: rows are pulled from the iterable as they are
    written, XlsxWriter keeps one row in memory (constant_memory) and zips straight into
    the file, so neither the rows nor the finished workbook are ever held whole. Keyword
    arguments are those of :func:`write_workbook`.
    """
    return write_workbook(os.fspath(path), spec_or_columns, rows, **kwargs)


def write_template(target: BinaryIO | str | os.PathLike, spec: Spec) -> None:
    """Write the import template: styled headers with notes, dropdowns, formats, help sheet."""
    workbook = xlsxwriter.Workbook(
        target, {"strings_to_numbers": False, "strings_to_formulas": False}
    )
    try:
        if spec.title:
            workbook.set_properties({"title": f"{spec.title}导入模板"})
        worksheet = workbook.add_worksheet(spec.sheet_name)
        guide = workbook.add_worksheet("填写说明")
        formats = _Formats(workbook)
        lists_sheet = None

        for index, column in enumerate(spec.columns):
            num_format = _DEFAULT_FORMATS.get(column.type)
            if column.type in ("text", "choice"):
                num_format = "@"
            worksheet.set_column(index, index, _column_width(column), formats.get(num_format))
        _write_header(worksheet, spec.columns, formats, mark=True)

        for index, column in enumerate(spec.columns):
            note = [f"{'必填' if column.required else '选填'}，{column.type_label}"]
            if column.help:
                note.insert(0, column.help)
            if column.type == "choice":
                note.append("从下拉列表中选择")
            worksheet.write_comment(
                0, index, "\n".join(note), {"x_scale": 1.6, "y_scale": 1.2, "author": "说明"}
            )
            if column.type != "choice":
                continue
            validation: dict[str, Any] = {
                "validate": "list",
                "error_title": "输入有误",
                "error_message": f"「{column.header}」请从下拉列表中选择",
            }
            inline = ",".join(column.choices)
            if len(inline) <= 255 and not any(("," in c or '"' in c) for c in column.choices):
                validation["source"] = list(column.choices)
            else:
                if lists_sheet is None:
                    lists_sheet = workbook.add_worksheet("_lists")
                    lists_sheet.hide()
                for offset, choice in enumerate(column.choices):
                    lists_sheet.write_string(offset, index, choice)
                letter = _column_letter(index)
                validation["source"] = f"=_lists!${letter}$1:${letter}${len(column.choices)}"
            worksheet.data_validation(1, index, TEMPLATE_ROWS, index, validation)
        worksheet.activate()

        _write_guide(guide, spec, formats)
    finally:
        workbook.close()


def _write_guide(sheet: Any, spec: Spec, formats: _Formats) -> None:
    """Fill the "填写说明" sheet: one line per column, then general rules."""
    headers = ("列名", "是否必填", "类型", "可选值", "说明")
    for index, (text, width) in enumerate(zip(headers, (18, 10, 26, 40, 50), strict=True)):
        sheet.set_column(index, index, width)
        sheet.write_string(0, index, text, formats.header)
    wrap = formats.workbook.add_format({"text_wrap": True, "valign": "top"})
    for row, column in enumerate(spec.columns, start=1):
        sheet.write_string(row, 0, column.header, wrap)
        sheet.write_string(row, 1, "必填" if column.required else "选填", wrap)
        sheet.write_string(row, 2, column.type_label, wrap)
        sheet.write_string(row, 3, "、".join(column.choices), wrap)
        sheet.write_string(row, 4, column.help, wrap)
    notes = (
        f"1. 在「{spec.sheet_name}」工作表中从第 2 行开始填写，每行一条；空行会被忽略。",
        "2. 表头文字不要修改，列的顺序可以调整，不要添加其他列；选填的列可以删除。",
        "3. 日期填写为 YYYY-MM-DD（如 2026-01-05），或使用 Excel 日期格式。",
        "4. 金额可以填写数字或文本，最多两位小数。",
        "5. 身份证号、银行账号等代码类列已设为文本格式，请勿改为数字，以免丢失开头的 0 或末尾数字。",
        "6. 文件须保存为 .xlsx 格式；有任何错误时整个文件都不会导入，请按提示修改后重新上传。",
    )
    start = len(spec.columns) + 2
    for offset, text in enumerate(notes):
        sheet.write_string(start + offset, 0, text)
    sheet.freeze_panes(1, 0)


def workbook_bytes(writer_fn: Callable[..., None], *args: Any, **kwargs: Any) -> bytes:
    """Run writer_fn(buffer, *args, **kwargs) and return the workbook as bytes."""
    buffer = io.BytesIO()
    writer_fn(buffer, *args, **kwargs)
    return buffer.getvalue()
