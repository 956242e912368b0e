"""Staff for the demo city (``flask seed-demo``).

The demo step gives every demo institution 20–60 staff with their posts, contracts, pay
profiles, a quota ledger and a post plan, and links the demo accounts of staff members
(``zhigong``, ``renshi``…) to their person record. The step runs after the registry's
(institutions and users): ``hr/module.py`` declares it so.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import select

from core.auth.models import User
from core.extensions import db
from core.ids import china_today, make_credit_code
from hr import signals
from hr.models import (
    Appointment,
    Contract,
    Department,
    Employment,
    Person,
    PostPlan,
    PostPlanLine,
)
from hr.seed.rows import (
    announce_hires,
    appointment_fields,
    contract_fields,
    department_fields,
    employment_fields,
    person_fields,
)
from hr.seed.synthetic import (
    ESTABLISHMENT,
    FILED,
    MANAGEMENT,
    PROFESSIONAL,
    InstitutionProfile,
    StaffSpec,
    Synthesizer,
    profile_for,
)
from institutions import seed as registry_seed  # noqa: F401  (its demo step must run first)
from institutions.models import Institution, QuotaEntry, QuotaKind
from institutions.quota.queries import quota_on

#: Demo accounts that are staff members: username → (index into the registry seed's
#: INSTITUTIONS, role, category, grade, department, post name, gender).
DEMO_STAFF_USERS: dict[str, tuple[int, str, str, int, str, str, str]] = {
    "zhigong": (0, "teacher", PROFESSIONAL, 9, "语文组", "语文教师", "女"),
    "xiaoban": (0, "admin", MANAGEMENT, 8, "校长办公室", "校长办公室副主任", "女"),
    "renshi": (0, "admin", MANAGEMENT, 9, "校长办公室", "人事干事", "女"),
    "caiwu": (0, "admin", MANAGEMENT, 9, "总务处", "财务干事", "男"),
    "yuanban": (3, "admin", MANAGEMENT, 8, "院长办公室", "院长办公室副主任", "女"),
    "yiyuanrenshi": (3, "admin", MANAGEMENT, 9, "人事科", "人事科干事", "男"),
}
DEMO_STAFF_RANGE = (20, 60)
#: Vacant places left in the demo ledger and plan, so HR officers can hire and appoint.
DEMO_VACANCY = 3


# --- the demo step -----------------------------------------------------------------------


def _demo_institutions() -> list[tuple[int, Institution]]:
    """Return (index in the registry seed, institution) for the demo institutions present."""
    found = []
    for index, row in enumerate(registry_seed.INSTITUTIONS):
        code = make_credit_code(row[2], row[6])
        institution = db.session.scalar(select(Institution).where(Institution.credit_code == code))
        if institution is not None:
            found.append((index, institution))
    return found


def _departments(institution: Institution, names: Iterable[str]) -> dict[str, Department]:
    """Return the institution's departments by name, creating those it lacks."""
    found = {
        d.name: d
        for d in db.session.scalars(
            select(Department).where(Department.institution_id == institution.id)
        )
    }
    for name in sorted(set(names) - set(found)):
        found[name] = Department(**department_fields(name, institution.id, institution.kind))
        db.session.add(found[name])
    db.session.flush()
    return found


def _add_staff(
    institution_id: int, spec: StaffSpec, user_id: int | None, department_id: int
) -> Employment:
    person = Person(**person_fields(spec, user_id))
    employment = Employment(person=person, **employment_fields(spec, institution_id, department_id))
    db.session.add(employment)
    for fields in appointment_fields(spec, institution_id):
        db.session.add(Appointment(employment=employment, **fields))
    db.session.add(Contract(employment=employment, **contract_fields(spec, institution_id)))
    return employment


def _appointed(employments: list[Employment]) -> list[signals.Appointed]:
    """Return the seeded posts as the appointed signal's items, each after the one before."""
    found = []
    for employment in employments:
        previous = None
        for post in sorted(employment.appointments, key=lambda a: a.start_on):
            found.append(
                signals.Appointed(
                    post.id,
                    employment.id,
                    employment.institution_id,
                    post.category,
                    post.grade,
                    post.post_name,
                    post.start_on,
                    previous,
                )
            )
            previous = (post.category, post.grade)
    return found


