"""Who may use the staff routes (merged into tests/test_permission_matrix.py)."""

from tests.access import HR_READ, HR_WRITE, SIGNED_IN, Access
from tests.factories import create_employment

ACCESS = {
    "hr.staff": Access(HR_READ),
    "hr.staff_export": Access(HR_READ),
    "hr.enter": Access(HR_WRITE, ("GET", "POST")),
    "hr.exit": Access(HR_WRITE, ("GET", "POST")),
    "hr.person": Access(HR_READ),
    "hr.me": Access(SIGNED_IN),
}

ARGS = {
    "person_id": lambda world, institution: create_employment(institution).person_id,
    "employment_id": lambda world, institution: create_employment(institution).id,
}
