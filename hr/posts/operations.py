"""Writes for post plans (岗位设置方案) and appointments (岗位聘用): add, flush, audit; never commit."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from core import audit
from core.errors import Refusal
from core.extensions import db
from core.i18n import Msg, msg, source_text
from hr import signals
from hr.models import (
    GRADES,
    Appointment,
    Employment,
    PostCategory,
    PostPlan,
    PostPlanLine,
    grade_label,
    grade_name,
)
from hr.pay.operations import StepRequest, record_salary_steps
from hr.pay.queries import in_effect, steps_on, versions_of
from hr.posts import capacity, promotion
from hr.posts.queries import (
    current_appointment,
    grid_keys,
    occupied_counts,
    plan_for,
    previous_appointment,
)
from institutions.models import Institution

MIN_YEAR, MAX_YEAR = 2000, 2100


class PostError(Refusal):
    """A plan or appointment that cannot be saved; ``field`` names the form field at fault."""

    def __init__(
        self,
        message: Msg | str | None = None,
        field: str | None = None,
        *,
        errors: Mapping[str, Msg | str] | None = None,
    ) -> None:
        super().__init__(message, field=field, errors=errors)


class NeedsOverride(PostError):
    """The appointment departs from the promotion rules and no reason was given."""

    def __init__(self, warnings: list[Msg]) -> None:
        super().__init__(
            msg("拟聘岗位不符合晋升规则或与职称不符，请核实；确需聘任的，请填写理由后再提交。"),
            field="override_reason",
        )
        self.warnings = warnings


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PostError(
            msg("年度须在 %(low)d–%(high)d 之间", low=MIN_YEAR, high=MAX_YEAR), field="year"
        )


def _check_post(category: str, grade: int) -> None:
    if category not in set(PostCategory) or grade not in GRADES[PostCategory(category)]:
        raise PostError(
            msg("没有这样的岗位等级：%(category)s %(grade)s", category=category, grade=grade),
            field="post",
        )


def save_plan(
    institution: Institution,
    year: int,
    counts: Mapping[tuple[str, int], int | None],
    *,
    document_number: str | None = None,
    note: str | None = None,
) -> PostPlan:
    """Create or update the institution's plan for ``year`` from a grid of counts.

    ``counts`` is the whole grid: a (category, grade) missing or None or 0 has no posts.
    """
    _check_year(year)
    wanted: dict[tuple[str, int], int] = {}
    for (category, grade), count in counts.items():
        _check_post(category, grade)
        count = int(count or 0)
        if count < 0:
            raise PostError(
                msg("%(post)s：岗位数不能为负数", post=grade_name(category, grade)), field="post"
            )
        if count:
            wanted[(category, grade)] = count

    plan = plan_for(institution.id, year)
    is_new = plan is None
    if plan is None:
        plan = PostPlan(institution_id=institution.id, year=year)
        db.session.add(plan)
    changes = audit.apply_changes(
        plan,
        {"document_number": document_number or None, "note": note or None},
        ["document_number", "note"],
    )
    lines = {(line.category, line.grade): line for line in plan.lines}
    for key in grid_keys():
        before = lines[key].approved_count if key in lines else 0
        after = wanted.get(key, 0)
        if before == after:
            continue
        changes[grade_label(*key)] = [before, after]
        if key not in lines:
            plan.lines.append(PostPlanLine(category=key[0], grade=key[1], approved_count=after))
        elif after == 0:
            plan.lines.remove(lines[key])
        else:
            lines[key].approved_count = after
    db.session.flush()
    if changes or is_new:
        audit.record(
            "post_plan.save",
            plan,
            institution_id=institution.id,
            changes=changes,
            summary=f"{year} 年岗位设置方案（核定 {sum(wanted.values())} 个岗位）",
        )
    return plan


def copy_previous_plan(institution: Institution, year: int) -> PostPlan:
    """Create the plan for ``year`` as a copy of the year before's (without its 文号)."""
    _check_year(year)
    if plan_for(institution.id, year) is not None:
        raise PostError(msg("%(year)d 年已有岗位设置方案，不能再复制", year=year), field="year")
    previous = plan_for(institution.id, year - 1)
    if previous is None:
        raise PostError(msg("没有 %(year)d 年的岗位设置方案可复制", year=year - 1), field="year")
    counts = {(line.category, line.grade): line.approved_count for line in previous.lines}
    return save_plan(institution, year, counts, note=f"复制自 {year - 1} 年方案")


