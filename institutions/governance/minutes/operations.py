"""Minutes writes: drafting the minutes from the meeting's record, signing, corrections
as new versions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select

from core import audit
from core.auth.models import User
from core.extensions import db
from core.i18n import N_, msg
from core.notifications import notify
from institutions.governance import queries, writes
from institutions.governance.minutes import queries as minutes_queries
from institutions.governance.models import (
    GovernanceError,
    Meeting,
    MeetingMode,
    MeetingStatus,
    Minutes,
    MinutesSignature,
    MotionStatus,
)
from institutions.governance.motions.operations import requires_prior_study
from institutions.governance.tally import Choice


def _minutes(
    meeting: Meeting,
    discussion: Mapping[int, str],
    note: str | None,
    leaders: Mapping[int, str] | None = None,
):
    """Return (body, text) of minutes drawn from the meeting's record, always in Chinese."""
    # The minutes are the legal record: labels in the source language, whoever drafts them.
    with force_locale("zh"):
        body = _minutes_body(meeting, discussion, note, leaders or {})
        return body, _minutes_text(body)


def _refuse_unrecorded_major_items(
    meeting: Meeting, discussion: Mapping[int, str], leaders: Mapping[int, str]
) -> None:
    """三重一大 items are decided after collective discussion, the principal leader speaking
    last (DOMAIN.md §1): their minutes need both recorded."""
    charter = queries.charter_for(meeting.institution_id)
    for motion in queries.motions_of(meeting):
        if motion.status == MotionStatus.DRAFT or not requires_prior_study(motion, charter):
            continue
        spoken, last = bool(discussion.get(motion.id)), bool(leaders.get(motion.id))
        if not spoken and not last:
            raise GovernanceError(
                msg(
                    "三重一大事项「%(title)s」须记录发言要点和主要负责人最后发言，才能形成会议纪要",
                    title=motion.title,
                )
            )
        if not spoken:
            raise GovernanceError(
                msg("三重一大事项「%(title)s」须记录发言要点，才能形成会议纪要", title=motion.title)
            )
        if not last:
            raise GovernanceError(
                msg(
                    "三重一大事项「%(title)s」须记录主要负责人最后发言，才能形成会议纪要",
                    title=motion.title,
                )
            )


def _minutes_body(
    meeting: Meeting, discussion: Mapping[int, str], note: str | None, leaders: Mapping[int, str]
) -> dict:
    """Return the structured minutes drawn from the meeting's record."""
    day = queries.meeting_day(meeting)
    seated = queries.seated_member_ids(meeting.institution_id, day)
    offices = queries.offices_on(meeting.institution_id, day)
    motions = queries.motions_of(meeting)
    rows = queries.attendance_of(meeting)

    def person(user_id: int, **extra) -> dict[str, Any]:
        return {
            "member_id": user_id,
            "name": writes.name(user_id),
            "office": offices.get(user_id, ""),
            **extra,
        }

    if meeting.is_written:
        returned = set()
        for motion in motions:
            returned |= set(queries.latest_ballots(motion))
        present = [person(m, presence="written") for m in seated if m in returned]
        absent = [person(m) for m in seated if m not in returned]
        proxies: list[dict] = []
        non_voting: list[dict] = []
    else:
        by_member = {row.member_id: row for row in rows}
        present = [
            person(m, presence=by_member[m].presence)
            for m in seated
            if m in by_member and by_member[m].is_present
        ]
        absent = [person(m) for m in seated if m not in by_member or not by_member[m].is_present]
        proxies = [
            {
                **person(row.member_id),
                "holder_id": row.proxy_to_id,
                "holder_name": writes.name(row.proxy_to_id),
                "instruction": row.proxy_instruction,
            }
            for row in rows
            if row.proxy_to_id is not None
        ]
        non_voting = [
            person(row.member_id, presence=row.presence)
            for row in rows
            if row.member_id not in seated and row.is_present
        ]
    items = []
    for motion in motions:
        outcome = motion.outcome or {}
        latest = queries.latest_ballots(motion) if motion.outcome else {}
        voters = set(outcome.get("voters", []))
        items.append(
            {
                "motion_id": motion.id,
                "position": motion.position,
                "title": motion.title,
                "kind": motion.kind,
                "category": motion.category,
                "status": motion.status,
                "status_label": motion.status_label,
                "reason": str(motion.reason_message or "") or None,
                "tally": {k: outcome.get(k, 0) for k in ("yes", "no", "abstain")},
                "recusals": [
                    {"member_id": r.member_id, "name": writes.name(r.member_id), "reason": r.reason}
                    for r in motion.recusals
                ],
                "resolution": (
                    {
                        "number": motion.resolution.document_number,
                        "text": motion.resolution.text,
                    }
                    if motion.resolution
                    else None
                ),
                "dissents": [
                    {
                        "member_id": member,
                        "name": writes.name(member),
                        "choice": ballot.choice,
                        "reason": ballot.reason,
                    }
                    for member, ballot in sorted(latest.items())
                    if member in voters and ballot.choice == Choice.NO
                ],
                "discussion": discussion.get(motion.id, ""),
                "leader_statement": leaders.get(motion.id, ""),
            }
        )
    return {
        "meeting": {
            "id": meeting.id,
            "title": meeting.title,
            "kind": meeting.kind,
            "mode": meeting.mode,
            "called_by": meeting.called_by,
            "scheduled_at": meeting.scheduled_at.isoformat(),
            "place": meeting.place,
        },
        "present": present,
        "absent": absent,
        "proxies": proxies,
        "non_voting": non_voting,
        "items": items,
        "note": note,
    }


