"""Tests for core.money: parsing, rounding and formatting fen amounts."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.money import (
    FEN,
    MoneyError,
    format_money,
    parse_money_strict,
    round_half_up,
    to_money,
)

# No example database: keep the test run from writing examples into the repo.
PROPERTY = settings(database=None, max_examples=300)

LIMIT = Decimal("1e12")  # Numeric(14, 2) holds up to 999,999,999,999.99
any_decimals = st.decimals(min_value=-LIMIT, max_value=LIMIT, allow_nan=False, allow_infinity=False)
fen_decimals = st.decimals(
    min_value=-LIMIT, max_value=LIMIT, places=2, allow_nan=False, allow_infinity=False
)
# Values with a non-zero third decimal: never a whole number of fen.
three_place_decimals = st.decimals(
    min_value=-LIMIT, max_value=LIMIT, places=3, allow_nan=False, allow_infinity=False
).filter(lambda d: d != d.quantize(FEN))

BAD_TEXT = [
    "12.3.4",
    "abc",
    "1,23",
    "12,34",
    "1,2345.00",
    ",123",
    "1e3",
    "1E-2",
    "NaN",
    "Infinity",
    "-inf",
    "¥",
    "--5",
    "+-5",
    "-¥-5",
    "1.",
    ".5",
    "1 000",
    "5元",
    "0x10",
]


def money_error(func, value) -> str:
    """Return the message of the MoneyError raised by func(value)."""
    with pytest.raises(MoneyError) as info:
        func(value)
    return str(info.value)


# --- to_money -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234.5"), "1234.50"),
        (Decimal("1234.505"), "1234.51"),
        (Decimal("2.675"), "2.68"),
        (Decimal("1.004999"), "1.00"),
        (Decimal("-1.005"), "-1.01"),
        (Decimal("1E+3"), "1000.00"),
        (12, "12.00"),
        (-7, "-7.00"),
        (0, "0.00"),
        ("1234.5", "1234.50"),
        ("1,234.50", "1234.50"),
        ("1,234,567.891", "1234567.89"),
        (" 12 ", "12.00"),
        ("\t¥1,234.50\n", "1234.50"),
        ("¥ 8", "8.00"),
        ("￥99.9", "99.90"),
        ("１，２３４．５", "1234.50"),
        ("-1,234.50", "-1234.50"),
        ("-¥5", "-5.00"),
        ("¥-5", "-5.00"),
        ("+3.1", "3.10"),
        ("0.005", "0.01"),
        ("000123.4", "123.40"),
    ],
)
def test_to_money_accepts(value: object, expected: str) -> None:
    result = to_money(value)  # type: ignore[arg-type]
    assert isinstance(result, Decimal)
    assert str(result) == expected


@pytest.mark.parametrize("value", [Decimal("-0"), Decimal("-0.001"), "-0.004", "-0"])
def test_to_money_never_returns_negative_zero(value: object) -> None:
    assert str(to_money(value)) == "0.00"  # type: ignore[arg-type]


@pytest.mark.parametrize("text", BAD_TEXT)
def test_to_money_refuses_bad_text(text: str) -> None:
    assert money_error(to_money, text) == f"「{text}」不是有效金额"


def test_to_money_message_quotes_the_stripped_text() -> None:
    assert money_error(to_money, "  12.3.4 ") == "「12.3.4」不是有效金额"


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_to_money_refuses_blank(text: str) -> None:
    assert money_error(to_money, text) == "金额不能为空"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("NaN"), "NaN"),
        (Decimal("-NaN"), "-NaN"),
        (Decimal("sNaN"), "sNaN"),
        (Decimal("Infinity"), "Infinity"),
        (Decimal("-Infinity"), "-Infinity"),
        (Decimal("1E+30"), "1E+30"),  # too many digits to hold to the fen
    ],
)
def test_to_money_refuses_non_finite_and_overflowing_decimals(value: Decimal, shown: str) -> None:
    assert money_error(to_money, value) == f"「{shown}」不是有效金额"


@pytest.mark.parametrize("value", [1.5, 0.0, float("nan"), True, False, None, [1], b"1"])
def test_to_money_refuses_float_and_other_types(value: object) -> None:
    with pytest.raises(TypeError):
        to_money(value)  # type: ignore[arg-type]


def test_money_error_is_a_value_error() -> None:
    assert issubclass(MoneyError, ValueError)


# --- parse_money_strict -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234.5, "1234.50"),
        (1234.0, "1234.00"),
        (0.1, "0.10"),
        (19.99, "19.99"),
        (-5.25, "-5.25"),
        (-0.0, "0.00"),
        (0.1 + 0.2, "0.30"),  # 0.30000000000000004: Excel shows and keeps 0.3
        (1e20, "100000000000000000000.00"),
        (999999999999.99, "999999999999.99"),
        (Decimal("12.34"), "12.34"),
        (Decimal("12.340"), "12.34"),
        (Decimal("5"), "5.00"),
        (42, "42.00"),
        ("1,234.5", "1234.50"),
        ("¥12.340", "12.34"),
        (" -0.01 ", "-0.01"),
    ],
)
def test_parse_money_strict_accepts(value: object, expected: str) -> None:
    result = parse_money_strict(value)  # type: ignore[arg-type]
    assert isinstance(result, Decimal)
    assert str(result) == expected


@pytest.mark.parametrize(
    "value",
    ["12.345", "1,234.567", "0.001", "-0.001", Decimal("1.001"), Decimal("1E-3"), 1.005, 0.001],
)
def test_parse_money_strict_refuses_more_than_two_decimals(value: object) -> None:
    assert money_error(parse_money_strict, value) == "金额最多两位小数"


@pytest.mark.parametrize("text", BAD_TEXT)
def test_parse_money_strict_refuses_bad_text(text: str) -> None:
    assert money_error(parse_money_strict, text) == f"「{text}」不是有效金额"


def test_parse_money_strict_refuses_blank() -> None:
    assert money_error(parse_money_strict, " ") == "金额不能为空"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (float("nan"), "nan"),
        (float("inf"), "inf"),
        (float("-inf"), "-inf"),
        (Decimal("NaN"), "NaN"),
        (1e30, "1e+30"),
    ],
)
def test_parse_money_strict_refuses_non_finite(value: object, shown: str) -> None:
    assert money_error(parse_money_strict, value) == f"「{shown}」不是有效金额"


@pytest.mark.parametrize("value", [True, None, [1]])
def test_parse_money_strict_refuses_other_types(value: object) -> None:
    with pytest.raises(TypeError):
        parse_money_strict(value)  # type: ignore[arg-type]


# --- round_half_up and format_money -------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("0.125"), FEN, "0.13"),
        (Decimal("0.135"), FEN, "0.14"),
        (Decimal("-0.125"), FEN, "-0.13"),
        (Decimal("2.5"), Decimal("1"), "3"),
        (Decimal("3.5"), Decimal("1"), "4"),
        (Decimal("-2.5"), Decimal("1"), "-3"),
        (Decimal("0.45"), Decimal("0.1"), "0.5"),
        (Decimal("-0.4"), Decimal("1"), "0"),
        (7, FEN, "7.00"),
    ],
)
def test_round_half_up(value: Decimal, places: Decimal, expected: str) -> None:
    assert str(round_half_up(value, places)) == expected


def test_round_half_up_defaults_to_fen() -> None:
    assert str(round_half_up(Decimal("1.005"))) == "1.01"


@pytest.mark.parametrize("value", [0.125, True])
def test_round_half_up_refuses_float(value: object) -> None:
    with pytest.raises(TypeError):
        round_half_up(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234.5"), "1,234.50"),
        (Decimal("1234567.891"), "1,234,567.89"),
        (Decimal("-1234.5"), "-1,234.50"),
        (Decimal("0"), "0.00"),
        (Decimal("-0.001"), "0.00"),
        (Decimal("0.125"), "0.13"),  # half-up, where format() alone would round half-even
        (Decimal("999.995"), "1,000.00"),
        (Decimal("12"), "12.00"),
        (5, "5.00"),
    ],
)
def test_format_money(value: Decimal, expected: str) -> None:
    assert format_money(value) == expected


# --- properties ---------------------------------------------------------------------------


@PROPERTY
@given(any_decimals)
def test_to_money_is_idempotent(value: Decimal) -> None:
    once = to_money(value)
    assert to_money(once) == once
    assert str(to_money(once)) == str(once)
    assert to_money(str(once)) == once


@PROPERTY
@given(any_decimals)
def test_to_money_rounds_like_quantize_half_up(value: Decimal) -> None:
    expected = value.quantize(FEN, rounding=ROUND_HALF_UP)
    assert to_money(value) == expected
    assert to_money(f"{value:f}") == expected
    assert round_half_up(value) == expected
    assert to_money(value).as_tuple().exponent == -2


@PROPERTY
@given(any_decimals, st.sampled_from([Decimal("1"), Decimal("0.1"), FEN, Decimal("0.0001")]))
def test_round_half_up_matches_quantize(value: Decimal, places: Decimal) -> None:
    assert round_half_up(value, places) == value.quantize(places, rounding=ROUND_HALF_UP)


@PROPERTY
@given(fen_decimals, fen_decimals)
def test_fen_sums_are_exact(a: Decimal, b: Decimal) -> None:
    total = to_money(a) + to_money(b)
    assert total == a + b
    assert to_money(total) == total
    assert to_money(f"{a:f}") + to_money(f"{b:f}") == a + b


@PROPERTY
@given(fen_decimals)
def test_fen_values_round_trip_through_text_format_and_float(value: Decimal) -> None:
    assert to_money(f"{value:f}") == value
    assert to_money(format_money(value)) == value
    assert parse_money_strict(f"{value:f}") == value
    assert parse_money_strict(value) == value
    # What an Excel reader hands over for a number cell holding this amount.
    assert parse_money_strict(float(value)) == value


@PROPERTY
@given(three_place_decimals)
def test_parse_money_strict_rejects_three_decimals(value: Decimal) -> None:
    for candidate in (value, f"{value:f}", format_money(value) + f"{value:f}"[-1]):
        with pytest.raises(MoneyError, match="金额最多两位小数"):
            parse_money_strict(candidate)
    with pytest.raises(MoneyError, match="金额最多两位小数"):
        parse_money_strict(float(value))
