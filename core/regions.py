"""Region codes (行政区划代码) of Chengdu, used for districts and in credit codes."""

from __future__ import annotations

CITY_CODE = "510100"

#: code → name; the city itself first, then its districts and counties
REGIONS: dict[str, str] = {
    "510100": "成都市（市本级）",
    "510104": "锦江区",
    "510105": "青羊区",
    "510106": "金牛区",
    "510107": "武侯区",
    "510108": "成华区",
    "510112": "龙泉驿区",
    "510113": "青白江区",
    "510114": "新都区",
    "510115": "温江区",
    "510116": "双流区",
    "510117": "郫都区",
    "510118": "新津区",
    "510121": "金堂县",
    "510129": "大邑县",
    "510131": "蒲江县",
    "510181": "都江堰市",
    "510182": "彭州市",
    "510183": "邛崃市",
    "510184": "崇州市",
    "510185": "简阳市",
}


def region_name(code: str | None) -> str:
    """Return the name of a region code, or the code itself if unknown."""
    if not code:
        return ""
    return REGIONS.get(code, code)
