"""A council's charter settings (章程规定) with DOMAIN.md §1's defaults, stored as JSON.

Thresholds work as follows (all exact, with ``fractions.Fraction``):

- quorum: at least ``ceil(quorum_fraction × members)`` attend;
- ordinary resolution: yes votes strictly more than ``ordinary_threshold × base``;
- major resolution: yes votes at least ``ceil(major_threshold × base)``;

where ``base`` is all seated members (``seated``) or the members at the meeting (``present``).

Defaults not fixed by DOMAIN.md, and why:

- ``proxy_counts_toward_quorum`` False: the quorum exists so that a real discussion takes place;
  a proxy holder carries a fixed written instruction and the absent member hears nothing, so
  by default proxies vote but do not make the meeting. A charter can say otherwise.
- ``large_sum_threshold`` ¥100,000: inside the ¥30,000–¥500,000 seen in practice, low enough for
  a school's budget and a common figure in 三重一大 rules; each institution sets its own.
  The amount itself counts ("10 万元以上" includes 10 万, 刑法第 99 条's reading of 以上).
- ``results_hidden_until_close`` True: members vote without seeing a running tally.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from typing import Any

from core.i18n import N_, Msg, msg


class Base(StrEnum):
    """What a voting threshold is a fraction of."""

    SEATED = "seated"  # 全体理事 (all seated, non-conflicted members)
    PRESENT = "present"  # 出席理事 (attending, or represented by a valid proxy)

    @property
    def message(self) -> Msg:
        """The base's name, translated where it is shown."""
        return msg(N_("全体理事") if self is Base.SEATED else N_("出席理事"))

    @property
    def label(self) -> str:
        """The base's name in the current locale (the Chinese outside a request)."""
        return str(self.message)


