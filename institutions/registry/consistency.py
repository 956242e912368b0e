"""Registry consistency: does what an institution's record says agree with itself?

The credit code carries the region where the institution was registered (positions 3–8);
the record names its district, its kind and its sponsor, and the sponsor has a district and
a sector. When these disagree the record is usually mistyped (the wrong sponsor picked from
the list, the wrong district), but not always (an institution moved, a city bureau runs a
school in a district), so each disagreement is a warning to look again, never a refusal.

Pure functions over plain values: no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.i18n import Msg, msg
from core.regions import REGIONS

__all__ = [
    "EDUCATION",
    "HEALTH",
    "RegistryWarning",
    "credit_code_region",
    "credit_code_region_warning",
    "registry_warnings",
    "sponsor_district_warning",
    "sponsor_sector",
    "sponsor_sector_warning",
]

#: sectors of sponsors, named by the institution kind they run
EDUCATION, HEALTH = "school", "hospital"

# A sponsor's sector is read from its name until sponsors record it: 成都市武侯区教育局,
# 成都市武侯区卫生健康局 (卫健委, 卫生局 in older names).
_SECTOR_WORDS = {EDUCATION: ("教育",), HEALTH: ("卫生", "卫健", "健康")}


@dataclass(frozen=True, slots=True)
class RegistryWarning:
    """Something in a registry record to look at again, and the field it is about."""

    field: str
    message: Msg


def _region(code: str) -> Msg | str:
    """A region's name, translated where the message is shown (an unknown code as it is)."""
    return msg(REGIONS[code]) if code in REGIONS else code


def credit_code_region(credit_code: str | None) -> str | None:
    """Return the region code in positions 3–8 of a credit code, or None if it has none."""
    code = (credit_code or "").strip().upper()
    region = code[2:8]
    if len(code) != 18 or not (region.isascii() and region.isdigit()):
        return None
    return region


def credit_code_region_warning(credit_code: str | None, district_code: str | None) -> Msg | None:
    """Warn when the credit code was issued in another region than the institution's district."""
    region = credit_code_region(credit_code)
    if region is None or not district_code or region == district_code:
        return None
    if region in REGIONS:
        return msg(
            "统一社会信用代码第 3–8 位的行政区划码 %(region)s（%(region_name)s）"
            "与所在区（市）县 %(district)s（%(district_name)s）不一致，请核对",
            region=region,
            region_name=_region(region),
            district=district_code,
            district_name=_region(district_code),
        )
    return msg(
        "统一社会信用代码第 3–8 位的行政区划码 %(region)s 不是本市的区划，"
        "与所在区（市）县 %(district)s（%(district_name)s）不一致，请核对",
        region=region,
        district=district_code,
        district_name=_region(district_code),
    )


def sponsor_district_warning(
    sponsor_name: str, sponsor_district_code: str | None, district_code: str | None
) -> Msg | None:
    """Warn when the sponsor sits in another district than the institution."""
    if not sponsor_district_code or not district_code or sponsor_district_code == district_code:
        return None
    return msg(
        "举办单位「%(sponsor)s」属于%(sponsor_district_name)s（%(sponsor_district)s），"
        "本单位在%(district_name)s（%(district)s），请核对举办单位或所在区（市）县",
        sponsor=sponsor_name,
        sponsor_district_name=_region(sponsor_district_code),
        sponsor_district=sponsor_district_code,
        district_name=_region(district_code),
        district=district_code,
    )


def sponsor_sector(sponsor_name: str | None) -> str | None:
    """Return the sector a sponsor's name shows (EDUCATION or HEALTH), or None if unclear."""
    name = sponsor_name or ""
    found = {sector for sector, words in _SECTOR_WORDS.items() if any(w in name for w in words)}
    return found.pop() if len(found) == 1 else None


def sponsor_sector_warning(sponsor_name: str, kind: str | None) -> Msg | None:
    """Warn when a school's or hospital's sponsor is a department of another sector.

    Only schools and hospitals are checked, and only against a sponsor whose sector its name
    shows: an education bureau may well run an institution of kind "other".
    """
    sector = sponsor_sector(sponsor_name)
    if sector is None or kind not in (EDUCATION, HEALTH) or kind == sector:
        return None
    if kind == EDUCATION:
        return msg(
            "本单位登记为学校，举办单位「%(sponsor)s」却不是教育部门，请核对举办单位或单位类型",
            sponsor=sponsor_name,
        )
    return msg(
        "本单位登记为医院，举办单位「%(sponsor)s」却不是卫生健康部门，请核对举办单位或单位类型",
        sponsor=sponsor_name,
    )


def registry_warnings(
    *,
    credit_code: str | None,
    district_code: str | None,
    kind: str | None,
    sponsor_name: str | None = None,
    sponsor_district_code: str | None = None,
) -> list[RegistryWarning]:
    """Return every disagreement within one institution's record, each with its field.

    Leave out what is not known (no sponsor chosen yet, a malformed credit code): those are
    the form's errors, not warnings.
    """
    candidates = [("credit_code", credit_code_region_warning(credit_code, district_code))]
    if sponsor_name:
        candidates += [
            (
                "sponsor_id",
                sponsor_district_warning(sponsor_name, sponsor_district_code, district_code),
            ),
            ("sponsor_id", sponsor_sector_warning(sponsor_name, kind)),
        ]
    return [RegistryWarning(field, message) for field, message in candidates if message is not None]
