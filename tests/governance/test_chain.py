import hashlib
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from institutions.governance.chain import GENESIS, canonical, chain_hashes, link_hash, verify
from institutions.governance.tally import Choice

SETTINGS = settings(max_examples=200, deadline=None, database=None)

BALLOTS = [
    {"motion_id": 7, "member_id": 1, "choice": "yes", "reason": "", "cast_at": "2026-03-01"},
    {"motion_id": 7, "member_id": 2, "choice": "no", "reason": "预算依据不足", "is_proxy": False},
    {"motion_id": 7, "member_id": 3, "choice": "abstain", "amount": Decimal("120000.00")},
    {"resolution": "〔2026〕第3号", "text": "同意实施校园改造项目", "on": date(2026, 3, 1)},
]


def stored(records):
    """Return (id, record, hash) rows as a correct chain would store them."""
    hashes = chain_hashes(records)
    return [(i + 1, record, h) for i, (record, h) in enumerate(zip(records, hashes, strict=True))]


def test_canonical_is_sorted_compact_utf8():
    assert canonical({"b": 1, "a": "理事会", "c": [True, None]}) == (
        '{"a":"理事会","b":1,"c":[true,null]}'.encode()
    )


def test_canonical_values():
    record = {
        "amount": Decimal("120000.00"),
        "zero": Decimal("-0.00"),
        "on": date(2026, 3, 1),
        "at": datetime(2026, 3, 1, 10, 30, tzinfo=timezone(timedelta(hours=8))),
        "choice": Choice.YES,
        "ids": frozenset({3, 1, 2}),
        "pair": (1, 2),
    }
    assert canonical(record) == (
        b'{"amount":"120000","at":"2026-03-01T02:30:00.000000+00:00","choice":"yes",'
        b'"ids":[1,2,3],"on":"2026-03-01","pair":[1,2],"zero":"0"}'
    )


def test_equal_amounts_and_instants_hash_alike():
    # a Numeric(14, 2) column gives back 100.00 for 100; UTC and +08:00 name the same instant
    assert canonical({"a": Decimal("100")}) == canonical({"a": Decimal("100.00")})
    local = datetime(2026, 3, 1, 10, tzinfo=timezone(timedelta(hours=8)))
    assert canonical({"t": local}) == canonical({"t": datetime(2026, 3, 1, 2, tzinfo=UTC)})
    assert canonical({"a": Decimal("100.1")}) != canonical({"a": Decimal("100.01")})


@pytest.mark.parametrize(
    "record",
    [
        {"t": datetime(2026, 3, 1, 10)},  # naive: which instant?
        {"a": Decimal("NaN")},
        {"f": float("inf")},
        {1: "key is not a string"},
        {"b": b"bytes"},
    ],
)
def test_canonical_refuses_ambiguous_values(record):
    with pytest.raises((TypeError, ValueError)):
        canonical(record)


def test_link_hash_is_sha256_over_previous_hash_and_record():
    record = {"a": 1}
    expected = hashlib.sha256(GENESIS.encode() + b'{"a":1}').hexdigest()
    assert link_hash(GENESIS, record) == expected
    assert len(GENESIS) == 64


@pytest.mark.parametrize("prev", ["", "0" * 63, "G" * 64, "A" * 64, None])
def test_link_hash_refuses_bad_previous_hash(prev):
    with pytest.raises(ValueError, match="哈希值无效"):
        link_hash(prev, {"a": 1})  # type: ignore[arg-type]


def test_intact_chain_verifies():
    assert verify(stored(BALLOTS)) is None
    assert verify([]) is None


@pytest.mark.parametrize("index", range(len(BALLOTS)))
def test_changing_any_field_breaks_the_chain_at_that_record(index):
    rows = stored(BALLOTS)
    for key in rows[index][1]:
        changed = list(rows)
        record_id, record, h = changed[index]
        value = record[key]
        altered = value + 1 if isinstance(value, int | Decimal) else f"{value}改"
        changed[index] = (record_id, {**record, key: altered}, h)
        assert verify(changed) == record_id, key


def test_changing_a_stored_hash_breaks_the_chain_there():
    rows = stored(BALLOTS)
    record_id, record, h = rows[1]
    rows[1] = (record_id, record, "f" * 64)
    assert verify(rows) == record_id


def test_adding_or_removing_a_field_breaks_the_chain():
    rows = stored(BALLOTS)
    record_id, record, h = rows[0]
    assert verify([(record_id, {**record, "extra": None}, h), *rows[1:]]) == record_id
    smaller = {k: v for k, v in record.items() if k != "reason"}
    assert verify([(record_id, smaller, h), *rows[1:]]) == record_id


def test_reordering_breaks_the_chain():
    rows = stored(BALLOTS)
    assert verify([rows[1], rows[0], *rows[2:]]) == rows[1][0]
    assert verify([*rows[:2], rows[3], rows[2]]) == rows[3][0]


def test_removing_a_record_breaks_the_chain_at_the_next():
    rows = stored(BALLOTS)
    assert verify([rows[0], *rows[2:]]) == rows[2][0]


def test_a_record_that_cannot_be_hashed_is_broken():
    rows = stored(BALLOTS)
    record_id, record, h = rows[2]
    rows[2] = (record_id, {**record, "when": datetime(2026, 3, 1)}, h)
    assert verify(rows) == record_id


def test_chains_can_continue_from_a_known_hash():
    first = chain_hashes(BALLOTS[:2])
    rest = chain_hashes(BALLOTS[2:], prev_hash=first[-1])
    assert first + rest == chain_hashes(BALLOTS)
    rows = [(i, r, h) for i, (r, h) in enumerate(zip(BALLOTS[2:], rest, strict=True))]
    assert verify(rows, prev_hash=first[-1]) is None
    assert verify(rows) == 0


scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=8)
    | st.decimals(allow_nan=False, allow_infinity=False, places=2)
    | st.dates()
)
records = st.dictionaries(st.text(min_size=1, max_size=6), scalars, min_size=1, max_size=6)


@SETTINGS
@given(st.lists(records, min_size=1, max_size=6), st.data())
def test_any_change_breaks_the_chain_at_the_changed_record(chain, data):
    rows = stored(chain)
    assert verify(rows) is None
    index = data.draw(st.integers(0, len(rows) - 1))
    record_id, record, h = rows[index]
    key = data.draw(st.sampled_from(sorted(record)))
    new_value = data.draw(
        scalars.filter(lambda v: canonical({"v": v}) != canonical({"v": record[key]}))
    )
    rows[index] = (record_id, {**record, key: new_value}, h)
    assert verify(rows) == record_id


@SETTINGS
@given(st.lists(records, min_size=2, max_size=6, unique_by=lambda r: canonical(r)), st.data())
def test_any_reordering_breaks_the_chain(chain, data):
    rows = stored(chain)
    order = data.draw(st.permutations(range(len(rows))).filter(lambda p: list(p) != sorted(p)))
    shuffled = [rows[i] for i in order]
    first_moved = next(i for i, j in enumerate(order) if i != j)
    assert verify(shuffled) == shuffled[first_moved][0]


@SETTINGS
@given(records)
def test_canonical_ignores_key_order(record):
    assert canonical(dict(reversed(list(record.items())))) == canonical(record)
