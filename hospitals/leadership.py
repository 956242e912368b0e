"""De-administration (去行政化): leaders' posts, term contracts, tenure and assessments.

Pure rules over plain values (DOMAIN.md §6, 国办发〔2017〕67号; issue 13). The parameter
``hospitals.leadership`` holds the numbers.

A leader (院长, 副院长, 党委书记 where held with a management post) must have

- a **management-post grade** (管理岗位 1–10 级, ``management_grades``) and **no
  administrative rank** (行政级别: any rank recorded is an error);
- a **term contract with targets** (at least one target);
- a **term of 3 to 5 years** (``term_min_years``–``term_max_years``), counted from the start
  day to the day after the last day: 2024-01-01 to 2026-12-31 is exactly 3 years;
- at most **10 years in the same post** (``same_post_max_years``), consecutive terms
  included: earlier terms of the same person in the same post count when each began no
  more than ``max_break_days`` (default 365) after the one before ended, so a short break
  does not restart the clock. Tenure runs from the first term of that chain to the end of
  the term checked.

Assessments (考核): one **annual** assessment per year and one **end-of-term** assessment,
each with a result: continue (继续聘任), adjust (调整) or dismiss (解聘). Checked:

- every target of the contract is assessed, and nothing else;
- an annual assessment's year lies within the term, once per year; the end-of-term one is
  held no earlier than ``end_of_term_window_days`` before the term ends;
- adjust and dismiss need a written reason; nothing is assessed after a dismissal, and a
  term still running after a dismissal is flagged;
- a missing annual assessment for a year that has ended while the leader was in post at
  its end (31 December) is a warning, as is a missing end-of-term assessment after the
  term ended;
- a notice when another term of minimum length would break the 10-year limit.
"""

from __future__ import annotations

import calendar
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from core.i18n import Msg, msg
from hospitals.findings import Finding, Level

LEADERSHIP_KEY = "hospitals.leadership"
SOURCE = "国办发〔2017〕67号（逐步取消公立医院行政级别）；DOMAIN.md §6"
DEFAULTS: dict[str, Any] = {
    LEADERSHIP_KEY: {
        "term_min_years": 3,
        "term_max_years": 5,
        "same_post_max_years": 10,
        #: a gap of at most this many days between terms in one post does not restart tenure
        "max_break_days": 365,
        #: 管理岗位 grades a leader's post may have (lowest and highest number)
        "management_grades": [1, 10],
        #: how early before the term ends the end-of-term assessment may be held
        "end_of_term_window_days": 183,
    }
}


class AssessmentKind(StrEnum):
    ANNUAL = "annual"
    END_OF_TERM = "end_of_term"

    @property
    def label(self) -> Msg:
        return msg("年度考核") if self is AssessmentKind.ANNUAL else msg("任期考核")


class AssessmentResult(StrEnum):
    CONTINUE = "continue"
    ADJUST = "adjust"
    DISMISS = "dismiss"

    @property
    def label(self) -> Msg:
        return _RESULT_LABELS[self]


_RESULT_LABELS = {
    AssessmentResult.CONTINUE: msg("继续聘任"),
    AssessmentResult.ADJUST: msg("调整"),
    AssessmentResult.DISMISS: msg("解聘"),
}


@dataclass(frozen=True)
class LeadershipRules:
    """The parameter ``hospitals.leadership`` in typed form."""

    term_min_years: int = 3
    term_max_years: int = 5
    same_post_max_years: int = 10
    max_break_days: int = 365
    management_grades: tuple[int, int] = (1, 10)
    end_of_term_window_days: int = 183

    @classmethod
    def from_value(cls, value: Mapping[str, Any] | None = None) -> LeadershipRules:
        merged = {**DEFAULTS[LEADERSHIP_KEY], **(value or {})}
        low, high = (int(g) for g in merged["management_grades"])
        rules = cls(
            term_min_years=int(merged["term_min_years"]),
            term_max_years=int(merged["term_max_years"]),
            same_post_max_years=int(merged["same_post_max_years"]),
            max_break_days=int(merged["max_break_days"]),
            management_grades=(low, high),
            end_of_term_window_days=int(merged["end_of_term_window_days"]),
        )
        if not 0 < rules.term_min_years <= rules.term_max_years <= rules.same_post_max_years:
            raise ValueError("term limits must rise: min ≤ max ≤ same-post limit")
        return rules


@dataclass(frozen=True)
class Target:
    """A target of a leader's term contract (任期目标)."""

    key: str
    label: str


@dataclass(frozen=True)
class Assessment:
    """An annual or end-of-term assessment and its result."""

    kind: AssessmentKind
    held_on: date
    result: AssessmentResult
    #: the assessed year (annual assessments)
    year: int | None = None
    #: target key → the assessor's finding (met, score, …); every target must appear
    targets: Mapping[str, Any] = field(default_factory=dict)
    reason: str | None = None


@dataclass(frozen=True)
class LeaderTerm:
    """One term of one leader in one post."""

    person: Hashable
    name: str
    #: the leadership post, e.g. "院长" (terms in the same post are compared by this)
    post: str
    start_on: date
    end_on: date
    management_grade: int | None
    administrative_rank: str | None = None
    targets: tuple[Target, ...] = ()
    assessments: tuple[Assessment, ...] = ()


