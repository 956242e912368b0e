"""Split pay profiles: HR keeps the salary steps, payroll the money settings

pay_profiles mixed what HR decides (the 薪级) with what finance keeps (bases, fund rate,
tax flags, standing deductions). Each row's 薪级 becomes a salary_steps row (same id, same
history); its money settings become a pay_settings row of the same date. The standing
deduction was one monthly total with no category: it is kept under "unclassified" for
finance to assign. Staff on 编制 or 员额 are marked as in the occupational annuity.

Revision ID: 1919e70cafb3
Revises: a18d6f67c0d0
Create Date: 2026-11-27 15:45:20.150887

"""

from collections import defaultdict
from datetime import datetime, timezone
from decimal import Decimal

from alembic import op
import sqlalchemy as sa

import core.models


# revision identifiers, used by Alembic.
revision = "1919e70cafb3"
down_revision = "a18d6f67c0d0"
branch_labels = None
depends_on = None


_MONEY = core.models.Money(precision=14, scale=2)
_STAMP = core.models.UTCDateTime(timezone=True)
_QUOTA_IDENTITIES = ("establishment", "filed")
_CHUNK = 5000

_old = sa.table(
    "pay_profiles",
    sa.column("id", sa.Integer()),
    sa.column("employment_id", sa.Integer()),
    sa.column("effective_on", sa.Date()),
    sa.column("salary_step", sa.Integer()),
    sa.column("contribution_base", _MONEY),
    sa.column("fund_base", _MONEY),
    sa.column("fund_rate", sa.Numeric(4, 3)),
    sa.column("special_deduction", _MONEY),
    sa.column("is_first_job_this_year", sa.Boolean()),
    sa.column("has_prior_year_low_income", sa.Boolean()),
    sa.column("reason", sa.String(255)),
    sa.column("created_at", _STAMP),
    sa.column("updated_at", _STAMP),
)
_employments = sa.table(
    "employments", sa.column("id", sa.Integer()), sa.column("identity", sa.String(16))
)


def _create_pay_settings():
    return op.create_table(
        "pay_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employment_id", sa.Integer(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("contribution_base", core.models.Money(precision=14, scale=2), nullable=True),
        sa.Column("fund_base", core.models.Money(precision=14, scale=2), nullable=True),
        sa.Column("fund_rate", sa.Numeric(precision=4, scale=3), nullable=True),
        sa.Column("special_deductions", sa.JSON(), nullable=False),
        sa.Column("is_first_job_this_year", sa.Boolean(), nullable=False),
        sa.Column("has_prior_year_low_income", sa.Boolean(), nullable=False),
        sa.Column("has_occupational_annuity", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=255), nullable=True),
        sa.Column("created_at", core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["employment_id"],
            ["employments.id"],
            name=op.f("fk_pay_settings_employment_id_employments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pay_settings")),
        sa.UniqueConstraint(
            "employment_id", "effective_on", name=op.f("uq_pay_settings_employment_id_effective_on")
        ),
    )


def _create_salary_steps():
    return op.create_table(
        "salary_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employment_id", sa.Integer(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=255), nullable=True),
        sa.Column("created_at", core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["employment_id"],
            ["employments.id"],
            name=op.f("fk_salary_steps_employment_id_employments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salary_steps")),
        sa.UniqueConstraint(
            "employment_id", "effective_on", name=op.f("uq_salary_steps_employment_id_effective_on")
        ),
    )


def _create_pay_profiles():
    return op.create_table(
        "pay_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employment_id", sa.Integer(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("salary_step", sa.Integer(), nullable=False),
        sa.Column("contribution_base", core.models.Money(precision=14, scale=2), nullable=True),
        sa.Column("fund_base", core.models.Money(precision=14, scale=2), nullable=True),
        sa.Column("fund_rate", sa.Numeric(precision=4, scale=3), nullable=True),
        sa.Column("special_deduction", core.models.Money(precision=14, scale=2), nullable=False),
        sa.Column("is_first_job_this_year", sa.Boolean(), nullable=False),
        sa.Column("has_prior_year_low_income", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=255), nullable=True),
        sa.Column("created_at", core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["employment_id"],
            ["employments.id"],
            name=op.f("fk_pay_profiles_employment_id_employments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pay_profiles")),
        sa.UniqueConstraint(
            "employment_id", "effective_on", name=op.f("uq_pay_profiles_employment_id_effective_on")
        ),
    )


def _move_sequence_past(table):
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"
        )


def _in_chunks(rows):
    for start in range(0, len(rows), _CHUNK):
        yield rows[start : start + _CHUNK]


