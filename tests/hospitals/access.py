"""Who may use the hospitals routes (merged into tests/test_permission_matrix.py)."""

from tests.access import HR_READ, HR_WRITE, Access

#: hospitals.view: the sector roles and the hospital's HR and finance officers
READ = HR_READ
#: hospitals.manage: the hospital's admin and HR officers
WRITE = HR_WRITE

ACCESS = {
    "hospitals.index": Access(READ),
    "hospitals.overview": Access(READ),
    "hospitals.posts": Access(READ),
    "hospitals.posts_export": Access(READ),
    "hospitals.pay_gaps": Access(READ),
    "hospitals.pay_gaps_export": Access(READ),
    "hospitals.pay_import": Access(WRITE, ("GET", "POST")),
    "hospitals.pay_template": Access(WRITE),
}
