"""What the council may decide about a school year's lump-sum surplus (结余留用).

Pure rules (DOMAIN.md §5, issue 12). At year end the school keeps the net balance of its
lump sum (``schools.lumpsum.surplus``: ``retained``) for its development and for teacher
incentives, under audit. The council decides how it divides: carried over to next year for
the school's development (结转), or paid as teacher rewards (用于教师奖励). The parts are
money to the fen, none negative, and together exactly the surplus; the rewards part is at
most ``reward_share_cap`` of the surplus (rounded half up to the fen), a parameter the
education bureau sets (``schools.surplus``; our model, the district's documents decide).
A year that closed in deficit has nothing to divide.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.i18n import Msg, msg
from core.money import round_half_up, to_money
from schools.findings import limit_percent

SURPLUS_KEY = "schools.surplus"
SOURCE = "DOMAIN.md §5（结余留用于学校发展和教师激励）；教师奖励所占上限为本系统的模型，以区教育局文件为准"

DEFAULTS: dict[str, Any] = {
    SURPLUS_KEY: {
        #: the largest share of the surplus the council may give to teacher rewards
        "reward_share_cap": "0.30",
    }
}


@dataclass(frozen=True)
class SurplusRules:
    """The parameter ``schools.surplus`` in typed form."""

    reward_share_cap: Decimal

    @classmethod
    def from_value(cls, value: Mapping[str, Any] | None = None) -> SurplusRules:
        merged = {**DEFAULTS[SURPLUS_KEY], **(value or {})}
        cap = Decimal(str(merged["reward_share_cap"]))
        if not 0 <= cap <= 1:
            raise ValueError("reward_share_cap must be between 0 and 1")
        return cls(cap)

    def reward_limit(self, retained: Decimal) -> Decimal:
        """Return the most of ``retained`` that may go to teacher rewards."""
        return max(round_half_up(to_money(retained) * self.reward_share_cap), Decimal("0.00"))


def use_refusals(
    retained: Decimal, carry_over: Decimal, rewards: Decimal, rules: SurplusRules
) -> dict[str, Msg]:
    """Return why a division of the surplus cannot go to the council, by field (empty: it can)."""
    retained, carry_over, rewards = (to_money(v) for v in (retained, carry_over, rewards))
    if retained <= 0:
        return {
            "retained": msg("该学年没有结余可以分配（结余 %(retained)s 元）", retained=retained)
        }
    errors: dict[str, Msg] = {}
    if carry_over < 0:
        errors["carry_over"] = msg("金额不能为负数")
    if rewards < 0:
        errors["rewards"] = msg("金额不能为负数")
    if errors:
        return errors
    limit = rules.reward_limit(retained)
    if rewards > limit:
        errors["rewards"] = msg(
            "用于教师奖励的结余不能超过结余的 %(cap)s%%，即 %(limit)s 元",
            cap=limit_percent(rules.reward_share_cap),
            limit=limit,
        )
    if carry_over + rewards != retained:
        errors["carry_over"] = msg(
            "结转与教师奖励之和须等于结余 %(retained)s 元（现为 %(sum)s 元）",
            retained=retained,
            sum=carry_over + rewards,
        )
    return errors
