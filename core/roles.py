"""The roles a user can hold, and what each one may do (DESIGN.md, "Who uses it")."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    STAFFING_OFFICE = "staffing_office"
    SPONSOR = "sponsor"
    INSTITUTION_ADMIN = "institution_admin"
    COUNCIL_CHAIR = "council_chair"
    COUNCIL_SECRETARY = "council_secretary"
    COUNCIL_MEMBER = "council_member"
    SUPERVISOR = "supervisor"
    HR_OFFICER = "hr_officer"
    FINANCE_OFFICER = "finance_officer"
    EMPLOYEE = "employee"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])

    @property
    def scope(self) -> str:
        """Return what a membership in this role is attached to: city, sponsor or institution."""
        if self is Role.STAFFING_OFFICE:
            return "city"
        if self is Role.SPONSOR:
            return "sponsor"
        return "institution"


ROLE_LABELS = {
    Role.STAFFING_OFFICE: _l("编办"),
    Role.SPONSOR: _l("举办单位"),
    Role.INSTITUTION_ADMIN: _l("单位管理员"),
    Role.COUNCIL_CHAIR: _l("理事长"),
    Role.COUNCIL_SECRETARY: _l("理事会秘书"),
    Role.COUNCIL_MEMBER: _l("理事"),
    Role.SUPERVISOR: _l("监事"),
    Role.HR_OFFICER: _l("人事专员"),
    Role.FINANCE_OFFICER: _l("财务专员"),
    Role.EMPLOYEE: _l("职工"),
}


class Perm(StrEnum):
    """Named actions; views and queries ask for these, never for roles directly."""

    REGISTRY_VIEW = "registry.view"
    REGISTRY_MANAGE = "registry.manage"
    USERS_MANAGE = "users.manage"
    AUDIT_VIEW = "audit.view"
    GOVERNANCE_VIEW = "governance.view"
    #: prepare council business: meetings, motions, papers, attendance, minutes drafts
    GOVERNANCE_MANAGE = "governance.manage"
    HR_VIEW = "hr.view"
    HR_MANAGE = "hr.manage"
    PAYROLL_VIEW = "payroll.view"
    PAYROLL_MANAGE = "payroll.manage"
    SCHOOLS_VIEW = "schools.view"
    HOSPITALS_VIEW = "hospitals.view"
    SELF_VIEW = "self.view"


_COUNCIL = {Perm.REGISTRY_VIEW, Perm.GOVERNANCE_VIEW}
_COUNCIL_OFFICE = _COUNCIL | {Perm.GOVERNANCE_MANAGE}

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.STAFFING_OFFICE: frozenset(
        {
            Perm.REGISTRY_VIEW,
            Perm.REGISTRY_MANAGE,
            Perm.USERS_MANAGE,
            Perm.AUDIT_VIEW,
            Perm.GOVERNANCE_VIEW,
            Perm.HR_VIEW,
            Perm.SCHOOLS_VIEW,
            Perm.HOSPITALS_VIEW,
        }
    ),
    Role.SPONSOR: frozenset(
        {
            Perm.REGISTRY_VIEW,
            Perm.GOVERNANCE_VIEW,
            Perm.HR_VIEW,
            Perm.SCHOOLS_VIEW,
            Perm.HOSPITALS_VIEW,
        }
    ),
    Role.INSTITUTION_ADMIN: frozenset(
        {
            Perm.REGISTRY_VIEW,
            # their own institution's accounts only (core/auth/permissions.py, issue 9.12)
            Perm.USERS_MANAGE,
            Perm.AUDIT_VIEW,
            Perm.GOVERNANCE_VIEW,
            Perm.GOVERNANCE_MANAGE,
            Perm.HR_VIEW,
            Perm.HR_MANAGE,
            Perm.PAYROLL_VIEW,
            Perm.SCHOOLS_VIEW,
            Perm.HOSPITALS_VIEW,
        }
    ),
    Role.COUNCIL_CHAIR: frozenset(_COUNCIL_OFFICE),
    Role.COUNCIL_SECRETARY: frozenset(_COUNCIL_OFFICE),
    Role.COUNCIL_MEMBER: frozenset(_COUNCIL),
    Role.SUPERVISOR: frozenset(_COUNCIL),
    Role.HR_OFFICER: frozenset({Perm.REGISTRY_VIEW, Perm.HR_VIEW, Perm.HR_MANAGE}),
    Role.FINANCE_OFFICER: frozenset(
        {Perm.REGISTRY_VIEW, Perm.PAYROLL_VIEW, Perm.PAYROLL_MANAGE, Perm.HR_VIEW}
    ),
    Role.EMPLOYEE: frozenset({Perm.REGISTRY_VIEW, Perm.SELF_VIEW}),
}
