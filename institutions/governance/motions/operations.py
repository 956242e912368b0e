"""Motion writes: proposing and editing motions, recusals, opening the vote, ballots,
closing and the tally's decision (a resolution, the subject's followers), written votes that
close when due and reminders to those who have not voted.

Casting, opening and closing hold the institution's chain lock (see ``writes``)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import force_locale
from sqlalchemy import func, select, update

from core import audit
from core.auth.models import User
from core.extensions import db
from core.i18n import N_, Msg, joined, msg, source_text, to_json
from core.models import utcnow
from core.notifications import notify
from institutions.governance import messages, queries, subjects, tally, writes
from institutions.governance.charter import Charter
from institutions.governance.models import (
    Ballot,
    DecisionFailure,
    GovernanceError,
    Meeting,
    MeetingStatus,
    Motion,
    MotionStatus,
    Paper,
    Recusal,
    Resolution,
)
from institutions.governance.motions import queries as motion_queries
from institutions.governance.numbering import resolution_title
from institutions.governance.signals import motion_decided
from institutions.governance.tally import Choice, MotionCategory, MotionKind, Outcome, Status

_STATUS = motion_queries.DECIDED_STATUS

log = logging.getLogger(__name__)


def _amount(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise GovernanceError(msg("金额必须是精确的十进制数，不能是浮点数"))
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise GovernanceError(msg("金额「%(value)s」不是有效的数字", value=value)) from None
    if not amount.is_finite() or amount < 0:
        raise GovernanceError(msg("金额不能为负数"))
    return amount


def _counterparties(values: Iterable[str] | None) -> list[str]:
    names = []
    for value in values or []:
        name = writes.text(value, N_("相关方"), required=False, limit=200)
        if name and name not in names:
            names.append(name)
    return names


def requires_prior_study(motion: Motion, charter: Charter) -> bool:
    """Return whether the motion is 三重一大 and needs the Party organization's prior study."""
    kind = MotionKind(motion.kind)
    large = motion.amount is not None and motion.amount >= charter.large_sum_threshold
    return kind.is_san_zhong_yi_da or large


def _classify(
    meeting: Meeting, kind: MotionKind, amount: Decimal | None, requested: Any, charter: Charter
) -> MotionCategory:
    category = tally.classify(kind, amount, charter)
    # A motion can be raised to a major item, never lowered below what the rules require.
    if requested and writes.enum(MotionCategory, requested, N_("议案类别")) is MotionCategory.MAJOR:
        category = MotionCategory.MAJOR
    if meeting.is_written:
        refusal = tally.written_voting_refusal(kind, category, charter)
        if refusal:
            raise GovernanceError(refusal)
    return category


def add_motion(
    meeting: Meeting,
    *,
    title: str,
    text: str,
    kind: MotionKind | str = MotionKind.ROUTINE,
    amount: Decimal | None = None,
    counterparties: Iterable[str] | None = None,
    category: MotionCategory | str | None = None,
    prior_study_record: str | None = None,
    prior_study_ref: str | None = None,
    subject_kind: str | None = None,
    subject_id: str | int | None = None,
    actor: Any = None,
) -> Motion:
    """Put a motion on a meeting's agenda, classified ordinary or major by the rules.

    A motion deciding another module's object is raised by ``subjects.propose_motion`` from
    that object's page; the subject is resolved in the meeting's institution or refused.
    """
    if meeting.status == MeetingStatus.CONCLUDED:
        raise GovernanceError(msg("会议已结束，不能再增加议案"))
    charter = queries.charter_for(meeting.institution_id)
    kind = writes.enum(MotionKind, kind, N_("议案类型"))
    amount = _amount(amount)
    subject = None
    if subject_kind or subject_id:
        if not (subject_kind and subject_id):
            raise GovernanceError(msg("议案事项须同时注明类型和编号"))
        subject = subjects.resolve(subject_kind, meeting.institution_id, subject_id)
    position = (
        db.session.scalar(select(func.max(Motion.position)).where(Motion.meeting_id == meeting.id))
        or 0
    ) + 1
    motion = Motion(
        institution_id=meeting.institution_id,
        meeting=meeting,
        position=position,
        title=writes.text(title, N_("议案标题"), limit=200),
        text=writes.text(text, N_("议案内容")),
        kind=kind,
        category=_classify(meeting, kind, amount, category, charter),
        amount=amount,
        counterparties=_counterparties(counterparties),
        prior_study_record=writes.text(prior_study_record, N_("前置研究记录"), required=False),
        prior_study_ref=writes.text(prior_study_ref, N_("前置研究文号"), required=False, limit=128),
        subject_kind=subject.kind.key if subject else None,
        subject_id=subject.id if subject else None,
        status=MotionStatus.DRAFT,
        created_by_id=writes.actor_id(actor),
    )
    db.session.add(motion)
    db.session.flush()
    audit.record(
        "governance.motion.create",
        motion,
        institution_id=motion.institution_id,
        summary=motion.title,
        changes={"kind": [None, kind.value], "category": [None, motion.category]},
        actor=actor,
    )
    return motion


