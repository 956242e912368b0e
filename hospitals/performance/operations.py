"""Writes of performance schemes: create, change, allocate, submit to the council (add and
flush; the request commits). Every rule is a pure function (``hospitals.scheme``,
``hospitals.performance.points``); a refusal leaves nothing half-written."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, insert, select

from core import audit
from core.errors import Refusal
from core.extensions import db
from core.i18n import msg
from hospitals import scheme as rules
from hospitals.findings import HospitalsRefusal
from hospitals.indicators import ALLOWED
from hospitals.models import (
    IndicatorFigure,
    PerformanceScheme,
    PerformanceShare,
    SchemeIndicator,
    SchemeStatus,
)
from hospitals.performance import points
from hospitals.performance.lines import parse_lines
from hospitals.performance.subject import KEY
from hospitals.periods import first_day
from hospitals.transition.queries import employed_on
from hr.models import Department, Employment, Person
from institutions.governance.models import GovernanceError, Meeting, Motion
from institutions.governance.subjects import propose_motion
from institutions.models import Institution

SCHEME_FIELDS = ("period", "pool", "floor", "status")


def _checked(data: Mapping[str, Any]) -> rules.Scheme:
    """Return the scheme the form describes, or raise SchemeRejected with every reason."""
    indicators = tuple(parse_lines(data.get("indicators") or ""))
    scheme = rules.Scheme(pool=data["pool"], indicators=indicators, floor=data.get("floor"))
    rules.validate_scheme(scheme)
    return scheme


def _unlock(scheme: PerformanceScheme) -> None:
    if scheme.status == SchemeStatus.SUBMITTED.value:
        raise Refusal(msg("方案已提交理事会审议，表决前不能修改"))
    if scheme.is_locked:
        raise Refusal(msg("方案已批准，不能再修改"))
    db.session.execute(delete(PerformanceShare).where(PerformanceShare.scheme_id == scheme.id))
    scheme.status = SchemeStatus.DRAFT.value


def create_scheme(institution: Institution, data: Mapping[str, Any]) -> PerformanceScheme:
    """Create a hospital's scheme for a pay month (one per month)."""
    checked = _checked(data)
    exists = db.session.scalar(
        select(PerformanceScheme.id).where(
            PerformanceScheme.institution_id == institution.id,
            PerformanceScheme.period == data["period"],
        )
    )
    if exists is not None:
        raise Refusal(msg("%(p)s 已有绩效方案", p=data["period"]), field="period")
    scheme = PerformanceScheme(
        institution_id=institution.id,
        period=data["period"],
        pool=checked.pool,
        floor=checked.floor,
        status=SchemeStatus.DRAFT.value,
    )
    scheme.indicators = [SchemeIndicator(key=i.key, weight=i.weight) for i in checked.indicators]
    db.session.add(scheme)
    db.session.flush()
    audit.record(
        "performance_scheme.create",
        scheme,
        institution_id=institution.id,
        changes=audit.diff({}, audit.snapshot(scheme, SCHEME_FIELDS)),
    )
    return scheme


def update_scheme(scheme: PerformanceScheme, data: Mapping[str, Any]) -> PerformanceScheme:
    """Change a scheme's pool, floor and indicators; its allocation is discarded."""
    checked = _checked(data)
    _unlock(scheme)
    before = audit.snapshot(scheme, SCHEME_FIELDS)
    scheme.pool = checked.pool
    scheme.floor = checked.floor
    kept = {i.key for i in checked.indicators}
    scheme.indicators = [SchemeIndicator(key=i.key, weight=i.weight) for i in checked.indicators]
    db.session.execute(
        delete(IndicatorFigure).where(
            IndicatorFigure.scheme_id == scheme.id, IndicatorFigure.indicator.not_in(kept)
        )
    )
    db.session.flush()
    audit.record(
        "performance_scheme.update",
        scheme,
        institution_id=scheme.institution_id,
        changes=audit.diff(before, audit.snapshot(scheme, SCHEME_FIELDS)),
    )
    return scheme


def rule_scheme(scheme: PerformanceScheme) -> rules.Scheme:
    """Return the stored scheme as the pure rule's value."""
    return rules.Scheme(
        pool=scheme.pool,
        indicators=tuple(rules.SchemeIndicator(i.key, i.weight) for i in scheme.indicators),
        floor=scheme.floor,
    )


