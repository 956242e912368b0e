"""Roster writes in bulk: import a checked 人员花名册.

``import_roster`` writes people, employments, appointments and pay profiles with one
executemany per chunk of 5,000 rows and table (no ORM objects, no per-row flush), records
one audit event per institution, and flushes; the caller commits. The export is a read
(``hr.roster.queries.export_rows``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Date, and_, func, literal, or_, select

from core import audit
from core.extensions import db
from core.models import utcnow
from hr.departments.matching import name_key
from hr.departments.operations import create_missing
from hr.models import (
    Appointment,
    Employment,
    PayProfile,
    Person,
    grade_label,
)
from hr.roster.excel import IDENTITY_LABELS, birth_on
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


def _create_departments(rows: list[dict[str, Any]], actor: Any) -> None:
    """Create the departments the rows name that their institution does not have yet.

    check_roster lets such a name through only when the user chose to create them.
    """
    missing: dict[int, dict[str, str]] = defaultdict(dict)
    for row in rows:
        if row["_department_id"] is None and row.get("department"):
            missing[row["_institution_id"]].setdefault(
                name_key(row["department"]), row["department"]
            )
    if not missing:
        return
    kinds = dict(
        db.session.execute(
            select(Institution.id, Institution.kind).where(Institution.id.in_(list(missing)))
        ).all()
    )
    created = create_missing(
        {institution_id: list(names.values()) for institution_id, names in missing.items()},
        kinds,
        actor=actor,
    )
    for row in rows:
        if row["_department_id"] is None and row.get("department"):
            row["_department_id"] = created[(row["_institution_id"], name_key(row["department"]))]


def import_roster(rows: list[dict[str, Any]], *, actor: Any = None) -> RosterImport:
    """Write every row of a roster that ``hr.roster.checks.check_roster`` found no problem in.

    Needs the rows as check_roster left them (normalized, with ``grade``,
    ``_institution_id``, ``_person_id`` and ``_department_id``), and only when it returned
    no error. Departments the rows name that do not exist yet (the user chose to create
    them) are created first.
    New people are created (gender and birth date from the ID number); people already on
    file are matched by ID number and reused. Each row becomes an employment, its post
    (appointment) and its pay profile, all starting on the 入职日期.
    """
    result = RosterImport()
    if not rows:
        return result
    if "grade" not in rows[0] or "_department_id" not in rows[0]:
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

    _create_departments(rows, actor)
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
            "department_id": _column(rows, "_department_id"),
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
