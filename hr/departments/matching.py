"""Which department a written name means (the roster's 部门 column, a typed name).

Pure rules over plain values. Names are compared as people mean them: full-width and
half-width forms folded (NFKC), invisible characters and every space removed, Latin letters
in one case, so "内科 " and "内 科" and "内科" are one department, and "ICU" is "icu".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from core.i18n import Msg, joined, msg
from core.text import clean_text

NAME_MAX = 64
#: How many known names a "no such department" message lists before "等 N 个".
LISTED = 12


def clean_name(name: str | None) -> str:
    """Return a department name as stored: NFC, no invisible characters, spaces collapsed."""
    return clean_text(name)


def name_key(name: str | None) -> str:
    """Return the form two names are compared in (see the module docstring)."""
    text = "".join(unicodedata.normalize("NFKC", clean_text(name)).casefold().split())
    # Folding and dropping spaces may leave letters to compose ("u" + macron): once more.
    return unicodedata.normalize("NFKC", text)


def name_problem(name: str | None) -> Msg | None:
    """Return why a department name cannot be used, or None."""
    cleaned = clean_name(name)
    if not cleaned:
        return msg("请填写部门名称")
    if len(cleaned) > NAME_MAX:
        return msg("部门名称不能超过 %(n)d 个字，实际为 %(m)d 个字", n=NAME_MAX, m=len(cleaned))
    return None


@dataclass(frozen=True)
class Known:
    """A department as matching sees it."""

    id: int
    name: str
    is_active: bool = True


def index(departments: Iterable[Known]) -> dict[str, Known]:
    """Return the departments by the key of their name."""
    return {name_key(d.name): d for d in departments}


def known_list(departments: Iterable[Known]) -> Msg | None:
    """Return the active departments' names for a message: "内科、外科…等 30 个" (None: none)."""
    names = sorted(d.name for d in departments if d.is_active)
    if not names:
        return None
    shown = joined(names[:LISTED])
    if len(names) > LISTED:
        return msg("%(names)s…等 %(n)d 个", names=shown, n=len(names))
    return shown


def match(name: str, known: Mapping[str, Known]) -> Known | Msg:
    """Return the active department ``name`` means, or why it means none.

    ``known`` is :func:`index` of the institution's departments.
    """
    found = known.get(name_key(name))
    if found is not None and found.is_active:
        return found
    if found is not None:
        return msg("部门「%(v)s」已停用，不能再有人员加入", v=found.name)
    listed = known_list(known.values())
    if not listed:
        return msg(
            "本单位尚未建立部门，没有「%(v)s」；请先在“部门”页建立，或导入时选择新建文件中的部门",
            v=name,
        )
    return msg(
        "本单位没有「%(v)s」这个部门（已有：%(known)s）；"
        "请改为已有的部门，或导入时选择新建文件中的部门",
        v=name,
        known=listed,
    )
