"""Payroll commands for operators and batch jobs; they call the same operations as the pages.

    flask --app wsgi payroll import FILE.xlsx --period YYYY-MM [--institution CODE]
    flask --app wsgi payroll import-declared FILE.xlsx --period YYYY-MM --institution CODE
    flask --app wsgi payroll run --period YYYY-MM [--institution CODE] --user USERNAME
    flask --app wsgi payroll approve --period YYYY-MM --institution CODE --user USERNAME
    flask --app wsgi payroll export FILE.xlsx --period YYYY-MM --institution CODE [--kind ...]
    flask --app wsgi payroll correct FILE.xlsx --period YYYY-MM --corrects YYYY-MM
        --institution CODE --reason TEXT --user USERNAME

``approve`` and ``export`` take ``--corrects YYYY-MM`` to act on the period's correction run
of that month instead of its regular run.

Each exits non-zero and writes nothing on bad input, printing every error.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from core.errors import Refusal
from core.excel import read_workbook, write_workbook
from core.extensions import db
from core.imports import ImportContext, import_file
from core.permissions import can, scope_for
from core.queries import user_by_username
from institutions.models import Institution
from payroll.excel_specs import MONTHLY_PAY_SPEC, frozen_columns
from payroll.permissions import PAYROLL_APPROVE, PAYROLL_MANAGE
from payroll.runs import excel
from payroll.runs import operations as ops
from payroll.runs.imports import DECLARED_IMPORTER, MONTHLY_IMPORTER
from payroll.runs.models import PayRun
from payroll.runs.states import RunKind, RunStatus, parse_period


@click.group("payroll", cls=AppGroup)
def payroll_cli() -> None:
    """Payroll: import a month's amounts, compute, approve, export."""


def _fail(*messages: object) -> None:
    db.session.rollback()
    for message in messages:
        click.echo(str(message), err=True)
    raise SystemExit(1)


def _period(text: str) -> str:
    parsed = parse_period(text)
    if parsed is None:
        _fail(f"期间「{text}」须为 YYYY-MM 格式")
    return f"{parsed[0]:04d}-{parsed[1]:02d}"


def _institution(code: str) -> Institution:
    found = db.session.scalar(select(Institution).where(Institution.credit_code == code))
    if found is None:
        _fail(f"没有统一社会信用代码为 {code} 的单位")
    return found


def _user(username: str, permission: str, institution: Institution | None = None):
    user = user_by_username(username)
    if user is None or not user.is_active:
        _fail(f"没有可用的账号 {username}")
    if not can(user, permission, institution):
        _fail(f"{username} 没有在{institution.name if institution else '任何单位'}办理工资的权限")
    return user


def _regular_run(institution: Institution, period: str) -> PayRun | None:
    return db.session.scalar(
        select(PayRun).where(
            PayRun.institution_id == institution.id,
            PayRun.period == period,
            PayRun.kind == RunKind.REGULAR.value,
        )
    )


def _correction_run(institution: Institution, period: str, corrects: str) -> PayRun | None:
    """The latest correction run of ``period`` that corrects ``corrects``."""
    return db.session.scalar(
        select(PayRun)
        .where(
            PayRun.institution_id == institution.id,
            PayRun.period == period,
            PayRun.kind == RunKind.CORRECTION.value,
            PayRun.corrects_period == corrects,
        )
        .order_by(PayRun.id.desc())
        .limit(1)
    )


def _run_of(institution: Institution, period: str, corrects: str | None) -> PayRun | None:
    if corrects is None:
        return _regular_run(institution, period)
    return _correction_run(institution, period, _period(corrects))


_CORRECTS_HELP = "更正批次所更正的期间 YYYY-MM（缺省：月度工资批次）"


@payroll_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--period", required=True, help="工资期间 YYYY-MM")
@click.option("--institution", "code", help="单位统一社会信用代码（缺省：文件中的单位代码）")
def import_command(path: Path, period: str, code: str | None) -> None:
    """Import a 月度工资 workbook into the institution's run of the period (all or nothing)."""
    period = _period(period)
    if code is None:
        codes = {row["institution_code"] for row in read_workbook(path, MONTHLY_PAY_SPEC).rows}
        if len(codes) != 1:
            _fail("文件须只含一个单位的数据，或用 --institution 指定单位")
        code = codes.pop()
    institution = _institution(code)
    run = _regular_run(institution, period)
    if run is None:
        run = ops.create_run(institution, period, None)
    context = ImportContext(None, institution.id, {"run_id": run.id})
    result = import_file(MONTHLY_IMPORTER, str(path), context)
    if hasattr(result, "errors"):
        _fail(*result.errors, f"{path.name}：发现 {len(result.errors)} 处错误，未导入任何数据。")
    db.session.commit()
    click.echo(f"{path.name}：{result.message}")


@payroll_cli.command("import-declared")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--period", required=True, help="工资期间 YYYY-MM")
@click.option("--institution", "code", required=True, help="单位统一社会信用代码")
def import_declared_command(path: Path, period: str, code: str) -> None:
    """Import the withholding client's 专项附加扣除 export (cumulative to the period) as the
    month's deductions of the institution's run of the period (all or nothing): each
    category's cumulative figure less what the year already deducted, so a late declaration
    brings its earlier months at once."""
    period = _period(period)
    institution = _institution(code)
    run = _regular_run(institution, period)
    if run is None:
        run = ops.create_run(institution, period, None)
    context = ImportContext(None, institution.id, {"run_id": run.id})
    result = import_file(DECLARED_IMPORTER, str(path), context)
    if hasattr(result, "errors"):
        _fail(*result.errors, f"{path.name}：发现 {len(result.errors)} 处错误，未导入任何数据。")
    db.session.commit()
    click.echo(f"{path.name}：{result.message}")


