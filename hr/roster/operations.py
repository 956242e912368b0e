"""Roster writes in bulk: import a checked 人员花名册.

``import_roster`` writes people, employments, appointments and 薪级 records with one
executemany per chunk of 5,000 rows and table (no ORM objects, no per-row flush), records
one audit event per institution, and flushes; the caller commits. The export is a read
(``hr.roster.queries.export_rows``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Any

from flask import current_app
from sqlalchemy import select

from core import audit
from core.errors import Refusal
from core.extensions import db
from core.ids import china_today
from core.models import utcnow
from hr import signals
from hr.bulk import insert_columns, inserted_ids, max_id
from hr.departments.matching import name_key
from hr.departments.operations import create_missing
from hr.models import (
    Appointment,
    Employment,
    Identity,
    Person,
    grade_label,
)
from hr.pay.operations import StepRequest, record_salary_steps
from hr.roster.excel import IDENTITY_LABELS, birth_on
from hr.staff.entry import QUOTA_IDENTITIES
from hr.staff.headcount import hiring_refusal
from institutions.models import Institution

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


def _gender_and_birth(citizen_id: str) -> tuple[str, date]:
    """Return what a validated ID number encodes (checked already by the spec)."""
    return ("男" if citizen_id[16] in "13579" else "女"), birth_on(citizen_id[6:14])


def _column(rows: list[dict[str, Any]], key: str) -> list[Any]:
    return list(map(itemgetter(key), rows))


def _check_quota(rows: list[dict[str, Any]]) -> None:
    """Refuse the import if its 编制 / 员额 hires no longer fit (re-checked under the lock).

    check_roster decided this already, in the same transaction on the web page and the
    command line; if the check ran in an earlier transaction, a hire made since could have
    taken a place, and the write must not trust it.
    """
    hiring = Counter(
        (row["_institution_id"], row["identity"])
        for row in rows
        if row["identity"] in QUOTA_IDENTITIES
    )
    today = china_today()
    for (institution_id, identity), count in sorted(hiring.items()):
        refusal = hiring_refusal(institution_id, Identity(identity), {today}, count)
        if refusal:
            raise Refusal(refusal, field="file")  # the upload's field on the page


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


def import_roster(
    rows: list[dict[str, Any]], *, actor: Any = None, source: str = "import"
) -> RosterImport:
    """Write every row of a roster that ``hr.roster.checks.check_roster`` found no problem in.

    Needs the rows as check_roster left them (normalized, with ``grade``,
    ``_institution_id``, ``_person_id`` and ``_department_id``), and only when it returned
    no error. Departments the rows name that do not exist yet (the user chose to create
    them) are created first.
    New people are created (gender and birth date from the ID number); people already on
    file are matched by ID number and reused. Each row becomes an employment, its post
    (appointment) and its first 薪级 record, all starting on the 入职日期; the packages
    above hear of the hires (``hr.signals.hired``, carrying the row's 缴费基数, 公积金基数
    and 公积金比例 for payroll) and of the posts (``hr.signals.appointed``).
    """
    result = RosterImport()
    if not rows:
        return result
    if "grade" not in rows[0] or "_department_id" not in rows[0]:
        raise ValueError("import_roster needs rows that hr.roster.checks.check_roster passed")
    _check_quota(rows)
    db.session.flush()  # pending ORM changes first: the inserts below bypass the unit of work
    now = utcnow()
    stamps = {"created_at": now, "updated_at": now}

    new_people: dict[str, str] = {}  # citizen id -> name
    for row in rows:
        if row["_person_id"] is None:
            new_people[row["citizen_id"]] = row["name"]
    numbers = sorted(new_people)  # in index order: faster inserts into the unique index
    births = [_gender_and_birth(number) for number in numbers]
    last_person = max_id(Person)
    insert_columns(
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
            inserted_ids(Person, last_person, ("citizen_id",), [(n,) for n in numbers]),
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
    last_employment = max_id(Employment)
    insert_columns(
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
    ids = inserted_ids(
        Employment,
        last_employment,
        ("institution_id", "staff_number"),
        list(zip(institution_ids, staff_numbers, strict=True)),
    )
    categories = _column(rows, "category")
    grades = _column(rows, "grade")
    labels = {key: grade_label(*key) for key in set(zip(categories, grades, strict=True))}
    post_names = [labels[key] for key in zip(categories, grades, strict=True)]
    last_appointment = max_id(Appointment)
    insert_columns(
        Appointment,
        {
            "employment_id": ids,
            "institution_id": institution_ids,
            "category": categories,
            "grade": grades,
            "post_name": post_names,
            "start_on": start_on,
        },
        end_on=None,
        override_reason=None,
        **stamps,
    )
    # HR's pay record (薪级) through the one operation every path uses; the bases and the
    # fund rate are payroll's: handed on with the hire signal, not kept here.
    record_salary_steps(
        [
            StepRequest(employment_id, institution_id, start, step, IMPORT_REASON)
            for employment_id, institution_id, start, step in zip(
                ids, institution_ids, start_on, _column(rows, "salary_step"), strict=True
            )
        ],
        source=source,
        new_employments=True,
    )
    signals.send(
        signals.hired,
        [
            signals.Hire(
                employment_id,
                row["_institution_id"],
                row["_person_id"],
                row["identity"],
                row["start_on"],
                row["contribution_base"],
                row["fund_base"],
                row["fund_rate"],
            )
            for employment_id, row in zip(ids, rows, strict=True)
        ],
        source=source,
    )
    # The posts' ids cost a query: found only when someone listens.
    if signals.appointed.has_receivers_for(current_app._get_current_object()):
        appointment_ids = inserted_ids(
            Appointment, last_appointment, ("employment_id",), [(i,) for i in ids]
        )
        signals.send(
            signals.appointed,
            [
                signals.Appointed(appointment_id, *fields)
                for appointment_id, fields in zip(
                    appointment_ids,
                    zip(
                        ids, institution_ids, categories, grades, post_names, start_on, strict=True
                    ),
                    strict=True,
                )
            ],
            source=source,
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