def first_of_next_month(day: date) -> date:
    """Return the first day of the month after ``day``."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _employed_on(employment: Employment, day: date) -> bool:
    return employment.start_on <= day and (employment.end_on is None or employment.end_on >= day)


def _check_plan_room(employment: Employment, category: str, grade: int, start_on: date) -> None:
    """Refuse an appointment without a plan for its year or beyond the plan's count."""
    year = start_on.year
    plan = plan_for(employment.institution_id, year, for_update=True)
    if plan is None:
        raise PostError(capacity.no_plan(year), field="post")
    approved = next(
        (
            line.approved_count
            for line in plan.lines
            if (line.category, line.grade) == (category, grade)
        ),
        0,
    )
    occupied = occupied_counts(
        employment.institution_id, start_on, exclude_employment_id=employment.id
    ).get((category, grade), 0)
    refusal = capacity.room_refusal(
        category, grade, year=year, approved=approved, occupied=occupied, on=start_on
    )
    if refusal is not None:
        raise PostError(refusal, field="post")


def _raise_salary_step(
    employment: Employment, category: str, grade: int, start_on: date
) -> list[int] | None:
    """Raise the 薪级 to the new post's starting step from the month after ``start_on``.

    Returns [before, after] when it was raised, None when it already reached the step or
    the employment has no 薪级 record to raise.
    """
    effective_on = first_of_next_month(start_on)
    floor = promotion.starting_step(category, grade, promotion.starting_steps_on(effective_on))
    base = steps_on([employment.id], effective_on).get(employment.id)
    if base is None or base.step >= floor:
        return None
    before = base.step
    record_salary_steps(
        [
            StepRequest(
                employment.id,
                employment.institution_id,
                effective_on,
                floor,
                msg(
                    "聘任%(post)s岗位，薪级由 %(before)d 级升至起点薪级 %(step)d 级",
                    post=grade_name(category, grade),
                    before=before,
                    step=floor,
                ),
                at_least=True,
            )
        ],
        source="form",
    )
    return [before, floor]


def _title_warnings(employment: Employment, category: str, grade: int, on: date) -> list:
    """Return the title-mismatch warnings of a post for this person (DOMAIN §2)."""
    return promotion.title_warnings(
        employment.professional_title, category, grade, promotion.title_grades_on(on)
    )


def _source_text(message: Msg | str) -> str:
    """Return a warning in the source language, as the audit trail stores it."""
    return source_text(message)


def _joined(warnings: list) -> str:
    return "；".join(_source_text(w) for w in warnings)


