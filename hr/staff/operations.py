"""Entry and exit (进出): the writes of the staff area. Add and flush; the caller commits."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import or_, select

from core import audit
from core.errors import Refusal
from core.extensions import db
from core.i18n import Msg, joined, msg, source_text
from core.ids import IdError, china_today, mask_citizen_id, parse_citizen_id
from core.parameters import parameter
from hr import signals
from hr.appraisals.grading import DEFAULTS as GRADING_DEFAULTS
from hr.models import Appointment, Department, Employment, ExitReason, Identity, Person
from hr.pay.operations import StepRequest, record_salary_steps
from hr.staff import entry as staff
from hr.staff.headcount import hiring_refusal
from institutions.models import Institution

#: What an institution records about a person: held on its employment, seen only by it
#: (``hr.models``, "who sees what").
PERSON_DETAILS = ["education", "professional_title", "phone"]
#: Why a hire's first 薪级 record exists.
ENTRY_REASON = msg("入职定级")
EMPLOYMENT_FIELDS = [
    "staff_number",
    "identity",
    "department_id",
    "start_on",
    "bank_account",
    *PERSON_DETAILS,
]
EXIT_FIELDS = ["end_on", "exit_reason", "exit_note"]

_SPACES = re.compile(r"\s+")


class StaffError(Refusal):
    """A refused entry or exit; ``errors`` maps each form field to the reason."""

    def __init__(self, errors: Mapping[str, Any]) -> None:
        super().__init__(errors=errors)

    def __str__(self) -> str:
        return "；".join(str(message) for message in self.errors.values())


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _department(institution_id: int, value: Any) -> Department | Msg:
    """Return the institution's active department ``value`` (an id) names, or why not."""
    text = str(value).strip()
    found = (
        db.session.scalar(
            select(Department).where(
                Department.id == int(text), Department.institution_id == institution_id
            )
        )
        if text.isdigit()
        else None
    )
    if found is None:
        return msg("请从本单位的部门中选择")
    if not found.is_active:
        return msg("部门「%(v)s」已停用，不能再有人员加入", v=found.name)
    return found


def entry_limit(key: str, on: date) -> int:
    """Return an entry threshold in force on ``on`` (see ``hr.staff.entry.DEFAULTS``)."""
    return int(parameter(key, on, default=staff.DEFAULTS[key]))


def steps_top(on: date) -> int:
    """Return the highest 薪级 of any scale in force on ``on`` (65 on the 2006 tables)."""
    maxima = parameter("hr.salary_step_max", on, default=GRADING_DEFAULTS["hr.salary_step_max"])
    return max(int(value) for value in maxima.values())


