"""The council's vote count: classify a motion, refuse written voting, and tally the ballots.

Plain values in, plain values out; member ids are ints (primary keys). The rules are
DOMAIN.md §1's, with the charter's settings:

- Eligible members are the seated members without a conflict on the item (回避). Quorum and
  thresholds are computed over them.
- Meeting vote: a member attends in person or by live video (``present``). An absent member
  may give a valid proxy to a present member; the proxy's ballot counts, and the represented
  member counts toward the quorum only if the charter says so. The ``present`` threshold base
  is the eligible members present plus those represented by a valid proxy (both can vote).
- Written vote (通讯表决): no proxies; the returned ballots of eligible members make the
  quorum, and thresholds are always on all eligible members.
- With any recusal, an item attended by fewer than 3 eligible members goes to the sponsor.
  A quorum failure takes precedence unless even full attendance could not reach 3.
- Abstentions are not yes votes. A tie (yes == no ≥ 1) fails, unless the charter grants the
  理事长 a casting vote, the item is ordinary and decided at a meeting, the chair attends in
  person and voted yes, and one more yes vote would reach the threshold: then it passes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from core.i18n import N_, Msg, msg
from institutions.governance.charter import Base, Charter

#: With recusals, fewer eligible members than this attending sends the item to the sponsor.
MIN_UNCONFLICTED = 3


class Choice(StrEnum):
    """One member's vote on one item."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"

    @property
    def label(self) -> str:
        return str(msg(_CHOICE_LABELS[self]))

    @property
    def label_message(self) -> Msg:
        """The label as a message, to store untranslated."""
        return msg(_CHOICE_LABELS[self])


_CHOICE_LABELS = {Choice.YES: N_("同意"), Choice.NO: N_("反对"), Choice.ABSTAIN: N_("弃权")}


class MotionCategory(StrEnum):
    """Which threshold applies: 一般事项 or 重大事项."""

    ORDINARY = "ordinary"
    MAJOR = "major"

    @property
    def label(self) -> str:
        return str(msg(N_("一般事项") if self is MotionCategory.ORDINARY else N_("重大事项")))


class MotionKind(StrEnum):
    """What a motion decides; DOMAIN.md §1's major matters and the four 三重一大 kinds."""

    ROUTINE = "routine"
    ELECTION = "election"
    CHARTER = "charter"
    DEVELOPMENT_PLAN = "development_plan"
    BUDGET = "budget"
    HEAD_APPOINTMENT = "head_appointment"
    STRUCTURE = "structure"
    PAY_PLAN = "pay_plan"
    ASSETS = "assets"
    MERGER = "merger"
    MAJOR_DECISION = "major_decision"
    KEY_PERSONNEL = "key_personnel"
    MAJOR_PROJECT = "major_project"
    LARGE_FUNDS = "large_funds"

    @property
    def label(self) -> str:
        """The kind's name in the current locale (the Chinese outside a request)."""
        return str(msg(KIND_LABELS[self]))

    @property
    def is_san_zhong_yi_da(self) -> bool:
        return self in SAN_ZHONG_YI_DA_KINDS


KIND_LABELS = {
    MotionKind.ROUTINE: N_("一般事项"),
    MotionKind.ELECTION: N_("选举或罢免"),
    MotionKind.CHARTER: N_("章程修改"),
    MotionKind.DEVELOPMENT_PLAN: N_("发展规划"),
    MotionKind.BUDGET: N_("年度预算和决算"),
    MotionKind.HEAD_APPOINTMENT: N_("聘任、解聘或提名行政负责人"),
    MotionKind.STRUCTURE: N_("内部机构设置和岗位设置方案"),
    MotionKind.PAY_PLAN: N_("收入分配方案"),
    MotionKind.ASSETS: N_("重大资产处置或对外投资"),
    MotionKind.MERGER: N_("合并、分立或解散"),
    MotionKind.MAJOR_DECISION: N_("重大决策"),
    MotionKind.KEY_PERSONNEL: N_("重要人事任免"),
    MotionKind.MAJOR_PROJECT: N_("重大项目安排"),
    MotionKind.LARGE_FUNDS: N_("大额资金使用"),
}