MOTION_FIELDS = [
    "title",
    "text",
    "kind",
    "category",
    "amount",
    "counterparties",
    "prior_study_record",
    "prior_study_ref",
]


def update_motion(motion: Motion, data: Mapping[str, Any], *, actor: Any = None) -> Motion:
    """Change a draft motion (including attaching the prior-study record)."""
    if motion.status != MotionStatus.DRAFT:
        raise GovernanceError(msg("只能修改草拟中的议案；表决开始后议案不能修改"))
    charter = queries.charter_for(motion.institution_id)
    values: dict[str, Any] = {}
    if "title" in data:
        values["title"] = writes.text(data["title"], N_("议案标题"), limit=200)
    if "text" in data:
        values["text"] = writes.text(data["text"], N_("议案内容"))
    kind = writes.enum(MotionKind, data.get("kind", motion.kind), "议案类型")
    amount = _amount(data["amount"]) if "amount" in data else motion.amount
    if {"kind", "amount", "category"} & set(data):
        values["kind"] = kind.value
        values["amount"] = amount
        values["category"] = _classify(
            motion.meeting, kind, amount, data.get("category"), charter
        ).value
    if "counterparties" in data:
        values["counterparties"] = _counterparties(data["counterparties"])
    if "prior_study_record" in data:
        values["prior_study_record"] = writes.text(
            data["prior_study_record"], N_("前置研究记录"), required=False
        )
    if "prior_study_ref" in data:
        values["prior_study_ref"] = writes.text(
            data["prior_study_ref"], N_("前置研究文号"), required=False, limit=128
        )
    changes = audit.apply_changes(motion, values, MOTION_FIELDS)
    db.session.flush()
    if changes:
        audit.record(
            "governance.motion.update",
            motion,
            institution_id=motion.institution_id,
            summary=motion.title,
            changes=changes,
            actor=actor,
        )
    return motion


def recuse(motion: Motion, member: User, reason: str | Msg, *, actor: Any = None) -> Recusal:
    """Record a member's recusal (回避) from a motion; their ballots on it no longer count.

    ``reason`` is what the secretary typed (kept as typed), or a message the platform wrote
    (kept as its id, translated when shown; ``reason`` then holds its source text).
    """
    if MotionStatus(motion.status).is_decided:
        raise GovernanceError(msg("议案表决已结束，不能再登记回避"))
    message = to_json(reason) if isinstance(reason, Msg) else None
    if isinstance(reason, Msg):
        reason = source_text(reason)[:500]
    reason = writes.text(reason, N_("回避理由"), limit=500)
    if member.id not in set(queries.electorate(motion)):
        raise GovernanceError(msg("%(name)s 不是在任理事，无需回避", name=member.full_name))
    if member.id in queries.recused_ids(motion):
        raise GovernanceError(msg("%(name)s 已登记回避", name=member.full_name))
    recusal = Recusal(
        motion=motion,
        member_id=member.id,
        reason=reason,
        reason_message=message,
        recorded_by_id=writes.actor_id(actor),
    )
    db.session.add(recusal)
    db.session.flush()
    audit.record(
        "governance.recusal.create",
        recusal,
        institution_id=motion.institution_id,
        summary=f"{motion.title}：{member.full_name}",
        changes={"reason": [None, reason]},
        actor=actor,
    )
    return recusal


