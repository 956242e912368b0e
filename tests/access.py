"""Shared vocabulary of the permission matrix; each package declares its routes in
``tests/<package>/access.py`` with an ``ACCESS`` dict and, for new URL arguments, an ``ARGS``
dict of factories ``name -> fn(world, institution) -> id`` that make (or find) an object of
that kind belonging to ``institution``.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.roles import Role

ROLES = ["anonymous", "superuser", *(r.value for r in Role)]
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
CITY = frozenset({"superuser", "staffing_office"})
AUDIT = CITY | {"institution_admin"}
HR_READ = CITY | {"sponsor", "institution_admin", "hr_officer", "finance_officer"}
HR_WRITE = frozenset({"superuser", "institution_admin", "hr_officer"})
PAYROLL = frozenset({"superuser", "institution_admin", "finance_officer"})
SECTORS = CITY | {"sponsor", "institution_admin"}


@dataclass(frozen=True)
class Access:
    """Who may use an endpoint, and what outsiders get for another institution's object.

    ``check``: "scope" — the object is looked up inside the user's scope first, so anyone
    outside gets 404; "perm" — the permission is checked first, so a role without it gets
    403 and a role with it but outside the scope gets 404.
    ``scoped``: whether the URL names an institution's object (tested for "other" too).
    """

    allowed: frozenset[str]
    methods: tuple[str, ...] = ("GET",)
    public: bool = False
    check: str = "scope"
    #: authenticated by an API token, not by the session: every role and anonymous get
    #: 401 (JSON) without one; token scoping is tested with the API's own tests
    token: bool = False
