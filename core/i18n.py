"""Messages translated where they are shown, never where they are made.

Rules and operations return (or raise with) a :class:`Msg`: the Chinese source text, which
is the message id in the catalog, and its parameters. The page that shows it translates it
in the reader's language at that moment, so nothing is stored or logged already translated
in the actor's language, and no sentence is assembled by concatenation.

``Msg`` is safe to put in a template or a WTForms label: its ``__html__`` escapes every
parameter before interpolating it into the (trusted) translated text. A lazy string's
``__html__`` would mark the whole interpolated result safe, user text included.

Write a message as ``msg("事业编制已满：核定 %(approved)d 名", approved=3)``; ``make messages``
extracts ``msg`` and ``N_`` calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from markupsafe import Markup, escape


def N_(text: str) -> str:
    """Mark ``text`` for extraction; it is translated later, where it is used."""
    return text


def _translate(text: str) -> str:
    """Return ``text`` in the current locale; the text itself outside a request or app."""
    try:
        from flask import has_app_context

        if not has_app_context():
            return text
        from flask_babel import gettext

        return gettext(text)
    except (ImportError, RuntimeError, KeyError):  # pragma: no cover - no Babel configured
        return text


def _plain(value: Any, *, html: bool) -> Any:
    """Return a parameter ready for ``%`` formatting (escaped when ``html``)."""
    if isinstance(value, Msg):
        return value.render(html=html)
    if isinstance(value, int | float):  # bool is an int
        return value
    if isinstance(value, Decimal):
        return value  # %(x)s prints it exactly; %(x).2f formats it
    if isinstance(value, datetime):
        value = value.strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, date):
        value = value.isoformat()
    text = str(value) if value is not None else ""
    return escape(text) if html else text


class Msg:
    """A message id with its parameters; translated and formatted when rendered."""

    __slots__ = ("id", "params")

    def __init__(self, id: str, params: Mapping[str, Any] | None = None) -> None:  # noqa: A002
        self.id = id
        self.params = dict(params or {})

    def render(self, *, html: bool = False) -> str:
        """Return the message in the current locale; escaped parameters when ``html``."""
        text = _translate(self.id)
        if html:
            text = str(escape(text))
        if self.params:
            values = {key: _plain(value, html=html) for key, value in self.params.items()}
            try:
                text = text % values
            except (KeyError, TypeError, ValueError):
                # A translation with a broken placeholder must not hide the message.
                source = str(escape(self.id)) if html else self.id
                text = source % values
        return Markup(text) if html else text

    def __str__(self) -> str:
        return self.render(html=False)

    def __html__(self) -> Markup:
        return self.render(html=True)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Msg):
            return self.id == other.id and self.params == other.params
        if isinstance(other, str):
            return str(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.id)

    def __contains__(self, item: str) -> bool:
        return item in str(self)

    def __repr__(self) -> str:
        return f"msg({self.id!r}, {self.params!r})"


def msg(id: str, /, **params: Any) -> Msg:  # noqa: A002
    """Return a message to translate where it is shown (``id`` is the Chinese source text)."""
    return Msg(id, params)


#: How ``joined`` puts items together, by separator (the message ids).
_JOINS = {
    "、": N_("%(head)s、%(tail)s"),
    "；": N_("%(head)s；%(tail)s"),
}


def joined(items: Any, sep: str = "、") -> Msg:
    """Return items as one message, listed in the reader's language ("A、B" / "A, B").

    ``sep`` is "、" (a list of names) or "；" (a list of sentences); each item is a
    :class:`Msg` or plain text. Nothing is translated until the message is shown.
    """
    pattern = _JOINS[sep]
    result: Msg | None = None
    for item in items:
        result = (
            item
            if result is None and isinstance(item, Msg)
            else (
                Msg("%(item)s", {"item": item})
                if result is None
                else Msg(pattern, {"head": result, "tail": item})
            )
        )
    return result if result is not None else Msg("%(item)s", {"item": ""})


def source_text(message: Msg | str | Any) -> str:
    """Return a message in the source language (Chinese), untranslated: for stored records."""
    if not isinstance(message, Msg):
        return "" if message is None else str(message)
    if not message.params:
        return message.id
    values = {
        key: source_text(value)
        if isinstance(value, Msg)
        else (_lazy_id(value) or _plain(value, html=False))
        for key, value in message.params.items()
    }
    try:
        return message.id % values
    except (KeyError, TypeError, ValueError):
        return message.id


def to_json(message: Msg | str | Any) -> Any:
    """Return a message as JSON to store: text stays text, a Msg keeps its id and parameters."""
    if isinstance(message, Msg):
        return {"msg": message.id, "params": {k: _json_param(v) for k, v in message.params.items()}}
    return "" if message is None else str(message)


def _lazy_id(value: Any) -> str | None:
    """Return the message id of a lazy string (``_l("理事")``), or None for anything else."""
    args = getattr(value, "_args", None)
    if type(value).__name__ == "LazyString" and args and isinstance(args[0], str):
        return args[0]
    return None


def _json_param(value: Any) -> Any:
    if isinstance(value, Msg):
        return to_json(value)
    lazy = _lazy_id(value)
    if lazy is not None:
        # A label (a role, a meeting type) is stored as its id, translated when shown.
        return to_json(Msg(lazy))
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def from_json(value: Any) -> Msg | str:
    """Return what :func:`to_json` stored, ready to translate where it is shown."""
    if isinstance(value, dict) and "msg" in value:
        params = {
            key: from_json(item) if isinstance(item, dict) and "msg" in item else item
            for key, item in (value.get("params") or {}).items()
        }
        return Msg(str(value["msg"]), params)
    return "" if value is None else str(value)


def text(message: Msg | str | Any) -> str:
    """Return a message as plain text in the current locale."""
    return str(message)


__all__ = ["Msg", "N_", "from_json", "joined", "msg", "source_text", "text", "to_json"]
