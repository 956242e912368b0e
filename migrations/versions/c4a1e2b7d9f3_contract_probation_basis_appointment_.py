"""Contract probation basis; corrected appointments

A 聘用合同's probation limit depends on why it is agreed (general, special case, graduate,
first job on a long contract), so the contract records it. An appointment entered by
mistake can be corrected in place with a reason; it keeps what it said before.

Revision ID: c4a1e2b7d9f3
Revises: 1919e70cafb3
Create Date: 2026-11-27 18:20:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c4a1e2b7d9f3"
down_revision = "1919e70cafb3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("probation_basis", sa.String(length=16), nullable=True))
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("corrected_from", sa.String(length=160), nullable=True))
        batch_op.add_column(sa.Column("correction_reason", sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_column("correction_reason")
        batch_op.drop_column("corrected_from")
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_column("probation_basis")
