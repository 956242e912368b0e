"""Who may use the payroll routes (merged into tests/test_permission_matrix.py)."""

from sqlalchemy import select

from core.extensions import db
from tests.access import CITY, PAYROLL, SIGNED_IN, Access

#: prepare and decide runs: finance officers (and operators)
MANAGE = frozenset({"superuser", "finance_officer"})

ACCESS = {
    "payroll.index": Access(PAYROLL),
    # totals per institution only, for the staffing office and sponsors
    "payroll.overview": Access(CITY | {"sponsor"}),
    "payroll.overview_export": Access(CITY | {"sponsor"}),
    "payroll.runs": Access(PAYROLL),
    "payroll.run_create": Access(MANAGE, ("POST",)),
    "payroll.run": Access(PAYROLL),
    "payroll.line": Access(PAYROLL),
    "payroll.run_export": Access(PAYROLL),
    "payroll.run_import": Access(MANAGE, ("GET", "POST")),
    "payroll.run_import_declared": Access(MANAGE, ("GET", "POST")),
    "payroll.run_template": Access(MANAGE),
    "payroll.run_reconcile": Access(PAYROLL, ("GET", "POST")),
    "payroll.settings": Access(PAYROLL),
    "payroll.settings_edit": Access(PAYROLL),
    "payroll.settings_save": Access(MANAGE, ("POST",)),
    "payroll.bonus_choice_save": Access(MANAGE, ("POST",)),
    "payroll.register": Access(PAYROLL),
    "payroll.line_override": Access(MANAGE, ("POST",)),
    "payroll.line_override_clear": Access(MANAGE, ("POST",)),
    "payroll.run_compute": Access(MANAGE, ("POST",)),
    "payroll.run_submit": Access(MANAGE, ("POST",)),
    "payroll.run_approve": Access(MANAGE, ("POST",)),
    "payroll.run_return": Access(MANAGE, ("POST",)),
    "payroll.run_pay": Access(MANAGE, ("POST",)),
    "payroll.run_delete": Access(MANAGE, ("POST",)),
    # the 工资标准表 are city-wide parameters: their keepers (tests/payroll/test_scale_tables.py)
    "payroll.scales_index": Access(CITY),
    "payroll.scales_import": Access(CITY, ("GET", "POST")),
    "payroll.scales_template": Access(CITY),
    # only the signed-in person's own lines (tests/payroll/runs/test_payslips.py)
    "payroll.my_payslips": Access(SIGNED_IN),
}


def _run(world, institution):
    """A computed run of the institution with one line."""
    from payroll.runs import operations as ops
    from payroll.runs.models import PayRun
    from tests.payroll.runs.helpers import paid_employee

    found = db.session.scalar(select(PayRun).where(PayRun.institution_id == institution.id))
    if found is not None:
        return found
    paid_employee(institution)
    run = ops.create_run(institution, "2026-01", None)
    ops.compute_run(run, None)
    return run


def _line_id(world, institution):
    from payroll.runs.models import PayRunLine

    run = _run(world, institution)
    return db.session.scalar(select(PayRunLine.id).where(PayRunLine.run_id == run.id))


ARGS = {
    "run_id": lambda world, institution: _run(world, institution).id,
    "line_id": _line_id,
}