#: 三重一大: decided only at a meeting, after the Party organization's prior study.
SAN_ZHONG_YI_DA_KINDS = frozenset(
    {
        MotionKind.MAJOR_DECISION,
        MotionKind.KEY_PERSONNEL,
        MotionKind.MAJOR_PROJECT,
        MotionKind.LARGE_FUNDS,
    }
)

#: Matters that always need a major resolution.
MAJOR_KINDS = (
    frozenset(
        {
            MotionKind.CHARTER,
            MotionKind.DEVELOPMENT_PLAN,
            MotionKind.BUDGET,
            MotionKind.HEAD_APPOINTMENT,
            MotionKind.STRUCTURE,
            MotionKind.PAY_PLAN,
            MotionKind.ASSETS,
            MotionKind.MERGER,
        }
    )
    | SAN_ZHONG_YI_DA_KINDS
)

#: Matters never decided by written vote. Elections are ordinary but still need a meeting.
WRITTEN_VOTING_FORBIDDEN_KINDS = (
    frozenset(
        {
            MotionKind.ELECTION,
            MotionKind.CHARTER,
            MotionKind.BUDGET,
            MotionKind.HEAD_APPOINTMENT,
            MotionKind.MERGER,
        }
    )
    | SAN_ZHONG_YI_DA_KINDS
)


def classify(kind: MotionKind, amount: Decimal | None, charter: Charter) -> MotionCategory:
    """Return the least category a motion needs: major for major kinds or large sums."""
    if amount is not None:
        if isinstance(amount, float):
            raise TypeError("金额必须是 Decimal，不能是浮点数")
        if amount < 0:
            raise ValueError("金额不能为负数")
    if kind in MAJOR_KINDS:
        return MotionCategory.MAJOR
    if amount is not None and amount >= charter.large_sum_threshold:
        return MotionCategory.MAJOR
    return MotionCategory.ORDINARY


def written_voting_refusal(
    kind: MotionKind, category: MotionCategory, charter: Charter
) -> Msg | None:
    """Return why a motion may not be decided by written vote, or None if it may."""
    if not charter.written_voting_allowed:
        return msg("本单位章程不允许通讯表决，须召开会议表决")
    if kind in WRITTEN_VOTING_FORBIDDEN_KINDS:
        if kind in SAN_ZHONG_YI_DA_KINDS:
            return msg("%(kind)s（三重一大事项）不得通讯表决，须召开会议表决", kind=kind.label)
        return msg("%(kind)s不得通讯表决，须召开会议表决", kind=kind.label)
    # DOMAIN.md: written voting is for routine items only, so no major item either.
    if category is MotionCategory.MAJOR:
        return msg("重大事项不得通讯表决，须召开会议表决")
    return None


class Status(StrEnum):
    """How an item ended."""

    PASSED = "passed"
    REJECTED = "rejected"
    REFERRED = "referred"
    NO_QUORUM = "no_quorum"

    @property
    def label(self) -> str:
        return str(msg(_STATUS_LABELS[self]))


_STATUS_LABELS = {
    Status.PASSED: N_("通过"),
    Status.REJECTED: N_("未通过"),
    Status.REFERRED: N_("提交举办单位决定"),
    Status.NO_QUORUM: N_("不足法定人数"),
}


