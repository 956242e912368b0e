import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from institutions.governance.numbering import format_resolution_number, parse_resolution_number


def test_format():
    assert format_resolution_number(2026, 3) == "〔2026〕第3号"
    assert format_resolution_number(2026, 125) == "〔2026〕第125号"


@pytest.mark.parametrize(
    "text",
    [
        "〔2026〕第3号",
        " 〔2026〕 第 3 号 ",
        "[2026]第3号",
        "【2026】第3号",
        "（2026）第3号",
        "〔２０２６〕第３号",
        "〔2026〕3号",
    ],
)
def test_parse_accepts_common_spellings(text):
    assert parse_resolution_number(text) == (2026, 3)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2026第3号",
        "〔26〕第3号",
        "〔2026〕第号",
        "〔2026〕第0号",
        "〔2026〕第3号之一",
        "〔2026〕第-1号",
    ],
)
def test_parse_refuses_malformed_numbers(text):
    with pytest.raises(ValueError, match="决议文号|序号"):
        parse_resolution_number(text)


@pytest.mark.parametrize(("year", "n"), [(2026, 0), (2026, -1), (99, 1), (2026, True)])
def test_format_refuses_bad_parts(year, n):
    with pytest.raises(ValueError):
        format_resolution_number(year, n)


@settings(deadline=None, database=None)
@given(st.integers(1000, 9999), st.integers(1, 10**6))
def test_round_trip(year, n):
    assert parse_resolution_number(format_resolution_number(year, n)) == (year, n)
