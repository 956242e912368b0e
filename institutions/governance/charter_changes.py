"""Charter changes (章程修改) put to the council: governance's own motion subject.

Charter settings are the council's own rules (DOMAIN.md §1 "Charter settings"): once set up,
a setting changes only by a passed motion. A manager proposes the new settings from the
charter page ("提交理事会审议"): a ``CharterProposal`` is kept and a charter-change motion
(a major resolution, never a written vote) goes on the chosen meeting's agenda with the
proposal as its subject. When the motion passes, ``on_decided`` applies the settings
(audited, naming the resolution); a rejected motion leaves them as they are.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.extensions import db
from core.i18n import msg
from core.models import utcnow
from institutions.governance import queries
from institutions.governance.charter import _LABELS, Charter
from institutions.governance.models import CharterProposal, GovernanceError, Meeting, Motion
from institutions.governance.subjects import SubjectKind, propose_motion
from institutions.governance.tally import MotionKind

KEY = "governance.charter"


def _proposal(institution_id: int, obj_id: Any) -> CharterProposal | None:
    if not str(obj_id).isdigit():
        return None
    return db.session.scalar(
        select(CharterProposal).where(
            CharterProposal.id == int(obj_id), CharterProposal.institution_id == institution_id
        )
    )


def _resolve(institution_id: int, obj_id: str) -> tuple[str, str | None] | None:
    proposal = _proposal(institution_id, obj_id)
    if proposal is None:
        return None
    url = None
    if has_request_context():
        url = url_for("governance.charter", institution_id=institution_id)
    return f"章程设置修改提案 第 {proposal.id} 号", url


def changes_between(before: Charter, after: Charter) -> list[tuple[str, str, str]]:
    """Return (setting name, old, new) for every setting ``after`` changes, in order."""
    old, new = before.to_dict(), after.to_dict()
    return [(name, str(old[name]), str(new[name])) for name in old if old[name] != new[name]]


def propose_charter_change(
    institution_id: int,
    settings: Charter | dict[str, Any],
    *,
    meeting: Meeting,
    title: str | None = None,
    text: str | None = None,
    actor: Any = None,
) -> Motion:
    """Keep the proposed settings and put them to the council as a charter-change motion."""
    try:
        proposed = settings if isinstance(settings, Charter) else Charter.from_dict(dict(settings))
    except (TypeError, ValueError) as error:
        raise GovernanceError(error.args[0] if error.args else str(error)) from None
    changes = changes_between(queries.charter_for(institution_id), proposed)
    if not changes:
        raise GovernanceError(msg("提出的章程设置与现行设置相同，无需审议"))
    if meeting.is_written:
        raise GovernanceError(msg("章程修改不能通讯表决，须提交会议审议"))
    proposal = CharterProposal(
        institution_id=institution_id,
        settings=proposed.to_dict(),
        proposed_by_id=getattr(actor, "id", actor),
        created_at=utcnow(),
    )
    db.session.add(proposal)
    db.session.flush()
    # the motion is the record: in the source language, whoever proposes it
    listed = "\n".join(f"{_LABELS[name]}：由「{old}」改为「{new}」" for name, old, new in changes)
    return propose_motion(
        KEY,
        institution_id,
        proposal.id,
        meeting=meeting,
        title=title or "关于修改章程设置的议案",
        text=(text.strip() + "\n\n" if text and text.strip() else "") + "拟修改：\n" + listed,
        actor=actor,
    )


def on_decided(motion: Motion, *, outcome: Any, resolution: Any) -> None:
    """Apply the proposed settings when the motion passed."""
    if resolution is None:
        return
    proposal = _proposal(motion.institution_id, motion.subject_id)
    if proposal is None:
        raise GovernanceError(msg("章程修改提案已不存在"))
    if proposal.applied_at is not None:
        return
    # the council's operations import the subjects
    from institutions.governance.council import operations as council_ops

    council_ops.apply_charter(motion.institution_id, proposal.settings, resolution=resolution)
    proposal.applied_at = utcnow()
    db.session.flush()


def pending_proposals(institution_id: int) -> list[tuple[CharterProposal, Motion]]:
    """Return the proposals whose motions are not decided yet, newest first."""
    rows = db.session.execute(
        select(CharterProposal, Motion)
        .join(
            Motion,
            (Motion.subject_kind == KEY)
            & (Motion.subject_id == db.cast(CharterProposal.id, db.String))
            & (Motion.institution_id == CharterProposal.institution_id),
        )
        .where(
            CharterProposal.institution_id == institution_id,
            CharterProposal.applied_at.is_(None),
            Motion.status.in_(("draft", "open")),
        )
        .order_by(CharterProposal.id.desc())
    ).all()
    return [(row[0], row[1]) for row in rows]


SUBJECT = SubjectKind(
    key=KEY,
    label=_l("章程修改"),
    owner="institutions.governance",
    resolve=_resolve,
    motion_kind=MotionKind.CHARTER.value,
    on_decided=on_decided,
)