@dataclass(frozen=True)
class Outcome:
    """The result of one item's vote, with the numbers behind it and the reason in words."""

    status: Status
    category: MotionCategory
    is_written: bool
    yes: int
    no: int
    abstain: int
    #: seated members without a conflict on the item
    eligible: int
    #: eligible members counted toward the quorum (returned ballots for a written vote)
    attending: int
    #: eligible members represented by a valid proxy
    represented: int
    quorum_required: int
    quorum_met: bool
    #: the threshold's denominator
    base: int
    yes_required: int
    casting_vote_used: bool
    #: a message id with its parameters, translated where it is shown
    reason: Msg
    #: members whose ballots were counted
    voters: frozenset[int]
    #: valid proxies as (absent member, holder) pairs, by absent member
    valid_proxies: tuple[tuple[int, int], ...]
    #: ignored proxies and ballots, as messages
    notes: tuple[Msg, ...]

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    @property
    def counted(self) -> int:
        return self.yes + self.no + self.abstain


def quorum_required(charter: Charter, members: int) -> int:
    """Return how many of ``members`` must attend: ceil(quorum fraction × members), at least 1."""
    return max(1, math.ceil(charter.quorum_fraction * members))


def yes_required(charter: Charter, category: MotionCategory, base: int) -> int:
    """Return the least yes votes that pass an item of ``category`` over ``base`` members."""
    if category is MotionCategory.MAJOR:
        needed = math.ceil(charter.major_threshold * base)
    else:
        # "more than t × base" for whole votes is floor(t × base) + 1.
        needed = math.floor(charter.ordinary_threshold * base) + 1
    return max(1, needed)


def tally(
    charter: Charter,
    *,
    category: MotionCategory,
    seated: Iterable[int],
    present: Iterable[int],
    proxies: Mapping[int, int],
    recused: Iterable[int],
    ballots: Mapping[int, Choice],
    chair_id: int | None = None,
    written: bool = False,
) -> Outcome:
    """Count one item's ballots under the charter and return the outcome with its reason.

    ``proxies`` maps an absent member to the present member holding their proxy, in the
    order the proxies were recorded (a holder's first proxy wins); ``ballots`` maps a member
    to their latest ballot, a proxy's ballot under the absent member's id.
    """
    category = MotionCategory(category)
    seated = frozenset(seated)
    recused_seated = frozenset(recused) & seated
    eligible = seated - recused_seated
    present_eligible = frozenset(present) & eligible
    has_recusal = bool(recused_seated)
    notes: list[Msg] = []

    valid_proxies: dict[int, int] = {}
    if written:
        for absent_id in proxies:
            notes.append(msg("通讯表决不适用委托，理事 %(member)s 的委托已忽略", member=absent_id))
    else:
        valid_proxies = _valid_proxies(proxies, seated, present, recused_seated, notes)

    voters: set[int] = set()
    for member_id in sorted(ballots):
        if member_id not in seated:
            notes.append(msg("%(member)s 不是在任理事，表决票不计入", member=member_id))
        elif member_id in recused_seated:
            notes.append(msg("理事 %(member)s 回避，表决票不计入", member=member_id))
        elif written or member_id in present_eligible or member_id in valid_proxies:
            voters.add(member_id)
        else:
            notes.append(msg("理事 %(member)s 未出席且无有效委托，表决票不计入", member=member_id))
    counts = {choice: 0 for choice in Choice}
    for member_id in voters:
        counts[Choice(ballots[member_id])] += 1
    yes, no, abstain = counts[Choice.YES], counts[Choice.NO], counts[Choice.ABSTAIN]

    if written:
        attending = len(voters)
    else:
        attending = len(present_eligible)
        if charter.proxy_counts_toward_quorum:
            attending += len(valid_proxies)
    quorum = quorum_required(charter, len(eligible))
    quorum_met = attending >= quorum

    threshold_base = (
        charter.major_base if category is MotionCategory.MAJOR else charter.ordinary_base
    )
    if threshold_base is Base.PRESENT and not written:
        base = len(present_eligible) + len(valid_proxies)
    else:
        base = len(eligible)
    needed = yes_required(charter, category, base)

    casting = (
        charter.chair_casting_vote
        and not written
        and category is MotionCategory.ORDINARY
        and chair_id in present_eligible
        and chair_id in voters
        and Choice(ballots[chair_id]) is Choice.YES
        and yes == no >= 1
        and yes + 1 == needed
    )

    words = _Words(
        written=written,
        has_recusal=has_recusal,
        base=threshold_base,
        category=category,
        charter=charter,
    )
    too_few = has_recusal and attending < MIN_UNCONFLICTED
    if too_few and (quorum_met or len(eligible) < MIN_UNCONFLICTED):
        status = Status.REFERRED
        reason = words.referred(len(eligible))
    elif not quorum_met:
        status = Status.NO_QUORUM
        proxies_counted = len(valid_proxies) if charter.proxy_counts_toward_quorum else 0
        reason = words.no_quorum(attending, quorum, proxies_counted)
    elif yes >= needed or casting:
        status = Status.PASSED
        reason = words.decided(yes, no, needed, passed=True, casting=casting)
    else:
        status = Status.REJECTED
        reason = words.decided(yes, no, needed, passed=False, casting=False)

    return Outcome(
        status=status,
        category=category,
        is_written=written,
        yes=yes,
        no=no,
        abstain=abstain,
        eligible=len(eligible),
        attending=attending,
        represented=len(valid_proxies),
        quorum_required=quorum,
        quorum_met=quorum_met,
        base=base,
        yes_required=needed,
        casting_vote_used=casting,
        reason=reason,
        voters=frozenset(voters),
        valid_proxies=tuple(sorted(valid_proxies.items())),
        notes=tuple(notes),
    )


