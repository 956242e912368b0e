"""Writes of the staff congress: delegates join and leave, a vote is recorded and counted.

The count is ``schools.congress.tally_congress`` (the governance tally under the congress's
rules, the parameter ``schools.staff_congress`` in force on the meeting day): composition
first (teachers a majority), then the quorum (2/3 of all delegates present), then more than
half of ALL delegates voting yes. A passed item gets the next number of the school's year
(教代会〔2026〕第1号); a reward allocation names that number (``schools.rewards``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from sqlalchemy import func, select

from core import audit
from core.extensions import db
from core.i18n import msg
from core.parameters import parameter
from hr.models import Employment
from schools.congress import CONGRESS_KEY, CongressRules, Delegate, tally_congress
from schools.findings import SchoolsRefusal
from schools.models import CongressDelegate, CongressItemKind, CongressVote


def delegates_on(institution_id: int, on: date | None = None) -> list[CongressDelegate]:
    """Return the school's delegates (those seated on ``on``; all current ones if None)."""
    stmt = select(CongressDelegate).where(CongressDelegate.institution_id == institution_id)
    if on is None:
        stmt = stmt.where(CongressDelegate.ended_on.is_(None))
    else:
        stmt = stmt.where((CongressDelegate.ended_on.is_(None)) | (CongressDelegate.ended_on > on))
    return list(db.session.scalars(stmt.order_by(CongressDelegate.id)))


def add_delegate(institution_id: int, employment: Employment, is_teacher: bool) -> CongressDelegate:
    if employment.institution_id != institution_id or not employment.is_active:
        raise SchoolsRefusal(msg("代表须是本校在岗教职工"), field="employment_id")
    if any(d.employment_id == employment.id for d in delegates_on(institution_id)):
        raise SchoolsRefusal(msg("%(n)s已是代表", n=employment.person.name), field="employment_id")
    old = db.session.scalar(
        select(CongressDelegate).where(
            CongressDelegate.institution_id == institution_id,
            CongressDelegate.employment_id == employment.id,
        )
    )
    delegate = old or CongressDelegate(institution_id=institution_id, employment_id=employment.id)
    delegate.is_teacher = bool(is_teacher)
    delegate.ended_on = None
    db.session.add(delegate)
    db.session.flush()
    audit.record(
        "congress_delegate.add",
        delegate,
        institution_id=institution_id,
        summary=f"{employment.person.name}（{employment.staff_number}）",
    )
    return delegate


def end_delegate(delegate: CongressDelegate, on: date) -> CongressDelegate:
    if delegate.ended_on is not None:
        raise SchoolsRefusal(msg("该代表已离任"))
    delegate.ended_on = on
    db.session.flush()
    audit.record(
        "congress_delegate.end",
        delegate,
        institution_id=delegate.institution_id,
        summary=delegate.employment.person.name,
    )
    return delegate


def _next_number(institution_id: int, year: int) -> str:
    prefix = f"教代会〔{year}〕第"
    taken = db.session.scalar(
        select(func.count()).where(
            CongressVote.institution_id == institution_id,
            CongressVote.number.like(f"{prefix}%"),
        )
    )
    return f"{prefix}{taken + 1}号"


def record_vote(
    institution_id: int,
    data: Mapping[str, object],
    present: Iterable[int],
    ballots: Mapping[int, str],
) -> CongressVote:
    """Count a vote held at a meeting and keep it; a passed item gets its number."""
    title = str(data.get("title") or "").strip()
    if not title:
        raise SchoolsRefusal(msg("请填写表决事项"), field="title")
    kind = str(data.get("kind") or "")
    if kind not in CongressItemKind.LABELS:
        raise SchoolsRefusal(msg("请选择事项类别"), field="kind")
    held_on = data.get("held_on")
    if not isinstance(held_on, date):
        raise SchoolsRefusal(msg("请填写会议日期"), field="held_on")
    seated = delegates_on(institution_id, held_on)
    seated_ids = {d.id for d in seated}
    present = sorted(set(present) & seated_ids)
    ballots = {k: v for k, v in ballots.items() if k in seated_ids and v}
    rules = CongressRules.from_value(parameter(CONGRESS_KEY, held_on))
    outcome = tally_congress(
        [Delegate(d.id, d.employment.person.name, d.is_teacher) for d in seated],
        present,
        ballots,
        rules,
    )
    vote = CongressVote(
        institution_id=institution_id,
        held_on=held_on,
        title=title[:255],
        kind=kind,
        status=outcome.status.value,
        seated=sorted(seated_ids),
        present=present,
        ballots={str(k): str(v) for k, v in ballots.items() if k in outcome.tally.voters},
        yes=outcome.tally.yes,
        no=outcome.tally.no,
        abstain=outcome.tally.abstain,
        number=_next_number(institution_id, held_on.year) if outcome.passed else None,
    )
    db.session.add(vote)
    db.session.flush()
    audit.record(
        "congress_vote.record",
        vote,
        institution_id=institution_id,
        summary=f"{title[:80]}：{outcome.status.label.id}"
        + (f"（{vote.number}）" if vote.number else ""),
    )
    return vote


def passed_plan(institution_id: int, number: str) -> CongressVote | None:
    """Return the school's passed reward-plan vote numbered ``number``, if there is one."""
    return db.session.scalar(
        select(CongressVote).where(
            CongressVote.institution_id == institution_id,
            CongressVote.number == number,
            CongressVote.status == "passed",
            CongressVote.kind == CongressItemKind.REWARD_PLAN,
        )
    )


def passed_plans(institution_id: int) -> list[CongressVote]:
    return list(
        db.session.scalars(
            select(CongressVote)
            .where(
                CongressVote.institution_id == institution_id,
                CongressVote.status == "passed",
                CongressVote.kind == CongressItemKind.REWARD_PLAN,
            )
            .order_by(CongressVote.held_on.desc(), CongressVote.id.desc())
        )
    )
