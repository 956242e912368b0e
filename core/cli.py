"""Base CLI: setting up a database, operators' accounts and the demo data."""

from __future__ import annotations

import click
from flask import Flask

from core.extensions import db
from core.modules import platform


def store_parameter_defaults() -> int:
    """Store every module's parameter defaults (idempotent); return how many modules did."""
    seeders = platform().parameter_seeders
    for seed in seeders:
        seed()
    return len(seeders)


def register_cli(app: Flask) -> None:
    """Attach the base commands to the app."""

    @app.cli.command("create-user")
    @click.option("--username", prompt="用户名")
    @click.option("--full-name", prompt="姓名")
    @click.option("--password", prompt="密码", hide_input=True, confirmation_prompt=True)
    @click.option("--superuser", is_flag=True, help="超级管理员：可见并管理全部数据")
    @click.option("--role", type=click.Choice([r.value for r in _roles()]), help="授予的角色")
    @click.option("--institution", "institution_code", help="单位统一社会信用代码（单位角色）")
    def create_user_command(username, full_name, password, superuser, role, institution_code):
        """Create a user account, optionally a superuser or with one role."""
        from core.auth import operations
        from core.queries import institution_id_by_code
        from core.roles import Role

        try:
            user = operations.create_user(
                username=username,
                full_name=full_name,
                password=password,
                is_superuser=superuser,
                must_change_password=False,
            )
            if role:
                role_enum = Role(role)
                institution_id = None
                if role_enum.scope == "institution":
                    institution_id = institution_id_by_code(institution_code or "")
                    if institution_id is None:
                        raise operations.AccountError(
                            f"找不到信用代码为「{institution_code}」的单位（--institution）"
                        )
                elif role_enum.scope == "sponsor":
                    raise operations.AccountError("举办单位角色请在「账号管理」页面授予")
                operations.grant(user, role_enum, institution_id=institution_id)
        except operations.AccountError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from error
        db.session.commit()
        click.echo(f"已创建用户 {user.username}")

    @app.cli.command("init")
    def init_command():
        """Store the dated parameters every module needs (idempotent; run after db upgrade)."""
        try:
            store_parameter_defaults()
        except Exception:
            db.session.rollback()
            raise
        db.session.commit()
        click.echo("参数默认值已就绪（已有的版本未改动）。")

    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Create the demo city (idempotent): districts, institutions and a user per role."""
        lines: list[str] = []
        try:
            store_parameter_defaults()
            for seeder in platform().seeders:
                lines.extend(seeder.run())
        except Exception:
            db.session.rollback()
            raise
        db.session.commit()
        for line in lines:
            click.echo(line)

    @app.cli.command("is-empty")
    def is_empty_command():
        """Exit 0 if the database has no users yet (used by `make run`), else 1."""
        from sqlalchemy import func, select

        from core.auth.models import User

        count = db.session.scalar(select(func.count()).select_from(User))
        raise SystemExit(0 if count == 0 else 1)


def _roles():
    from core.roles import Role

    return list(Role)
