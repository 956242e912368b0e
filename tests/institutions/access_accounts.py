"""Who may use the account administration routes (merged into tests/test_permission_matrix.py).

The staffing office manages every account; an institution admin those of their own
institution: an account of another institution is a 404 for them (issue 9.12). The mixed
cases (an account with roles in both institutions, a role held elsewhere) are in
tests/institutions/accounts/test_accounts_access.py.
"""

from core.roles import Role
from tests.access import CITY, Access
from tests.factories import create_user

ACCOUNTS = CITY | {"institution_admin"}

ACCESS = {
    "accounts.index": Access(ACCOUNTS),
    "accounts.create": Access(ACCOUNTS, ("GET", "POST")),
    "accounts.detail": Access(ACCOUNTS, check="perm"),
    "accounts.edit": Access(ACCOUNTS, ("GET", "POST"), check="perm"),
    "accounts.grant": Access(ACCOUNTS, ("POST",), check="perm"),
    "accounts.revoke": Access(ACCOUNTS, ("POST",), check="perm"),
    "accounts.reset_password": Access(ACCOUNTS, ("POST",), check="perm"),
    "accounts.unlock": Access(ACCOUNTS, ("POST",), check="perm"),
}


def employee_of(world, institution):
    """Return an account whose only role is 职工 of ``institution`` (made once per world)."""
    if institution.id == world.mine.id:
        return world.users["employee"]
    made = getattr(world, "_other_employee", None)
    if made is None:
        made = create_user(Role.EMPLOYEE, institution=institution, full_name="别家职工")
        world._other_employee = made
    return made


ARGS = {
    "user_id": lambda world, institution: employee_of(world, institution).id,
    "membership_id": lambda world, institution: employee_of(world, institution).memberships[0].id,
}
