"""Writes of departments: create, rename or re-kind, deactivate and reactivate, and create
in bulk the ones an import names. Add and flush; the caller commits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select

from core import audit
from core.errors import Refusal
from core.extensions import db
from core.i18n import Msg, msg
from hr.departments.kinds import suggest_kind
from hr.departments.matching import clean_name, name_key, name_problem
from hr.models import Department, DepartmentKind
from institutions.models import Institution

FIELDS = ["name", "kind", "is_active"]


class DepartmentError(Refusal):
    """A refused department change; ``field`` names the form field at fault."""

    def __init__(self, message: Msg | str, field: str | None = None) -> None:
        super().__init__(message, field=field)


def _checked(institution_id: int, name: str | None, kind: str | None, *, own_id=None):
    """Return the cleaned name and kind, or refuse a bad name, a taken name or a bad kind."""
    problem = name_problem(name)
    if problem:
        raise DepartmentError(problem, "name")
    cleaned = clean_name(name)
    if kind not in set(DepartmentKind):
        raise DepartmentError(msg("请选择部门类别"), "kind")
    key = name_key(cleaned)
    for other in db.session.scalars(
        select(Department).where(Department.institution_id == institution_id)
    ):
        if other.id != own_id and name_key(other.name) == key:
            if other.is_active:
                raise DepartmentError(msg("本单位已有部门「%(v)s」", v=other.name), "name")
            raise DepartmentError(
                msg("本单位已有部门「%(v)s」（已停用），可以重新启用它", v=other.name), "name"
            )
    return cleaned, kind


def create_department(institution: Institution, name: str | None, kind: str | None) -> Department:
    """Create a department of the institution; names are unique within it (see matching)."""
    name, kind = _checked(institution.id, name, kind)
    department = Department(institution_id=institution.id, name=name, kind=kind, is_active=True)
    db.session.add(department)
    db.session.flush()
    audit.record(
        "department.create",
        department,
        institution_id=institution.id,
        summary=name,
        changes=audit.diff({}, audit.snapshot(department, FIELDS)),
    )
    return department


def update_department(department: Department, name: str | None, kind: str | None) -> dict:
    """Rename a department or change its kind; staff keep belonging to it. Return the changes."""
    name, kind = _checked(department.institution_id, name, kind, own_id=department.id)
    before = department.name
    changes = audit.apply_changes(department, {"name": name, "kind": kind}, ["name", "kind"])
    if changes:
        db.session.flush()
        audit.record(
            "department.update",
            department,
            institution_id=department.institution_id,
            summary=name if name == before else f"{before} → {name}",
            changes=changes,
        )
    return changes


def set_active(department: Department, active: bool) -> None:
    """Deactivate a department (nobody new joins it; its staff and history stay) or reactivate it."""
    if department.is_active == active:
        return
    changes = audit.apply_changes(department, {"is_active": active}, ["is_active"])
    db.session.flush()
    audit.record(
        "department.activate" if active else "department.deactivate",
        department,
        institution_id=department.institution_id,
        summary=department.name,
        changes=changes,
    )


def create_missing(
    names: Mapping[int, Sequence[str]],
    institution_kinds: Mapping[int, str],
    *,
    actor: Any = None,
) -> dict[tuple[int, str], int]:
    """Create the named departments of each institution (kinds suggested from the names).

    ``names`` is {institution id: names an import uses that it does not have yet}; returns
    {(institution id, name key): department id}. One audit event per institution.
    """
    created: dict[tuple[int, str], int] = {}
    for institution_id, wanted in sorted(names.items()):
        added = []
        for name in wanted:
            cleaned = clean_name(name)
            key = name_key(cleaned)
            if (institution_id, key) in created:
                continue
            department = Department(
                institution_id=institution_id,
                name=cleaned,
                kind=suggest_kind(cleaned, institution_kinds.get(institution_id)),
                is_active=True,
            )
            db.session.add(department)
            added.append((key, department))
        if not added:
            continue
        db.session.flush()
        for key, department in added:
            created[(institution_id, key)] = department.id
        audit.record(
            "department.create",
            None,
            institution_id=institution_id,
            actor=actor,
            summary=f"导入时新建部门 {len(added)} 个",
            changes={"departments": [None, [d.name for _, d in added]]},
        )
    return created