def _minutes_text(body: dict[str, Any]) -> str:
    """Return the minutes as the text to print and sign."""
    meeting = body["meeting"]
    when = datetime.fromisoformat(meeting["scheduled_at"]).astimezone(queries.local_zone())

    def names(people: list[dict]) -> str:
        return "、".join(p["name"] for p in people) or "无"

    title = meeting["title"]
    lines = [
        # "理事会会议" + "纪要", not "理事会会议会议纪要"
        f"{title}纪要" if title.endswith("会议") else f"{title}会议纪要",
        f"时间：{when:%Y年%m月%d日 %H:%M}",
        f"形式：{MeetingMode(meeting['mode']).label}"
        + (f"；地点：{meeting['place']}" if meeting["place"] else ""),
        f"出席：{names(body['present'])}",
        f"缺席：{names(body['absent'])}",
    ]
    if body["proxies"]:
        lines.append(
            "委托："
            + "；".join(f"{p['name']}委托{p['holder_name']}代为表决" for p in body["proxies"])
        )
    lines.append(f"列席：{names(body['non_voting'])}")
    for item in body["items"]:
        counts = item["tally"]
        lines.append("")
        lines.append(f"{item['position']}. {item['title']}")
        if item["discussion"]:
            lines.append(f"   发言要点：{item['discussion']}")
        if item.get("leader_statement"):
            lines.append(f"   主要负责人最后发言：{item['leader_statement']}")
        if item["recusals"]:
            lines.append(
                "   回避：" + "；".join(f"{r['name']}（{r['reason']}）" for r in item["recusals"])
            )
        if item["status"] == MotionStatus.DRAFT:
            lines.append("   未表决")
            continue
        lines.append(
            f"   表决：同意 {counts['yes']} 票，反对 {counts['no']} 票，弃权 {counts['abstain']} 票。"
            f"{item['reason'] or ''}"
        )
        for dissent in item["dissents"]:
            why = f"：{dissent['reason']}" if dissent["reason"] else ""
            lines.append(f"   {dissent['name']}投反对票{why}")
        if item["resolution"]:
            lines.append(f"   决议 {item['resolution']['number']}：{item['resolution']['text']}")
    if body.get("note"):
        lines += ["", f"更正说明：{body['note']}"]
    return "\n".join(lines)


def _signers(body: dict[str, Any]) -> list[int]:
    return sorted(p["member_id"] for p in body["present"])


def draft_minutes(
    meeting: Meeting,
    *,
    discussion: Mapping[int, str] | None = None,
    leader_statements: Mapping[int, str] | None = None,
    actor: Any = None,
    now: datetime | None = None,
) -> Minutes:
    """Draft the first version of the minutes from the meeting's record; the meeting ends.

    Refused while a vote is open, and when a 三重一大 item lacks its main points or the
    principal leader's statement (``leader_statements``).
    """
    now = writes.now(now)
    if any(m.status == MotionStatus.OPEN for m in queries.motions_of(meeting)):
        raise GovernanceError(msg("尚有议案在表决中，表决结束后才能起草会议纪要"))
    if minutes_queries.current_minutes(meeting) is not None:
        raise GovernanceError(msg("本次会议已有纪要；修改请形成更正版本"))
    discussion = {
        int(k): writes.text(v, N_("发言要点"), required=False) or ""
        for k, v in (discussion or {}).items()
    }
    leaders = {
        int(k): writes.text(v, N_("主要负责人最后发言"), required=False) or ""
        for k, v in (leader_statements or {}).items()
    }
    _refuse_unrecorded_major_items(meeting, discussion, leaders)
    body, text = _minutes(meeting, discussion, None, leaders)
    signers = _signers(body)
    if not signers:
        raise GovernanceError(msg("没有出席会议的理事，无人签署纪要"))
    minutes = Minutes(
        institution_id=meeting.institution_id,
        meeting_id=meeting.id,
        version=1,
        body=body,
        text=text,
        signers=signers,
        created_by_id=writes.actor_id(actor),
        created_at=now,
    )
    meeting.status = MeetingStatus.CONCLUDED
    db.session.add(minutes)
    db.session.flush()
    audit.record(
        "governance.minutes.draft",
        minutes,
        institution_id=meeting.institution_id,
        summary=meeting.title,
        actor=actor,
    )
    _ask_to_sign(meeting, minutes)
    return minutes