def allocate_scheme(scheme: PerformanceScheme) -> rules.Allocation:
    """Allocate the pool to the departments with figures and their staff; store the shares.

    Staff are those employed on the first day of the scheme's month in those departments.
    Refused (nothing stored) for missing figures, a department with money and nobody in it,
    or anyone below the floor.
    """
    _unlock(scheme)
    pure = rule_scheme(scheme)
    day = first_day(scheme.period)
    names = {
        d.id: d.name
        for d in db.session.scalars(
            select(Department).where(Department.institution_id == scheme.institution_id)
        )
    }
    department_figures: dict[int, dict[str, Decimal]] = defaultdict(dict)
    person_figures: dict[int, dict[int, dict[str, Decimal]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for department_id, employment_id, indicator, value in db.session.execute(
        select(
            IndicatorFigure.department_id,
            IndicatorFigure.employment_id,
            IndicatorFigure.indicator,
            IndicatorFigure.value,
        ).where(IndicatorFigure.scheme_id == scheme.id)
    ):
        if employment_id is None:
            department_figures[department_id][indicator] = value
        else:
            person_figures[department_id][employment_id][indicator] = value
    if not department_figures:
        raise HospitalsRefusal(msg("还没有导入科室指标数据"), field="figures")
    department_points = points.department_points(pure.indicators, department_figures, names)
    staff = db.session.execute(
        select(Employment.id, Employment.department_id, Person.name)
        .join(Person, Person.id == Employment.person_id)
        .where(
            Employment.institution_id == scheme.institution_id,
            Employment.department_id.in_(list(department_points)),
            employed_on(day),
        )
    ).all()
    members: dict[int, dict[int, str]] = defaultdict(dict)
    for employment_id, department_id, name in staff:
        members[department_id][employment_id] = name
    people: list[rules.Person] = []
    for department_id, employees in members.items():
        given = person_figures.get(department_id)
        if given:
            unknown = set(given) - set(employees)
            if unknown:
                raise HospitalsRefusal(
                    msg(
                        "科室「%(d)s」有 %(n)d 条个人指标数据属于不在该科室在职的人员",
                        d=names[department_id],
                        n=len(unknown),
                    ),
                    field="figures",
                )
            filled = {e: dict(given.get(e, {})) for e in employees}
            person_scores = points.scores(pure.indicators, filled, employees)
        else:
            equal = points.equal_scores(pure.indicators)
            person_scores = {e: equal for e in employees}
        people += [
            rules.Person(e, employees[e], department_id, person_scores[e]) for e in employees
        ]
    allocation = rules.allocate(
        pure,
        [rules.Department(d, names[d], p) for d, p in department_points.items()],
        people,
    )
    # one multi-row INSERT, not an ORM object per person
    shares = [
        {
            "scheme_id": scheme.id,
            "employment_id": share.key,
            "department_id": share.department,
            "score": share.score,
            "amount": share.amount,
        }
        for share in allocation.people()
    ]
    if shares:
        db.session.execute(insert(PerformanceShare), shares)
    scheme.status = SchemeStatus.ALLOCATED.value
    db.session.flush()
    audit.record(
        "performance_scheme.allocate",
        scheme,
        institution_id=scheme.institution_id,
        summary=str(
            msg("%(n)d 人，合计 %(total)s 元", n=len(allocation.people()), total=allocation.pool)
        ),
    )
    return allocation


def submit_scheme(scheme: PerformanceScheme, meeting: Meeting, *, actor: Any = None) -> Motion:
    """Put an allocated scheme before the hospital council (提交理事会审议) as a motion subject.

    The scheme is locked until the motion is decided (``hospitals.performance.subject``);
    only a passed motion approves it and sends its amounts to the month's payroll run.
    """
    if scheme.status != SchemeStatus.ALLOCATED.value:
        raise Refusal(msg("只有已计算分配的方案才能提交理事会审议"))
    people, total = db.session.execute(
        select(func.count(), func.coalesce(func.sum(PerformanceShare.amount), 0)).where(
            PerformanceShare.scheme_id == scheme.id
        )
    ).one()
    # the motion's text is a stored record: the indicators by their Chinese names, whatever
    # language the submitter reads
    weights = "、".join(
        f"{getattr(item.label, 'id', item.label) if item else i.key} {i.weight.normalize():f}%"
        for i in scheme.indicators
        for item in (ALLOWED.get(i.key),)
    )
    try:
        motion = propose_motion(
            KEY,
            scheme.institution_id,
            scheme.id,
            meeting=meeting,
            title=f"关于 {scheme.period} 岗位绩效分配方案的议案",
            text=(
                f"{scheme.period} 奖励性绩效总额 {scheme.pool} 元，按岗位绩效方案"
                f"（{weights}）"
                f"分配给 {people} 人，合计 {total} 元。"
                "考核指标不与药品、耗材、检查、化验收入挂钩。通过后计入当月工资的奖励性绩效。"
            ),
            actor=actor,
        )
    except GovernanceError as error:
        # the reason as governance gave it (a message id), translated where shown
        raise HospitalsRefusal(
            error.args[0] if error.args else str(error), field="meeting_id"
        ) from None
    scheme.motion_id = motion.id
    scheme.status = SchemeStatus.SUBMITTED.value
    db.session.flush()
    audit.record(
        "performance_scheme.submit",
        scheme,
        institution_id=scheme.institution_id,
        summary=motion.title,
        changes={"status": [SchemeStatus.ALLOCATED.value, SchemeStatus.SUBMITTED.value]},
        actor=actor,
    )
    return motion