@dataclass(frozen=True)
class Charter:
    """One institution's charter settings for council meetings and votes."""

    #: 法定人数: at least ceil(fraction × all seated members) attend
    quorum_fraction: Fraction = Fraction(2, 3)
    #: 一般事项: yes votes strictly more than this fraction of the base
    ordinary_threshold: Fraction = Fraction(1, 2)
    ordinary_base: Base = Base.SEATED
    #: 重大事项: yes votes at least ceil(fraction × base)
    major_threshold: Fraction = Fraction(2, 3)
    major_base: Base = Base.SEATED
    #: whether a member represented by a valid proxy counts as attending for the quorum
    proxy_counts_toward_quorum: bool = False
    #: whether the 理事长 breaks a tie on an ordinary item (决定票)
    chair_casting_vote: bool = False
    #: 三重一大 大额资金: amounts of at least this many yuan make a motion major
    large_sum_threshold: Decimal = Decimal("100000")
    #: whether routine items may be decided by written vote (通讯表决)
    written_voting_allowed: bool = True
    #: days between the notice and the meeting
    notice_days: int = 10
    #: the least number of days a written vote stays open
    written_vote_min_days: int = 3
    #: whether the tally stays hidden from members until the vote closes
    results_hidden_until_close: bool = True
    #: 发文机关代字 before resolution numbers (实验小学理〔2026〕4号); empty: 〔2026〕第4号
    resolution_prefix: str = ""

    def __post_init__(self) -> None:
        for name in ("quorum_fraction", "ordinary_threshold", "major_threshold"):
            if not isinstance(getattr(self, name), Fraction):
                raise TypeError(msg("%(label)s必须是分数", label=Msg(_LABELS[name])))
        for name in ("ordinary_base", "major_base"):
            if not isinstance(getattr(self, name), Base):
                raise TypeError(msg("%(label)s必须是 seated 或 present", label=Msg(_LABELS[name])))
        for name in _BOOLS:
            if not isinstance(getattr(self, name), bool):
                raise TypeError(msg("%(label)s必须是是/否", label=Msg(_LABELS[name])))
        for name in _INTS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(msg("%(label)s必须是整数", label=Msg(_LABELS[name])))
        if not isinstance(self.resolution_prefix, str):
            raise TypeError(msg("%(label)s必须是文字", label=Msg(_LABELS["resolution_prefix"])))
        if len(self.resolution_prefix) > 20 or any(
            c in self.resolution_prefix for c in "〔〕[]【】()（）\n"
        ):
            raise ValueError(msg("决议文号前缀至多 20 个字，不含括号"))
        if not isinstance(self.large_sum_threshold, Decimal):
            raise TypeError(msg("%(label)s必须是金额", label=Msg(_LABELS["large_sum_threshold"])))
        if not 0 < self.quorum_fraction <= 1:
            raise ValueError(msg("法定人数比例必须大于 0 且不超过 1"))
        # Below one half two contradictory ordinary resolutions could both pass.
        if not Fraction(1, 2) <= self.ordinary_threshold < 1:
            raise ValueError(msg("一般事项表决比例必须不低于二分之一且小于 1"))
        if not Fraction(1, 2) < self.major_threshold <= 1:
            raise ValueError(msg("重大事项表决比例必须高于二分之一且不超过 1"))
        if not self.large_sum_threshold.is_finite() or self.large_sum_threshold < 0:
            raise ValueError(msg("大额资金标准不能为负数"))
        if self.notice_days < 0:
            raise ValueError(msg("会议通知提前天数不能为负数"))
        if self.written_vote_min_days < 1:
            raise ValueError(msg("通讯表决期限至少 1 天"))

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as JSON-safe values (fractions "2/3", amounts as strings)."""
        out: dict[str, Any] = {}
        for name, value in asdict(self).items():
            if isinstance(value, Fraction | Decimal):
                out[name] = str(value)
            elif isinstance(value, Base):
                out[name] = value.value
            else:
                out[name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Charter:
        """Build a charter from stored JSON; missing settings take the defaults."""
        data = dict(data or {})
        unknown = sorted(set(data) - _NAMES)
        if unknown:
            raise ValueError(msg("未知的章程设置：%(names)s", names="、".join(unknown)))
        values: dict[str, Any] = {}
        for name, raw in data.items():
            if name in ("quorum_fraction", "ordinary_threshold", "major_threshold"):
                values[name] = _fraction(name, raw)
            elif name in ("ordinary_base", "major_base"):
                try:
                    values[name] = Base(raw)
                except ValueError:
                    raise ValueError(
                        msg("%(label)s必须是 seated 或 present", label=Msg(_LABELS[name]))
                    ) from None
            elif name == "large_sum_threshold":
                values[name] = _decimal(name, raw)
            elif name == "resolution_prefix":
                values[name] = raw.strip() if isinstance(raw, str) else raw
            else:
                values[name] = raw  # bools and ints are checked by __post_init__
        return cls(**values)


def _fraction(name: str, raw: Any) -> Fraction:
    # Floats are refused: 0.6667 is not two thirds.
    if isinstance(raw, bool) or not isinstance(raw, Fraction | int | str):
        raise TypeError(msg("%(label)s必须写成分数，如 2/3", label=Msg(_LABELS[name])))
    try:
        return Fraction(raw)
    except (ValueError, ZeroDivisionError):
        raise ValueError(
            msg("%(label)s「%(raw)s」不是有效的分数", label=Msg(_LABELS[name]), raw=raw)
        ) from None


def _decimal(name: str, raw: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, Decimal | int | str):
        raise TypeError(msg('%(label)s必须写成数字字符串，如 "100000"', label=Msg(_LABELS[name])))
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValueError(
            msg("%(label)s「%(raw)s」不是有效的金额", label=Msg(_LABELS[name]), raw=raw)
        ) from None


_LABELS = {
    "quorum_fraction": N_("法定人数比例"),
    "ordinary_threshold": N_("一般事项表决比例"),
    "ordinary_base": N_("一般事项表决基数"),
    "major_threshold": N_("重大事项表决比例"),
    "major_base": N_("重大事项表决基数"),
    "proxy_counts_toward_quorum": N_("委托出席是否计入法定人数"),
    "chair_casting_vote": N_("理事长是否有决定票"),
    "large_sum_threshold": N_("大额资金标准"),
    "written_voting_allowed": N_("是否允许通讯表决"),
    "notice_days": N_("会议通知提前天数"),
    "written_vote_min_days": N_("通讯表决最短期限"),
    "results_hidden_until_close": N_("表决结束前是否隐藏结果"),
    "resolution_prefix": N_("决议文号前缀"),
}
_BOOLS = (
    "proxy_counts_toward_quorum",
    "chair_casting_vote",
    "written_voting_allowed",
    "results_hidden_until_close",
)
_INTS = ("notice_days", "written_vote_min_days")
_NAMES = frozenset(f.name for f in fields(Charter))

#: DOMAIN.md §1's defaults in their stored (JSON) form.
DEFAULTS: dict[str, Any] = Charter().to_dict()