def _ask_to_sign(meeting: Meeting, minutes: Minutes) -> None:
    """Tell the attending members that the minutes await their signature."""
    notify(
        db.session.scalars(select(User).where(User.id.in_(minutes.signers))),
        msg(
            "请签署会议纪要：%(meeting)s（第 %(version)d 版）",
            meeting=meeting.title,
            version=minutes.version,
        ),
        msg("会议纪要已起草，请核对后签署；可以要求记录您的不同意见。"),
        link=writes.minutes_link(meeting),
        institution_id=meeting.institution_id,
    )


def correct_minutes(
    minutes: Minutes,
    *,
    note: str,
    discussion: Mapping[int, str] | None = None,
    leader_statements: Mapping[int, str] | None = None,
    actor: Any = None,
    now: datetime | None = None,
) -> Minutes:
    """Correct minutes as a new version that supersedes them and is signed afresh."""
    now = writes.now(now)
    note = writes.text(note, N_("更正说明"), limit=2000)
    if minutes_queries.is_superseded(minutes):
        raise GovernanceError(msg("该版本已被更正，请在最新版本上更正"))
    meeting = db.session.get(Meeting, minutes.meeting_id)
    old = {item["motion_id"]: item.get("discussion", "") for item in minutes.body.get("items", [])}
    if discussion:
        old.update(
            {
                int(k): writes.text(v, N_("发言要点"), required=False) or ""
                for k, v in discussion.items()
            }
        )
    leaders = {
        item["motion_id"]: item.get("leader_statement", "")
        for item in minutes.body.get("items", [])
    }
    if leader_statements:
        leaders.update(
            {
                int(k): writes.text(v, N_("主要负责人最后发言"), required=False) or ""
                for k, v in leader_statements.items()
            }
        )
    _refuse_unrecorded_major_items(meeting, old, leaders)
    body, text = _minutes(meeting, old, note, leaders)
    corrected = Minutes(
        institution_id=minutes.institution_id,
        meeting_id=minutes.meeting_id,
        version=minutes.version + 1,
        body=body,
        text=text,
        signers=_signers(body),
        supersedes_id=minutes.id,
        created_by_id=writes.actor_id(actor),
        created_at=now,
    )
    db.session.add(corrected)
    db.session.flush()
    audit.record(
        "governance.minutes.correct",
        corrected,
        institution_id=minutes.institution_id,
        summary=f"{meeting.title} 第 {corrected.version} 版",
        changes={"note": [None, note]},
        actor=actor,
    )
    _ask_to_sign(meeting, corrected)
    return corrected


def sign_minutes(
    minutes: Minutes, member: User, *, now: datetime | None = None
) -> MinutesSignature:
    """Sign the minutes as an attending member; the last signature locks them."""
    now = writes.now(now)
    # Lock the version, so the last two signatures cannot both miss the lock.
    db.session.scalar(
        select(Minutes)
        .where(Minutes.id == minutes.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if minutes_queries.is_superseded(minutes):
        raise GovernanceError(msg("该版本已被更正，请签署最新版本"))
    if member.id not in minutes.signers:
        raise GovernanceError(msg("只有出席会议的理事签署会议纪要"))
    signed = set(
        db.session.scalars(
            select(MinutesSignature.member_id).where(MinutesSignature.minutes_id == minutes.id)
        )
    )
    if member.id in signed:
        raise GovernanceError(msg("你已签署过该会议纪要"))
    signature = MinutesSignature(minutes_id=minutes.id, member_id=member.id, signed_at=now)
    db.session.add(signature)
    if signed | {member.id} >= set(minutes.signers):
        minutes.locked_at = now
    db.session.flush()
    audit.record(
        "governance.minutes.sign",
        signature,
        institution_id=minutes.institution_id,
        summary=f"第 {minutes.version} 版" + ("，已全部签署并锁定" if minutes.locked_at else ""),
        actor=member,
    )
    return signature
