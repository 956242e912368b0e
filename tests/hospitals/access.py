"""Who may use the hospitals routes (merged into tests/test_permission_matrix.py)."""

from tests.access import SECTORS, Access

ACCESS = {
    "hospitals.index": Access(SECTORS),
}
