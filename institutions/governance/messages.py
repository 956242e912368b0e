"""Messages kept with a record: a message id and its parameters as JSON, never the text.

The tally's reason and notes are stored with the motion this way and translated when a page
shows them, in the reader's language (a motion closed by a Chinese reader reads in English to
an English one). Rows written before stored the Chinese text; :func:`load` returns that text
unchanged.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from core.i18n import Msg
from institutions.governance.tally import Share


def _dump_value(value: Any) -> Any:
    if isinstance(value, Msg):
        return {"msg": dump(value)}
    if isinstance(value, Share):
        return {"share": [value.fraction.numerator, value.fraction.denominator]}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot store a {type(value).__name__} in a message")


def _load_value(value: Any) -> Any:
    if isinstance(value, dict):
        if "msg" in value:
            return load(value["msg"])
        if "share" in value:
            numerator, denominator = value["share"]
            return Share(Fraction(numerator, denominator))
        if "decimal" in value:
            return Decimal(value["decimal"])
        if "date" in value:
            return date.fromisoformat(value["date"])
    return value


def dump(message: Msg) -> dict[str, Any]:
    """Return ``message`` as JSON: {"id": the source text, "params": {name: value}}."""
    return {"id": message.id, "params": {k: _dump_value(v) for k, v in message.params.items()}}


def load(data: Any) -> Msg | str | None:
    """Return a stored message to render; older rows' plain text is returned as it is."""
    if isinstance(data, dict) and "id" in data:
        return Msg(data["id"], {k: _load_value(v) for k, v in (data.get("params") or {}).items()})
    return data
