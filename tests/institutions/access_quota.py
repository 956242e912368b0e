"""Who may use the quota ledger routes (merged into tests/test_permission_matrix.py)."""

from tests.access import CITY, HR_READ, Access

ACCESS = {
    "institutions.quota": Access(HR_READ),
    "institutions.quota_add": Access(CITY, ("POST",)),
}