def appoint(
    employment: Employment,
    category: str,
    grade: int,
    post_name: str,
    start_on: date,
    override_reason: str | None = None,
) -> Appointment:
    """Put an employment on a post from ``start_on``, closing the post it held before.

    Refused without a plan for the year, beyond the plan's count for the grade, outside
    the employment, or before the current post began; promotion-rule warnings refuse it
    (NeedsOverride) unless ``override_reason`` is given, which is then stored.
    """
    _check_post(category, grade)
    # Every independent problem at once, each under its field (issue 9, item 19).
    errors: dict[str, Msg] = {}
    post_name = (post_name or "").strip()
    if not post_name:
        errors["post_name"] = msg("请填写岗位名称")
    elif len(post_name) > 64:
        errors["post_name"] = msg("岗位名称最多 64 个字")
    current = current_appointment(employment.id)
    if not _employed_on(employment, start_on):
        if employment.end_on:
            errors["start_on"] = msg(
                "聘任起始日期 %(on)s 不在该职工的在职期间（%(start)s 起，%(end)s 止）",
                on=start_on,
                start=employment.start_on,
                end=employment.end_on,
            )
        else:
            errors["start_on"] = msg(
                "聘任起始日期 %(on)s 不在该职工的在职期间（%(start)s 起）",
                on=start_on,
                start=employment.start_on,
            )
    elif current is not None and current.start_on >= start_on:
        errors["start_on"] = msg(
            "聘任起始日期须晚于现聘岗位（%(post)s，%(start)s 起）的起始日期",
            post=current.grade_name,
            start=current.start_on,
        )
    elif current is not None and current.end_on is not None and current.end_on >= start_on:
        errors["start_on"] = msg("聘任起始日期须晚于上一聘任的结束日期 %(end)s", end=current.end_on)
    try:
        _check_plan_room(employment, category, grade, start_on)
    except PostError as refusal:
        errors[refusal.field or "post"] = refusal.message
    if errors:
        raise PostError(errors=errors)

    holding = current if current is not None and current.end_on is None else None
    warnings = promotion.promotion_warnings(
        promotion.Post(holding.category, holding.grade, holding.start_on) if holding else None,
        promotion.Post(category, grade),
        start_on,
        years_in_grade=promotion.years_in_grade_on(start_on),
    ) + _title_warnings(employment, category, grade, start_on)
    override_reason = (override_reason or "").strip() or None
    if warnings and not override_reason:
        raise NeedsOverride(warnings)

    changes: dict[str, list] = {
        "post": [holding.grade_label if holding else None, grade_label(category, grade)],
        "post_name": [holding.post_name if holding else None, post_name],
        "start_on": [None, start_on.isoformat()],
    }
    if holding is not None:
        holding.end_on = start_on - timedelta(days=1)
        changes["previous_end_on"] = [None, holding.end_on.isoformat()]
    appointment = Appointment(
        employment_id=employment.id,
        institution_id=employment.institution_id,
        category=category,
        grade=grade,
        post_name=post_name,
        start_on=start_on,
        override_reason=override_reason if warnings else None,
    )
    db.session.add(appointment)
    if warnings:
        changes["warnings"] = [None, _joined(warnings)]
        changes["override_reason"] = [None, override_reason]
    db.session.flush()
    step = _raise_salary_step(employment, category, grade, start_on)
    if step is not None:
        changes["salary_step"] = step
    audit.record(
        "appointment.create",
        appointment,
        institution_id=employment.institution_id,
        changes=changes,
        summary=f"{employment.person.name}：聘任{grade_label(category, grade)}（{post_name}）",
    )
    signals.send(
        signals.appointed,
        [
            signals.Appointed(
                appointment.id,
                employment.id,
                employment.institution_id,
                category,
                grade,
                post_name,
                start_on,
                previous=(holding.category, holding.grade) if holding is not None else None,
            )
        ],
        source="form",
    )
    return appointment


def _describe(appointment: Appointment) -> str:
    return f"{appointment.grade_label}（{appointment.post_name}）"


def _redo_salary_step(
    employment: Employment, mistaken: str, category: str, grade: int, start_on: date
) -> list[int] | None:
    """Set the 薪级 the corrected post gives from the month after ``start_on``.

    If the mistaken appointment raised the 薪级 on that date, the raise is replaced: the
    step becomes the higher of the step before it and the corrected post's starting step
    (the same-date version is updated, its reason extended). Otherwise the corrected post
    raises the 薪级 as any appointment does.
    """
    effective_on = first_of_next_month(start_on)
    versions = versions_of([employment.id]).get(employment.id, [])
    raised = next(
        (
            v
            for v in versions
            if v.effective_on == effective_on
            and f"聘任{mistaken}岗位" in source_text(v.description)
        ),
        None,
    )
    if raised is None:
        return _raise_salary_step(employment, category, grade, start_on)
    before = in_effect(versions, effective_on - timedelta(days=1))
    floor = promotion.starting_step(category, grade, promotion.starting_steps_on(effective_on))
    step = max(before.step if before is not None else floor, floor)
    if step == raised.step:
        return None
    was = raised.step
    record_salary_steps(
        [
            StepRequest(
                employment.id,
                employment.institution_id,
                effective_on,
                step,
                msg(
                    "更正聘任为%(post)s岗位，薪级由 %(before)d 级改为 %(step)d 级",
                    post=grade_name(category, grade),
                    before=was,
                    step=step,
                ),
            )
        ],
        source="form",
    )
    return [was, step]


