"""Roster writes and reads in bulk: import a checked 人员花名册, export one that re-imports.

``import_roster`` writes people, employments, appointments and pay profiles with one
executemany per chunk of 5,000 rows and table (no ORM objects, no per-row flush), records
one audit event per institution, and flushes; the caller commits. ``export_rows`` reads any filtered
list of employments back in the same columns, a few queries per thousand rows.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Date, Select, and_, func, literal, or_, select

from core import audit
from core.extensions import db
from core.ids import china_today, mask_citizen_id
from core.models import utcnow
from hr.models import (
    Appointment,
    Employment,
    PayProfile,
    Person,
    grade_label,
)
from hr.roster.checks import (
    CATEGORY_LABELS,
    IDENTITY_LABELS,
    birth_on,
    grade_text,
)
from institutions.models import Institution

#: Rows per INSERT statement: bounded memory, and well under the drivers' parameter limits.
CHUNK = 5000
IMPORT_REASON = "人员花名册导入"


@dataclass
class RosterImport:
    """What an import wrote."""

    employments: int = 0
    people_created: int = 0
    people_reused: int = 0
    #: {institution id: employments added}
    by_institution: dict[int, int] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        return (
            f"导入 {self.employments} 人（新建人员 {self.people_created} 名，"
            f"沿用已有人员 {self.people_reused} 名），涉及 {len(self.by_institution)} 个单位"
        )


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _gender_and_birth(citizen_id: str) -> tuple[str, date]:
    """Return what a validated ID number encodes (checked already by the spec)."""
    return ("男" if citizen_id[16] in "13579" else "女"), birth_on(citizen_id[6:14])


def _bulk_insert(model: type, columns: Mapping[str, Sequence[Any]], **constants: Any) -> None:
    """INSERT one row per position of the ``columns`` value lists, plus ``constants``.

    ``session.execute(insert(Model), dicts)`` spends most of its time on a parameter dict
    per row (and the ORM form splits batches wherever an optional value is None). Here each
    value goes through the column type's own bind processor (the conversion SQLAlchemy
    applies: dates, money), column by column; values shared by every row (timestamps,
    flags) are written into the statement once as literals, rendered by SQLAlchemy for the
    dialect; and the driver's executemany gets plain tuples in chunks, on the session's
    connection and inside its transaction.
    """
    count = len(next(iter(columns.values())))
    if not count:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    if dialect.paramstyle not in ("qmark", "format", "pyformat"):  # pragma: no cover
        raise NotImplementedError(f"paramstyle {dialect.paramstyle}")
    table = model.__table__
    series = []
    for name, values in columns.items():
        convert = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if convert and isinstance(table.c[name].type, Date):
            convert = lru_cache(maxsize=8192)(convert)  # start dates repeat
        series.append((values, convert))
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    placeholders = [marker] * len(columns) + [
        str(
            literal(value, table.c[name].type).compile(
                dialect=dialect, compile_kwargs={"literal_binds": True}
            )
        )
        for name, value in constants.items()
    ]
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {dialect.identifier_preparer.format_table(table)} "
        f"({', '.join(quote(name) for name in [*columns, *constants])}) "
        f"VALUES ({', '.join(placeholders)})"
    )
    for start in range(0, count, CHUNK):
        stop = start + CHUNK
        parts = [
            map(convert, values[start:stop]) if convert else values[start:stop]
            for values, convert in series
        ]
        connection.exec_driver_sql(sql, list(zip(*parts, strict=True)))


def _max_id(model: type) -> int:
    return db.session.connection().scalar(select(func.max(model.__table__.c.id))) or 0


def _inserted_ids(
    model: type, after: int, key_columns: Sequence[str], keys: Sequence[tuple]
) -> list[int]:
    """Return the ids of the rows just inserted, in insertion order; ``keys`` identify them.

    Ids only grow, so the rows this transaction wrote all lie above the largest id it saw
    before writing (``after``). When the rows above it are exactly one unbroken run of
    ``len(keys)`` ids, they are ours, numbered in the order written (SQLite takes the next
    rowid; PostgreSQL's sequence hands out one value per row in statement order, and
    anyone else's row in between would break the run). Otherwise (concurrent writers, a
    sequence handing out cached blocks) the ids are looked up by key.
    """
    table = model.__table__
    connection = db.session.connection()
    low, high, count = connection.execute(
        select(func.min(table.c.id), func.max(table.c.id), func.count()).where(table.c.id > after)
    ).one()
    if count == len(keys) and count and high - low + 1 == count:
        return list(range(low, high + 1))
    columns = [table.c[name] for name in key_columns]
    recent = connection.execute(select(*columns, table.c.id).where(table.c.id > after)).all()
    found = {tuple(row[:-1]): row[-1] for row in recent}
    missing = [key for key in keys if key not in found]
    for chunk in _chunks(missing, 500):
        condition = or_(
            *(and_(*(c == v for c, v in zip(columns, key, strict=True))) for key in chunk)
        )
        for *key, row_id in connection.execute(select(*columns, table.c.id).where(condition)):
            found[tuple(key)] = row_id
    return [found[key] for key in keys]


def _column(rows: list[dict[str, Any]], key: str) -> list[Any]:
    return list(map(itemgetter(key), rows))


def import_roster(rows: list[dict[str, Any]], *, actor: Any = None) -> RosterImport:
    """Write every row of a roster that ``hr.roster.checks.check_roster`` found no problem in.

    Needs the rows as check_roster left them (normalized, with ``grade``,
    ``_institution_id`` and ``_person_id``), and only when it returned no error.
    New people are created (gender and birth date from the ID number); people already on
    file are matched by ID number and reused. Each row becomes an employment, its post
    (appointment) and its pay profile, all starting on the 入职日期.
    """
    result = RosterImport()
    if not rows:
        return result
    if "grade" not in rows[0] or "_person_id" not in rows[0]:
        raise ValueError("import_roster needs rows that hr.roster.checks.check_roster passed")
    db.session.flush()  # pending ORM changes first: the inserts below bypass the unit of work
    now = utcnow()
    stamps = {"created_at": now, "updated_at": now}

    new_people: dict[str, str] = {}  # citizen id -> name
    for row in rows:
        if row["_person_id"] is None:
            new_people[row["citizen_id"]] = row["name"]
    numbers = sorted(new_people)  # in index order: faster inserts into the unique index
    births = [_gender_and_birth(number) for number in numbers]
    last_person = _max_id(Person)
    _bulk_insert(
        Person,
        {
            "citizen_id": numbers,
            "name": [new_people[number] for number in numbers],
            "gender": [gender for gender, _ in births],
            "birth_date": [birth for _, birth in births],
        },
        **stamps,
    )
    person_ids = dict(
        zip(
            numbers,
            _inserted_ids(Person, last_person, ("citizen_id",), [(n,) for n in numbers]),
            strict=True,
        )
    )
    for row in rows:
        if row["_person_id"] is None:
            row["_person_id"] = person_ids[row["citizen_id"]]

    start_on = _column(rows, "start_on")
    institution_ids = _column(rows, "_institution_id")
    staff_numbers = _column(rows, "staff_number")
    last_employment = _max_id(Employment)
    _bulk_insert(
        Employment,
        {
            "person_id": _column(rows, "_person_id"),
            "institution_id": institution_ids,
            "staff_number": staff_numbers,
            "identity": _column(rows, "identity"),
            "department": _column(rows, "department"),
            "start_on": start_on,
            "bank_account": _column(rows, "bank_account"),
        },
        end_on=None,
        exit_reason=None,
        exit_note=None,
        **stamps,
    )
    ids = _inserted_ids(
        Employment,
        last_employment,
        ("institution_id", "staff_number"),
        list(zip(institution_ids, staff_numbers, strict=True)),
    )
    categories = _column(rows, "category")
    grades = _column(rows, "grade")
    labels = {key: grade_label(*key) for key in set(zip(categories, grades, strict=True))}
    _bulk_insert(
        Appointment,
        {
            "employment_id": ids,
            "institution_id": institution_ids,
            "category": categories,
            "grade": grades,
            "post_name": [labels[key] for key in zip(categories, grades, strict=True)],
            "start_on": start_on,
        },
        end_on=None,
        override_reason=None,
        **stamps,
    )
    _bulk_insert(
        PayProfile,
        {
            "employment_id": ids,
            "effective_on": start_on,
            "salary_step": _column(rows, "salary_step"),
            "contribution_base": _column(rows, "contribution_base"),
            "fund_base": _column(rows, "fund_base"),
            "fund_rate": _column(rows, "fund_rate"),
        },
        special_deduction=Decimal("0"),
        is_first_job_this_year=False,
        has_prior_year_low_income=False,
        reason=IMPORT_REASON,
        **stamps,
    )

    result.employments = len(rows)
    result.people_created = len(numbers)
    result.people_reused = len(rows) - len(numbers)
    by_institution = Counter(row["_institution_id"] for row in rows)
    created_by_institution = Counter(
        row["_institution_id"] for row in rows if row["citizen_id"] in new_people
    )
    identities = defaultdict(Counter)
    for row in rows:
        identities[row["_institution_id"]][row["identity"]] += 1
    result.by_institution = dict(by_institution)

    institutions = db.session.scalars(
        select(Institution).where(Institution.id.in_(list(by_institution)))
    )
    for institution in institutions:
        count = by_institution[institution.id]
        created = created_by_institution[institution.id]
        audit.record(
            "roster.import",
            institution,
            institution_id=institution.id,
            actor=actor,
            summary=f"导入人员花名册 {count} 人（新建人员 {created} 名）",
            # Counts, not rows: one event per institution however large the file.
            changes={
                "导入人数": [None, count],
                "新建人员": [None, created],
                "沿用已有人员": [None, count - created],
                **{
                    IDENTITY_LABELS[key]: [None, value]
                    for key, value in sorted(identities[institution.id].items())
                },
            },
        )
    db.session.flush()
    return result


# --------------------------------------------------------------------------- export

STATUSES = ("active", "left", "all")
_ID_TAIL = re.compile(r"[0-9]*[0-9X]", re.ASCII)
#: How many trailing ID characters a reader who sees masked numbers may search by.
VISIBLE_TAIL = 4


def roster_statement(
    *,
    institution_ids: Sequence[int] | None = None,
    q: str | None = None,
    identity: str | None = None,
    category: str | None = None,
    grade: int | None = None,
    status: str = "active",
    full_id: bool = True,
    on: date | None = None,
) -> Select:
    """Return the employments of a roster list, filtered as the staff list filters.

    ``q`` matches part of a name, the start of a staff number or the last characters of an
    ID number (only the visible last 4 unless ``full_id``); ``category`` and ``grade`` match
    the post held on ``on`` (default today); ``status`` is "active" (employed on ``on``),
    "left" (ended before it) or "all".
    """
    on = on or china_today()
    stmt = select(Employment).join(Person, Person.id == Employment.person_id)
    if institution_ids is not None:
        stmt = stmt.where(Employment.institution_id.in_(list(institution_ids)))
    if identity:
        stmt = stmt.where(Employment.identity == identity)
    if status == "active":
        stmt = stmt.where(or_(Employment.end_on.is_(None), Employment.end_on >= on))
    elif status == "left":
        stmt = stmt.where(Employment.end_on < on)
    if category or grade:
        post = select(Appointment.id).where(
            Appointment.employment_id == Employment.id,
            Appointment.start_on <= on,
            or_(Appointment.end_on.is_(None), Appointment.end_on >= on),
        )
        if category:
            post = post.where(Appointment.category == category)
        if grade:
            post = post.where(Appointment.grade == grade)
        stmt = stmt.where(post.exists())
    if q:
        text = unicodedata.normalize("NFKC", q).strip()
        upper = text.upper()
        conditions = [
            Person.name.contains(text, autoescape=True),
            Employment.staff_number.startswith(upper, autoescape=True),
        ]
        longest = 18 if full_id else VISIBLE_TAIL
        if _ID_TAIL.fullmatch(upper) and 4 <= len(upper) <= longest:
            conditions.append(Person.citizen_id.endswith(upper, autoescape=True))
        stmt = stmt.where(or_(*conditions))
    return stmt


def _in_force(items: list[Any], on: date) -> Any:
    """Return the appointment held on ``on`` (else the latest), from (start_on, end_on, id)."""
    if len(items) == 1:
        return items[0]
    held = [i for i in items if i.start_on <= on and (i.end_on is None or i.end_on >= on)]
    return max(held or items, key=lambda i: (i.start_on, i.id)) if items else None


def _effective(items: list[Any], on: date) -> Any:
    """Return the pay profile in effect on ``on`` (else the earliest to come)."""
    if len(items) == 1:
        return items[0]
    past = [i for i in items if i.effective_on <= on]
    if past:
        return max(past, key=lambda i: (i.effective_on, i.id))
    return min(items, key=lambda i: (i.effective_on, i.id)) if items else None


def export_rows(
    stmt: Select | None = None,
    *,
    mask_ids: bool = False,
    on: date | None = None,
    chunk: int = 2000,
    **filters: Any,
) -> Iterator[dict[str, Any]]:
    """Yield roster rows (the import's fields) for a select of employments, or for filters.

    ``stmt`` is any select of ``Employment`` (with its own joins and filters); without it
    ``roster_statement(**filters)`` is used. Rows come ordered by 单位代码 and 工号, with
    the post and pay profile in force on ``on`` (default today). ``mask_ids`` hides the
    middle of ID numbers, for readers who may not see them.
    """
    on = on or china_today()
    if stmt is None:
        stmt = roster_statement(on=on, **filters)
    matching = stmt.with_only_columns(Employment.id).order_by(None).scalar_subquery()
    ids = list(
        db.session.scalars(
            select(Employment.id)
            .join(Institution, Institution.id == Employment.institution_id)
            .where(Employment.id.in_(matching))
            .order_by(Institution.credit_code, Employment.staff_number, Employment.id)
        )
    )
    connection = db.session.connection()
    for part in _chunks(ids, chunk):
        base = connection.execute(
            select(
                Employment.id,
                Employment.staff_number,
                Employment.identity,
                Employment.department,
                Employment.start_on,
                Employment.bank_account,
                Institution.credit_code,
                Person.name,
                Person.citizen_id,
            )
            .join(Institution, Institution.id == Employment.institution_id)
            .join(Person, Person.id == Employment.person_id)
            .where(Employment.id.in_(part))
        ).all()
        posts: dict[int, list[Any]] = defaultdict(list)
        for item in connection.execute(
            select(
                Appointment.id,
                Appointment.employment_id,
                Appointment.category,
                Appointment.grade,
                Appointment.start_on,
                Appointment.end_on,
            ).where(Appointment.employment_id.in_(part))
        ):
            posts[item.employment_id].append(item)
        profiles: dict[int, list[Any]] = defaultdict(list)
        for item in connection.execute(
            select(
                PayProfile.id,
                PayProfile.employment_id,
                PayProfile.effective_on,
                PayProfile.salary_step,
                PayProfile.contribution_base,
                PayProfile.fund_base,
                PayProfile.fund_rate,
            ).where(PayProfile.employment_id.in_(part))
        ):
            profiles[item.employment_id].append(item)
        by_id = {row.id: row for row in base}
        for employment_id in part:
            row = by_id[employment_id]
            post = _in_force(posts.get(employment_id, []), on)
            profile = _effective(profiles.get(employment_id, []), on)
            yield {
                "institution_code": row.credit_code,
                "staff_number": row.staff_number,
                "name": row.name,
                "citizen_id": mask_citizen_id(row.citizen_id) if mask_ids else row.citizen_id,
                "department": row.department,
                "identity": IDENTITY_LABELS.get(row.identity, row.identity),
                "category": CATEGORY_LABELS.get(post.category) if post else None,
                "grade_text": grade_text(post.category, post.grade) if post else None,
                "salary_step": profile.salary_step if profile else None,
                "start_on": row.start_on,
                "bank_account": row.bank_account,
                "contribution_base": profile.contribution_base if profile else None,
                "fund_base": profile.fund_base if profile else None,
                "fund_rate": profile.fund_rate if profile else None,
            }
