"""The payroll commands: import, run, approve by another officer, export; bad input exits
non-zero, prints every error and writes nothing."""

from __future__ import annotations

from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import func, select

from core.extensions import db
from payroll.excel_specs import TAX_WAGES_SPEC
from payroll.runs.models import PayRun, PayRunAmount, PayRunLine
from tests.factories import create_institution
from tests.payroll.runs.helpers import finance_pair, paid_employee
from tests.payroll.runs.test_import import _file


def test_a_month_through_the_commands(app, tmp_path):
    institution = create_institution()
    preparer, approver = finance_pair(institution)
    teacher = paid_employee(institution)
    db.session.commit()
    runner = app.test_cli_runner()
    code = institution.credit_code
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(
        _file(
            [
                [code, "NOBODY", "某人", "9000", "", ""],
                [code, teacher.staff_number, "错名", "1", "", ""],
            ]
        )
    )
    result = runner.invoke(args=["payroll", "import", str(bad), "--period", "2026-03"])
    assert result.exit_code == 1
    assert "第 2 行「工号」" in result.output and "第 3 行「姓名」" in result.output
    assert db.session.scalar(select(func.count()).select_from(PayRunAmount)) == 0
    good = tmp_path / "good.xlsx"
    good.write_bytes(_file([[code, teacher.staff_number, teacher.person.name, "9000", "", ""]]))
    result = runner.invoke(args=["payroll", "import", str(good), "--period", "2026-03"])
    assert result.exit_code == 0, result.output
    args = ["--period", "2026-03", "--institution", code]
    result = runner.invoke(args=["payroll", "run", *args, "--user", preparer.username])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["payroll", "approve", *args, "--user", preparer.username])
    assert result.exit_code == 1 and "双人复核" in result.output
    result = runner.invoke(args=["payroll", "approve", *args, "--user", approver.username])
    assert result.exit_code == 0, result.output
    run = db.session.scalar(select(PayRun))
    assert run.status == "approved" and run.decided_by_id == approver.id
    line = db.session.scalar(select(PayRunLine))
    assert line.basic_performance == Decimal("9000.00")
    out = tmp_path / "wages.xlsx"
    result = runner.invoke(args=["payroll", "export", str(out), *args, "--kind", "tax-wages"])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    assert [c.value for c in sheet[1]] == [c.header for c in TAX_WAGES_SPEC.columns]
    result = runner.invoke(
        args=["payroll", "run", "--period", "2026-13", "--user", preparer.username]
    )
    assert result.exit_code == 1


def test_a_correction_run_through_the_commands(app, tmp_path):
    """``payroll correct`` opens a correction run, imports the corrected month's amounts and
    computes it; ``approve`` and ``export`` reach it with ``--corrects``. Bad input (a month
    not yet approved, a file with errors) exits 1, prints why and leaves no run behind."""
    institution = create_institution()
    preparer, approver = finance_pair(institution)
    teacher = paid_employee(institution)
    db.session.commit()
    runner = app.test_cli_runner()
    code = institution.credit_code
    where = ["--institution", code]
    month = tmp_path / "month.xlsx"
    month.write_bytes(_file([[code, teacher.staff_number, teacher.person.name, "9000", "", ""]]))
    fix = tmp_path / "fix.xlsx"
    fix.write_bytes(_file([[code, teacher.staff_number, teacher.person.name, "9100", "", ""]]))
    correct = ["payroll", "correct", str(fix), "--period", "2026-04", "--corrects", "2026-03"]
    correct += [*where, "--reason", "3 月绩效少发", "--user", preparer.username]

    result = runner.invoke(args=correct)  # March is not approved yet
    assert result.exit_code == 1 and "没有已审核的工资批次可以更正" in result.output
    assert db.session.scalar(select(func.count()).select_from(PayRun)) == 0

    assert (
        runner.invoke(args=["payroll", "import", str(month), "--period", "2026-03"]).exit_code == 0
    )
    for args in (["run", "--user", preparer.username], ["approve", "--user", approver.username]):
        result = runner.invoke(args=["payroll", args[0], "--period", "2026-03", *where, *args[1:]])
        assert result.exit_code == 0, result.output
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_file([[code, "NOBODY", "某人", "9100", "", ""]]))
    result = runner.invoke(args=[*correct[:2], str(bad), *correct[3:]])
    assert result.exit_code == 1 and "第 2 行「工号」" in result.output
    assert db.session.scalar(select(func.count()).select_from(PayRun)) == 1

    result = runner.invoke(args=correct)
    assert result.exit_code == 0, result.output
    fixing = db.session.scalar(select(PayRun).where(PayRun.kind == "correction"))
    assert (fixing.period, fixing.corrects_period, fixing.status) == (
        "2026-04",
        "2026-03",
        "computed",
    )
    assert fixing.reason == "3 月绩效少发" and fixing.gross == Decimal("100.00")
    approve = ["payroll", "approve", "--period", "2026-04", *where, "--corrects", "2026-03"]
    result = runner.invoke(args=[*approve, "--user", preparer.username])
    assert result.exit_code == 1 and "双人复核" in result.output
    result = runner.invoke(args=[*approve, "--user", approver.username])
    assert result.exit_code == 0, result.output
    db.session.refresh(fixing)
    assert fixing.status == "approved"
    out = tmp_path / "fix-payroll.xlsx"
    result = runner.invoke(
        args=["payroll", "export", str(out), "--period", "2026-04", *where, "--corrects", "2026-03"]
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    assert any(teacher.staff_number in row for row in sheet.iter_rows(values_only=True))


def test_the_declared_deductions_through_the_commands(app, tmp_path):
    """``payroll import-declared`` takes the withholding client's cumulative 专项附加扣除: a
    declaration made in February since January deducts both months at once; a file with
    an unknown person exits 1 and writes nothing."""
    from tests.payroll.runs.test_declared import _export

    institution = create_institution()
    preparer, approver = finance_pair(institution)
    teacher = paid_employee(institution)
    db.session.commit()
    runner = app.test_cli_runner()
    code = institution.credit_code
    where = ["--period", "2026-01", "--institution", code]
    person = teacher.person
    month = tmp_path / "month.xlsx"
    month.write_bytes(_file([[code, teacher.staff_number, person.name, "9000", "", ""]]))
    assert runner.invoke(args=["payroll", "import", str(month), *where[:2]]).exit_code == 0
    for args in (["run", "--user", preparer.username], ["approve", "--user", approver.username]):
        result = runner.invoke(args=["payroll", args[0], *where, *args[1:]])
        assert result.exit_code == 0, result.output
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_export([["某人", "居民身份证", "110105194912310029", "4000", "", ""]]))
    declared = ["payroll", "import-declared", "--period", "2026-02", "--institution", code]
    result = runner.invoke(args=[*declared, str(bad)])
    assert result.exit_code == 1 and "「*证件号码」" in result.output
    assert db.session.scalar(select(func.count()).select_from(PayRunAmount)) == 1  # January's
    assert db.session.scalar(select(func.count()).select_from(PayRun)) == 1
    good = tmp_path / "good.xlsx"
    good.write_bytes(_export([[person.name, "居民身份证", person.citizen_id, "4000", "", ""]]))
    result = runner.invoke(args=[*declared, str(good)])
    assert result.exit_code == 0, result.output
    where[1] = "2026-02"
    result = runner.invoke(args=["payroll", "run", *where, "--user", preparer.username])
    assert result.exit_code == 0, result.output
    line = db.session.scalar(select(PayRunLine).join(PayRun).where(PayRun.period == "2026-02"))
    assert line.special_additional == Decimal("4000.00")  # January's 2,000 with February's