def apply_proposed_recusals(motion: Motion, *, actor: Any = None) -> list[Recusal]:
    """Record the recusals proposed by matching counterparties against declarations."""
    recusals = []
    for member_id, names in motion_queries.proposed_recusals(motion).items():
        member = db.session.get(User, member_id)
        reason = msg("申报的利害关系：%(names)s", names=joined(names))
        recusals.append(recuse(motion, member, reason, actor=actor))
    return recusals


def open_voting(
    motion: Motion,
    *,
    actor: Any = None,
    now: datetime | None = None,
    deadline: datetime | None = None,
) -> Motion:
    """Open the vote on a motion; this fixes the electorate and charter and freezes the papers.

    Refused when the motion is open or decided already, a 三重一大 item lacks the prior-study
    record, a meeting lacks its quorum, or a written vote's deadline is too short.
    """
    now = writes.now(now)
    writes.lock_chain(motion.institution_id)
    writes.refresh_motion(motion)
    status = MotionStatus(motion.status)
    if status is MotionStatus.OPEN:
        raise GovernanceError(msg("议案已在表决中"))
    if status.is_decided:
        raise GovernanceError(msg("议案表决已结束"))
    meeting = motion.meeting
    if meeting.status == MeetingStatus.CONCLUDED:
        raise GovernanceError(msg("会议已结束"))
    charter = queries.charter_for(motion.institution_id)
    if requires_prior_study(motion, charter) and not motion.prior_study_record:
        raise GovernanceError(msg("三重一大事项须先附党组织前置研究记录，才能开始表决"))
    if not meeting.is_written and now < meeting.scheduled_at:
        when = meeting.scheduled_at.astimezone(queries.local_zone()).strftime("%Y-%m-%d %H:%M")
        raise GovernanceError(msg("会议尚未开始（%(when)s），不能开始表决", when=when))
    today = queries.local_date(now)
    seated = queries.seated_member_ids(motion.institution_id, today)
    if not seated:
        raise GovernanceError(msg("理事会没有在任理事"))
    if meeting.is_written:
        refusal = tally.written_voting_refusal(
            MotionKind(motion.kind), MotionCategory(motion.category), charter
        )
        if refusal:
            raise GovernanceError(refusal)
        if deadline is None:
            raise GovernanceError(msg("通讯表决须规定截止时间"))
        deadline = writes.now(deadline)
        if deadline < now + timedelta(days=charter.written_vote_min_days):
            raise GovernanceError(
                msg("通讯表决期限至少 %(days)d 天", days=charter.written_vote_min_days)
            )
    else:
        deadline = None
        present, proxies = queries.present_and_proxies(meeting)
        outcome = tally.tally(
            charter,
            category=MotionCategory(motion.category),
            seated=seated,
            present=present,
            proxies=proxies,
            recused=queries.recused_ids(motion),
            ballots={},
        )
        # An item that must go to the sponsor may still be opened, closed and referred.
        if not outcome.quorum_met and outcome.status is not Status.REFERRED:
            raise GovernanceError(msg("%(reason)s，不能开始表决", reason=outcome.reason))
    motion.status = MotionStatus.OPEN
    motion.opened_at = now
    motion.opened_by_id = writes.actor_id(actor)
    motion.vote_deadline_at = deadline
    motion.charter = charter.to_dict()
    motion.electorate = seated
    motion.chair_id = queries.chair_id(motion.institution_id, today)
    if meeting.voting_opened_at is None:
        meeting.voting_opened_at = now
    meeting.status = MeetingStatus.IN_SESSION
    db.session.execute(
        update(Paper)
        .where(Paper.meeting_id == meeting.id, Paper.frozen_at.is_(None))
        .values(frozen_at=now)
        .execution_options(synchronize_session="fetch")
    )
    db.session.flush()
    eligible = set(seated) - queries.recused_ids(motion)
    if meeting.is_written:
        body = msg(
            "通讯表决，截止时间：%(deadline)s。请在截止前投票。", deadline=writes.local(deadline)
        )
    else:
        body = msg("%(meeting)s已开始表决，请出席的理事投票。", meeting=meeting.title)
    notify(
        db.session.scalars(select(User).where(User.id.in_(sorted(eligible)))),
        msg("请表决：%(motion)s", motion=motion.title),
        body,
        link=writes.motion_link(motion),
        institution_id=motion.institution_id,
    )
    audit.record(
        "governance.motion.open",
        motion,
        institution_id=motion.institution_id,
        summary=motion.title,
        changes={"status": [MotionStatus.DRAFT.value, MotionStatus.OPEN.value]},
        actor=actor,
    )
    return motion


