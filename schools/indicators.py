"""The figures schools provide to the registry's indicators, for a whole scope at once.

Each provider answers for every school of a scope with one query (two for the ones set
against HR's staff), so the staffing office's dashboard over a city's schools stays a fixed
number of queries. The figures of a school are those of its latest recorded school year up
to the date asked (a school that has not entered this year's enrolment is shown with last
year's); the allowance is computed per stage and rounded by the rules in force on that date,
as on the school's own page (``schools.allowance``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import g, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, case, func, literal, or_, select, union_all

from core.extensions import db
from core.money import round_half_up
from core.parameters import ParameterVersion
from hr.models import Department, Employment, Identity
from institutions.indicators import Indicator
from institutions.models import Institution, InstitutionKind
from schools import queries
from schools.allowance import ALLOWANCE_KEY, AllowanceRules, exact_allowance, round_allowance
from schools.budget.indicators import execution_rate, year_end_surplus
from schools.models import EnrolmentGrade, EnrolmentYear, SchoolProfile
from schools.stages import GRADE_LAYOUT_KEY, GradeLayout, Stage

SCHOOL = frozenset({"school"})
TWO_SELF_PILOT = "schools.two_self_pilot"
TEACHER_SHORTFALL = "schools.teacher_shortfall"
STUDENTS = "schools.students"
ALLOWANCE = "schools.allowance"
ALLOWANCE_OCCUPANCY = "schools.allowance_occupancy"
TEACHERS_ESTABLISHMENT = "schools.teachers_establishment"
TEACHERS_FILED = "schools.teachers_filed"
BUDGET_EXECUTION = "schools.budget_execution"
BUDGET_SURPLUS = "schools.budget_surplus"
#: the row kind of the staff count in the one statement
STAFF = "staff"


def _rules(on: date) -> tuple[GradeLayout, AllowanceRules]:
    """Return the grade layout and allowance rules in force on ``on``, read in one query."""
    keys = (GRADE_LAYOUT_KEY, ALLOWANCE_KEY)
    rows = db.session.scalars(
        select(ParameterVersion)
        .where(
            ParameterVersion.key.in_(keys),
            ParameterVersion.scope == "",
            ParameterVersion.effective_from <= on,
            or_(ParameterVersion.effective_to.is_(None), ParameterVersion.effective_to >= on),
        )
        .order_by(ParameterVersion.effective_from.desc())
    ).all()
    value = {key: next((r.value for r in rows if r.key == key), None) for key in keys}
    return (
        GradeLayout.from_value(value[GRADE_LAYOUT_KEY]),
        AllowanceRules.from_value(value[ALLOWANCE_KEY]),
    )


@dataclass(frozen=True)
class _Figures:
    """Per school: students per stage of its latest year up to the date, and staff counted."""

    students: dict[int, dict[Stage, int]]
    staff: dict[int, int]
    rules: AllowanceRules

    def allowance(self) -> dict[int, int]:
        """Per stage students ÷ ratio, rounded, summed (as ``schools.allowance.compute``)."""
        rules = self.rules
        return {
            institution_id: sum(
                round_allowance(exact_allowance(n, rules.students_per_staff[stage]), rules.rounding)
                for stage, n in by_stage.items()
            )
            for institution_id, by_stage in self.students.items()
        }


def _figures(ids: Select, on: date, *, with_staff: bool = True) -> _Figures:
    """Read the enrolment (and HR's staff counted, if asked) for a scope in one statement."""
    layout, rules = _rules(on)
    latest = (
        select(EnrolmentYear.institution_id, func.max(EnrolmentYear.year).label("year"))
        .where(
            EnrolmentYear.institution_id.in_(ids.scalar_subquery()),
            EnrolmentYear.year <= queries.school_year_of(on),
        )
        .group_by(EnrolmentYear.institution_id)
        .subquery()
    )
    stage = case(
        (EnrolmentGrade.grade <= layout.last[Stage.PRIMARY], Stage.PRIMARY.value),
        (EnrolmentGrade.grade <= layout.last[Stage.JUNIOR], Stage.JUNIOR.value),
        else_=Stage.SENIOR.value,
    )
    enrolment = (
        select(
            EnrolmentYear.institution_id.label("institution_id"),
            stage.label("what"),
            func.sum(EnrolmentGrade.students).label("n"),
        )
        .join(
            latest,
            and_(
                latest.c.institution_id == EnrolmentYear.institution_id,
                latest.c.year == EnrolmentYear.year,
            ),
        )
        .join(EnrolmentGrade, EnrolmentGrade.enrolment_year_id == EnrolmentYear.id)
        .group_by(EnrolmentYear.institution_id, stage)
    )
    staff = (
        select(
            Employment.institution_id.label("institution_id"),
            literal(STAFF).label("what"),
            func.count().label("n"),
        )
        .where(
            Employment.institution_id.in_(ids.scalar_subquery()),
            Employment.identity.in_(sorted(rules.counted_identities)),
            Employment.start_on <= on,
            or_(Employment.end_on.is_(None), Employment.end_on >= on),
        )
        .group_by(Employment.institution_id)
    )
    students: dict[int, dict[Stage, int]] = {}
    counted: dict[int, int] = {}
    statement = union_all(enrolment, staff) if with_staff else enrolment
    for institution_id, what, n in db.session.execute(statement):
        if what == STAFF:
            counted[institution_id] = int(n)
        else:
            students.setdefault(institution_id, {})[Stage(what)] = int(n or 0)
    return _Figures(students, counted, rules)


def students(ids: Select, on: date) -> Mapping[int, int]:
    return {i: sum(s.values()) for i, s in _figures(ids, on, with_staff=False).students.items()}


def allowance(ids: Select, on: date) -> Mapping[int, int]:
    """Return each school's 员额."""
    return _figures(ids, on, with_staff=False).allowance()


def shortfall(ids: Select, on: date) -> Mapping[int, int]:
    """Return each school's shortfall: 员额 − staff counted, 0 when it has enough."""
    figures = _figures(ids, on)
    return {i: max(n - figures.staff.get(i, 0), 0) for i, n in figures.allowance().items()}


def occupancy(ids: Select, on: date) -> Mapping[int, Decimal]:
    """Return staff counted ÷ 员额 in percent, one decimal (schools with an allowance)."""
    figures = _figures(ids, on)
    return {
        i: round_half_up(Decimal(100 * figures.staff.get(i, 0)) / n, Decimal("0.1"))
        for i, n in figures.allowance().items()
        if n
    }


_TEACHERS_CACHE = "schools_teachers_by_identity"


def _teachers_by_identity(ids: Select, on: date) -> dict[str, dict[int, int]]:
    """Return {identity: {school id: teachers on ``on``}} in one statement, kept for the
    request so the two identity indicators of one page share it."""
    cached = g.get(_TEACHERS_CACHE) if has_app_context() else None
    if cached is not None and cached[0] is ids and cached[1] == on:
        return cached[2]
    rows = db.session.execute(
        select(Employment.institution_id, Employment.identity, func.count())
        .join(Institution, Institution.id == Employment.institution_id)
        .outerjoin(Department, Department.id == Employment.department_id)
        .where(
            Employment.institution_id.in_(ids.scalar_subquery()),
            Institution.kind == InstitutionKind.SCHOOL.value,
            Employment.identity.in_((Identity.ESTABLISHMENT.value, Identity.FILED.value)),
            Employment.start_on <= on,
            or_(Employment.end_on.is_(None), Employment.end_on >= on),
            or_(Department.kind.is_(None), Department.kind.not_in(queries.NON_TEACHING_KINDS)),
        )
        .group_by(Employment.institution_id, Employment.identity)
    )
    found: dict[str, dict[int, int]] = {}
    for institution_id, identity, n in rows:
        found.setdefault(identity, {})[institution_id] = int(n)
    if has_app_context():
        # the SELECT itself is kept, so an identical object means the same scope
        setattr(g, _TEACHERS_CACHE, (ids, on, found))
    return found


def _teachers(identity: str):
    """Return a provider of a school's teachers of one identity (人员身份) on a date: staff
    outside the administrative and logistics departments, as on the school's page."""

    def provide(ids: Select, on: date) -> Mapping[int, int]:
        return _teachers_by_identity(ids, on).get(identity, {})

    return provide


def two_self_pilot(ids: Select, on: date) -> Mapping[int, bool]:
    rows = db.session.execute(
        select(SchoolProfile.institution_id, SchoolProfile.is_lump_sum).where(
            SchoolProfile.institution_id.in_(ids.scalar_subquery())
        )
    )
    return {institution_id: bool(flag) for institution_id, flag in rows}


INDICATORS = (
    Indicator(
        key=TWO_SELF_PILOT,
        label=_l("“两自一包”试点学校"),
        unit=_l("所"),
        owner="schools",
        provide=two_self_pilot,
        kinds=SCHOOL,
    ),
    Indicator(
        key=TEACHER_SHORTFALL,
        label=_l("教师缺口"),
        unit=_l("人"),
        owner="schools",
        provide=shortfall,
        kinds=SCHOOL,
        description=_l("按最近一个学年的学生数核定的员额，减去计入员额的在岗教职工；不缺为 0"),
    ),
    Indicator(
        key=STUDENTS,
        label=_l("在校学生数"),
        unit=_l("人"),
        owner="schools",
        provide=students,
        kinds=SCHOOL,
    ),
    Indicator(
        key=ALLOWANCE,
        label=_l("学校核定员额"),
        unit=_l("人"),
        owner="schools",
        provide=allowance,
        kinds=SCHOOL,
        description=_l("各学段学生数 ÷ 师生比，分别取整后相加"),
    ),
    Indicator(
        key=ALLOWANCE_OCCUPANCY,
        label=_l("员额在岗率"),
        unit=_l("%"),
        owner="schools",
        provide=occupancy,
        kinds=SCHOOL,
        description=_l("计入员额的在岗教职工 ÷ 核定员额"),
    ),
    Indicator(
        key=TEACHERS_ESTABLISHMENT,
        label=_l("编制内教师"),
        unit=_l("人"),
        owner="schools",
        provide=_teachers(Identity.ESTABLISHMENT.value),
        kinds=SCHOOL,
        description=_l("事业编制的在岗教师（不含行政、后勤部门人员）"),
    ),
    Indicator(
        key=TEACHERS_FILED,
        label=_l("员额制自聘教师"),
        unit=_l("人"),
        owner="schools",
        provide=_teachers(Identity.FILED.value),
        kinds=SCHOOL,
        description=_l("学校按员额自主聘用的在岗教师（不含行政、后勤部门人员）"),
    ),
    Indicator(
        key=BUDGET_EXECUTION,
        label=_l("包干经费执行率"),
        unit=_l("%"),
        owner="schools",
        provide=execution_rate,
        kinds=SCHOOL,
        description=_l("本学年经理事会批准的包干经费中已支出的比例；人员经费取自已审核的工资批次"),
    ),
    Indicator(
        key=BUDGET_SURPLUS,
        label=_l("上学年包干经费结余"),
        unit=_l("元"),
        owner="schools",
        provide=year_end_surplus,
        kinds=SCHOOL,
        description=_l("上一学年包干经费学校留用的结余（负数为超支）"),
    ),
)
