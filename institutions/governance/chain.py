"""A tamper-evident hash chain over ballots and resolutions (one chain per institution).

Each record's hash is SHA-256 over the previous record's hash and the record's canonical
JSON, so changing, removing or reordering a record breaks the chain at that record. Removing
the newest records cannot be detected from the chain alone: anchor the latest hash elsewhere
(for example on the printed resolution) to cover that.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Hashable, Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

#: The "previous hash" of a chain's first record.
GENESIS = "0" * 64

_HASH = re.compile(r"[0-9a-f]{64}")


def _plain(value: Any) -> Any:
    """Return ``value`` as JSON-native data with one spelling per meaning."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value  # json's float repr is deterministic; NaN and infinity are refused
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, Decimal):
        # 100, 100.0 and 100.00 are the same amount whatever the column's scale.
        if not value.is_finite():
            raise ValueError(f"不能写入哈希链的金额：{value}")
        return "0" if value == 0 else format(value.normalize(), "f")
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("哈希链中的时间必须带时区")
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"哈希链记录的键必须是字符串：{key!r}")
            out[key] = _plain(item)
        return out
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, set | frozenset):
        items = [_plain(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    raise TypeError(f"不能写入哈希链的值类型：{type(value).__name__}")


def canonical(record: Mapping[str, Any]) -> bytes:
    """Return the record's canonical UTF-8 JSON: sorted keys, no spaces, exact values."""
    return json.dumps(
        _plain(record),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    ).encode("utf-8")


def link_hash(prev_hash: str, record: Mapping[str, Any]) -> str:
    """Return the SHA-256 hex digest chaining ``record`` to ``prev_hash``."""
    if not isinstance(prev_hash, str) or not _HASH.fullmatch(prev_hash):
        raise ValueError(f"前一条记录的哈希值无效：{prev_hash!r}")
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(record)).hexdigest()


def chain_hashes(records: Iterable[Mapping[str, Any]], prev_hash: str = GENESIS) -> list[str]:
    """Return the hash of each record in order, starting after ``prev_hash``."""
    hashes = []
    for record in records:
        prev_hash = link_hash(prev_hash, record)
        hashes.append(prev_hash)
    return hashes


def verify(
    records: Iterable[tuple[Hashable, Mapping[str, Any], str]], prev_hash: str = GENESIS
) -> Hashable | None:
    """Return the id of the first record whose stored hash does not match, or None."""
    for record_id, record, stored_hash in records:
        try:
            expected = link_hash(prev_hash, record)
        except (TypeError, ValueError):
            return record_id
        if stored_hash != expected:
            return record_id
        prev_hash = expected
    return None
