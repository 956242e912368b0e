"""Demo data: a hospital partway through 两转一去, with an identity pay gap to find.

For each demo hospital that HR's seeder staffed and that has no pay records yet:

- three dispatched workers (劳务派遣) are hired through HR's entry operation and given no
  post, so the transition dashboard has staff to act on;
- two contract doctors (合同制) are hired onto the post of an establishment doctor (same
  department and grade), so the same-post comparison has both identities in one cell;
- twelve months of pay up to last month are recorded for everyone on a post: 岗位工资 and
  薪级工资 from the payroll tables, and a 基础性绩效 that still pays contract and
  dispatched staff 15% less than 编制 staff on the same post — the old identity structure
  the report should expose.
"""

from __future__ import annotations

import random
import zlib
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from core.auth import operations as accounts
from core.auth.models import User
from core.errors import Refusal
from core.extensions import db
from core.ids import china_today, make_citizen_id, make_credit_code
from core.parameters import parameter
from core.roles import Role
from hospitals.leaders import operations as leaders
from hospitals.models import (
    HospitalProfile,
    IndicatorFigure,
    LeaderTerm,
    PayRecord,
    PerformanceScheme,
)
from hospitals.pay import operations as pay_operations
from hospitals.pay import queries as pay_queries
from hospitals.performance import operations as performance
from hospitals.periods import period_of
from hr.models import (
    Appointment,
    Contract,
    ContractStatus,
    ContractType,
    Department,
    Employment,
    Identity,
    Person,
    SalaryStep,
)
from hr.staff.operations import enter_employment
from institutions import seed as registry_seed
from institutions.models import Institution, InstitutionKind
from payroll.scales import POST_WAGE_KEY, STEP_WAGE_KEY, ScaleError, post_wage, step_wage

MONTHS = 12
#: the demo hospital's finance officer (runs its payroll, where the allocation is paid)
FINANCE = ("yiyuancaiwu", "彭静（医院财务）")
CLINICAL_KINDS = ("clinical", "medical_technical", "nursing")
SCHEME_LINES = "DRG 点数 70\n医院感染发生率 30"
#: share of the 编制 基础性绩效 the old structure paid everyone else
OLD_SHARE = Decimal("0.85")
FEN = Decimal("0.01")


def _months(today: date) -> list[date]:
    first = today.replace(day=1)
    days = []
    for _ in range(MONTHS):
        first = (first - timedelta(days=1)).replace(day=1)
        days.append(first)
    return list(reversed(days))


def _citizen_id(rng: random.Random, taken: set[str]) -> str:
    while True:
        number = make_citizen_id(
            "510107",
            date(rng.randint(1985, 2000), rng.randint(1, 12), rng.randint(1, 28)),
            rng.randint(1, 499),
            rng.random() < 0.5,
        )
        if number not in taken:
            taken.add(number)
            return number


def _hire(institution, rng, taken, *, number, name, identity, department_id, start_on):
    return enter_employment(
        institution,
        {
            "citizen_id": _citizen_id(rng, taken),
            "name": name,
            "identity": identity.value,
            "start_on": start_on,
            "staff_number": number,
            "salary_step": 5,
            "department_id": department_id,
        },
        today=start_on,
        source="seed",
    )


def _partway(institution: Institution, rng: random.Random, start_on: date) -> None:
    """Hire the staff who make the demo hospital partway through the transition."""
    taken = set(db.session.scalars(select(Person.citizen_id)))
    staff = list(
        db.session.scalars(
            select(Employment)
            .where(Employment.institution_id == institution.id, Employment.end_on.is_(None))
            .order_by(Employment.staff_number)
        )
    )
    anchor = next(
        (
            (e, a)
            for e in staff
            for a in e.appointments
            if e.identity == Identity.ESTABLISHMENT
            and a.end_on is None
            and a.category == "professional"
            and e.department_id is not None
        ),
        None,
    )
    department_id = staff[0].department_id if staff else None
    for n, name in enumerate(("派遣工甲", "派遣工乙", "派遣工丙"), start=1):
        _hire(
            institution,
            rng,
            taken,
            number=f"PQ{n:03d}",
            name=name,
            identity=Identity.DISPATCH,
            department_id=department_id,
            start_on=start_on,
        )
    if anchor is None:
        return
    employment, post = anchor
    for n, name in enumerate(("合同医师甲", "合同医师乙"), start=1):
        hired = _hire(
            institution,
            rng,
            taken,
            number=f"HT{n:03d}",
            name=name,
            identity=Identity.CONTRACT,
            department_id=employment.department_id,
            start_on=start_on,
        )
        db.session.add(
            Appointment(
                employment_id=hired.id,
                institution_id=institution.id,
                category=post.category,
                grade=post.grade,
                post_name=post.post_name,
                start_on=start_on,
            )
        )
        db.session.add(
            Contract(
                employment_id=hired.id,
                institution_id=institution.id,
                contract_type=ContractType.FIXED_TERM.value,
                start_on=start_on,
                end_on=start_on.replace(year=start_on.year + 3) - timedelta(days=1),
                probation_months=0,
                status=ContractStatus.ACTIVE.value,
            )
        )
    db.session.flush()


