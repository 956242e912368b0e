"""Region codes (行政区划代码) of Chengdu, used for districts and in credit codes.

``region_name`` gives the Chinese name (Excel files, stored text); ``region_label`` the name
in the reader's language, for pages.
"""

from __future__ import annotations

from core.i18n import N_, msg

CITY_CODE = "510100"

#: code → name; the city itself first, then its districts and counties
REGIONS: dict[str, str] = {
    "510100": N_("成都市（市本级）"),
    "510104": N_("锦江区"),
    "510105": N_("青羊区"),
    "510106": N_("金牛区"),
    "510107": N_("武侯区"),
    "510108": N_("成华区"),
    "510112": N_("龙泉驿区"),
    "510113": N_("青白江区"),
    "510114": N_("新都区"),
    "510115": N_("温江区"),
    "510116": N_("双流区"),
    "510117": N_("郫都区"),
    "510118": N_("新津区"),
    "510121": N_("金堂县"),
    "510129": N_("大邑县"),
    "510131": N_("蒲江县"),
    "510181": N_("都江堰市"),
    "510182": N_("彭州市"),
    "510183": N_("邛崃市"),
    "510184": N_("崇州市"),
    "510185": N_("简阳市"),
}


def region_label(code: str | None) -> str:
    """Return the name of a region code in the current language, or the code if unknown."""
    if not code:
        return ""
    return str(msg(REGIONS[code])) if code in REGIONS else code


def region_name(code: str | None) -> str:
    """Return the name of a region code, or the code itself if unknown."""
    if not code:
        return ""
    return REGIONS.get(code, code)
