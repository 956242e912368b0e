"""Governance: motion subjects, failed followers, charter proposals, notice and term records

The free-text linked_type/linked_id of a motion become its subject (subject_kind/subject_id,
resolved through the motion-subject registry); values already stored are kept. New:
gov_decision_failures (a motion_decided receiver that failed; the decision stands),
gov_charter_proposals (charter settings put to the council as a motion), a seat's
end_reason, a special meeting's notice waiver and a motion's last deadline reminder.

Revision ID: c4a1d2e3f5b6
Revises: 1919e70cafb3
Create Date: 2026-11-27 18:20:00

"""

from alembic import op
import sqlalchemy as sa

import core.models


# revision identifiers, used by Alembic.
revision = "c4a1d2e3f5b6"
down_revision = "1919e70cafb3"
branch_labels = None
depends_on = None

_STAMP = core.models.UTCDateTime(timezone=True)


def upgrade():
    with op.batch_alter_table("gov_motions", schema=None) as batch_op:
        batch_op.drop_index("ix_gov_motions_linked")
        batch_op.alter_column(
            "linked_type",
            new_column_name="subject_kind",
            existing_type=sa.String(length=64),
            existing_nullable=True,
        )
        batch_op.alter_column(
            "linked_id",
            new_column_name="subject_id",
            existing_type=sa.String(length=64),
            existing_nullable=True,
        )
        batch_op.add_column(sa.Column("reminded_at", _STAMP, nullable=True))
    with op.batch_alter_table("gov_motions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_gov_motions_subject", ["subject_kind", "subject_id"], unique=False
        )
    with op.batch_alter_table("gov_seats", schema=None) as batch_op:
        batch_op.add_column(sa.Column("end_reason", sa.String(length=500), nullable=True))
    with op.batch_alter_table("gov_meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notice_waiver", sa.Text(), nullable=True))

    op.create_table(
        "gov_decision_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("motion_id", sa.Integer(), nullable=False),
        sa.Column("receiver", sa.String(length=200), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("occurred_at", _STAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_gov_decision_failures_institution_id_institutions"),
        ),
        sa.ForeignKeyConstraint(
            ["motion_id"],
            ["gov_motions.id"],
            name=op.f("fk_gov_decision_failures_motion_id_gov_motions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_decision_failures")),
    )
    with op.batch_alter_table("gov_decision_failures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gov_decision_failures_motion_id"), ["motion_id"], unique=False
        )

    op.create_table(
        "gov_charter_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.Column("applied_at", _STAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_gov_charter_proposals_institution_id_institutions"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["users.id"],
            name=op.f("fk_gov_charter_proposals_proposed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_charter_proposals")),
    )
    with op.batch_alter_table("gov_charter_proposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gov_charter_proposals_institution_id"), ["institution_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("gov_charter_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gov_charter_proposals_institution_id"))
    op.drop_table("gov_charter_proposals")
    with op.batch_alter_table("gov_decision_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gov_decision_failures_motion_id"))
    op.drop_table("gov_decision_failures")
    with op.batch_alter_table("gov_meetings", schema=None) as batch_op:
        batch_op.drop_column("notice_waiver")
    with op.batch_alter_table("gov_seats", schema=None) as batch_op:
        batch_op.drop_column("end_reason")
    with op.batch_alter_table("gov_motions", schema=None) as batch_op:
        batch_op.drop_index("ix_gov_motions_subject")
        batch_op.drop_column("reminded_at")
        batch_op.alter_column(
            "subject_kind",
            new_column_name="linked_type",
            existing_type=sa.String(length=64),
            existing_nullable=True,
        )
        batch_op.alter_column(
            "subject_id",
            new_column_name="linked_id",
            existing_type=sa.String(length=64),
            existing_nullable=True,
        )
    with op.batch_alter_table("gov_motions", schema=None) as batch_op:
        batch_op.create_index("ix_gov_motions_linked", ["linked_type", "linked_id"], unique=False)