def upgrade():
    pay_settings = _create_pay_settings()
    salary_steps = _create_salary_steps()
    connection = op.get_bind()
    # 薪级: the same rows, ids and dates.
    connection.execute(
        sa.text(
            "INSERT INTO salary_steps (id, employment_id, effective_on, step, reason, created_at, updated_at) "
            "SELECT id, employment_id, effective_on, salary_step, reason, created_at, updated_at FROM pay_profiles"
        )
    )
    _move_sequence_past("salary_steps")
    # Money settings: one version per old row.
    rows = connection.execute(
        sa.select(_old, _employments.c.identity)
        .join(_employments, _employments.c.id == _old.c.employment_id)
        .order_by(_old.c.id)
    ).all()
    for chunk in _in_chunks(rows):
        op.bulk_insert(
            pay_settings,
            [
                {
                    "employment_id": row.employment_id,
                    "effective_on": row.effective_on,
                    "contribution_base": row.contribution_base,
                    "fund_base": row.fund_base,
                    "fund_rate": row.fund_rate,
                    "special_deductions": (
                        {"unclassified": f"{row.special_deduction:.2f}"}
                        if row.special_deduction
                        else {}
                    ),
                    "is_first_job_this_year": row.is_first_job_this_year,
                    "has_prior_year_low_income": row.has_prior_year_low_income,
                    "has_occupational_annuity": row.identity in _QUOTA_IDENTITIES,
                    "reason": row.reason,
                    "created_at": row.created_at,
                    "updated_at": row.updated_at,
                }
                for row in chunk
            ],
        )
    op.drop_table("pay_profiles")


def downgrade():
    pay_profiles = _create_pay_profiles()
    connection = op.get_bind()
    steps = sa.table(
        "salary_steps",
        sa.column("id", sa.Integer()),
        sa.column("employment_id", sa.Integer()),
        sa.column("effective_on", sa.Date()),
        sa.column("step", sa.Integer()),
        sa.column("reason", sa.String(255)),
        sa.column("created_at", _STAMP),
        sa.column("updated_at", _STAMP),
    )
    settings = sa.table(
        "pay_settings",
        sa.column("employment_id", sa.Integer()),
        sa.column("effective_on", sa.Date()),
        sa.column("contribution_base", _MONEY),
        sa.column("fund_base", _MONEY),
        sa.column("fund_rate", sa.Numeric(4, 3)),
        sa.column("special_deductions", sa.JSON()),
        sa.column("is_first_job_this_year", sa.Boolean()),
        sa.column("has_prior_year_low_income", sa.Boolean()),
        sa.column("reason", sa.String(255)),
        sa.column("created_at", _STAMP),
        sa.column("updated_at", _STAMP),
    )
    by_employment = defaultdict(lambda: ([], []))
    for row in connection.execute(sa.select(steps).order_by(steps.c.effective_on)):
        by_employment[row.employment_id][0].append(row)
    for row in connection.execute(sa.select(settings).order_by(settings.c.effective_on)):
        by_employment[row.employment_id][1].append(row)

    def at(versions, day):
        earlier = [v for v in versions if v.effective_on <= day]
        return earlier[-1] if earlier else (versions[0] if versions else None)

    now = datetime.now(timezone.utc)
    out = []
    for employment_id, (step_rows, setting_rows) in by_employment.items():
        days = sorted({v.effective_on for v in step_rows} | {v.effective_on for v in setting_rows})
        for day in days:
            step = at(step_rows, day)
            money = at(setting_rows, day)
            if step is None:
                continue  # no 薪级 at all: the old table could not hold it
            total = (
                sum((Decimal(v) for v in (money.special_deductions or {}).values()), Decimal(0))
                if money
                else Decimal(0)
            )
            out.append(
                {
                    "id": step.id if step.effective_on == day else None,
                    "employment_id": employment_id,
                    "effective_on": day,
                    "salary_step": step.step,
                    "contribution_base": money.contribution_base if money else None,
                    "fund_base": money.fund_base if money else None,
                    "fund_rate": money.fund_rate if money else None,
                    "special_deduction": total,
                    "is_first_job_this_year": bool(money and money.is_first_job_this_year),
                    "has_prior_year_low_income": bool(money and money.has_prior_year_low_income),
                    "reason": step.reason
                    if step.effective_on == day
                    else (money.reason if money else None),
                    "created_at": step.created_at if step.effective_on == day else now,
                    "updated_at": now,
                }
            )
    with_id = [r for r in out if r["id"] is not None]
    without_id = [{k: v for k, v in r.items() if k != "id"} for r in out if r["id"] is None]
    for chunk in _in_chunks(with_id):
        op.bulk_insert(pay_profiles, chunk)
    _move_sequence_past("pay_profiles")
    for chunk in _in_chunks(without_id):
        op.bulk_insert(pay_profiles, chunk)
    op.drop_table("salary_steps")
    op.drop_table("pay_settings")
