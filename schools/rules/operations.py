"""Writes of the internal rules: a rule and its first draft, new versions, adoption.

A council rule's version goes to a council meeting as a motion subject
(``schools.rules.subject``) and the decision moves it; a congress rule's version is adopted
by naming the staff congress's passed vote on internal rules (its 文号). Each write adds and
flushes and leaves an audit event; the request commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from core import audit
from core.extensions import db
from core.i18n import msg
from institutions.governance.models import GovernanceError, Meeting
from institutions.governance.subjects import propose_motion
from schools.findings import SchoolsRefusal
from schools.models import CongressItemKind, CongressVote
from schools.rules.models import AdoptingBody, SchoolRule, SchoolRuleVersion, VersionStatus

KEY = "schools.internal_rule"


def _text(data: Mapping[str, Any]) -> tuple[str, str]:
    text = str(data.get("text") or "").strip()
    if not text:
        raise SchoolsRefusal(msg("请填写制度全文"), field="text")
    note = str(data.get("change_note") or "").strip()[:255]
    return text, note


def create_rule(institution: Any, data: Mapping[str, Any], *, actor: Any = None) -> SchoolRule:
    """Register a rule with its first version as a draft."""
    title = str(data.get("title") or "").strip()
    errors = {}
    if not title or len(title) > 120:
        errors["title"] = msg("请填写制度名称（120 字以内）")
    body = str(data.get("body") or "")
    if body not in AdoptingBody.LABELS:
        errors["body"] = msg("请选择审议机构")
    if title and db.session.scalar(
        select(SchoolRule.id).where(
            SchoolRule.institution_id == institution.id, SchoolRule.title == title
        )
    ):
        errors["title"] = msg("本校已有同名制度，请为它起草新版本")
    if errors:
        raise SchoolsRefusal(errors=errors)
    text, note = _text(data)
    rule = SchoolRule(institution_id=institution.id, title=title, body=body)
    db.session.add(rule)
    db.session.flush()
    version = SchoolRuleVersion(
        rule=rule, institution_id=institution.id, number=1, text=text, change_note=note
    )
    db.session.add(version)
    db.session.flush()
    audit.record(
        "school_rule.create",
        rule,
        institution_id=institution.id,
        summary=title,
        actor=actor,
    )
    return rule


def draft_version(rule: SchoolRule, data: Mapping[str, Any], *, actor: Any = None):
    """Draft the next version of a rule (one open version at a time)."""
    if rule.open_version is not None:
        raise SchoolsRefusal(msg("该制度已有待审议的版本，请先完成审议"))
    text, note = _text(data)
    number = max((v.number for v in rule.versions), default=0) + 1
    version = SchoolRuleVersion(
        rule=rule, institution_id=rule.institution_id, number=number, text=text, change_note=note
    )
    db.session.add(version)
    db.session.flush()
    audit.record(
        "school_rule.version",
        rule,
        institution_id=rule.institution_id,
        summary=f"{rule.title} 第 {number} 版",
        actor=actor,
    )
    return version


def _open_draft(rule: SchoolRule) -> SchoolRuleVersion:
    version = rule.open_version
    if version is None or version.status != VersionStatus.DRAFT:
        raise SchoolsRefusal(msg("没有可提交审议的草稿版本"))
    return version


def submit_to_council(rule: SchoolRule, meeting: Meeting, *, actor: Any = None):
    """Put a council rule's draft version on a council meeting as a motion subject."""
    if rule.body != AdoptingBody.COUNCIL:
        raise SchoolsRefusal(msg("该制度由教职工代表大会审议通过"))
    if meeting.institution_id != rule.institution_id:
        raise SchoolsRefusal(msg("会议不属于本单位"), field="meeting_id")
    version = _open_draft(rule)
    try:
        motion = propose_motion(
            KEY,
            rule.institution_id,
            version.id,
            meeting=meeting,
            title=f"关于审议《{rule.title}》（第 {version.number} 版）的议案",
            text=version.text[:4000],
            actor=actor,
        )
    except GovernanceError as error:
        raise SchoolsRefusal(str(error), field="meeting_id") from None
    version.motion_id = motion.id
    version.status = VersionStatus.SUBMITTED
    db.session.flush()
    audit.record(
        "school_rule.submit",
        rule,
        institution_id=rule.institution_id,
        summary=f"{rule.title} 第 {version.number} 版：{motion.title}",
        actor=actor,
    )
    return version


def adopt_by_congress(rule: SchoolRule, vote_number: str, *, actor: Any = None):
    """Adopt a congress rule's draft by the staff congress's passed vote on internal rules."""
    if rule.body != AdoptingBody.CONGRESS:
        raise SchoolsRefusal(msg("该制度由学校理事会审议通过"))
    version = _open_draft(rule)
    vote = db.session.scalar(
        select(CongressVote).where(
            CongressVote.institution_id == rule.institution_id,
            CongressVote.number == (vote_number or "").strip(),
            CongressVote.status == "passed",
            CongressVote.kind == CongressItemKind.RULES,
        )
    )
    if vote is None:
        raise SchoolsRefusal(msg("没有该文号的教代会通过的内部规章表决"), field="vote_number")
    if db.session.scalar(
        select(SchoolRuleVersion.id).where(SchoolRuleVersion.congress_vote_id == vote.id)
    ):
        raise SchoolsRefusal(msg("该表决已用于另一项制度"), field="vote_number")
    version.status = VersionStatus.ADOPTED
    version.congress_vote_id = vote.id
    version.decision_ref = vote.number
    version.adopted_on = vote.held_on
    db.session.flush()
    audit.record(
        "school_rule.adopt",
        rule,
        institution_id=rule.institution_id,
        summary=f"{rule.title} 第 {version.number} 版：{vote.number}",
        actor=actor,
    )
    return version