def _demo_quota(
    synth: Synthesizer, institution: Institution, staff: Sequence[StaffSpec], today: date
) -> None:
    """Give the institution a ledger covering its staff, or top up the one it has."""
    has_ledger = db.session.scalar(
        select(QuotaEntry.id).where(QuotaEntry.institution_id == institution.id).limit(1)
    )
    if has_ledger is None:
        for entry in synth.quota_entries(institution.district_code, staff, DEMO_VACANCY):
            db.session.add(QuotaEntry(institution_id=institution.id, **entry.fields()))
        return
    for kind, identity in ((QuotaKind.ESTABLISHMENT, ESTABLISHMENT), (QuotaKind.FILED, FILED)):
        needed = sum(1 for s in staff if s.identity == identity) + DEMO_VACANCY
        short = needed - quota_on(institution.id, kind, today)
        if short > 0:
            db.session.add(
                QuotaEntry(
                    institution_id=institution.id,
                    kind=kind.value,
                    change=short,
                    document_number=synth.quota_document(institution.district_code, today.year),
                    effective_on=min(s.start_on for s in staff),
                    note="演示数据：补足编制",
                )
            )


def _demo_post_plan(
    synth: Synthesizer, institution: Institution, staff: Sequence[StaffSpec], year: int
) -> None:
    exists = db.session.scalar(
        select(PostPlan.id).where(PostPlan.institution_id == institution.id, PostPlan.year == year)
    )
    if exists is not None:
        return
    plan = PostPlan(
        institution_id=institution.id,
        year=year,
        document_number=synth.plan_document(institution.district_code),
        note=f"{year} 年度岗位设置方案",
    )
    for category, grade, count in synth.post_plan_lines(staff, min_vacancy=1):
        plan.lines.append(PostPlanLine(category=category, grade=grade, approved_count=count))
    db.session.add(plan)


def seed_hr_parameters() -> list[str]:
    """Store DOMAIN.md's HR rates and tables as dated parameters (idempotent)."""
    from hr.appraisals import grading
    from hr.contracts import terms
    from hr.posts import promotion, structure
    from hr.roster import checks
    from hr.staff import entry

    for module in (entry, structure, promotion, terms, grading, checks):
        module.ensure_defaults()
    return []


def seed_demo_staff() -> list[str]:
    """Give every demo institution realistic staff (skipping institutions that have some)."""
    today = china_today()
    taken = set(db.session.scalars(select(Person.citizen_id)))
    users = {
        u.username: u
        for u in db.session.scalars(select(User).where(User.username.in_(DEMO_STAFF_USERS)))
    }
    linked_users = set(
        db.session.scalars(select(Person.user_id).where(Person.user_id.is_not(None)))
    )
    lines = ["", "演示职工："]
    for index, institution in _demo_institutions():
        has_staff = db.session.scalar(
            select(Employment.id).where(Employment.institution_id == institution.id).limit(1)
        )
        if has_staff is not None:
            lines.append(f"  {institution.name}：已有职工，未改动")
            continue
        synth = Synthesizer(zlib.crc32(institution.credit_code.encode()), today, taken)
        profile: InstitutionProfile = profile_for(institution.kind, institution.name)
        count = synth.rng.randint(*DEMO_STAFF_RANGE)
        roles = synth.roles_for(profile)
        staff: list[tuple[StaffSpec, int | None]] = []
        for username, (
            where,
            role,
            _category,
            grade,
            dept,
            post,
            gender,
        ) in DEMO_STAFF_USERS.items():
            user = users.get(username)
            if where != index or user is None or user.id in linked_users:
                continue
            spec = synth.member(
                profile,
                roles[role],
                grade,
                ESTABLISHMENT,
                number=len(staff) + 1,
                name=user.full_name.split("（")[0],
                gender=gender,
                department=dept,
                post_name=post,
            )
            staff.append((spec, user.id))
            linked_users.add(user.id)
        staff += [
            (spec, None)
            for spec in synth.staff(profile, count - len(staff), first_number=len(staff) + 1)
        ]
        # Every department the institution's kind of work has, not only those staffed.
        names = {spec.department for spec, _ in staff}
        names |= {name for role in roles.values() for name in role.departments}
        departments = _departments(institution, names)
        added = [
            (spec, _add_staff(institution.id, spec, user_id, departments[spec.department].id))
            for spec, user_id in staff
        ]
        db.session.flush()
        # 薪级 through HR's one pay operation; payroll (and whoever listens) hears of the
        # hires and posts as from any other path.
        announce_hires(
            [(spec, e.id, institution.id, e.person_id) for spec, e in added],
            _appointed([e for _, e in added]),
        )
        specs = [spec for spec, _ in staff]
        _demo_quota(synth, institution, specs, today)
        _demo_post_plan(synth, institution, specs, today.year)
        db.session.flush()
        mine = "、".join(s.name for s, user_id in staff if user_id)
        lines.append(
            f"  {institution.name}：{len(staff)} 名职工" + (f"（账号本人：{mine}）" if mine else "")
        )
    return lines
