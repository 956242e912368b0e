"""文号: validated and written the standard way (武编发〔2026〕12号), whatever was typed."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.i18n import Msg
from institutions.staffing.document_numbers import (
    EXAMPLE,
    FIRST_YEAR,
    MAX_LENGTH,
    DocumentNumber,
    DocumentNumberError,
    check_document_number,
    clean_document_number,
    parse_document_number,
)

TODAY = date(2026, 11, 27)
PROPERTY = settings(database=None, max_examples=300)


@pytest.mark.parametrize(
    "typed",
    [
        "武编发〔2026〕12号",
        "武编发[2026]12号",
        "武编发(2026)12号",
        "武编发（2026）12号",
        "武编发【2026】12号",
        "武编发［2026］12号",
        "武编发﹝2026﹞12号",
        " 武编发 〔 2026 〕 12 号 ",
        "武编发〔２０２６〕１２号",
        "武编发〔2026〕第12号",
        "武编发〔2026〕012号",
        "武编发〔2026〕12",
        "武编发\u3000[2026]\t第0012号",
    ],
)
def test_variants_are_written_the_standard_way(typed):
    assert check_document_number(typed, today=TODAY) == "武编发〔2026〕12号"
    assert parse_document_number(typed, today=TODAY) == DocumentNumber("武编发", 2026, 12)


def test_other_issuers_and_old_documents_are_accepted():
    assert check_document_number("国人部发〔2006〕56号", today=TODAY) == "国人部发〔2006〕56号"
    assert check_document_number("成华编发(1998)3号", today=TODAY) == "成华编发〔1998〕3号"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "请填写文号"),
        ("   ", "请填写文号"),
        ("abc", "不是有效的文号"),
        ("12号", "不是有效的文号"),
        ("武编发2026年12号", "年份应放在六角括号〔〕中"),
        ("武编发2026-12", "年份应放在六角括号〔〕中"),
        ("〔2026〕12号", "发文机关代字（汉字）开头"),
        ("WBF〔2026〕12号", "发文机关代字（汉字）开头"),
        ("武编发12〔2026〕12号", "发文机关代字（汉字）开头"),
        ("武编发〔26〕12号", "4 位数字的年份"),
        ("武编发〔二〇二六〕12号", "4 位数字的年份"),
        ("武编发〔1900〕12号", "年份 1900 不合理"),
        ("武编发〔2027〕12号", "年份 2027 不合理"),
        ("武编发〔2026〕号", "发文顺序号（正整数）"),
        ("武编发〔2026〕0号", "发文顺序号（正整数）"),
        ("武编发〔2026〕-3号", "发文顺序号（正整数）"),
        ("武编发〔2026〕12号文", "发文顺序号（正整数）"),
        ("武编发〔2026〕十二号", "发文顺序号（正整数）"),
        ("武编发〔2026〕1234567号", "发文顺序号（正整数）"),
        ("号" * (MAX_LENGTH + 1), "不能超过 64 个字"),
    ],
)
def test_malformed_numbers_say_what_is_wrong(typed, says):
    problem = check_document_number(typed, today=TODAY)
    assert isinstance(problem, Msg)
    assert says in str(problem)
    with pytest.raises(DocumentNumberError) as raised:
        parse_document_number(typed, today=TODAY)
    assert raised.value.message == problem
    assert isinstance(raised.value, ValueError)  # usable as an Excel column validator


def test_messages_show_an_example_except_for_length_and_year():
    assert EXAMPLE in str(check_document_number("abc", today=TODAY))
    year = check_document_number("武编发〔2030〕1号", today=TODAY)
    assert year.params == {"year": 2030, "first": FIRST_YEAR, "last": 2026}


def test_the_year_limit_follows_today():
    assert check_document_number("武编发〔2027〕1号", today=date(2027, 1, 1)) == "武编发〔2027〕1号"


def test_clean_only_folds_and_does_not_validate():
    assert clean_document_number(" ab（c）") == "ab〔c〕"
    assert clean_document_number(None) == ""  # type: ignore[arg-type]


# --------------------------------------------------------------------------- properties

han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
issuers = st.text(han, min_size=1, max_size=12)
years = st.integers(min_value=FIRST_YEAR, max_value=TODAY.year)
serials = st.integers(min_value=1, max_value=999_999)
OPENERS, CLOSERS = "〔[(（【［﹝", "〕])）】］﹞"
FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


@st.composite
def typed_variants(draw: st.DrawFn) -> tuple[DocumentNumber, str]:
    """Draw a valid 文号 and one way a person might type it."""
    number = DocumentNumber(draw(issuers), draw(years), draw(serials))
    year, serial = str(number.year), str(number.number)
    if draw(st.booleans()):
        year = year.translate(FULL_WIDTH_DIGITS)
    serial = "0" * draw(st.integers(0, 2)) + serial
    if draw(st.booleans()):
        serial = "第" + serial
    space = st.sampled_from(["", " ", "\u3000", "\t"])
    parts = [
        number.issuer,
        draw(st.sampled_from(OPENERS)),
        year,
        draw(st.sampled_from(CLOSERS)),
        serial,
        draw(st.sampled_from(["号", ""])),
    ]
    return number, "".join(draw(space) + part for part in parts) + draw(space)


@PROPERTY
@given(issuers, years, serials)
def test_valid_numbers_round_trip(issuer, year, serial):
    number = DocumentNumber(issuer, year, serial)
    text = str(number)
    assert parse_document_number(text, today=TODAY) == number
    assert check_document_number(text, today=TODAY) == text


@PROPERTY
@given(typed_variants())
def test_every_typed_variant_reads_as_the_same_number(variant):
    number, typed = variant
    assert check_document_number(typed, today=TODAY) == str(number)


@PROPERTY
@given(st.one_of(st.text(), typed_variants().map(lambda v: v[1])))
def test_normalising_is_idempotent_and_never_crashes(typed):
    once = check_document_number(typed, today=TODAY)
    if isinstance(once, str):
        assert check_document_number(once, today=TODAY) == once
        assert len(once) <= MAX_LENGTH
    else:
        assert isinstance(once, Msg) and str(once)


def test_the_standard_form_is_refused_when_adding_the_final_character_makes_it_too_long():
    issuer = "编" * (MAX_LENGTH - len("〔2026〕1"))
    assert "不能超过" in str(check_document_number(f"{issuer}〔2026〕1", today=TODAY))
    assert (
        check_document_number(f"{issuer[1:]}〔2026〕1", today=TODAY) == f"{issuer[1:]}〔2026〕1号"
    )
