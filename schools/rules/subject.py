"""A council rule's version as a motion subject (议案事项) of the school council.

Governance resolves (institution, version id) through :func:`_resolve`, which finds only the
school's own versions; :func:`on_decided` moves the version: passed -> adopted (the
resolution's number and date), rejected -> rejected, no decision -> back to a draft.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.extensions import db
from institutions.governance.models import Motion, MotionStatus
from institutions.governance.subjects import SubjectKind
from schools.rules.models import SchoolRuleVersion, VersionStatus
from schools.rules.operations import KEY


def version_in(institution_id: int, obj_id: Any) -> SchoolRuleVersion | None:
    if not str(obj_id).isdigit():
        return None
    return db.session.scalar(
        select(SchoolRuleVersion).where(
            SchoolRuleVersion.id == int(obj_id),
            SchoolRuleVersion.institution_id == institution_id,
        )
    )


def _resolve(institution_id: int, obj_id: str) -> tuple[str, str | None] | None:
    version = version_in(institution_id, obj_id)
    if version is None:
        return None
    url = None
    if has_request_context():
        url = url_for("schools.rule", institution_id=institution_id, rule_id=version.rule_id)
    return f"《{version.rule.title}》第 {version.number} 版", url


def on_decided(motion: Motion, *, outcome: Any, resolution: Any) -> None:
    version = version_in(motion.institution_id, motion.subject_id)
    if (
        version is None
        or version.motion_id != motion.id
        or version.status != VersionStatus.SUBMITTED
    ):
        return
    if resolution is not None:
        version.status = VersionStatus.ADOPTED
        version.decision_ref = resolution.document_number
        version.adopted_on = resolution.passed_at.date()
    elif motion.status == MotionStatus.REJECTED:
        version.status = VersionStatus.REJECTED
    else:
        version.status = VersionStatus.DRAFT
        version.motion_id = None
    db.session.flush()


SUBJECT = SubjectKind(
    key=KEY,
    label=_l("学校内部制度"),
    owner="schools",
    resolve=_resolve,
    on_decided=on_decided,
)
