"""Who may use the hr routes (merged into tests/test_permission_matrix.py)."""

from tests.access import HR_READ, Access

ACCESS = {
    "hr.index": Access(HR_READ),
}
