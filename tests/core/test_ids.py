"""Tests for core.ids: credit codes and citizen ID numbers."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.ids import (
    CITIZEN_ID_CHECK_CHARS,
    CITIZEN_ID_WEIGHTS,
    CREDIT_CODE_CHARS,
    CREDIT_CODE_WEIGHTS,
    CitizenId,
    IdError,
    citizen_id_check_char,
    clean_credit_code,
    credit_code_check_char,
    credit_code_problem,
    make_citizen_id,
    make_credit_code,
    mask_citizen_id,
    normalize_credit_code,
    org_code_check_char,
    parse_citizen_id,
)

VALID_CREDIT_CODES = ["123502001549897397", "91350100M000100Y43", "12510100450000016Y"]
VALID_CITIZEN_IDS = ["11010519491231002X", "440524188001010014"]
CHARSET_HINT = "（只能用数字和除 I、O、S、V、Z 外的大写字母）"
CREDIT_CHECK_FAILED = "未通过校验：请与登记证书逐位核对，输错的可能是其中任何一位"
ID_CHECK_FAILED = "未通过校验：请与身份证逐位核对，输错的可能是其中任何一位"
TODAY = date(2026, 11, 27)

# No example database: keep the test run from writing .hypothesis/ into the repo.
PROPERTY = settings(database=None, max_examples=200)

credit_chars = st.sampled_from(CREDIT_CODE_CHARS)
digits = st.sampled_from("0123456789")
regions = st.text(digits, min_size=6, max_size=6)
org_codes = st.text(credit_chars, min_size=8, max_size=9)


@st.composite
def valid_credit_codes(draw: st.DrawFn) -> str:
    """Draw a valid credit code built by make_credit_code."""
    return make_credit_code(
        draw(regions), draw(org_codes), dept=draw(credit_chars), kind=draw(credit_chars)
    )


@st.composite
def valid_citizen_ids(draw: st.DrawFn) -> tuple[str, str, date, int, bool]:
    """Draw a valid ID number with the inputs it was built from."""
    region = draw(regions)
    birth = draw(st.dates(min_value=date(1800, 1, 1), max_value=TODAY))
    seq = draw(st.integers(min_value=0, max_value=499))
    male = draw(st.booleans())
    return make_citizen_id(region, birth, seq, male), region, birth, seq, male


def error_of(func, *args, **kwargs) -> str:
    """Return the message of the IdError raised by func(*args, **kwargs)."""
    with pytest.raises(IdError) as info:
        func(*args, **kwargs)
    return str(info.value)


# --- credit codes -------------------------------------------------------------------------


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_credit_code_vectors_validate(code: str) -> None:
    assert normalize_credit_code(code) == code
    assert credit_code_problem(code) is None
    assert credit_code_check_char(code[:17]) == code[17]


def test_credit_code_is_stripped_upper_cased_and_width_folded() -> None:
    assert normalize_credit_code("  91350100m000100y43\t") == "91350100M000100Y43"
    assert normalize_credit_code(
        "\u3000１２５１０１００４５００００ ０１６Ｙ".replace(" ", "")
    ) == ("12510100450000016Y")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "不能为空"),
        ("   ", "不能为空"),
        ("12510100450000016", "应为 18 位，实际为 17 位"),
        ("12510100450000016Y0", "应为 18 位，实际为 19 位"),
        ("1251I100450000016Y", f"第 5 位「I」不是允许的字符{CHARSET_HINT}"),
        ("1251i100450000016Y", f"第 5 位「I」不是允许的字符{CHARSET_HINT}"),
        ("O2510100450000016Y", f"第 1 位「O」不是允许的字符{CHARSET_HINT}"),
        ("12510100450000016S", f"第 18 位「S」不是允许的字符{CHARSET_HINT}"),
        ("125101004500-0016Y", f"第 13 位「-」不是允许的字符{CHARSET_HINT}"),
        ("12510100 450000016", "应为 18 位，实际为 17 位"),  # spaces are dropped first
        ("125101004500000163", CREDIT_CHECK_FAILED),
        ("123502001549897390", CREDIT_CHECK_FAILED),
    ],
)
def test_credit_code_errors(value: str, message: str) -> None:
    assert error_of(normalize_credit_code, value) == message
    assert credit_code_problem(value) == message


def test_id_error_is_a_value_error() -> None:
    assert issubclass(IdError, ValueError)


def test_credit_code_rejects_non_str() -> None:
    with pytest.raises(TypeError):
        normalize_credit_code(123502001549897397)  # type: ignore[arg-type]


@pytest.mark.parametrize("first17", ["1", "12510100450000016Y", "1251I100450000016"])
def test_credit_code_check_char_needs_17_valid_characters(first17: str) -> None:
    with pytest.raises(ValueError):
        credit_code_check_char(first17)


def test_credit_code_check_char_maps_remainder_zero_to_zero() -> None:
    # Σ = 0 gives 31 - 0 = 31, which the standard maps to "0".
    assert credit_code_check_char("0" * 17) == "0"


def test_org_code_check_char() -> None:
    assert org_code_check_char("45000001") == "6"
    assert org_code_check_char("15498973") == "9"
    assert org_code_check_char("M000100Y") == "4"
    # 11 - Σ mod 11 gives 11 -> "0" and 10 -> "X".
    assert org_code_check_char("00000000") == "0"
    assert org_code_check_char("00000006") == "X"
    with pytest.raises(ValueError):
        org_code_check_char("4500000")
    with pytest.raises(ValueError):
        org_code_check_char("4500000-")


def test_make_credit_code_builds_the_vectors() -> None:
    assert make_credit_code("510100", "45000001") == "12510100450000016Y"
    assert make_credit_code("510100", "450000016") == "12510100450000016Y"
    assert make_credit_code("510100", "45000001-6") == "12510100450000016Y"
    assert make_credit_code("350200", "154989739") == "123502001549897397"
    assert make_credit_code("350100", "M000100Y4", dept="9", kind="1") == "91350100M000100Y43"
    assert make_credit_code("510107", "abcdefgh").startswith("12510107ABCDEFGH")


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("51010", "45000001"), {}, "行政区划码「51010」应为 6 位数字"),
        (("5101A0", "45000001"), {}, "行政区划码「5101A0」应为 6 位数字"),
        (("510100", "45000001"), {"dept": "I"}, "登记管理部门码「I」应为 1 位允许的字符"),
        (("510100", "45000001"), {"dept": "12"}, "登记管理部门码「12」应为 1 位允许的字符"),
        (("510100", "45000001"), {"kind": ""}, "机构类别码「」应为 1 位允许的字符"),
        (("510100", "4500001"), {}, "组织机构代码应为 8 或 9 位，实际为 7 位"),
        (("510100", "4500000160"), {}, "组织机构代码应为 8 或 9 位，实际为 10 位"),
        (
            ("510100", "4500O001"),
            {},
            f"组织机构代码第 5 位「O」不是允许的字符{CHARSET_HINT}",
        ),
    ],
)
def test_make_credit_code_errors(
    args: tuple[str, str], kwargs: dict[str, str], message: str
) -> None:
    assert error_of(make_credit_code, *args, **kwargs) == message


def test_every_single_substitution_changes_the_credit_code_check() -> None:
    # Each weight is a unit mod the prime 31 and each substitution changes a value by
    # 1..30, so Σ changes mod 31; the check character takes all 31 values, distinctly.
    for weight in CREDIT_CODE_WEIGHTS:
        assert all(weight * delta % 31 for delta in range(1, 31))
    assert len(set(CREDIT_CODE_CHARS)) == 31


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_credit_code_vectors_reject_every_single_substitution(code: str) -> None:
    for position in range(18):
        for char in CREDIT_CODE_CHARS:
            if char != code[position]:
                changed = code[:position] + char + code[position + 1 :]
                assert credit_code_problem(changed) is not None, changed


@PROPERTY
@given(valid_credit_codes())
def test_made_credit_codes_round_trip(code: str) -> None:
    assert normalize_credit_code(code) == code
    assert normalize_credit_code(f" {code.lower()} ") == code
    assert credit_code_problem(code) is None


@PROPERTY
@given(valid_credit_codes(), st.integers(min_value=0, max_value=17), st.characters())
def test_any_single_substitution_invalidates_a_credit_code(
    code: str, position: int, char: str
) -> None:
    changed = code[:position] + char + code[position + 1 :]
    if "".join(unicodedata.normalize("NFKC", changed).split()).upper() == code:
        return  # the same code after normalization (a lowercase or full-width letter)
    assert credit_code_problem(changed) is not None


@PROPERTY
@given(valid_credit_codes(), st.integers(min_value=0, max_value=17), credit_chars)
def test_any_single_charset_substitution_fails_the_check(
    code: str, position: int, char: str
) -> None:
    changed = code[:position] + char + code[position + 1 :]
    if changed != code:
        assert credit_code_problem(changed) == CREDIT_CHECK_FAILED


# --- citizen ID numbers -------------------------------------------------------------------


def test_citizen_id_vectors_parse() -> None:
    assert parse_citizen_id("11010519491231002X", today=TODAY) == CitizenId(
        number="11010519491231002X",
        region_code="110105",
        birth_date=date(1949, 12, 31),
        gender="女",
    )
    person = parse_citizen_id("440524188001010014", today=TODAY)
    assert person.region_code == "440524"
    assert person.birth_date == date(1880, 1, 1)
    assert person.gender == "男"
    assert person.is_male


def test_citizen_id_lowercase_x_and_whitespace_normalize() -> None:
    assert parse_citizen_id(" 11010519491231002x\n").number == "11010519491231002X"
    assert parse_citizen_id("１１０１０５１９４９１２３１００２ｘ").number == "11010519491231002X"


def test_citizen_id_is_frozen() -> None:
    person = parse_citizen_id("440524188001010014")
    with pytest.raises(AttributeError):
        person.gender = "女"  # type: ignore[misc]


@pytest.mark.parametrize("number", VALID_CITIZEN_IDS)
def test_citizen_id_check_char_vectors(number: str) -> None:
    assert citizen_id_check_char(number[:17]) == number[17]


@pytest.mark.parametrize("first17", ["1101051949123100", "1101051949123100A", ""])
def test_citizen_id_check_char_needs_17_digits(first17: str) -> None:
    with pytest.raises(ValueError):
        citizen_id_check_char(first17)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "不能为空"),
        ("  ", "不能为空"),
        ("11010519491231002", "应为 18 位，实际为 17 位"),
        ("1101051949123100", "应为 18 位，实际为 16 位"),
        ("11010519491231002X1", "应为 18 位，实际为 19 位"),
        ("11010519491231X02X", "前 17 位只能是数字"),
        ("1101051949-231002X", "前 17 位只能是数字"),
        ("11010519491231002A", "第 18 位「A」只能是数字或 X"),
        ("110105194902310025", "出生日期「19490231」不是有效日期"),
        ("110105194913010025", "出生日期「19491301」不是有效日期"),
        ("110105000001010025", "出生日期「00000101」不是有效日期"),
        ("110105209912310025", "出生日期「20991231」晚于今天"),
        ("110105194912310023", ID_CHECK_FAILED),
        ("440524188001010010", ID_CHECK_FAILED),
        ("44052418800101001X", ID_CHECK_FAILED),
    ],
)
def test_citizen_id_errors(value: str, message: str) -> None:
    assert error_of(parse_citizen_id, value, today=TODAY) == message


def test_citizen_id_future_check_comes_before_check_char() -> None:
    number = make_citizen_id("510107", date(2026, 11, 28), 3, male=True)
    assert error_of(parse_citizen_id, number, today=TODAY) == "出生日期「20261128」晚于今天"
    assert parse_citizen_id(number, today=date(2026, 11, 28)).birth_date == date(2026, 11, 28)


def test_citizen_id_defaults_today_to_china() -> None:
    far_future = make_citizen_id("510107", date(9999, 12, 31), 0, male=False)
    assert error_of(parse_citizen_id, far_future) == "出生日期「99991231」晚于今天"
    assert parse_citizen_id("440524188001010014").gender == "男"


def test_citizen_id_rejects_non_str() -> None:
    with pytest.raises(TypeError):
        parse_citizen_id(440524188001010014)  # type: ignore[arg-type]


def test_mask_citizen_id() -> None:
    assert mask_citizen_id("11010519491231002X") == "110105********002X"
    assert mask_citizen_id(" 440524188001010014 ") == "440524********0014"
    assert parse_citizen_id("440524188001010014").masked == "440524********0014"
    assert mask_citizen_id("110105194912310") == "110105*****2310"  # a legacy 15-digit number
    assert mask_citizen_id("1234567890") == "**********"
    assert mask_citizen_id("") == ""


def test_make_citizen_id() -> None:
    assert make_citizen_id("110105", date(1949, 12, 31), 1, male=False) == "11010519491231002X"
    assert make_citizen_id("440524", date(1880, 1, 1), 0, male=True) == "440524188001010014"
    assert make_citizen_id("510107", date(1990, 1, 1), 499, male=True)[14:17] == "999"
    assert make_citizen_id("510107", date(1990, 1, 1), 0, male=False)[14:17] == "000"


@pytest.mark.parametrize(
    ("region", "seq"), [("51010", 0), ("51010A", 0), ("510107", -1), ("510107", 500)]
)
def test_make_citizen_id_refuses_bad_input(region: str, seq: int) -> None:
    with pytest.raises(ValueError):
        make_citizen_id(region, date(1990, 1, 1), seq, male=True)


def test_every_single_substitution_changes_the_citizen_id_check() -> None:
    # Each weight is a unit mod the prime 11 and a digit changes by 1..9, so Σ changes
    # mod 11; the 11 check characters are distinct.
    for weight in CITIZEN_ID_WEIGHTS:
        assert all(weight * delta % 11 for delta in range(1, 10))
    assert len(set(CITIZEN_ID_CHECK_CHARS)) == 11


@pytest.mark.parametrize("number", VALID_CITIZEN_IDS)
def test_citizen_id_vectors_reject_every_single_substitution(number: str) -> None:
    for position in range(18):
        for char in "0123456789X":
            if char != number[position]:
                changed = number[:position] + char + number[position + 1 :]
                with pytest.raises(IdError):
                    parse_citizen_id(changed, today=TODAY)


@PROPERTY
@given(valid_citizen_ids())
def test_made_citizen_ids_round_trip(
    made: tuple[str, str, date, int, bool],
) -> None:
    number, region, birth, _seq, male = made
    person = parse_citizen_id(number, today=TODAY)
    assert person.number == number
    assert person.region_code == region
    assert person.birth_date == birth
    assert person.gender == ("男" if male else "女")
    assert parse_citizen_id(number.lower(), today=TODAY) == person
    assert mask_citizen_id(number) == number[:6] + "*" * 8 + number[-4:]


@PROPERTY
@given(
    valid_citizen_ids(),
    st.integers(min_value=0, max_value=17),
    st.sampled_from("0123456789X"),
)
def test_any_single_substitution_invalidates_a_citizen_id(
    made: tuple[str, str, date, int, bool], position: int, char: str
) -> None:
    number = made[0]
    changed = number[:position] + char + number[position + 1 :]
    if changed != number:
        with pytest.raises(IdError):
            parse_citizen_id(changed, today=TODAY)


@PROPERTY
@given(
    st.tuples(regions, regions),
    st.dates(max_value=TODAY),
    st.integers(0, 499),
    st.integers(0, 499),
    st.booleans(),
    st.booleans(),
)
def test_make_citizen_id_is_injective(
    region_pair: tuple[str, str], birth: date, seq1: int, seq2: int, male1: bool, male2: bool
) -> None:
    first = make_citizen_id(region_pair[0], birth, seq1, male1)
    second = make_citizen_id(region_pair[1], birth, seq2, male2)
    assert (first == second) == ((region_pair[0], seq1, male1) == (region_pair[1], seq2, male2))


# --- what a failed check says ---------------------------------------------------------------


@PROPERTY
@given(valid_credit_codes(), st.integers(min_value=0, max_value=16), credit_chars)
def test_a_failed_credit_code_check_never_names_the_expected_character(
    code: str, position: int, char: str
) -> None:
    changed = code[:position] + char + code[position + 1 :]
    problem = credit_code_problem(changed)
    if changed != code:
        assert problem is not None and problem.params == {}
        assert "「" not in str(problem)  # neither the expected nor the typed character


def test_a_failed_citizen_id_check_names_no_character() -> None:
    with pytest.raises(IdError) as raised:
        parse_citizen_id("110105194912310023", today=TODAY)
    assert raised.value.message.params == {}
    assert "X" not in str(raised.value) and "「" not in str(raised.value)


def test_messages_are_message_ids_with_parameters() -> None:
    with pytest.raises(IdError) as raised:
        parse_citizen_id("11010519491231002", today=TODAY)
    assert raised.value.message.id == "应为 %(expected)d 位，实际为 %(actual)d 位"
    assert raised.value.message.params == {"expected": 18, "actual": 17}


@PROPERTY
@given(valid_credit_codes(), st.lists(st.integers(0, 18), max_size=4), st.sampled_from(" \t\u3000"))
def test_pasted_credit_codes_with_spaces_are_cleaned_and_idempotent(
    code: str, cuts: list[int], space: str
) -> None:
    pasted = code
    for cut in sorted(cuts, reverse=True):
        pasted = pasted[:cut] + space + pasted[cut:]
    assert clean_credit_code(pasted) == code
    assert clean_credit_code(clean_credit_code(pasted)) == code
    assert normalize_credit_code(pasted) == code
