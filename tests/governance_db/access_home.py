"""Who may use the governance entry page (merged into tests/test_permission_matrix.py)."""

from tests.access import CITY, Access

GOVERNANCE_READ = CITY | {
    "sponsor",
    "institution_admin",
    "council_chair",
    "council_secretary",
    "council_member",
    "supervisor",
}

ACCESS = {
    "governance.home": Access(GOVERNANCE_READ),
}