def correct_appointment(
    appointment: Appointment,
    category: str,
    grade: int,
    post_name: str,
    reason: str,
) -> tuple[Appointment, list]:
    """Correct a mistaken appointment in place: same dates, the right post, with a reason.

    Not a 低聘 or a promotion: the person never held the mistaken post. Only the latest
    appointment of an employment can be corrected. The post plan must have room for the
    corrected post on the appointment's start date. What the appointment said before is
    kept on it (``corrected_from``) and in the audit trail. Returns the appointment and
    the warnings (promotion rules against the post held before, title mismatch) that the
    reason now answers for.
    """
    _check_post(category, grade)
    reason = (reason or "").strip()
    if not reason:
        raise PostError(msg("请填写更正理由"), field="reason")
    if len(reason) > 255:
        raise PostError(msg("更正理由最多 255 个字"), field="reason")
    post_name = (post_name or "").strip()
    if not post_name:
        raise PostError(msg("请填写岗位名称"), field="post_name")
    if len(post_name) > 64:
        raise PostError(msg("岗位名称最多 64 个字"), field="post_name")
    employment = appointment.employment
    latest = current_appointment(employment.id)
    if latest is None or latest.id != appointment.id:
        raise PostError(msg("只能更正该职工最近一次聘任；更早的聘任已被后来的聘任接续。"))
    if (appointment.category, appointment.grade, appointment.post_name) == (
        category,
        grade,
        post_name,
    ):
        raise PostError(msg("岗位与原聘任相同，无需更正"), field="post")
    if (appointment.category, appointment.grade) != (category, grade):
        _check_plan_room(employment, category, grade, appointment.start_on)

    before = previous_appointment(appointment)
    warnings = promotion.promotion_warnings(
        promotion.Post(before.category, before.grade, before.start_on) if before else None,
        promotion.Post(category, grade),
        appointment.start_on,
        years_in_grade=promotion.years_in_grade_on(appointment.start_on),
    ) + _title_warnings(employment, category, grade, appointment.start_on)

    mistaken = appointment.grade_label
    was = _describe(appointment)
    changes = audit.apply_changes(
        appointment,
        {"category": category, "grade": grade, "post_name": post_name},
        ["category", "grade", "post_name"],
    )
    changes["post"] = [mistaken, grade_label(category, grade)]
    appointment.corrected_from = (
        f"{appointment.corrected_from}；{was}" if appointment.corrected_from else was
    )[:160]
    appointment.correction_reason = reason
    appointment.override_reason = reason if warnings else None
    changes["correction_reason"] = [None, reason]
    if warnings:
        changes["warnings"] = [None, _joined(warnings)]
    db.session.flush()
    if mistaken != grade_label(category, grade):
        step = _redo_salary_step(employment, mistaken, category, grade, appointment.start_on)
        if step is not None:
            changes["salary_step"] = step
    signals.send(
        signals.appointed,
        [
            signals.Appointed(
                appointment.id,
                employment.id,
                employment.institution_id,
                category,
                grade,
                post_name,
                appointment.start_on,
                previous=(before.category, before.grade) if before is not None else None,
            )
        ],
        source="form",
    )
    audit.record(
        "appointment.correct",
        appointment,
        institution_id=employment.institution_id,
        changes=changes,
        summary=(
            f"{employment.person.name}：更正聘任 {appointment.start_on.isoformat()} 起，"
            f"{was} → {_describe(appointment)}；理由：{reason}"
        ),
    )
    return appointment, warnings
