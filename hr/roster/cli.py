"""HR commands: ``flask --app wsgi hr import-roster FILE`` and ``hr export-roster FILE``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup

from core.errors import Refusal
from core.excel import write_workbook
from core.extensions import db
from core.sqlite import read_only


@click.group("hr", cls=AppGroup)
def hr_cli() -> None:
    """HR commands: import and export the 人员花名册 (staff roster)."""


@hr_cli.command("import-roster")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--create-departments",
    is_flag=True,
    help="新建文件中本单位还没有的部门（不加时，部门须是已有的部门）",
)
def import_roster_command(path: Path, create_departments: bool) -> None:
    """Import a 人员花名册 workbook: all rows, or nothing and every error (exit 1)."""
    from core.imports import Checked, ImportContext, import_file
    from hr.roster.imports import CREATE_DEPARTMENTS, ROSTER_IMPORTER

    started = time.perf_counter()
    context = ImportContext(options={CREATE_DEPARTMENTS: create_departments})
    try:
        outcome = import_file(ROSTER_IMPORTER, path, context)
        if isinstance(outcome, Checked):
            db.session.rollback()
            for error in outcome.errors:
                click.echo(str(error), err=True)
            click.echo(
                f"{path.name}：发现 {len(outcome.errors)} 处错误，未导入任何数据。", err=True
            )
            raise SystemExit(1)
        db.session.commit()
    except Refusal as refusal:
        db.session.rollback()
        click.echo(f"{path.name}：{refusal}，未导入任何数据。", err=True)
        raise SystemExit(1) from None
    except SystemExit:
        raise
    except Exception:
        db.session.rollback()
        raise
    click.echo(f"{path.name}：{outcome.message}用时 {time.perf_counter() - started:.1f} 秒。")
    for label, count in outcome.counts:
        click.echo(f"  {label}：{count} 人")


def _counted(rows: Iterator[dict[str, Any]], counter: list[int]) -> Iterator[dict[str, Any]]:
    for row in rows:
        counter[0] += 1
        yield row


@hr_cli.command("export-roster")
@read_only
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--institution", "institution_code", help="只导出该单位（统一社会信用代码）")
def export_roster_command(path: Path, institution_code: str | None) -> None:
    """Export the staff currently employed (all institutions, or one) as a 人员花名册."""
    from core.queries import institution_id_by_code
    from hr.roster.excel import ROSTER_SPEC
    from hr.roster.queries import export_rows

    institution_ids = None
    if institution_code:
        institution_id = institution_id_by_code(institution_code.strip())
        if institution_id is None:
            raise click.ClickException(
                f"找不到信用代码为「{institution_code}」的单位（--institution）"
            )
        institution_ids = [institution_id]
    counter = [0]
    rows = _counted(export_rows(institution_ids=institution_ids, status="active"), counter)
    write_workbook(path, ROSTER_SPEC, rows)
    click.echo(f"已导出 {counter[0]} 人到 {path}")
