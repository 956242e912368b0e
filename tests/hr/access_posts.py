"""Who may use the post-plan and appointment routes (merged into the permission matrix).

``hr.plan_edit`` takes a ``year``; any year works, and ``ARGS["year"]`` is defined by
tests/hr/access_contracts.py (it returns 2026), so it is not redefined here.
"""

from tests.access import HR_READ, HR_WRITE, Access
from tests.factories import create_employment

ACCESS = {
    "hr.plans": Access(HR_READ),
    "hr.plan_edit": Access(HR_WRITE, ("GET", "POST")),
    "hr.appoint": Access(HR_WRITE, ("GET", "POST")),
    "hr.appointment_correct": Access(HR_WRITE, ("GET", "POST")),
    "hr.posts_on": Access(HR_READ),
    "hr.posts_on_export": Access(HR_READ),
}


def _appointment(world, institution):
    from core.extensions import db
    from hr.models import Appointment

    employment = create_employment(institution)
    appointment = Appointment(
        employment_id=employment.id,
        institution_id=institution.id,
        category="professional",
        grade=12,
        post_name="教师",
        start_on=employment.start_on,
    )
    db.session.add(appointment)
    db.session.flush()
    return appointment.id


ARGS = {
    "employment_id": lambda world, institution: create_employment(institution).id,
    "appointment_id": _appointment,
}
