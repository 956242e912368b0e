"""Cleaning text people type or upload before it is stored and shown to others.

Bidirectional control characters (U+202E RIGHT-TO-LEFT OVERRIDE and friends) make
``exe.pdf`` display as ``fdp.exe`` and reorder names in lists; zero-width and control
characters hide differences between names that look the same. They are removed from display
names, and file names lose their path parts and are shortened keeping the extension.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePath

#: Embedding, override and isolate controls, marks, and zero-width characters.
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_UNSAFE_IN_FILENAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
_SPACES = re.compile(r"\s+")


def clean_text(value: str | None, *, max_length: int | None = None) -> str:
    """Return ``value`` NFC-normalised, without invisible or control characters, spaces
    collapsed and trimmed, cut to ``max_length`` characters if given."""
    text = unicodedata.normalize("NFC", value or "")
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    if max_length is not None and len(text) > max_length:
        text = text[: max_length - 1].rstrip() + "…"
    return text


def clean_multiline(value: str | None) -> str:
    """Return free text with invisible characters removed, keeping its line breaks."""
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n")
    text = _INVISIBLE.sub("", text)
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", " ", text).strip()


def safe_filename(filename: str | None, *, max_length: int = 100, default: str = "file") -> str:
    """Return a display name for an uploaded file: no path, no control or bidi characters,
    at most ``max_length`` characters with the extension kept."""
    text = unicodedata.normalize("NFC", filename or "").replace("\\", "/")
    name = PurePath(_INVISIBLE.sub("", text)).name
    name = _UNSAFE_IN_FILENAME.sub("_", name).strip(" .")
    if not name:
        return default
    if len(name) > max_length:
        stem, dot, ext = name.rpartition(".")
        if dot and stem and 0 < len(ext) <= 10:
            keep = max_length - len(ext) - 2
            name = f"{stem[:keep]}….{ext}"
        else:
            name = name[: max_length - 1] + "…"
    return name


def bounded(value: str | None, length: int) -> str | None:
    """Return ``value`` cut to fit a column of ``length`` characters (None stays None)."""
    if value is None or len(value) <= length:
        return value
    return value[: length - 1] + "…"