def enter_employment(
    institution: Institution,
    data: Mapping[str, Any],
    *,
    today: date | None = None,
    source: str = "form",
) -> Employment:
    """Record an entry (入职): find or create the person by ID number, then the employment.

    Refused, with every reason by field, for a malformed or duplicate staff number, a name
    that does not go with the ID number (one neutral message, whoever holds the record: it
    must not confirm a record elsewhere), a person already employed here, an entry date too
    far ahead, someone under the minimum age, a second quota place, no vacant 编制/员额, a
    department that is not the institution's active one, or a 薪级 out of range.

    Every hire gets its first 薪级 record (``hr.pay``) from the entry date, and the packages
    above hear of it (``hr.signals.hired``: payroll creates the employment's pay settings).
    """
    today = today or china_today()
    errors: dict[str, str] = {}

    try:
        parsed = parse_citizen_id(data.get("citizen_id") or "", today=today)
    except IdError as error:
        raise StaffError({"citizen_id": msg("身份证号%(p)s", p=error.message)}) from None
    name = _SPACES.sub(" ", unicodedata.normalize("NFKC", data.get("name") or "")).strip()
    if not name:
        errors["name"] = msg("姓名不能为空")
    identity = data.get("identity")
    if identity not in set(Identity):
        raise StaffError({"identity": msg("人员身份「%(v)s」不在可选范围内", v=identity or "")})
    identity = Identity(identity)
    start_on: date = data["start_on"]

    staff_number = staff.normalize_staff_number(data.get("staff_number"))
    problem = staff.staff_number_problem(staff_number)
    if problem is None:
        holder = db.session.scalar(
            select(Employment).where(
                Employment.institution_id == institution.id,
                Employment.staff_number == staff_number,
            )
        )
        if holder is not None:
            problem = msg(
                "工号「%(s)s」已被本单位的「%(n)s」使用（含已离职人员），请换一个工号",
                s=staff_number,
                n=holder.person.name,
            )
    if problem:
        errors["staff_number"] = problem

    problem = staff.start_date_problem(
        start_on, today, entry_limit("hr.entry.max_future_days", today)
    )
    if problem is None:
        problem = staff.entry_age_problem(
            parsed.birth_date, start_on, entry_limit("hr.entry.min_age", start_on)
        )
    if problem:
        errors["start_on"] = problem

    person = db.session.scalar(select(Person).where(Person.citizen_id == parsed.number))
    mismatch = staff.identity_mismatch(name, person.name if person is not None else None)
    if mismatch:
        errors["name"] = mismatch
        person = None  # nothing more about the person on file is checked, or told
    if person is not None:
        overlapping = db.session.scalars(
            select(Employment).where(
                Employment.person_id == person.id,
                or_(Employment.end_on.is_(None), Employment.end_on >= start_on),
            )
        ).all()
        here = [e for e in overlapping if e.institution_id == institution.id]
        if here:
            errors["citizen_id"] = msg(
                "「%(n)s」在本单位已有在职记录（工号 %(s)s，%(d)s 入职），不能重复入职",
                n=person.name,
                s=here[0].staff_number,
                d=here[0].start_on.isoformat(),
            )
        else:
            problem = staff.quota_conflict(identity, [e.identity for e in overlapping])
            if problem:
                errors["identity"] = problem

    step = data.get("salary_step")
    top = steps_top(today)
    if not isinstance(step, int) or not 1 <= step <= top:
        errors["salary_step"] = msg("薪级须在 1–%(n)d 之间", n=top)

    department_id = None
    if data.get("department_id"):
        found = _department(institution.id, data["department_id"])
        if isinstance(found, Department):
            department_id = found.id
        else:
            errors["department_id"] = found

    if "identity" not in errors:
        # Locks the institution until the caller commits: the count stays true until the
        # employment below is written (严禁超编进人 holds against a concurrent hire).
        refusal = hiring_refusal(institution.id, identity, {start_on, max(start_on, today)})
        if refusal:
            errors["identity"] = refusal

    if errors:
        raise StaffError(errors)

    details = {k: _blank_to_none(data.get(k)) for k in PERSON_DETAILS}
    if person is None:
        person = Person(
            citizen_id=parsed.number,
            name=name,
            gender=parsed.gender,
            birth_date=parsed.birth_date,
        )
        db.session.add(person)
        db.session.flush()
    else:
        # A rehire starts from what this institution recorded last time, never from what
        # another institution recorded.
        before = _recorded_here(person.id, institution.id)
        if before is not None:
            details = {k: v if v is not None else getattr(before, k) for k, v in details.items()}

    employment = Employment(
        person=person,
        institution_id=institution.id,
        staff_number=staff_number,
        identity=identity.value,
        department_id=department_id,
        start_on=start_on,
        bank_account=_blank_to_none(data.get("bank_account")),
        **details,
    )
    db.session.add(employment)
    db.session.flush()
    changes = audit.diff(
        {},
        {
            "person_id": person.id,
            "name": person.name,
            "citizen_id": mask_citizen_id(person.citizen_id),
            **audit.snapshot(employment, EMPLOYMENT_FIELDS),
        },
    )
    changes["salary_step"] = [None, step]
    audit.record(
        "employment.enter",
        employment,
        institution_id=institution.id,
        summary=source_text(
            msg(
                "%(n)s（工号 %(s)s，%(i)s）入职",
                n=person.name,
                s=staff_number,
                i=identity.label_message,
            )
        ),
        changes=changes,
    )
    record_salary_steps(
        [StepRequest(employment.id, institution.id, start_on, step, ENTRY_REASON)],
        source=source,
        new_employments=True,
    )
    signals.send(
        signals.hired,
        [signals.Hire(employment.id, institution.id, person.id, identity.value, start_on)],
        source=source,
    )
    return employment


def _recorded_here(person_id: int, institution_id: int) -> Employment | None:
    """Return the institution's latest earlier employment of the person, if any."""
    return db.session.scalar(
        select(Employment)
        .where(Employment.person_id == person_id, Employment.institution_id == institution_id)
        .order_by(Employment.start_on.desc(), Employment.id.desc())
        .limit(1)
    )


def exit_employment(
    employment: Employment, data: Mapping[str, Any], *, source: str = "form"
) -> dict[str, list]:
    """Record an exit (离职): the last day employed, the reason and a note; return the changes.

    Open appointments end on the same day, so the person no longer holds a post after it.
    """
    end_on: date = data["end_on"]
    problem = staff.exit_problem(employment.start_on, end_on, employment.end_on)
    if problem:
        raise StaffError({"end_on": problem})
    reason = data.get("exit_reason")
    if reason not in set(ExitReason):
        raise StaffError({"exit_reason": msg("请选择离职原因")})
    later = [a for a in employment.appointments if a.start_on > end_on]
    if later:
        raise StaffError(
            {
                "end_on": msg(
                    "该人员有 %(n)d 条 %(d)s 之后才开始的岗位聘用（%(p)s），请先撤销这些聘用",
                    n=len(later),
                    d=end_on.isoformat(),
                    p=joined(a.post_name for a in later),
                )
            }
        )

    changes = audit.apply_changes(
        employment,
        {
            "end_on": end_on,
            "exit_reason": ExitReason(reason).value,
            "exit_note": _blank_to_none(data.get("exit_note")),
        },
        EXIT_FIELDS,
    )
    closed = _close_appointments(employment.appointments, end_on)
    if closed:
        changes["appointments_closed"] = [None, closed]
    db.session.flush()
    audit.record(
        "employment.exit",
        employment,
        institution_id=employment.institution_id,
        summary=source_text(
            msg(
                "%(n)s（工号 %(s)s）离职：%(r)s",
                n=employment.person.name,
                s=employment.staff_number,
                r=ExitReason(reason).label_message,
            )
        ),
        changes=changes,
    )
    signals.send(
        signals.exited,
        [signals.Exit(employment.id, employment.institution_id, end_on, ExitReason(reason).value)],
        source=source,
    )
    return changes


def _close_appointments(appointments: list[Appointment], end_on: date) -> int:
    """End every appointment still running after ``end_on`` on that day; return how many."""
    closed = 0
    for appointment in appointments:
        if appointment.start_on <= end_on and (
            appointment.end_on is None or appointment.end_on > end_on
        ):
            appointment.end_on = end_on
            closed += 1
    return closed
