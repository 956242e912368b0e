"""Who may use the schools routes (merged into tests/test_permission_matrix.py)."""

from tests.access import SECTORS, Access

ACCESS = {
    "schools.index": Access(SECTORS),
}
