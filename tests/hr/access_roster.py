"""Who may use the roster routes (merged into tests/test_permission_matrix.py)."""

from tests.access import HR_READ, HR_WRITE, Access

ACCESS = {
    "hr.roster_import": Access(HR_WRITE, ("GET", "POST")),
    "hr.roster_template": Access(HR_WRITE),
    "hr.roster_export": Access(HR_READ),
}