def _post_on(appointments: list[Appointment], day: date) -> Appointment | None:
    held = [a for a in appointments if a.start_on <= day and (a.end_on is None or a.end_on >= day)]
    return max(held, key=lambda a: (a.start_on, a.id)) if held else None


def _step_on(steps: list[SalaryStep], day: date) -> int | None:
    held = [s for s in steps if s.effective_on <= day]
    return max(held, key=lambda s: s.effective_on).step if held else None


def _basic(category: str, grade: int) -> Decimal:
    return Decimal(2600 - 80 * grade if category != "worker" else 1500)


def _pay(institution: Institution, rng: random.Random, months: list[date]) -> int:
    staff = list(
        db.session.scalars(select(Employment).where(Employment.institution_id == institution.id))
    )
    records = 0
    for day in months:
        post_table = parameter(POST_WAGE_KEY, day) or {}
        step_table = parameter(STEP_WAGE_KEY, day) or {}
        for employment in staff:
            if employment.start_on > day or (employment.end_on and employment.end_on < day):
                continue
            post = _post_on(employment.appointments, day)
            if post is None:
                continue
            step = _step_on(employment.salary_steps, day)
            try:
                post_pay = post_wage(post_table, post.category, post.grade)
                scale_pay = step_wage(step_table, post.category, step) if step else Decimal(0)
            except ScaleError:
                continue
            basic = _basic(post.category, post.grade)
            if employment.identity not in (Identity.ESTABLISHMENT, Identity.FILED):
                basic = (basic * OLD_SHARE).quantize(FEN)
            score = Decimal(rng.randint(80, 100))
            db.session.add(
                PayRecord(
                    institution_id=institution.id,
                    employment_id=employment.id,
                    period=period_of(day),
                    post_pay=post_pay,
                    scale_pay=scale_pay,
                    basic_performance=basic,
                    reward_performance=score * 15,
                    allowances=Decimal(300),
                    performance_score=score,
                )
            )
            records += 1
    db.session.flush()
    return records


def _scheme(institution: Institution, rng: random.Random, today: date) -> str:
    """Build this month's performance scheme from random ward figures and allocate it."""
    period = period_of(today)
    exists = db.session.scalar(
        select(PerformanceScheme.id).where(
            PerformanceScheme.institution_id == institution.id,
            PerformanceScheme.period == period,
        )
    )
    if exists is not None:
        return "已有本月绩效方案"
    day = today.replace(day=1)
    wards = db.session.execute(
        select(Department.id, func.count(Employment.id))
        .join(Employment, Employment.department_id == Department.id)
        .where(
            Department.institution_id == institution.id,
            Department.kind.in_(CLINICAL_KINDS),
            Employment.start_on <= day,
            Employment.end_on.is_(None),
        )
        .group_by(Department.id)
    ).all()
    if not wards:
        return "没有临床科室人员，未建绩效方案"
    staff = sum(n for _, n in wards)
    scheme = performance.create_scheme(
        institution,
        {
            "period": period,
            "pool": Decimal(2000 * staff),
            "floor": None,
            "indicators": SCHEME_LINES,
        },
    )
    for department_id, _n in wards:
        for key, value in (
            ("drg_points", Decimal(rng.randint(300, 3000))),
            ("nosocomial_infection_rate", Decimal(rng.randint(5, 40)) / 10),
        ):
            db.session.add(
                IndicatorFigure(
                    scheme_id=scheme.id, department_id=department_id, indicator=key, value=value
                )
            )
    db.session.flush()
    allocation = performance.allocate_scheme(scheme)
    return f"{period} 绩效方案已分配 {allocation.pool} 元给 {len(allocation.people())} 人，待提交理事会审议"


