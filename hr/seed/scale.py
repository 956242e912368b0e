"""The synthetic city of ``flask seed-scale``: thousands of institutions and hundreds of
thousands of staff written with bulk inserts, for benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from core.bulk import Ids, insert_columns
from core.extensions import db
from core.ids import china_today, make_credit_code
from core.models import utcnow
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
    StaffSpec,
    Synthesizer,
)
from institutions import seed as registry_seed  # noqa: F401  (its demo step must run first)
from institutions.models import Institution, QuotaEntry, Sponsor

# --- seed-scale ----------------------------------------------------------------------------

#: Tables written by seed-scale, in foreign-key order.
BULK_MODELS = (
    Sponsor,
    Institution,
    Department,
    QuotaEntry,
    PostPlan,
    PostPlanLine,
    Person,
    Employment,
    Appointment,
    Contract,
)


class BulkWriter:
    """Buffer rows per table with ids given up front and write them with executemany inserts.

    The ids come from the one bulk writer's strategy (``core.bulk.Ids``: the sequence on
    PostgreSQL, safe beside other writers; the rows above the largest id on SQLite), reserved
    a block at a time, so a row's children can name it before it is written.
    """

    #: ids reserved per table and round trip
    BLOCK = 1000

    def __init__(self, models: Iterable[type] = BULK_MODELS) -> None:
        self.models = tuple(models)
        self.rows: dict[type, list[dict[str, Any]]] = {m: [] for m in self.models}
        self.ids = Ids()
        self.free: dict[type, list[int]] = {m: [] for m in self.models}
        self.written: dict[type, int] = dict.fromkeys(self.models, 0)
        self.now = utcnow()

    def add(self, model: type, fields: dict[str, Any], timestamps: bool = True) -> int:
        """Queue one row and return its id."""
        free = self.free[model]
        if not free:
            free.extend(reversed(self.ids.reserve(model, self.BLOCK)))
        row_id = free.pop()
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
                names = list(rows[0])
                insert_columns(model, {name: [row[name] for row in rows] for name in names})
                self.written[model] += len(rows)
                self.rows[model] = []

    def finish(self) -> None:
        """Write what is still queued (the ids came from the sequences: nothing to move)."""
        self.flush()


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
    hires: list[tuple[StaffSpec, int, int, int]] = []
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
        departments = {
            name: writer.add(Department, department_fields(name, institution_id, spec.profile.kind))
            for name in sorted({member.department for member in staff})
        }
        for member in staff:
            person_id = writer.add(Person, person_fields(member))
            employment_id = writer.add(
                Employment,
                {
                    "person_id": person_id,
                    **employment_fields(member, institution_id, departments[member.department]),
                },
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
            hires.append((member, employment_id, institution_id, person_id))
        done += size
        if writer.pending(Person) >= chunk_size:
            writer.flush()
            # 薪级 through HR's one pay operation; payroll (and whoever listens) hears of
            # the hires as from any other path.
            announce_hires(hires)
            hires = []
            echo(f"职工 {done:,} / {staff_count:,}（{elapsed()}）")
    writer.flush()
    announce_hires(hires)
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
