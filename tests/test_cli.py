"""Command-line: demo seed (idempotent), create-user."""

from __future__ import annotations

from sqlalchemy import func, select

from core.auth.models import Membership, User
from core.extensions import db
from core.ids import credit_code_problem
from institutions.models import Institution, InstitutionKind


def _counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Membership, Institution)
    )


def test_seed_demo_builds_the_city_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "bianban" in first.output and "demo-2026" in first.output
    counts = _counts()
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert _counts() == counts  # idempotent
    institutions = db.session.scalars(select(Institution)).all()
    kinds = [i.kind for i in institutions]
    assert kinds.count(InstitutionKind.SCHOOL) >= 3 and kinds.count(InstitutionKind.HOSPITAL) >= 2
    assert len({i.district_code for i in institutions}) >= 2
    assert all(credit_code_problem(i.credit_code) is None for i in institutions)
    roles = set(db.session.scalars(select(Membership.role)))
    from core.roles import Role

    assert roles == {r.value for r in Role}


def test_create_user_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "--username",
            "ops",
            "--full-name",
            "运维",
            "--password",
            "run-book-7",
            "--superuser",
        ]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.username == "ops")).is_superuser
    again = runner.invoke(
        args=["create-user", "--username", "ops", "--full-name", "运维", "--password", "run-book-7"]
    )
    assert again.exit_code != 0
    assert "已被使用" in again.output
    unknown = runner.invoke(
        args=[
            "create-user",
            "--username",
            "hr2",
            "--full-name",
            "人事",
            "--password",
            "hr-pass-12",
            "--role",
            "hr_officer",
            "--institution",
            "123456789012345678",
        ]
    )
    assert unknown.exit_code != 0
    assert "找不到" in unknown.output
    assert db.session.scalar(select(User).where(User.username == "hr2")) is None


def test_init_stores_every_modules_parameters_and_is_idempotent(app):
    from sqlalchemy import func, select

    from core.extensions import db
    from core.parameters import ParameterVersion

    runner = app.test_cli_runner()
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    stored = db.session.scalar(select(func.count()).select_from(ParameterVersion))
    assert stored > 0
    again = runner.invoke(args=["init"])
    assert again.exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(ParameterVersion)) == stored
    keys = set(db.session.scalars(select(ParameterVersion.key)))
    assert {"hr.post_structure", "hr.appraisal_excellent_cap"} <= keys
