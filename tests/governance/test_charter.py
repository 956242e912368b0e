from decimal import Decimal
from fractions import Fraction

import pytest

from institutions.governance.charter import DEFAULTS, Base, Charter


def test_defaults_follow_domain_rules():
    charter = Charter()
    assert charter.quorum_fraction == Fraction(2, 3)
    assert charter.ordinary_threshold == Fraction(1, 2)
    assert charter.ordinary_base is Base.SEATED
    assert charter.major_threshold == Fraction(2, 3)
    assert charter.major_base is Base.SEATED
    assert charter.proxy_counts_toward_quorum is False
    assert charter.chair_casting_vote is False
    assert charter.large_sum_threshold == Decimal("100000")
    assert charter.written_voting_allowed is True
    assert charter.notice_days == 10
    assert charter.written_vote_min_days == 3


def test_defaults_are_json_safe_and_round_trip():
    assert DEFAULTS["quorum_fraction"] == "2/3"
    assert DEFAULTS["large_sum_threshold"] == "100000"
    assert DEFAULTS["ordinary_base"] == "seated"
    assert Charter.from_dict(DEFAULTS) == Charter()
    assert Charter.from_dict({}) == Charter()
    assert Charter.from_dict(None) == Charter()


def test_round_trip_of_custom_settings():
    charter = Charter(
        quorum_fraction=Fraction(1, 2),
        ordinary_base=Base.PRESENT,
        major_threshold=Fraction(3, 4),
        proxy_counts_toward_quorum=True,
        chair_casting_vote=True,
        large_sum_threshold=Decimal("500000.00"),
        written_voting_allowed=False,
        notice_days=7,
    )
    assert Charter.from_dict(charter.to_dict()) == charter


def test_from_dict_accepts_typed_values_and_fills_defaults():
    charter = Charter.from_dict({"major_threshold": Fraction(3, 4), "large_sum_threshold": 30000})
    assert charter.major_threshold == Fraction(3, 4)
    assert charter.large_sum_threshold == Decimal(30000)
    assert charter.quorum_fraction == Fraction(2, 3)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"quorum": "2/3"}, "未知的章程设置：quorum"),
        ({"quorum_fraction": 0.667}, "必须写成分数"),
        ({"quorum_fraction": "abc"}, "不是有效的分数"),
        ({"quorum_fraction": "0"}, "法定人数比例"),
        ({"quorum_fraction": "4/3"}, "法定人数比例"),
        ({"ordinary_threshold": "1/3"}, "一般事项表决比例"),
        ({"ordinary_threshold": "1"}, "一般事项表决比例"),
        ({"major_threshold": "1/2"}, "重大事项表决比例"),
        ({"ordinary_base": "all"}, "seated 或 present"),
        ({"large_sum_threshold": 1e5}, "数字字符串"),
        ({"large_sum_threshold": "十万"}, "不是有效的金额"),
        ({"large_sum_threshold": "-1"}, "不能为负数"),
        ({"chair_casting_vote": "yes"}, "是/否"),
        ({"notice_days": "10"}, "整数"),
        ({"notice_days": -1}, "不能为负数"),
        ({"written_vote_min_days": 0}, "至少 1 天"),
    ],
)
def test_invalid_settings_are_refused(data, error):
    with pytest.raises((TypeError, ValueError), match=error):
        Charter.from_dict(data)


def test_charter_is_immutable():
    with pytest.raises(AttributeError):
        Charter().notice_days = 5  # type: ignore[misc]
