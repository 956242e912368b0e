"""The one place a redirect target that came from outside (``next=``, a stored link) is checked.

A browser reading ``Location`` drops tabs and line breaks, treats ``\\`` as ``/`` and ignores
leading spaces and control characters, so ``/\\t/evil.com`` and ``/\\evil.com`` both lead to
``//evil.com``, another site. Only a plain path on this site passes: it starts with one ``/``,
names no scheme or host, and holds no whitespace, backslash or control character at all.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit


def is_safe_path(target: str | None) -> bool:
    """Return whether ``target`` is a path on this site that is safe to redirect to."""
    if not target or not isinstance(target, str):
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    for char in target:
        # Whitespace (tab, newline, no-break space...), controls, format characters (bidi,
        # zero-width) and unassigned code points: none belongs in a path we generated.
        if char == "\\" or char.isspace() or unicodedata.category(char).startswith("C"):
            return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str) -> str:
    """Return ``target`` if it is a safe path on this site, else ``default``."""
    return target if is_safe_path(target) else default