def cast_ballot(
    motion: Motion,
    voter: User,
    choice: Choice | str,
    *,
    reason: str | None = None,
    for_member: User | None = None,
    now: datetime | None = None,
) -> Ballot:
    """Cast a ballot, for oneself or as the proxy of an absent member; the latest one counts.

    Every ballot is kept and chained. Refused unless the motion is open and the voter is a
    seated, present (or, for a written vote, any) unconflicted council member, or the
    designated proxy holder of the member voted for.
    """
    now = writes.now(now)
    choice = writes.enum(Choice, choice, N_("表决意见"))
    reason = writes.text(reason, N_("表决理由"), required=False, limit=2000)
    for_member_id = for_member.id if for_member is not None else None
    if for_member_id == voter.id:
        for_member_id = None
    head = writes.lock_chain(motion.institution_id)
    writes.refresh_motion(motion)
    refusal = motion_queries.ballot_refusal(motion, voter.id, for_member_id, now)
    if refusal:
        raise GovernanceError(refusal)
    ballot = Ballot(
        institution_id=motion.institution_id,
        motion_id=motion.id,
        member_id=voter.id,
        by_proxy_for_id=for_member_id,
        choice=choice.value,
        reason=reason,
        cast_at=now,
    )
    writes.link(head, ballot)
    db.session.add(ballot)
    db.session.flush()
    # The trail says that a ballot was cast, not how: results may be hidden until the close.
    audit.record(
        "governance.ballot.cast",
        ballot,
        institution_id=motion.institution_id,
        summary=motion.title
        + (
            "（代为表决，与委托书不一致）"
            if for_member_id
            and motion_queries.proxy_contradicts_instruction(motion, for_member_id, choice)
            else "（代为表决）"
            if for_member_id
            else ""
        ),
        actor=voter,
    )
    if for_member is not None and for_member_id is not None:
        contrary = motion_queries.proxy_contradicts_instruction(motion, for_member_id, choice)
        notify(
            [for_member],
            msg("%(voter)s 已代您表决：%(motion)s", voter=voter.full_name, motion=motion.title),
            msg(
                N_(
                    "受托人代您投了「%(choice)s」，与您的书面委托书不一致。表决结束前，以最后一次投票为准。"
                )
                if contrary
                else N_("受托人代您投了「%(choice)s」。表决结束前，以最后一次投票为准。"),
                choice=choice.label_message,
            ),
            link=writes.motion_link(motion),
            institution_id=motion.institution_id,
        )
    return ballot


def _outcome_json(outcome: Outcome) -> dict[str, Any]:
    data = asdict(outcome)
    data["status"] = outcome.status.value
    data["category"] = outcome.category.value
    data["voters"] = sorted(outcome.voters)
    data["valid_proxies"] = [list(pair) for pair in outcome.valid_proxies]
    # the reason and notes as message ids with parameters: translated where they are shown
    data["reason"] = messages.dump(outcome.reason)
    data["notes"] = [messages.dump(note) for note in outcome.notes]
    return data


