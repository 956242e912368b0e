"""Largest-remainder apportionment: exact sums, bounds, order invariance, monotonicity."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.apportion import apportion, apportion_units, exact, from_fen, largest_remainder, to_fen

#: shared machines are slow; no deadline, no example database in the worktree
PROPERTY = settings(database=None, deadline=None)

amounts = st.integers(min_value=0, max_value=10**9).map(from_fen)
weights = st.dictionaries(
    st.integers(min_value=1, max_value=500),
    st.integers(min_value=0, max_value=10_000),
    min_size=1,
    max_size=40,
).filter(lambda w: sum(w.values()) > 0)


def test_three_ways_of_a_hundred_yuan():
    parts = apportion(Decimal("100.00"), {"a": 1, "b": 1, "c": 1})
    # 33.333… each; the one fen left goes to the smallest key among equal remainders
    assert parts == {"a": Decimal("33.34"), "b": Decimal("33.33"), "c": Decimal("33.33")}


def test_largest_remainder_wins_the_fen():
    parts = apportion(Decimal("1.00"), {"x": 1, "y": 2})
    # 0.333… and 0.666…: y's remainder (0.67 fen) beats x's (0.33 fen)
    assert parts == {"x": Decimal("0.33"), "y": Decimal("0.67")}


def test_zero_weight_gets_nothing():
    assert apportion(Decimal("10.00"), {"a": 0, "b": 3})["a"] == Decimal("0.00")


@pytest.mark.parametrize(
    ("total", "weights", "error"),
    [
        (Decimal("1.001"), {"a": 1}, ValueError),
        (Decimal("-1.00"), {"a": 1}, ValueError),
        (Decimal("1.00"), {"a": 0}, ValueError),
        (Decimal("1.00"), {"a": -1, "b": 2}, ValueError),
        (Decimal("1.00"), {"a": 0.5}, TypeError),
    ],
)
def test_bad_input(total, weights, error):
    with pytest.raises(error):
        apportion(total, weights)


def test_exact_refuses_float_and_keeps_decimals():
    assert exact(Decimal("0.1")) == Fraction(1, 10)
    assert exact("12.5") == Fraction(25, 2)
    with pytest.raises(TypeError):
        exact(0.1)
    with pytest.raises(TypeError):
        exact(True)


def test_fen_round_trip():
    assert to_fen(Decimal("12.34")) == 1234
    assert from_fen(1234) == Decimal("12.34")
    with pytest.raises(ValueError):
        to_fen(Decimal("0.005"))


def test_largest_remainder_checks_its_input():
    with pytest.raises(ValueError):
        largest_remainder({"a": Fraction(1, 2)}, 1)
    with pytest.raises(ValueError):
        largest_remainder({"a": Fraction(-1), "b": Fraction(2)}, 1)


@PROPERTY
@given(amounts, weights)
def test_parts_sum_to_the_total_and_stay_within_a_fen(total, weights):
    parts = apportion(total, weights)
    assert sum(parts.values()) == total
    weight_sum = sum(weights.values())
    for key, part in parts.items():
        share = Fraction(to_fen(total) * weights[key], weight_sum)
        assert math.floor(share) <= to_fen(part) <= math.ceil(share)


@PROPERTY
@given(amounts, weights, st.randoms(use_true_random=False))
def test_order_does_not_matter(total, weights, random):
    items = list(weights.items())
    random.shuffle(items)
    assert apportion(total, dict(items)) == apportion(total, weights)


@PROPERTY
@given(amounts, weights, st.data())
def test_a_bigger_weight_never_gets_less(total, weights, data):
    key = data.draw(st.sampled_from(sorted(weights)))
    extra = data.draw(st.integers(min_value=1, max_value=10_000))
    before = apportion(total, weights)[key]
    after = apportion(total, {**weights, key: weights[key] + extra})[key]
    assert after >= before


def test_apportion_units():
    assert apportion_units(100, {"a": 1, "b": 1, "c": 1}) == {"a": 34, "b": 33, "c": 33}
    assert apportion_units(0, {"a": 0}) == {"a": 0}
    with pytest.raises(ValueError):
        apportion_units(1, {"a": 0})
    with pytest.raises(ValueError):
        apportion_units(-1, {"a": 1})


@PROPERTY
@given(st.integers(0, 10**9), weights)
def test_units_agree_with_the_fraction_form(total, weights):
    weight_sum = sum(weights.values())
    shares = {key: Fraction(total * weight, weight_sum) for key, weight in weights.items()}
    assert apportion_units(total, weights) == largest_remainder(shares, total)
