"""Rules for entry and exit (进出): staff numbers, dates, ages and quota-holding identities.

Pure functions over plain values; each ``*_problem`` returns the Chinese reason a value is
refused, or None. The thresholds are dated parameters (``DEFAULTS`` are their seeded values).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from core.i18n import N_, Msg, msg
from hr.models import Identity

#: Dated parameters of entry, with their seeded values.
DEFAULTS = {
    # An entry may be recorded ahead of the first working day, but not months ahead.
    "hr.entry.max_future_days": 90,
    # 《劳动法》第十五条: no employment under 16.
    "hr.entry.min_age": 16,
}
DEFAULTS_FROM = date(1995, 1, 1)  # 《劳动法》 in force

#: Identities that occupy a quota place (编制 or 员额); one person holds at most one.
QUOTA_IDENTITIES = frozenset({Identity.ESTABLISHMENT, Identity.FILED})

#: The one answer to a name that does not go with an ID number. Deliberately the same
#: whoever holds the record on file (this institution, another, or a row of the same file)
#: and without the name on file: it must not confirm that the number is registered
#: elsewhere, nor to whom (hr.models, "who sees what").
IDENTITY_MISMATCH = N_("身份证号与姓名不一致，请按本人居民身份证核对")

STAFF_NUMBER_MAX = 32
_STAFF_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9_-]*", re.ASCII)


_SPACES = re.compile(r"\s+")


def name_key(name: str | None) -> str:
    """Return a name as compared: full-width folded, without any spaces."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", name or ""))


def identity_mismatch(given_name: str | None, name_on_file: str | None) -> Msg | None:
    """Return why a name does not go with an ID number, or None if it does.

    ``name_on_file`` is the identity record's name, or None when the number is not on file
    (anything then goes with it). The answer never depends on who holds the record.
    """
    if name_on_file is None or not given_name or name_key(given_name) == name_key(name_on_file):
        return None
    return msg(IDENTITY_MISMATCH)


def ensure_defaults() -> None:
    """Seed the entry parameters with their default values (idempotent)."""
    from core.parameters import ensure_defaults as seed

    seed(DEFAULTS, effective_from=DEFAULTS_FROM, source="《劳动法》；系统默认")


def normalize_staff_number(value: str | None) -> str:
    """Return a staff number folded to ASCII, stripped and upper-cased."""
    return unicodedata.normalize("NFKC", value or "").strip().upper()


def staff_number_problem(value: str | None) -> str | None:
    """Return why a (normalized) staff number is malformed, or None."""
    number = normalize_staff_number(value)
    if not number:
        return msg("工号不能为空")
    if len(number) > STAFF_NUMBER_MAX:
        return msg("工号不能超过 %(n)d 位，实际为 %(m)d 位", n=STAFF_NUMBER_MAX, m=len(number))
    if not _STAFF_NUMBER.fullmatch(number):
        return msg(
            "工号「%(v)s」只能由字母、数字、连字符（-）和下划线（_）组成，且以字母或数字开头",
            v=number,
        )
    return None


def start_date_problem(start_on: date, today: date, max_future_days: int) -> str | None:
    """Return why an entry date is refused (too far in the future), or None."""
    latest = today + timedelta(days=max_future_days)
    if start_on > latest:
        return msg(
            "入职日期 %(d)s 晚于今天 %(n)d 天以上（最晚可登记到 %(l)s）",
            d=start_on.isoformat(),
            n=max_future_days,
            l=latest.isoformat(),
        )
    return None


def age_on(birth_date: date, on: date) -> int:
    """Return the completed years of age on ``on`` (born 29 February: a year older on 1 March)."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def entry_age_problem(birth_date: date, start_on: date, min_age: int) -> str | None:
    """Return why someone born on ``birth_date`` may not enter on ``start_on``, or None."""
    age = age_on(birth_date, start_on)
    if age < min_age:
        return msg(
            "入职时未满 %(min)d 周岁（出生日期 %(b)s，入职日期时 %(a)d 周岁）",
            min=min_age,
            b=birth_date.isoformat(),
            a=max(age, 0),
        )
    return None


def quota_conflict(identity: str, other_active_identities: list[str]) -> str | None:
    """Return why a quota-holding entry clashes with the person's other employments, or None.

    A person occupies at most one 编制 or 员额 place (实名制): they must leave the other
    institution (调出) before entering here on a quota.
    """
    if identity not in QUOTA_IDENTITIES:
        return None
    held = [Identity(i) for i in other_active_identities if i in QUOTA_IDENTITIES]
    if not held:
        return None
    return msg(
        "该人员在其他单位仍占用%(k)s，一人只能占用一个编制或员额，请先在原单位办理调出",
        k=held[0].label_message,
    )


def is_employed_on(start_on: date, end_on: date | None, on: date) -> bool:
    """Return whether an employment from ``start_on`` to ``end_on`` (inclusive) covers ``on``."""
    return start_on <= on and (end_on is None or end_on >= on)


def exit_problem(start_on: date, end_on: date, current_end_on: date | None) -> str | None:
    """Return why an exit on ``end_on`` (last day employed) is refused, or None."""
    if current_end_on is not None:
        return msg("该人员已于 %(d)s 离职，不能重复办理", d=current_end_on.isoformat())
    if end_on < start_on:
        return msg(
            "离职日期 %(e)s 早于入职日期 %(s)s", e=end_on.isoformat(), s=start_on.isoformat()
        )
    return None