@payroll_cli.command("run")
@click.option("--period", required=True, help="工资期间 YYYY-MM")
@click.option("--institution", "code", help="单位统一社会信用代码（缺省：该账号的全部单位）")
@click.option("--user", "username", required=True, help="办理的财务人员账号")
def run_command(period: str, code: str | None, username: str) -> None:
    """Compute the period's run of every institution in scope as that finance officer."""
    period = _period(period)
    if code:
        institutions = [_institution(code)]
        user = _user(username, PAYROLL_MANAGE, institutions[0])
    else:
        user = _user(username, PAYROLL_MANAGE)
        scope = scope_for(user, PAYROLL_MANAGE)
        institutions = list(
            db.session.scalars(
                select(Institution).where(scope.clause(Institution.id)).order_by(Institution.name)
            )
        )
    done = []
    try:
        for institution in institutions:
            run = _regular_run(institution, period) or ops.create_run(institution, period, user)
            if run.status in (RunStatus.APPROVED.value, RunStatus.PAID.value):
                continue
            ops.compute_run(run, user)
            done.append(run)
    except Refusal as refusal:
        _fail(f"{institution.name} {period}：{refusal}，未计算任何批次。")
    db.session.commit()
    for run in done:
        click.echo(
            f"{run.institution.name} {run.period}：{run.line_count} 人，应发 {run.gross}，"
            f"实发 {run.net_pay}，个税 {run.income_tax + run.bonus_tax}，"
            f"待处理问题 {run.blocking_count} 人"
        )


@payroll_cli.command("approve")
@click.option("--period", required=True, help="工资期间 YYYY-MM")
@click.option("--institution", "code", required=True, help="单位统一社会信用代码")
@click.option("--user", "username", required=True, help="审核的财务人员账号（不能是计算人）")
@click.option("--corrects", help=_CORRECTS_HELP)
def approve_command(period: str, code: str, username: str, corrects: str | None) -> None:
    """Approve the period's computed run (submitted on its preparer's behalf); it is locked."""
    period = _period(period)
    institution = _institution(code)
    user = _user(username, PAYROLL_APPROVE, institution)
    run = _run_of(institution, period, corrects)
    if run is None:
        _fail(f"{institution.name} 没有 {period} 的工资批次")
    try:
        if run.status == RunStatus.COMPUTED.value:
            if run.computed_by_id == user.id:
                raise Refusal("审核人不能是计算该工资批次的人（双人复核）")
            ops.submit_run(run, run.computed_by)
        ops.approve_run(run, user)
    except Refusal as refusal:
        _fail(f"{institution.name} {period}：{refusal}")
    db.session.commit()
    click.echo(f"{institution.name} {period}：已审核，{run.line_count} 人，实发 {run.net_pay}")


@payroll_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--period", required=True, help="工资期间 YYYY-MM")
@click.option("--institution", "code", required=True, help="单位统一社会信用代码")
@click.option("--kind", type=click.Choice(excel.KINDS), default="payroll", show_default=True)
@click.option("--corrects", help=_CORRECTS_HELP)
def export_command(path: Path, period: str, code: str, kind: str, corrects: str | None) -> None:
    """Write a workbook of the period's run: 工资表, bank file, the client's sheets, ...

    The client's sheets of a correction run declare the month once: its regular run and its
    corrections together."""
    period = _period(period)
    institution = _institution(code)
    run = _run_of(institution, period, corrects)
    if run is None or not run.line_count:
        _fail(f"{institution.name} 没有已计算的 {period} 工资批次")
    spec, rows, total, _ = excel.workbook_for(run, kind)
    with path.open("wb") as target:
        write_workbook(target, spec, rows, totals=total, freeze_columns=frozen_columns(spec))
    db.session.rollback()
    click.echo(f"已写出 {path}")


@payroll_cli.command("correct")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--period", required=True, help="更正批次的工资期间 YYYY-MM（本期补发或补扣）")
@click.option("--corrects", required=True, help="要更正的已审核期间 YYYY-MM（同一纳税年度）")
@click.option("--institution", "code", required=True, help="单位统一社会信用代码")
@click.option("--reason", required=True, help="更正原因")
@click.option("--user", "username", required=True, help="办理的财务人员账号")
def correct_command(
    path: Path, period: str, corrects: str, code: str, reason: str, username: str
) -> None:
    """Open a correction run, import the corrected month's amounts and compute it.

    FILE is a 月度工资 workbook of the people to correct with the amounts the corrected month
    should have had (the items it names replace that month's; the rest stay as paid). The
    differences are paid and taxed in ``--period``; approve the run with ``approve
    --corrects``. All or nothing, as on the run page.
    """
    period, corrects = _period(period), _period(corrects)
    institution = _institution(code)
    user = _user(username, PAYROLL_MANAGE, institution)
    try:
        run = ops.create_run(
            institution,
            period,
            user,
            kind=RunKind.CORRECTION.value,
            corrects_period=corrects,
            reason=reason,
        )
        context = ImportContext(user, institution.id, {"run_id": run.id})
        result = import_file(MONTHLY_IMPORTER, str(path), context)
        if hasattr(result, "errors"):
            _fail(
                *result.errors, f"{path.name}：发现 {len(result.errors)} 处错误，未更正任何数据。"
            )
        ops.compute_run(run, user)
    except Refusal as refusal:
        _fail(f"{institution.name} {period} 更正 {corrects}：{refusal}，未更正任何数据。")
    db.session.commit()
    click.echo(
        f"{institution.name} {period} 更正 {corrects}：{run.line_count} 人，应发 {run.gross}，"
        f"实发 {run.net_pay}，个税 {run.income_tax + run.bonus_tax}，"
        f"待处理问题 {run.blocking_count} 人"
    )
