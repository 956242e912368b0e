"""Governance commands: ``flask --app wsgi governance verify`` and ``governance close-due``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from core.extensions import db
from core.sqlite import read_only


@click.group("governance", cls=AppGroup)
def governance_cli() -> None:
    """Council governance: verify the hash chain of ballots and resolutions."""


@governance_cli.command("verify")
@read_only
@click.option("--institution", "institution_code", help="只校验该单位（统一社会信用代码）")
def verify_command(institution_code: str | None) -> None:
    """Recompute every institution's chain of ballots and resolutions; exit 1 if one is broken."""
    from core.queries import institution_id_by_code
    from institutions.governance import queries
    from institutions.governance.motions import queries as motion_queries

    if institution_code:
        institution_id = institution_id_by_code(institution_code.strip())
        if institution_id is None:
            raise click.ClickException(
                f"找不到信用代码为「{institution_code}」的单位（--institution）"
            )
        ids = [institution_id]
    else:
        ids = queries.chain_institution_ids()
    institutions = queries.institutions_by_id(ids)
    checks = [queries.verify_chain(institution_id) for institution_id in ids]
    broken = [check for check in checks if not check.ok]
    for check in broken:
        institution = institutions[check.institution_id]
        kind, record_id = check.broken
        click.echo(
            f"哈希链断裂：{institution.credit_code} {institution.name}："
            f"{kind} #{record_id}：{check.problem}",
            err=True,
        )
    ballots = sum(c.ballots for c in checks)
    resolutions = sum(c.resolutions for c in checks)
    # the chain keeps ballots and resolutions; a motion's stored result is recounted from them
    recounts = [motion_queries.verify_outcomes(institution_id) for institution_id in ids]
    wrong = [problem for check in recounts for problem in check.problems]
    for check in recounts:
        institution = institutions[check.institution_id]
        for _motion_id, problem in check.problems:
            click.echo(
                f"表决结果与表决票不符：{institution.credit_code} {institution.name}：{problem}",
                err=True,
            )
    if broken or wrong:
        if broken:
            click.echo(f"校验失败：{len(broken)} 个单位的哈希链被破坏。", err=True)
        if wrong:
            click.echo(f"校验失败：{len(wrong)} 项议案的表决结果与表决票复核不符。", err=True)
        raise SystemExit(1)
    motions = sum(c.motions for c in recounts)
    click.echo(
        f"OK：{len(checks)} 个单位的哈希链完整（表决票 {ballots} 张，决议 {resolutions} 项）；"
        f"{motions} 项已表决议案按表决票复核一致。"
    )
    for check in checks:
        head = queries.chain_head(check.institution_id)
        if head is not None:
            institution = institutions[check.institution_id]
            click.echo(f"链头：{institution.credit_code} #{head.last_sequence} {head.last_hash}")


@governance_cli.command("remind")
def remind_command() -> None:
    """Remind the members who have not voted in written votes due within a day."""
    from institutions.governance.motions.operations import remind_non_voters

    try:
        reminded = remind_non_voters()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    click.echo(f"已提醒 {len(reminded)} 项通讯表决中尚未投票的理事。")


@governance_cli.command("close-due")
def close_due_command() -> None:
    """Close the written votes (通讯表决) whose deadline has passed; remind those due soon."""
    from institutions.governance.motions.operations import (
        close_due_written_motions,
        remind_non_voters,
    )

    try:
        closed = close_due_written_motions()
        reminded = remind_non_voters()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    for motion in closed:
        click.echo(f"已结束表决：#{motion.id} {motion.title}：{motion.reason}")
    click.echo(f"共结束 {len(closed)} 项通讯表决；提醒 {len(reminded)} 项中尚未投票的理事。")
