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
