"""Join the branches this session's modules grew from one head: HR's contract and
appointment changes, payroll's runs, the schools' and the hospitals' tables. They touch
different tables, so the order between them does not matter.

Revision ID: 2a799e506602
Revises: cb3223050aef, 6170b02fe335, c4a1e2b7d9f3, 227c92929f80, c4a1d2e3f5b6
Create Date: 2026-11-27 18:44:29.402546

"""

# revision identifiers, used by Alembic.
revision = "2a799e506602"
down_revision = ("cb3223050aef", "6170b02fe335", "c4a1e2b7d9f3", "227c92929f80", "c4a1d2e3f5b6")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