def add_years(day: date, years: int) -> date:
    """Return the same calendar day ``years`` later (29 February becomes 28 February)."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def term_years(start_on: date, end_on: date) -> Decimal:
    """Return a term's length in years, to 0.01, counting both ends (for display)."""
    days = (end_on + timedelta(days=1) - start_on).days
    return (Decimal(days) / Decimal("365.25")).quantize(Decimal("0.01"))


def tenure_start(term: LeaderTerm, history: Iterable[LeaderTerm], rules: LeadershipRules) -> date:
    """Return when the chain of consecutive terms in ``term``'s post, ending with it, began."""
    earlier = sorted(
        (
            t
            for t in history
            if t.person == term.person and t.post == term.post and t.start_on < term.start_on
        ),
        key=lambda t: t.start_on,
        reverse=True,
    )
    start = term.start_on
    for previous in earlier:
        if (start - previous.end_on).days - 1 > rules.max_break_days:
            break
        start = min(start, previous.start_on)
    return start


def _f(level: Level, code: str, message: Msg, subject: Hashable = None) -> Finding:
    return Finding(level, code, message, subject)


def check_term(
    term: LeaderTerm,
    rules: LeadershipRules,
    *,
    today: date,
    history: Iterable[LeaderTerm] = (),
) -> list[Finding]:
    """Return every way a leader's term breaks the de-administration rules (module text)."""
    findings: list[Finding] = []
    who = term.name
    low, high = rules.management_grades
    if term.management_grade is None:
        findings.append(
            _f(
                Level.ERROR,
                "no_management_grade",
                msg("%(name)s（%(post)s）未确定管理岗位等级", name=who, post=term.post),
            )
        )
    elif not low <= term.management_grade <= high:
        findings.append(
            _f(
                Level.ERROR,
                "management_grade_out_of_range",
                msg(
                    "%(name)s的管理岗位等级 %(grade)d 级不在 %(low)d–%(high)d 级之内",
                    name=who,
                    grade=term.management_grade,
                    low=low,
                    high=high,
                ),
            )
        )
    if term.administrative_rank and term.administrative_rank.strip():
        findings.append(
            _f(
                Level.ERROR,
                "administrative_rank",
                msg(
                    "%(name)s仍登记有行政级别「%(rank)s」；公立医院领导人员实行管理岗位等级，"
                    "不再确定行政级别（国办发〔2017〕67号）",
                    name=who,
                    rank=term.administrative_rank.strip(),
                ),
            )
        )
    if not term.targets:
        findings.append(
            _f(
                Level.ERROR,
                "no_targets",
                msg("%(name)s的任期合同没有任期目标", name=who),
            )
        )
    if term.end_on < term.start_on:
        findings.append(
            _f(
                Level.ERROR,
                "term_dates",
                msg("%(name)s的任期结束日期早于开始日期", name=who),
            )
        )
        return findings
    after_end = term.end_on + timedelta(days=1)
    if after_end < add_years(term.start_on, rules.term_min_years) or after_end > add_years(
        term.start_on, rules.term_max_years
    ):
        findings.append(
            _f(
                Level.ERROR,
                "term_length",
                msg(
                    "%(name)s的任期为 %(years)s 年（%(start)s 至 %(end)s），应为 %(min)d–%(max)d 年",
                    name=who,
                    years=term_years(term.start_on, term.end_on),
                    start=term.start_on,
                    end=term.end_on,
                    min=rules.term_min_years,
                    max=rules.term_max_years,
                ),
            )
        )
    history = list(history)
    since = tenure_start(term, history, rules)
    limit_end = add_years(since, rules.same_post_max_years)
    if after_end > limit_end:
        findings.append(
            _f(
                Level.ERROR,
                "same_post_too_long",
                msg(
                    "%(name)s自 %(since)s 起连续担任%(post)s，至 %(end)s 将满 %(years)s 年，"
                    "超过同一岗位 %(max)d 年的上限（%(limit)s 届满）",
                    name=who,
                    since=since,
                    post=term.post,
                    end=term.end_on,
                    years=term_years(since, term.end_on),
                    max=rules.same_post_max_years,
                    limit=limit_end - timedelta(days=1),
                ),
            )
        )
    elif add_years(after_end, rules.term_min_years) > limit_end:
        findings.append(
            _f(
                Level.NOTICE,
                "no_further_term",
                msg(
                    "%(name)s本任期届满后，再任一届%(post)s将超过同一岗位 %(max)d 年的上限",
                    name=who,
                    post=term.post,
                    max=rules.same_post_max_years,
                ),
            )
        )
    findings += check_assessments(term, rules, today=today)
    return findings