def _audit_summary(title: str, reason: Msg) -> str:
    """Return the audit trail's summary of a close, in the source language like every entry."""
    with force_locale("zh"):
        return f"{title}：{reason.render()}"


def close_motion(
    motion: Motion,
    *,
    actor: Any = None,
    now: datetime | None = None,
    resolution_text: str | None = None,
) -> Motion:
    """Close the vote, record the outcome and, if it passed, the numbered resolution.

    A written vote closes at its deadline, or earlier once every eligible member has voted.
    Sends ``motion_decided``.
    """
    now = writes.now(now)
    resolution_text = writes.text(resolution_text, N_("决议内容"), required=False)
    head = writes.lock_chain(motion.institution_id)
    writes.refresh_motion(motion)
    writes.refuse_unless_open(motion)
    ballots = queries.latest_ballots(motion)
    if motion.meeting.is_written and motion.vote_deadline_at and now < motion.vote_deadline_at:
        eligible = set(queries.electorate(motion)) - queries.recused_ids(motion)
        missing = eligible - set(ballots)
        if missing:
            raise GovernanceError(
                msg(
                    "通讯表决截止前不能结束表决（尚有 %(missing)d 名理事未投票）",
                    missing=len(missing),
                )
            )
    present, proxies = queries.present_and_proxies(motion.meeting)
    recused = queries.recused_ids(motion)
    outcome = motion_queries.compute_outcome(motion, ballots=ballots, recused=recused)
    motion.status = _STATUS[outcome.status]
    motion.outcome = _outcome_json(outcome)
    # what the tally was computed on, so that ``governance verify`` recounts the same
    motion.outcome["basis"] = {
        "present": sorted(present),
        "proxies": [[absent, holder] for absent, holder in proxies.items()],
        "recused": sorted(recused),
    }
    # The reason is kept as a message in ``outcome``; ``reason`` holds older rows' text.
    motion.reason = None
    motion.closed_at = now
    motion.closed_by_id = writes.actor_id(actor)
    resolution = None
    if outcome.passed:
        year = queries.local_date(now).year
        number = (
            db.session.scalar(
                select(func.max(Resolution.number)).where(
                    Resolution.institution_id == motion.institution_id, Resolution.year == year
                )
            )
            or 0
        ) + 1
        resolution = Resolution(
            institution_id=motion.institution_id,
            motion_id=motion.id,  # set before the flush: the chain hash covers it
            motion=motion,
            year=year,
            number=number,
            title=resolution_title(motion.title),
            text=resolution_text or motion.text,
            passed_at=now,
        )
        writes.link(head, resolution)
        db.session.add(resolution)
    db.session.flush()
    audit.record(
        "governance.motion.close",
        motion,
        institution_id=motion.institution_id,
        summary=_audit_summary(motion.title, outcome.reason),
        changes={"status": [MotionStatus.OPEN.value, motion.status]},
        actor=actor,
    )
    if resolution is not None:
        audit.record(
            "governance.resolution.create",
            resolution,
            institution_id=motion.institution_id,
            summary=f"{resolution.document_number} {resolution.title}",
            actor=actor,
        )
    _run_followers(motion, outcome, resolution)
    return motion


def _receiver_name(receiver: Any) -> str:
    module = getattr(receiver, "__module__", None) or ""
    name = getattr(receiver, "__qualname__", None) or type(receiver).__name__
    return f"{module}.{name}" if module else name


