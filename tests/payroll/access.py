"""Who may use the payroll routes (merged into tests/test_permission_matrix.py)."""

from tests.access import PAYROLL, Access

ACCESS = {
    "payroll.index": Access(PAYROLL),
}