def _valid_proxies(
    proxies: Mapping[int, int],
    seated: frozenset[int],
    present: Iterable[int],
    recused: frozenset[int],
    notes: list[Msg],
) -> dict[int, int]:
    """Return the proxies that hold, noting why each other one is ignored."""
    present = frozenset(present)
    valid: dict[int, int] = {}
    holders: set[int] = set()
    for absent_id, holder_id in proxies.items():
        problem = None
        if absent_id not in seated:
            problem = msg("委托人不是在任理事")
        elif absent_id in recused:
            problem = msg("委托人对本议案回避")
        elif absent_id in present:
            problem = msg("委托人已出席")
        elif holder_id == absent_id:
            problem = msg("不能委托本人")
        elif holder_id not in seated:
            problem = msg("受托人 %(holder)s 不是在任理事", holder=holder_id)
        elif holder_id in recused:
            problem = msg("受托人 %(holder)s 对本议案回避", holder=holder_id)
        elif holder_id not in present:
            problem = msg("受托人 %(holder)s 未出席", holder=holder_id)
        elif holder_id in holders:
            problem = msg(
                "受托人 %(holder)s 已接受其他理事的委托，每人至多受托一人", holder=holder_id
            )
        if problem:
            notes.append(
                msg(
                    "理事 %(member)s 的委托无效（%(problem)s），已忽略",
                    member=absent_id,
                    problem=problem,
                )
            )
        else:
            valid[absent_id] = holder_id
            holders.add(holder_id)
    return valid


