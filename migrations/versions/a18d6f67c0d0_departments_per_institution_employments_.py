"""Departments per institution; employments belong to one

The free-text 部门 of each employment becomes a department record of its institution (one
per distinct trimmed name), its kind guessed from the name as hr/departments/kinds.py did
when this revision was written (a frozen copy: the rule may change, this revision may not).

Revision ID: a18d6f67c0d0
Revises: 4cf1df0687ae
Create Date: 2026-11-27 15:30:20.979624

"""

from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

import core.models


# revision identifiers, used by Alembic.
revision = "a18d6f67c0d0"
down_revision = "4cf1df0687ae"
branch_labels = None
depends_on = None

_FRAGMENTS = (
    ("nursing", ("护理",)),
    (
        "medical_technical",
        ("检验", "放射", "影像", "超声", "病理", "药剂", "药学", "功能检查", "核医学", "输血"),
    ),
    ("logistics", ("后勤", "总务", "保卫", "设备", "食堂", "物业", "膳食", "基建")),
    (
        "administrative",
        (
            "办公室",
            "党",
            "人事",
            "财务",
            "医务",
            "信息",
            "院感",
            "教务",
            "德育",
            "政教",
            "综合",
            "质控",
            "科教",
            "工会",
        ),
    ),
    ("teaching", ("教研", "年级", "学科")),
)


def _kind(name, institution_kind):
    if institution_kind == "school" and name.endswith("组"):
        return "teaching"
    for kind, fragments in _FRAGMENTS:
        if any(fragment in name for fragment in fragments):
            return kind
    if institution_kind == "hospital" and name.endswith("科"):
        return "clinical"
    return "other"


def upgrade():
    departments = op.create_table(
        "departments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_departments_institution_id_institutions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departments")),
        sa.UniqueConstraint(
            "institution_id", "name", name=op.f("uq_departments_institution_id_name")
        ),
    )
    with op.batch_alter_table("employments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_employments_department_id"), ["department_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_employments_department_id_departments"),
            "departments",
            ["department_id"],
            ["id"],
        )

    # The free text becomes records, then each employment points at its record.
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT DISTINCT e.institution_id, i.kind, TRIM(e.department) FROM employments e "
            "JOIN institutions i ON i.id = e.institution_id "
            "WHERE e.department IS NOT NULL AND TRIM(e.department) <> ''"
        )
    ).all()
    now = datetime.now(timezone.utc)
    if rows:
        op.bulk_insert(
            departments,
            [
                {
                    "institution_id": institution_id,
                    "name": name,
                    "kind": _kind(name, kind),
                    "is_active": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for institution_id, kind, name in rows
            ],
        )
        connection.execute(
            sa.text(
                "UPDATE employments SET department_id = (SELECT d.id FROM departments d "
                "WHERE d.institution_id = employments.institution_id "
                "AND d.name = TRIM(employments.department)) "
                "WHERE department IS NOT NULL AND TRIM(department) <> ''"
            )
        )

    with op.batch_alter_table("employments", schema=None) as batch_op:
        batch_op.drop_column("department")


def downgrade():
    with op.batch_alter_table("employments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department", sa.VARCHAR(length=64), nullable=True))
    op.get_bind().execute(
        sa.text(
            "UPDATE employments SET department = (SELECT d.name FROM departments d "
            "WHERE d.id = employments.department_id) WHERE department_id IS NOT NULL"
        )
    )
    with op.batch_alter_table("employments", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_employments_department_id_departments"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_employments_department_id"))
        batch_op.drop_column("department_id")

    op.drop_table("departments")
