"""Who may use the department routes (merged into the permission matrix).

``department_id`` is made for the institution in the URL; with the other institution's id in
the URL of one's own institution the department is not found (404), like every other case of
"own institution in the URL, another's object id" (see test_department_of_another_institution).
"""

from tests.access import HR_READ, HR_WRITE, Access
from tests.factories import create_department

ACCESS = {
    "hr.departments": Access(HR_READ),
    "hr.department_create": Access(HR_WRITE, ("GET", "POST")),
    "hr.department_edit": Access(HR_WRITE, ("GET", "POST")),
    "hr.department_toggle": Access(HR_WRITE, ("POST",)),
}

ARGS = {
    "department_id": lambda world, institution: create_department(institution, "矩阵科").id,
}
