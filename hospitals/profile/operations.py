"""Writes of the hospital profile (add and flush; the request commits)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core import audit
from core.errors import Refusal
from core.extensions import db
from core.i18n import msg
from hospitals.models import HospitalLevel, HospitalProfile
from hospitals.profile.queries import profile_of
from institutions.models import Institution

FIELDS = ("level", "beds")


def save_profile(institution: Institution, data: Mapping[str, Any]) -> HospitalProfile:
    """Create or change the hospital's level and beds."""
    if data.get("level") not in {level.value for level in HospitalLevel}:
        raise Refusal(msg("请选择医院等级"), field="level")
    beds = data.get("beds")
    if beds is None or beds < 0:
        raise Refusal(msg("床位数不能为负数"), field="beds")
    profile = profile_of(institution.id)
    before = audit.snapshot(profile, FIELDS) if profile else {}
    if profile is None:
        profile = HospitalProfile(institution_id=institution.id)
        db.session.add(profile)
    profile.level = data["level"]
    profile.beds = beds
    db.session.flush()
    audit.record(
        "hospital_profile.save",
        profile,
        institution_id=institution.id,
        changes=audit.diff(before, audit.snapshot(profile, FIELDS)),
    )
    return profile