def check_assessments(term: LeaderTerm, rules: LeadershipRules, *, today: date) -> list[Finding]:
    """Return the problems of a term's annual and end-of-term assessments (module text)."""
    findings: list[Finding] = []
    who = term.name
    target_keys = [t.key for t in term.targets]
    labels = {t.key: t.label for t in term.targets}
    annual_years: set[int] = set()
    ends = 0
    dismissed_on: date | None = None
    for assessment in sorted(term.assessments, key=lambda a: (a.held_on, a.kind)):
        kind = AssessmentKind(assessment.kind)
        result = AssessmentResult(assessment.result)
        when = assessment.held_on
        subject = (kind.value, assessment.year or when)
        if dismissed_on is not None:
            findings.append(
                _f(
                    Level.ERROR,
                    "after_dismissal",
                    msg(
                        "%(name)s已于 %(dismissed)s 被解聘，%(held)s 的%(kind)s无效",
                        name=who,
                        dismissed=dismissed_on,
                        held=when,
                        kind=kind.label,
                    ),
                    subject,
                )
            )
            continue
        if when < term.start_on:
            findings.append(
                _f(
                    Level.ERROR,
                    "before_term",
                    msg(
                        "%(name)s的%(kind)s日期 %(held)s 早于任期开始",
                        name=who,
                        kind=kind.label,
                        held=when,
                    ),
                    subject,
                )
            )
        if kind is AssessmentKind.ANNUAL:
            year = assessment.year
            if year is None or not term.start_on.year <= year <= term.end_on.year:
                findings.append(
                    _f(
                        Level.ERROR,
                        "annual_year",
                        msg(
                            "%(name)s的年度考核年份「%(year)s」不在任期（%(start)s 至 %(end)s）之内",
                            name=who,
                            year=year if year is not None else "",
                            start=term.start_on,
                            end=term.end_on,
                        ),
                        subject,
                    )
                )
            elif year in annual_years:
                findings.append(
                    _f(
                        Level.ERROR,
                        "annual_twice",
                        msg("%(name)s的 %(year)d 年度考核重复", name=who, year=year),
                        subject,
                    )
                )
            else:
                annual_years.add(year)
        else:
            ends += 1
            earliest = term.end_on - timedelta(days=rules.end_of_term_window_days)
            if ends > 1:
                findings.append(
                    _f(
                        Level.ERROR,
                        "end_of_term_twice",
                        msg("%(name)s的任期考核重复", name=who),
                        subject,
                    )
                )
            elif when < earliest:
                findings.append(
                    _f(
                        Level.ERROR,
                        "end_of_term_too_early",
                        msg(
                            "%(name)s的任期考核于 %(held)s 进行，早于任期届满前 %(days)d 天",
                            name=who,
                            held=when,
                            days=rules.end_of_term_window_days,
                        ),
                        subject,
                    )
                )
        missing = [k for k in target_keys if k not in assessment.targets]
        unknown = sorted(k for k in assessment.targets if k not in labels)
        if missing:
            findings.append(
                _f(
                    Level.ERROR,
                    "targets_not_assessed",
                    msg(
                        "%(name)s的%(kind)s（%(held)s）未考核任期目标：%(targets)s",
                        name=who,
                        kind=kind.label,
                        held=when,
                        targets="、".join(labels[k] for k in missing),
                    ),
                    subject,
                )
            )
        if unknown:
            findings.append(
                _f(
                    Level.ERROR,
                    "unknown_targets",
                    msg(
                        "%(name)s的%(kind)s（%(held)s）考核了合同中没有的目标：%(targets)s",
                        name=who,
                        kind=kind.label,
                        held=when,
                        targets="、".join(unknown),
                    ),
                    subject,
                )
            )
        if result is not AssessmentResult.CONTINUE and not (assessment.reason or "").strip():
            findings.append(
                _f(
                    Level.ERROR,
                    "reason_required",
                    msg(
                        "%(name)s的%(kind)s结果为「%(result)s」，须写明理由",
                        name=who,
                        kind=kind.label,
                        result=result.label,
                    ),
                    subject,
                )
            )
        if result is AssessmentResult.DISMISS:
            dismissed_on = when
    if dismissed_on is not None and term.end_on > dismissed_on:
        findings.append(
            _f(
                Level.WARNING,
                "term_continues_after_dismissal",
                msg(
                    "%(name)s已于 %(dismissed)s 被解聘，但任期仍登记至 %(end)s，请终止任期合同",
                    name=who,
                    dismissed=dismissed_on,
                    end=term.end_on,
                ),
            )
        )
    if dismissed_on is None:
        last_year = min(term.end_on.year, today.year - 1)
        for year in range(term.start_on.year, last_year + 1):
            year_end = date(year, 12, 31)
            in_post = term.start_on <= year_end <= term.end_on
            if in_post and year not in annual_years:
                findings.append(
                    _f(
                        Level.WARNING,
                        "annual_missing",
                        msg("%(name)s缺少 %(year)d 年度考核", name=who, year=year),
                        ("annual", year),
                    )
                )
        if ends == 0 and today > term.end_on:
            findings.append(
                _f(
                    Level.WARNING,
                    "end_of_term_missing",
                    msg(
                        "%(name)s的任期已于 %(end)s 届满，尚无任期考核",
                        name=who,
                        end=term.end_on,
                    ),
                )
            )
    return findings
