import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from institutions.governance.numbering import (
    format_resolution_number,
    parse_resolution_number,
    resolution_title,
)


def test_format():
    assert format_resolution_number(2026, 3) == "〔2026〕第3号"
    assert format_resolution_number(2026, 125) == "〔2026〕第125号"
    assert format_resolution_number(2026, 4, "实验小学理") == "实验小学理〔2026〕4号"
    assert parse_resolution_number("实验小学理〔2026〕4号") == (2026, 4)


def test_a_resolution_has_its_own_title():
    assert resolution_title("关于新建综合楼项目的议案") == "关于新建综合楼项目的决议"
    assert resolution_title("2027年度预算议案") == "2027年度预算决议"
    assert resolution_title("聘任校长") == "聘任校长"
    assert resolution_title("议案") == "议案"


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
