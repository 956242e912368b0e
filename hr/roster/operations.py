"""Roster writes in bulk: import a checked 人员花名册.

``import_roster`` writes people, employments, appointments and 薪级 records with one
executemany per chunk of 5,000 rows and table (no ORM objects, no per-row flush), records
one audit event per institution, and flushes; the caller commits. The export is a read
(``hr.roster.queries.export_rows``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select

from core import audit
from core.bulk import insert_rows
from core.errors import Refusal
from core.extensions import db
from core.i18n import Msg, msg
from core.ids import china_today
from core.models import utcnow
from hr import signals
from hr.departments.matching import name_key
from hr.departments.operations import create_missing
from hr.models import Appointment, Employment, Identity, Person
from hr.pay.operations import StepRequest, record_salary_steps
from hr.roster.excel import IDENTITY_LABELS, birth_on
from hr.roster.plan import RosterPlan
from hr.staff.entry import QUOTA_IDENTITIES
from hr.staff.headcount import hiring_refusal
from institutions.models import Institution

IMPORT_REASON = msg("人员花名册导入")


@dataclass
class RosterImport:
    """What an import wrote."""

    employments: int = 0
    people_created: int = 0
    people_reused: int = 0
    #: {institution id: employments added}
    by_institution: dict[int, int] = field(default_factory=dict)

    @property
    def summary(self) -> Msg:
        return msg(
            "导入 %(n)d 人（新建人员 %(created)d 名，沿用已有人员 %(reused)d 名），"
            "涉及 %(institutions)d 个单位",
            n=self.employments,
            created=self.people_created,
            reused=self.people_reused,
            institutions=len(self.by_institution),
        )


def _gender_and_birth(citizen_id: str) -> tuple[str, date]:
    """Return what a validated ID number encodes (checked already by the spec)."""
    return ("男" if citizen_id[16] in "13579" else "女"), birth_on(citizen_id[6:14])


def _check_quota(plan: RosterPlan) -> None:
    """Refuse the import if its 编制 / 员额 hires no longer fit (re-checked under the lock).

    The check decided this already, in the same transaction on the web page, in a job and
    on the command line; if the check ran in an earlier transaction, a hire made since could
    have taken a place, and the write must not trust it.
    """
    hiring = Counter(
        (institution_id, identity)
        for institution_id, identity in zip(plan.institution_id, plan.identity, strict=True)
        if identity in QUOTA_IDENTITIES
    )
    today = china_today()
    for (institution_id, identity), count in sorted(hiring.items()):
        refusal = hiring_refusal(institution_id, Identity(identity), {today}, count)
        if refusal:
            raise Refusal(refusal, field="file")  # the upload's field on the page


def _create_departments(plan: RosterPlan, actor: Any) -> list[int | None]:
    """Create the departments the plan names that their institution does not have yet (the
    person chose to); return the department id of every row."""
    if not plan.new_departments:
        return plan.department_id
    kinds = dict(
        db.session.execute(
            select(Institution.id, Institution.kind).where(
                Institution.id.in_(list(plan.new_departments))
            )
        ).all()
    )
    created = create_missing(plan.new_departments, kinds, actor=actor)
    return [
        created[(institution_id, name_key(name))]
        if department_id is None and name
        else department_id
        for institution_id, department_id, name in zip(
            plan.institution_id, plan.department_id, plan.department, strict=True
        )
    ]


def import_roster(
    plan: RosterPlan,
    *,
    actor: Any = None,
    source: str = "import",
    progress: Callable[[int, int], None] | None = None,
) -> RosterImport:
    """Write a checked roster: the plan ``hr.roster.checks.plan_roster`` returned.

    Departments the plan creates (the user chose to) are created first. New people are
    created (gender and birth date from the ID number); people already on file are matched
    by ID number and reused. Each row becomes an employment, its post (appointment) and its
    first 薪级 record, all starting on the 入职日期; the packages above hear of the hires
    (``hr.signals.hired``, carrying the row's 缴费基数, 公积金基数 and 公积金比例 for
    payroll) and of the posts (``hr.signals.appointed``). ``progress(done, total)`` hears
    of each table written. Flushes; the caller commits.
    """
    result = RosterImport()
    total = len(plan)
    if not total:
        return result
    report = progress or (lambda done, total: None)
    _check_quota(plan)
    db.session.flush()  # pending ORM changes first: the inserts below bypass the unit of work
    now = utcnow()
    stamps = {"created_at": now, "updated_at": now}

    new_people: dict[str, str] = {}  # citizen id -> name
    for person_id, number, name in zip(plan.person_id, plan.citizen_id, plan.name, strict=True):
        if person_id is None:
            new_people[number] = name
    numbers = sorted(new_people)  # in index order: faster inserts into the unique index
    births = [_gender_and_birth(number) for number in numbers]
    person_ids = dict(
        zip(
            numbers,
            insert_rows(
                Person,
                {
                    "citizen_id": numbers,
                    "name": [new_people[number] for number in numbers],
                    "gender": [gender for gender, _ in births],
                    "birth_date": [birth for _, birth in births],
                },
                **stamps,
            ),
            strict=True,
        )
    )
    people = [
        person_ids[number] if person_id is None else person_id
        for person_id, number in zip(plan.person_id, plan.citizen_id, strict=True)
    ]
    report(total // 4, total)

    departments = _create_departments(plan, actor)
    start_on = plan.start_on
    institution_ids = plan.institution_id
    ids = insert_rows(
        Employment,
        {
            "person_id": people,
            "institution_id": institution_ids,
            "staff_number": plan.staff_number,
            "identity": plan.identity,
            "department_id": departments,
            "start_on": start_on,
            "bank_account": plan.bank_account,
        },
        end_on=None,
        exit_reason=None,
        exit_note=None,
        **stamps,
    )
    report(total // 2, total)
    categories, grades, post_names = plan.category, plan.grade, plan.post_name
    appointment_ids = insert_rows(
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
    report(total * 3 // 4, total)
    # HR's pay record (薪级) through the one operation every path uses; the bases and the
    # fund rate are payroll's: handed on with the hire signal, not kept here.
    record_salary_steps(
        [
            StepRequest(employment_id, institution_id, start, step, IMPORT_REASON)
            for employment_id, institution_id, start, step in zip(
                ids, institution_ids, start_on, plan.salary_step, strict=True
            )
        ],
        source=source,
        new_employments=True,
    )
    signals.send(
        signals.hired,
        [
            signals.Hire(*fields)
            for fields in zip(
                ids,
                institution_ids,
                people,
                plan.identity,
                start_on,
                plan.contribution_base,
                plan.fund_base,
                plan.fund_rate,
                strict=True,
            )
        ],
        source=source,
    )
    if signals.appointed.has_receivers_for(current_app._get_current_object()):
        signals.send(
            signals.appointed,
            [
                signals.Appointed(*fields)
                for fields in zip(
                    appointment_ids,
                    ids,
                    institution_ids,
                    categories,
                    grades,
                    post_names,
                    start_on,
                    strict=True,
                )
            ],
            source=source,
        )

    result.employments = total
    result.people_created = len(numbers)
    result.people_reused = total - len(numbers)
    by_institution = Counter(institution_ids)
    created_by_institution = Counter(
        institution_id
        for institution_id, person_id in zip(institution_ids, plan.person_id, strict=True)
        if person_id is None
    )
    identities: dict[int, Counter] = defaultdict(Counter)
    for institution_id, identity in zip(institution_ids, plan.identity, strict=True):
        identities[institution_id][identity] += 1
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
    report(total, total)
    return result