def _run_followers(motion: Motion, outcome: Outcome, resolution: Resolution | None) -> None:
    """Call the subject kind's ``on_decided`` and every ``motion_decided`` receiver.

    Each runs in its own savepoint: one that fails has its writes undone, is logged, kept as
    a ``DecisionFailure`` on the motion and sent to the secretary and the chair; the others
    still run and the decision stands.
    """
    receivers: list[Any] = []
    kind = subjects.kind_of(motion.subject_kind)
    if kind is not None and kind.on_decided is not None:
        receivers.append(kind.on_decided)
    receivers.extend(motion_decided.receivers_for(motion))
    failures = []
    reasons: list[Msg | str] = []  # each failure's reason, translated when read
    for receiver in receivers:
        try:
            with db.session.begin_nested():
                receiver(motion, outcome=outcome, resolution=resolution)
        except Exception as error:  # noqa: BLE001 - a follower never undoes the decision
            log.exception("motion %s: follower %s failed", motion.id, _receiver_name(receiver))
            reason = _failure_reason(error)
            reasons.append(reason)
            # The record keeps the source text (never the language of whoever closed the vote).
            detail = source_text(reason)
            failures.append(
                DecisionFailure(
                    institution_id=motion.institution_id,
                    motion_id=motion.id,
                    receiver=_receiver_name(receiver)[:200],
                    error=detail[:2000],
                    occurred_at=utcnow(),
                )
            )
    if not failures:
        return
    db.session.add_all(failures)
    db.session.flush()
    notify(
        writes.council_keepers(motion.institution_id, queries.local_date(utcnow())),
        msg("议案决定后的后续处理失败：%(motion)s", motion=motion.title),
        msg(
            "%(errors)s\n决议有效；请按决议手工办理未完成的事项。",
            errors=joined(reasons, "；"),
        ),
        institution_id=motion.institution_id,
    )
    audit.record(
        "governance.motion.follow_up_failed",
        motion,
        institution_id=motion.institution_id,
        summary=motion.title,
        changes={"failures": [None, [f.receiver for f in failures]]},
    )


def _failure_reason(error: Exception) -> Msg | str:
    """Return why a follower failed: its refusal's message (an id), or the error's text."""
    message = getattr(error, "message", None)
    if not isinstance(message, Msg) and error.args and isinstance(error.args[0], Msg):
        message = error.args[0]
    if isinstance(message, Msg):
        return message
    return str(error) or type(error).__name__


def close_due_written_motions(
    now: datetime | None = None,
    *,
    institution_id: int | None = None,
    meeting_id: int | None = None,
) -> list[Motion]:
    """Close every written vote whose deadline has passed; return the motions closed.

    Run by ``flask governance close-due`` and by the pages that show the votes (DOMAIN.md §1:
    a vote past its deadline is closed when anyone next reads it), limited to what they show.
    """
    now = writes.now(now)
    closed = []
    due = motion_queries.due_written_motions(
        now, institution_id=institution_id, meeting_id=meeting_id
    )
    for motion in due:
        try:
            # a savepoint per motion: a refusal (closed meanwhile by someone else) leaves
            # that motion as it was and the others closing
            with db.session.begin_nested():
                close_motion(motion, now=now)
        except GovernanceError:
            continue
        closed.append(motion)
    return closed


#: Members who have not voted in a written vote are reminded this long before its deadline.
REMINDER_BEFORE = timedelta(hours=24)


def remind_non_voters(now: datetime | None = None) -> list[Motion]:
    """Remind the members who have not voted, once per written vote, near its deadline.

    Never the members who have voted (or whose proxy has). Run by ``governance remind`` and
    ``governance close-due``; return the motions whose members were reminded.
    """
    now = writes.now(now)
    reminded = []
    for motion in motion_queries.motions_to_remind(now, now + REMINDER_BEFORE):
        voted = set(queries.latest_ballots(motion))
        waiting = set(queries.electorate(motion)) - queries.recused_ids(motion) - voted
        motion.reminded_at = now
        if waiting:
            notify(
                db.session.scalars(select(User).where(User.id.in_(sorted(waiting)))),
                msg("表决即将截止：%(motion)s", motion=motion.title),
                msg(
                    "您尚未投票，截止时间：%(deadline)s。",
                    deadline=writes.local(motion.vote_deadline_at),
                ),
                link=writes.motion_link(motion),
                institution_id=motion.institution_id,
            )
            reminded.append(motion)
    db.session.flush()
    return reminded
