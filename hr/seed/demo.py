"""Staff for the demo city (``flask seed-demo``) and the synthetic city of ``flask seed-scale``.

The demo step gives every demo institution 20–60 staff with their posts, contracts, pay
profiles, a quota ledger and a post plan, and links the demo accounts of staff members
(``zhigong``, ``renshi``…) to their person record. ``seed-scale`` writes thousands of
institutions and hundreds of thousands of staff with bulk inserts, for benchmarks.

Importing this module registers the demo step; it imports ``institutions.seed`` first so
that the registry step (institutions and users) runs before it.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import func, insert, select, text

from core.auth.models import User
from core.extensions import db
from core.ids import china_today, make_credit_code
from core.models import utcnow
from hr.models import (
    Appointment,
    Contract,
    ContractStatus,
    Employment,
    PayProfile,
    Person,
    PostPlan,
    PostPlanLine,
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
from institutions.models import Institution, QuotaEntry, QuotaKind, Sponsor
from institutions.quota import quota_on

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


# --- rows shared by the demo step and the bulk writer ------------------------------------


def person_fields(spec: StaffSpec, user_id: int | None = None) -> dict[str, Any]:
    return {
        "citizen_id": spec.citizen_id,
        "name": spec.name,
        "gender": spec.gender,
        "birth_date": spec.birth_date,
        "education": spec.education,
        "professional_title": spec.professional_title,
        "phone": spec.phone,
        "user_id": user_id,
    }


def employment_fields(spec: StaffSpec, institution_id: int) -> dict[str, Any]:
    return {
        "institution_id": institution_id,
        "staff_number": spec.staff_number,
        "identity": spec.identity,
        "department": spec.department,
        "start_on": spec.start_on,
        "end_on": None,
        "bank_account": spec.bank_account,
    }


def appointment_fields(spec: StaffSpec, institution_id: int) -> list[dict[str, Any]]:
    return [
        {
            "institution_id": institution_id,
            "category": a.category,
            "grade": a.grade,
            "post_name": a.post_name,
            "start_on": a.start_on,
            "end_on": a.end_on,
        }
        for a in spec.appointments
    ]


def contract_fields(spec: StaffSpec, institution_id: int) -> dict[str, Any]:
    c = spec.contract
    return {
        "institution_id": institution_id,
        "contract_type": c.contract_type,
        "start_on": c.start_on,
        "end_on": c.end_on,
        "probation_months": c.probation_months,
        "status": ContractStatus.ACTIVE.value,
    }


def pay_profile_fields(spec: StaffSpec, today: date) -> list[dict[str, Any]]:
    first_job = spec.start_on == spec.career_start_on and spec.start_on.year == today.year
    return [
        {
            "effective_on": p.effective_on,
            "salary_step": p.salary_step,
            "contribution_base": p.contribution_base,
            "fund_base": p.fund_base,
            "fund_rate": p.fund_rate,
            "special_deduction": p.special_deduction,
            "is_first_job_this_year": first_job,
            "has_prior_year_low_income": False,
            "reason": p.reason,
        }
        for p in spec.pay_profiles
    ]


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


def _add_staff(institution_id: int, spec: StaffSpec, today: date, user_id: int | None) -> None:
    person = Person(**person_fields(spec, user_id))
    employment = Employment(person=person, **employment_fields(spec, institution_id))
    db.session.add(employment)
    for fields in appointment_fields(spec, institution_id):
        db.session.add(Appointment(employment=employment, **fields))
    db.session.add(Contract(employment=employment, **contract_fields(spec, institution_id)))
    for fields in pay_profile_fields(spec, today):
        db.session.add(PayProfile(employment=employment, **fields))


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
        for spec, user_id in staff:
            _add_staff(institution.id, spec, today, user_id)
        specs = [spec for spec, _ in staff]
        _demo_quota(synth, institution, specs, today)
        _demo_post_plan(synth, institution, specs, today.year)
        db.session.flush()
        mine = "、".join(s.name for s, user_id in staff if user_id)
        lines.append(
            f"  {institution.name}：{len(staff)} 名职工" + (f"（账号本人：{mine}）" if mine else "")
        )
    return lines


# --- seed-scale ----------------------------------------------------------------------------

#: Tables written by seed-scale, in foreign-key order.
BULK_MODELS = (
    Sponsor,
    Institution,
    QuotaEntry,
    PostPlan,
    PostPlanLine,
    Person,
    Employment,
    Appointment,
    Contract,
    PayProfile,
)


class BulkWriter:
    """Buffer rows per table with pre-assigned ids and write them with executemany inserts.

    Ids are taken from max(id) + 1, which works on SQLite and PostgreSQL alike; on
    PostgreSQL ``finish()`` moves the id sequences past the rows written.
    """

    def __init__(self, models: Iterable[type] = BULK_MODELS) -> None:
        self.models = tuple(models)
        self.rows: dict[type, list[dict[str, Any]]] = {m: [] for m in self.models}
        self.next_id = {
            m: (db.session.scalar(select(func.max(m.id))) or 0) + 1 for m in self.models
        }
        self.written: dict[type, int] = dict.fromkeys(self.models, 0)
        self.now = utcnow()

    def add(self, model: type, fields: dict[str, Any], timestamps: bool = True) -> int:
        """Queue one row and return its id."""
        row_id = self.next_id[model]
        self.next_id[model] = row_id + 1
        fields["id"] = row_id
        if timestamps:
            fields["created_at"] = fields["updated_at"] = self.now
        self.rows[model].append(fields)
        return row_id

    def pending(self, model: type) -> int:
        return len(self.rows[model])

    def flush(self) -> None:
        """Insert the queued rows, parents first."""
        for model in self.models:
            rows = self.rows[model]
            if rows:
                # Core insert on the table: one executemany per table, NULLs bound as given
                # (the ORM bulk path drops None values and splits rows into small batches)
                db.session.execute(insert(model.__table__), rows)
                self.written[model] += len(rows)
                self.rows[model] = []

    def finish(self) -> None:
        """Flush, and on PostgreSQL move every id sequence past the largest id."""
        self.flush()
        if db.session.get_bind().dialect.name != "postgresql":
            return
        for model in self.models:
            table = model.__tablename__
            sequence = db.session.scalar(
                text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table}
            )
            if sequence is None:
                continue
            largest = db.session.scalar(select(func.max(model.id))) or 0
            # never move a sequence backwards: other writers may already hold higher ids
            db.session.execute(
                text(
                    f"SELECT setval(:seq, GREATEST(:largest, (SELECT last_value FROM {sequence})))"
                ),
                {"seq": sequence, "largest": max(largest, 1)},
            )


def _next_org(codes: Iterable[str]) -> int:
    """Return the first free synthetic organization number (codes whose body starts with 6)."""
    used = [int(code[9:16]) for code in codes if code[8] == "6" and code[9:16].isdigit()]
    return max(used, default=0) + 1


def seed_scale(
    institution_count: int,
    staff_count: int,
    seed: int,
    echo: Callable[[str], Any] = click.echo,
    chunk_size: int = 5000,
) -> dict[str, int]:
    """Write a synthetic city with bulk inserts; return the number of rows per table.

    Everything is one transaction: the caller commits (or rolls back on error).
    """
    started = time.perf_counter()

    def elapsed() -> str:
        return f"{time.perf_counter() - started:.1f} 秒"

    today = china_today()
    taken_ids = set(db.session.scalars(select(Person.citizen_id)))
    synth = Synthesizer(seed, today, taken_ids)
    codes = set(db.session.scalars(select(Institution.credit_code)))
    names = set(db.session.scalars(select(Institution.name)))
    specs = synth.institutions(institution_count, codes, names, first_org=_next_org(codes))
    sizes = synth.staff_sizes(specs, staff_count)
    writer = BulkWriter()

    sponsors = {s.name: s.id for s in db.session.scalars(select(Sponsor))}
    institution_ids = []
    for spec in specs:
        if spec.sponsor_name not in sponsors:
            sponsors[spec.sponsor_name] = writer.add(
                Sponsor, {"name": spec.sponsor_name, "district_code": spec.district_code}
            )
        institution_ids.append(
            writer.add(
                Institution,
                {
                    "credit_code": make_credit_code(spec.district_code, spec.org_code),
                    "credit_code_override": None,
                    "name": spec.name,
                    "kind": spec.profile.kind,
                    "district_code": spec.district_code,
                    "sponsor_id": sponsors[spec.sponsor_name],
                    "funding_class": spec.funding_class,
                    "legal_representative": spec.legal_representative,
                    "address": spec.address,
                    "status": "active",
                },
            )
        )
    writer.flush()
    echo(f"单位 {len(specs):,} 个、举办单位 {writer.written[Sponsor]:,} 个（{elapsed()}）")

    done = 0
    for spec, institution_id, size in zip(specs, institution_ids, sizes, strict=True):
        staff = synth.staff(spec.profile, size)
        for entry in synth.quota_entries(spec.district_code, staff):
            writer.add(QuotaEntry, {"institution_id": institution_id, **entry.fields()})
        plan_id = writer.add(
            PostPlan,
            {
                "institution_id": institution_id,
                "year": today.year,
                "document_number": synth.plan_document(spec.district_code),
                "note": f"{today.year} 年度岗位设置方案",
            },
        )
        for category, grade, count in synth.post_plan_lines(staff):
            writer.add(
                PostPlanLine,
                {"plan_id": plan_id, "category": category, "grade": grade, "approved_count": count},
                timestamps=False,
            )
        for member in staff:
            person_id = writer.add(Person, person_fields(member))
            employment_id = writer.add(
                Employment, {"person_id": person_id, **employment_fields(member, institution_id)}
            )
            for fields in appointment_fields(member, institution_id):
                writer.add(Appointment, {"employment_id": employment_id, **fields})
            writer.add(
                Contract,
                {
                    "employment_id": employment_id,
                    "renewed_from_id": None,
                    **contract_fields(member, institution_id),
                },
            )
            for fields in pay_profile_fields(member, today):
                writer.add(PayProfile, {"employment_id": employment_id, **fields})
        done += size
        if writer.pending(Person) >= chunk_size:
            writer.flush()
            echo(f"职工 {done:,} / {staff_count:,}（{elapsed()}）")
    writer.finish()
    totals = {model.__tablename__: writer.written[model] for model in writer.models}
    echo(
        "完成："
        + "，".join(f"{table} {count:,}" for table, count in totals.items())
        + f"；用时 {elapsed()}"
    )
    return totals


@click.command("seed-scale")
@click.option(
    "--institutions",
    "institution_count",
    type=click.IntRange(min=1),
    default=3000,
    show_default=True,
    help="要生成的单位数",
)
@click.option(
    "--staff",
    "staff_count",
    type=click.IntRange(min=0),
    default=300_000,
    show_default=True,
    help="要生成的职工总数",
)
@click.option("--seed", type=int, default=2026, show_default=True, help="随机种子（同种子同结果）")
@with_appcontext
def seed_scale_command(institution_count: int, staff_count: int, seed: int) -> None:
    """Generate a synthetic city of N institutions and M staff (bulk inserts, for benchmarks)."""
    try:
        seed_scale(institution_count, staff_count, seed)
    except Exception:
        db.session.rollback()
        raise
    started = time.perf_counter()
    db.session.commit()
    click.echo(f"已提交（{time.perf_counter() - started:.1f} 秒）")
