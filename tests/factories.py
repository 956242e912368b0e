"""Factories: ``create_<noun>(**overrides)`` with sensible defaults, flushed not committed."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from core.auth import operations as accounts
from core.auth.models import User
from core.extensions import db
from core.ids import make_credit_code
from core.roles import Role
from institutions.models import FundingClass, Institution, InstitutionKind, Sponsor

PASSWORD = "secret-123"
_seq = itertools.count(1)


def create_sponsor(**overrides) -> Sponsor:
    n = next(_seq)
    sponsor = Sponsor(
        name=overrides.pop("name", f"测试区教育局{n}"),
        district_code=overrides.pop("district_code", "510107"),
        **overrides,
    )
    db.session.add(sponsor)
    db.session.flush()
    return sponsor


def create_institution(**overrides) -> Institution:
    n = next(_seq)
    district = overrides.pop("district_code", "510107")
    sponsor = overrides.pop("sponsor", None) or create_sponsor(district_code=district)
    institution = Institution(
        credit_code=overrides.pop("credit_code", make_credit_code(district, f"{80000000 + n}")),
        name=overrides.pop("name", f"测试学校{n}"),
        kind=overrides.pop("kind", InstitutionKind.SCHOOL.value),
        district_code=district,
        sponsor=sponsor,
        funding_class=overrides.pop("funding_class", FundingClass.PUBLIC_WELFARE_1.value),
        legal_representative=overrides.pop("legal_representative", "张三"),
        address=overrides.pop("address", "测试路 1 号"),
        **overrides,
    )
    db.session.add(institution)
    db.session.flush()
    return institution


def create_user(
    role: Role | None = None,
    *,
    institution: Institution | None = None,
    sponsor: Sponsor | None = None,
    is_superuser: bool = False,
    **overrides,
) -> User:
    n = next(_seq)
    user = accounts.create_user(
        username=overrides.pop("username", f"user{n}"),
        full_name=overrides.pop("full_name", f"用户{n}"),
        password=overrides.pop("password", PASSWORD),
        is_superuser=is_superuser,
        must_change_password=overrides.pop("must_change_password", False),
    )
    for key, value in overrides.items():
        setattr(user, key, value)
    if role is not None:
        accounts.grant(
            user,
            role,
            institution_id=institution.id if institution else None,
            sponsor_id=sponsor.id if sponsor else None,
        )
    db.session.flush()
    return user


@dataclass
class World:
    """A small city for authorization tests: users belong to ``mine``, not ``other``."""

    sponsor: Sponsor
    other_sponsor: Sponsor
    mine: Institution
    other: Institution
    users: dict[str, User | None] = field(default_factory=dict)
    #: the user a test is signed in as, when it matters
    current: User | None = None


def create_world() -> World:
    sponsor = create_sponsor(name="世界教育局")
    other_sponsor = create_sponsor(name="别处卫健局", district_code="510104")
    mine = create_institution(name="本校", sponsor=sponsor)
    other = create_institution(
        name="别家医院",
        sponsor=other_sponsor,
        kind=InstitutionKind.HOSPITAL.value,
        district_code="510104",
    )
    world = World(sponsor, other_sponsor, mine, other)
    world.users["anonymous"] = None
    world.users["superuser"] = create_user(is_superuser=True, username="root1")
    for role in Role:
        if role.scope == "city":
            user = create_user(role)
        elif role.scope == "sponsor":
            user = create_user(role, sponsor=sponsor)
        else:
            user = create_user(role, institution=mine)
        world.users[role.value] = user
    db.session.commit()
    return world


def create_person(**overrides):
    from datetime import date

    from core.ids import make_citizen_id, parse_citizen_id
    from hr.models import Person

    n = next(_seq)
    number = overrides.pop(
        "citizen_id",
        make_citizen_id("510107", date(1980 + n % 20, 1 + n % 12, 1 + n % 28), n % 500, n % 2 == 0),
    )
    parsed = parse_citizen_id(number)
    person = Person(
        citizen_id=parsed.number,
        name=overrides.pop("name", f"职工{n}"),
        gender=parsed.gender,
        birth_date=parsed.birth_date,
        **overrides,
    )
    db.session.add(person)
    db.session.flush()
    return person


def create_department(institution=None, name=None, **overrides):
    """Return the institution's department called ``name``, creating it if needed."""
    from sqlalchemy import select

    from hr.models import Department, DepartmentKind

    institution = institution or create_institution()
    name = name or f"科室{next(_seq)}"
    found = db.session.scalar(
        select(Department).where(
            Department.institution_id == institution.id, Department.name == name
        )
    )
    if found is not None:
        return found
    department = Department(
        institution_id=institution.id,
        name=name,
        kind=overrides.pop("kind", DepartmentKind.OTHER.value),
        is_active=overrides.pop("is_active", True),
        **overrides,
    )
    db.session.add(department)
    db.session.flush()
    return department


def create_employment(institution=None, person=None, **overrides):
    """Return an employment; ``department="语文组"`` names (and makes) its department."""
    from datetime import date

    from hr.models import Employment, Identity

    n = next(_seq)
    institution = institution or create_institution()
    department = overrides.pop("department", None)
    if isinstance(department, str):
        department = create_department(institution, department)
    employment = Employment(
        person=person or create_person(),
        institution_id=institution.id,
        department=department,
        staff_number=overrides.pop("staff_number", f"S{n:05d}"),
        identity=overrides.pop("identity", Identity.CONTRACT.value),
        start_on=overrides.pop("start_on", date(2020, 9, 1)),
        **overrides,
    )
    db.session.add(employment)
    db.session.flush()
    return employment


def add_quota(
    institution,
    kind="establishment",
    change=10,
    effective_on=None,
    document_number="成编发〔2020〕1号",
):
    from datetime import date

    from institutions.models import QuotaEntry

    entry = QuotaEntry(
        institution_id=institution.id,
        kind=kind,
        change=change,
        document_number=document_number,
        effective_on=effective_on or date(2020, 1, 1),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def finished_job(user, institution=None, *, kind="test.sample", status="succeeded"):
    """A job ``user`` started that has ended, with a small result file to download."""
    from core import files
    from core.jobs import Job

    stored = files.store(
        b"name,count\n\xe6\x9c\xac\xe6\xa0\xa1,3\n",
        "结果.csv",
        purpose="job.result",
        institution_id=institution.id if institution else None,
        actor=user,
        allowed=files.RESULTS,
    )
    job = Job(
        kind=kind,
        label="结果.csv",
        institution_id=institution.id if institution else None,
        started_by_id=user.id if user is not None else None,
        status=status,
        done=3,
        total=3,
        params={},
        errors=[] if status == "succeeded" else ["第 2 行「姓名」：不能为空"],
        result={"file_id": stored.id, "summary": "共 3 行"} if status == "succeeded" else None,
    )
    db.session.add(job)
    db.session.flush()
    return job
