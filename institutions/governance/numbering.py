"""Resolution numbers (决议文号): 〔2026〕第3号, or with the institution's issuing prefix (a
charter setting) as official documents write them, 实验小学理〔2026〕4号; sequential per
institution and year."""

from __future__ import annotations

import re
import unicodedata

# The 六角括号 is the standard; square and round brackets are common typing substitutes.
_PATTERN = re.compile(r"[^\s〔\[【(]{0,20}?\s*[〔\[【(]\s*(\d{4})\s*[〕\]】)]\s*第?\s*(\d+)\s*号")


def format_resolution_number(year: int, n: int, prefix: str = "") -> str:
    """Return the resolution number for the ``n``-th resolution of ``year``: 〔2026〕第3号, or
    实验小学理〔2026〕3号 with the issuing prefix."""
    _check(year, n)
    if prefix:
        return f"{prefix}〔{year}〕{n}号"
    return f"〔{year}〕第{n}号"


def resolution_title(motion_title: str) -> str:
    """Return a resolution's own title from its motion's: 关于…的议案 → 关于…的决议."""
    title = motion_title.strip()
    for ending in ("的议案", "议案"):
        if title.endswith(ending) and len(title) > len(ending):
            return title[: -len(ending)] + ending.replace("议案", "决议")
    return title


def parse_resolution_number(text: str) -> tuple[int, int]:
    """Return (year, n) from a resolution number such as 〔2026〕第3号."""
    # NFKC turns full-width digits and brackets into ASCII; 〔〕 and 【】 are left alone.
    normalized = unicodedata.normalize("NFKC", text).strip()
    match = _PATTERN.fullmatch(normalized)
    if not match:
        raise ValueError(f"「{text}」不是有效的决议文号，应形如〔2026〕第3号")
    year, n = int(match.group(1)), int(match.group(2))
    _check(year, n)
    return year, n


def _check(year: int, n: int) -> None:
    if isinstance(year, bool) or not isinstance(year, int) or not 1000 <= year <= 9999:
        raise ValueError(f"年份无效：{year}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"序号必须是正整数：{n}")