def _leader(institution: Institution, today: date) -> str:
    """Put the hospital's most senior manager on a term contract ending within months."""
    if db.session.scalar(select(LeaderTerm.id).where(LeaderTerm.institution_id == institution.id)):
        return "已有任期合同"
    found = db.session.execute(
        select(Employment, Appointment.grade)
        .join(Appointment, Appointment.employment_id == Employment.id)
        .where(
            Employment.institution_id == institution.id,
            Employment.end_on.is_(None),
            Appointment.end_on.is_(None),
            Appointment.category == "management",
        )
        .order_by(Appointment.grade, Employment.staff_number)
        .limit(1)
    ).first()
    if found is None:
        return "没有管理岗位人员，未建任期合同"
    employment, grade = found
    start = date(today.year - 2, 1, 1)
    leaders.create_term(
        institution,
        employment,
        {
            "post": "院长",
            "management_grade": grade,
            "start_on": start,
            "end_on": date(today.year, 12, 31),
            "decided_by": "医院理事会决议",
            "targets": "门诊和住院患者满意度不低于 90%\n四级手术占比每年提高 1 个百分点\n"
            "次均费用增幅不高于 5%",
        },
        today,
    )
    return f"{employment.person.name}任院长（{start} 至 {today.year}-12-31），缺年度考核"


def _finance_officer(institution: Institution) -> str:
    """Give the first demo hospital a finance officer, who runs its payroll."""
    username, full_name = FINANCE
    if db.session.scalar(select(User.id).where(User.username == username)) is None:
        user = accounts.create_user(
            username=username,
            full_name=full_name,
            password=registry_seed.DEMO_PASSWORD,
            must_change_password=False,
        )
        accounts.grant(user, Role.FINANCE_OFFICER, institution_id=institution.id)
    return f"  {institution.name} 财务：{username}"


def seed_demo_hospitals() -> list[str]:
    """Give the demo hospitals staff still without posts and a year of pay (idempotent)."""
    today = china_today()
    months = _months(today)
    lines = ["", "演示医院（两转一去）："]
    codes = [make_credit_code(row[2], row[6]) for row in registry_seed.INSTITUTIONS]
    hospitals = db.session.scalars(
        select(Institution)
        .where(
            Institution.credit_code.in_(codes),
            Institution.kind == InstitutionKind.HOSPITAL.value,
            select(Employment.id).where(Employment.institution_id == Institution.id).exists(),
        )
        .order_by(Institution.id)
    ).all()
    if hospitals:
        lines.append(_finance_officer(hospitals[0]))
    for institution in hospitals:
        has_pay = db.session.scalar(
            select(PayRecord.id).where(PayRecord.institution_id == institution.id).limit(1)
        )
        if has_pay is not None:
            lines.append(f"  {institution.name}：已有工资数据，未改动")
            continue
        rng = random.Random(zlib.crc32(institution.credit_code.encode()))
        _partway(institution, rng, months[0])
        count = _pay(institution, rng, months)
        lines.append(f"  {institution.name}：{count} 条月度工资记录，3 名未聘岗位的派遣人员")
        for year in pay_queries.pay_years(institution.id):
            summary = pay_operations.confirm_summary(institution, year, today)
            lines.append(
                f"    {year} 年同岗同酬汇总：{summary.gaps} 处身份差异，{summary.people} 人"
            )
        if (
            db.session.scalar(
                select(HospitalProfile.id).where(HospitalProfile.institution_id == institution.id)
            )
            is None
        ):
            staff = db.session.scalar(
                select(func.count()).where(
                    Employment.institution_id == institution.id, Employment.end_on.is_(None)
                )
            )
            # fewer staff per bed than the 1978 benchmark asks: a deviation to see
            db.session.add(
                HospitalProfile(institution_id=institution.id, level="secondary", beds=staff)
            )
        for step in (_scheme, _leader):
            savepoint = db.session.begin_nested()
            try:
                done = (
                    step(institution, rng, today) if step is _scheme else step(institution, today)
                )
            except Refusal as refusal:
                savepoint.rollback()
                done = f"未完成：{refusal.message}"
            else:
                savepoint.commit()
            lines.append(f"    {done}")
    return lines