@dataclass(frozen=True)
class _Words:
    """The sentences of an outcome's reason, as message ids with their parameters."""

    written: bool
    has_recusal: bool
    base: Base
    category: MotionCategory
    charter: Charter

    def referred(self, eligible: int) -> Msg:
        if eligible < MIN_UNCONFLICTED:
            return msg("无利害关系的理事不足 %(min)d 人，提交举办单位决定", min=MIN_UNCONFLICTED)
        if self.written:
            return msg(
                "收回无利害关系理事的表决票不足 %(min)d 份，提交举办单位决定", min=MIN_UNCONFLICTED
            )
        return msg("无利害关系的出席理事不足 %(min)d 人，提交举办单位决定", min=MIN_UNCONFLICTED)

    def no_quorum(self, attending: int, quorum: int, proxies_counted: int) -> Msg:
        if self.written:
            if self.has_recusal:
                return msg(
                    "收回无利害关系理事的表决票 %(attending)d 份，不足法定人数 %(quorum)d 份",
                    attending=attending,
                    quorum=quorum,
                )
            return msg(
                "收回表决票 %(attending)d 份，不足法定人数 %(quorum)d 份",
                attending=attending,
                quorum=quorum,
            )
        who = msg("无利害关系的出席理事") if self.has_recusal else msg("出席理事")
        if proxies_counted:
            return msg(
                "%(who)s %(attending)d 人（含委托出席 %(proxies)d 人），不足法定人数 %(quorum)d 人",
                who=who,
                attending=attending,
                proxies=proxies_counted,
                quorum=quorum,
            )
        return msg(
            "%(who)s %(attending)d 人，不足法定人数 %(quorum)d 人",
            who=who,
            attending=attending,
            quorum=quorum,
        )

    def decided(self, yes: int, no: int, needed: int, *, passed: bool, casting: bool) -> Msg:
        if self.base is Base.PRESENT and not self.written:
            who = msg("出席的无利害关系理事") if self.has_recusal else msg("出席理事")
        else:
            who = msg("全体无利害关系理事") if self.has_recusal else msg("全体理事")
        if yes == no >= 1:
            votes = msg("赞成 %(yes)d 票，反对 %(no)d 票，票数相等，", yes=yes, no=no)
        else:
            votes = msg("赞成 %(yes)d 票，", yes=yes)
        if casting:
            return msg("%(votes)s理事长行使决定票，通过", votes=votes)
        if self.category is MotionCategory.MAJOR:
            share = Share(self.charter.major_threshold)
            if passed:
                return msg(
                    "%(votes)s达到%(who)s%(share)s（%(needed)d 票），通过",
                    votes=votes,
                    who=who,
                    share=share,
                    needed=needed,
                )
            return msg(
                "%(votes)s未达到%(who)s%(share)s（%(needed)d 票），未通过",
                votes=votes,
                who=who,
                share=share,
                needed=needed,
            )
        share = Share(self.charter.ordinary_threshold)
        if passed:
            return msg(
                "%(votes)s超过%(who)s%(share)s（至少 %(needed)d 票），通过",
                votes=votes,
                who=who,
                share=share,
                needed=needed,
            )
        return msg(
            "%(votes)s未超过%(who)s%(share)s（至少 %(needed)d 票），未通过",
            votes=votes,
            who=who,
            share=share,
            needed=needed,
        )


_DIGITS = "零一二三四五六七八九"


def _number_words(n: int) -> str:
    """Return 1–99 in Chinese numerals (12 -> 十二); larger numbers in digits."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return f"{head}十{_DIGITS[ones] if ones else ''}"


def _fraction_words(share: Fraction) -> str:
    """Return a share as a Chinese fraction: 1/2 -> 半数, 2/3 -> 三分之二."""
    if share == Fraction(1, 2):
        return "半数"
    return f"{_number_words(share.denominator)}分之{_number_words(share.numerator)}"


def _language() -> str:
    """Return the language a message is being shown in (Chinese outside an app)."""
    try:
        from flask import has_app_context

        if not has_app_context():
            return "zh"
        from flask_babel import get_locale

        return str(get_locale() or "zh")
    except (ImportError, RuntimeError):  # pragma: no cover - no Babel configured
        return "zh"


@dataclass(frozen=True)
class Share:
    """A threshold as words in the reader's language: 三分之二 in Chinese, 2/3 in English.

    A message parameter: it is formatted where the message is shown, like a number.
    """

    fraction: Fraction

    def __str__(self) -> str:
        if _language().startswith("zh"):
            return _fraction_words(self.fraction)
        if self.fraction == Fraction(1, 2):
            return "half"
        return f"{self.fraction.numerator}/{self.fraction.denominator}"
