"""Writes of annual appraisal rounds: open, grade, close (the 薪级 step).

Operations add and flush; the view or command commits once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from core import audit
from core.errors import Refusal
from core.extensions import db
from core.i18n import Msg, joined, msg
from core.ids import china_today
from core.models import utcnow
from hr.appraisals import grading as rules
from hr.appraisals import queries
from hr.models import (
    Appraisal,
    AppraisalGrade,
    AppraisalRound,
    Employment,
)
from hr.pay.operations import StepRequest, record_salary_steps
from hr.pay.queries import steps_on


class AppraisalError(Refusal):
    """A refused appraisal change; the message says why (and whom)."""

    def __init__(self, message: Msg | str, field: str | None = None) -> None:
        super().__init__(message, field=field)


def open_round(
    institution, year: int, *, today: date | None = None, confirm_early: bool = False
) -> AppraisalRound:
    """Open the annual appraisal round of ``year`` for an institution.

    Before the round's month (December) it is refused unless ``confirm_early``.
    """
    today = today or china_today()
    if year > today.year:
        raise AppraisalError(msg("%(year)d 年尚未到来，不能开启该年度考核", year=year), "year")
    if queries.get_round(institution.id, year) is not None:
        raise AppraisalError(
            msg("%(year)d 年度考核已开启，每个单位每年只有一轮", year=year), "year"
        )
    early = rules.early_warning(year, today, "open", queries.round_month(institution.kind, year))
    if early is not None and not confirm_early:
        raise AppraisalError(early, "confirm_early")
    round_ = AppraisalRound(
        institution_id=institution.id,
        year=year,
        excellent_cap=queries.excellent_cap(institution.kind, year),
    )
    db.session.add(round_)
    db.session.flush()
    audit.record(
        "appraisal_round.open",
        round_,
        institution_id=institution.id,
        changes={
            "year": [None, year],
            "excellent_cap": [None, str(round_.excellent_cap)],
            **({"opened_early": [None, today.isoformat()]} if early is not None else {}),
        },
        summary=f"{year} 年度考核",
    )
    return round_


def _label(grade: str | None) -> str | None:
    return AppraisalGrade(grade).label if grade else None


def save_grades(round_: AppraisalRound, submitted: Mapping[int, str | None]) -> int:
    """Record grades ({employment id: grade, or None to clear}); return how many changed.

    Refused as a whole if the round is closed, someone is not in the round, or the result
    would break the 优秀 cap.
    """
    if round_.is_closed:
        raise AppraisalError(msg("%(year)d 年度考核已关闭，不能再修改等次", year=round_.year))
    current = queries.grades_of(round_)
    members = queries.population_ids(round_) | set(current)
    strangers = set(submitted) - members
    if strangers:
        raise AppraisalError(
            msg("有 %(n)d 人不在本轮考核范围内（已离职或不属于本单位）", n=len(strangers))
        )
    allowed_grades = {grade.value for grade in AppraisalGrade}
    for grade in submitted.values():
        if grade is not None and grade not in allowed_grades:
            raise AppraisalError(msg("未知的考核等次「%(grade)s」", grade=grade))
    changed = {
        employment_id: grade
        for employment_id, grade in submitted.items()
        if current.get(employment_id) != grade
    }
    if not changed:
        return 0
    merged = {employment_id: current.get(employment_id) for employment_id in members}
    merged.update(changed)
    refusal = rules.excellent_refusal(round_.excellent_cap, merged.values())
    if refusal:
        raise AppraisalError(refusal)

    existing = {
        a.employment_id: a
        for a in db.session.scalars(
            select(Appraisal).where(
                Appraisal.round_id == round_.id, Appraisal.employment_id.in_(changed)
            )
        )
    }
    names = dict(
        db.session.execute(
            select(Employment.id, Employment.staff_number).where(Employment.id.in_(changed))
        )
        .tuples()
        .all()
    )
    changes = {}
    for employment_id, grade in changed.items():
        row = existing.get(employment_id)
        if grade is None:
            db.session.delete(row)
        elif row is None:
            db.session.add(Appraisal(round_id=round_.id, employment_id=employment_id, grade=grade))
        else:
            row.grade = grade
        changes[names[employment_id]] = [_label(current.get(employment_id)), _label(grade)]
    db.session.flush()
    audit.record(
        "appraisal.grade",
        round_,
        institution_id=round_.institution_id,
        changes=changes,
        summary=f"{round_.year} 年度考核：评定 {len(changed)} 人",
    )
    return len(changed)


@dataclass
class CloseResult:
    """What closing a round did."""

    raised: int = 0
    at_max: list[Employment] = field(default_factory=list)
    no_profile: list[Employment] = field(default_factory=list)


def close_round(
    round_: AppraisalRound,
    institution_kind: str = "",
    *,
    today: date | None = None,
    confirm_early: bool = False,
) -> CloseResult:
    """Close a round and give everyone graded 合格 or better one 薪级 from 1 January.

    Each step is a 薪级 version effective 1 January of the next year
    (``hr.pay.operations.record_salary_steps``); staff without any 薪级 record get none and
    are reported. Refused if the round is closed already or anyone in it is ungraded.
    """
    if round_.is_closed:
        raise AppraisalError(msg("%(year)d 年度考核已关闭，不能重复关闭", year=round_.year))
    today = today or china_today()
    early = rules.early_warning(
        round_.year, today, "close", queries.round_month(institution_kind, round_.year)
    )
    if early is not None and not confirm_early:
        raise AppraisalError(early, "confirm_early")
    grades = queries.grades_of(round_)
    ungraded = queries.population_ids(round_) - set(grades)
    if ungraded:
        sample = db.session.scalars(
            select(Employment)
            .where(Employment.id.in_(ungraded))
            .order_by(Employment.staff_number)
            .limit(5)
        )
        names = joined(e.person.name for e in sample)
        if len(ungraded) > 5:
            raise AppraisalError(
                msg(
                    "还有 %(n)d 人未评定等次（%(names)s等），不能关闭", n=len(ungraded), names=names
                )
            )
        raise AppraisalError(
            msg("还有 %(n)d 人未评定等次（%(names)s），不能关闭", n=len(ungraded), names=names)
        )

    effective_on = rules.step_effective_on(round_.year)
    eligible = {eid for eid, grade in grades.items() if grade in rules.STEP_UP_GRADES}
    # Only people still employed on 1 January move up.
    eligible = set(
        db.session.scalars(
            select(Employment.id).where(
                Employment.id.in_(eligible),
                (Employment.end_on.is_(None)) | (Employment.end_on >= effective_on),
            )
        )
    )
    steps = steps_on(eligible, effective_on)
    categories = queries.categories_on(eligible, effective_on)
    maxima = queries.step_maxima(institution_kind, effective_on)
    new_steps = rules.next_steps(
        {
            eid: (grades[eid], version.step, rules.step_max(categories.get(eid), maxima))
            for eid, version in steps.items()
        }
    )
    result = CloseResult()
    at_max_ids = [eid for eid, step in new_steps.items() if step == steps[eid].step]
    # A version for 1 January may exist already: record_salary_steps puts the step in it.
    changes = record_salary_steps(
        [
            StepRequest(
                employment_id,
                round_.institution_id,
                effective_on,
                step,
                rules.step_reason(round_.year, AppraisalGrade(grades[employment_id]).label_message),
            )
            for employment_id, step in sorted(new_steps.items())
            if step != steps[employment_id].step
        ],
        source="form",
    )
    result.raised = len(changes)
    if at_max_ids:
        result.at_max = list(
            db.session.scalars(
                select(Employment)
                .where(Employment.id.in_(at_max_ids))
                .order_by(Employment.staff_number)
            )
        )
    result.no_profile = queries.missing_salary_steps(round_)
    round_.closed_at = utcnow()
    db.session.flush()
    audit.record(
        "appraisal_round.close",
        round_,
        institution_id=round_.institution_id,
        changes={
            "closed_at": [None, round_.closed_at.isoformat()],
            "salary_step_raised": [None, result.raised],
            "without_salary_step": [None, len(result.no_profile)],
            **({"closed_early": [None, today.isoformat()]} if early is not None else {}),
        },
        summary=f"{round_.year} 年度考核关闭：{result.raised} 人自 "
        f"{effective_on.isoformat()} 起薪级晋升一级",
    )
    return result


def grade_selected(round_: AppraisalRound, employment_ids, grade: str = rules.PASS) -> int:
    """Give everyone selected the same grade (合格 by default) in one step; return how many changed.

    The bulk action of the grade grid: set the selected to 合格, then adjust the few who
    differ. Goes through ``save_grades``, so the same checks apply (round open, people in
    the round, the 优秀 cap).
    """
    ids = {int(i) for i in employment_ids}
    if not ids:
        raise AppraisalError(msg("请先勾选要设定等次的人员"), "pick")
    return save_grades(round_, dict.fromkeys(ids, grade))


def grade_all_ungraded(round_: AppraisalRound, grade: str = rules.PASS) -> int:
    """Give everyone not yet graded in the round the same grade; return how many."""
    ids = queries.ungraded_ids(round_)
    if not ids:
        raise AppraisalError(msg("本轮考核没有未评定等次的人员"), "pick")
    return save_grades(round_, dict.fromkeys(ids, grade))
