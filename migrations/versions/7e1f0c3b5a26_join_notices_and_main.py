"""join heads: notices as message ids (4c8e2a6f1d93) and main's HR personal details (e50af96a20d8)

Nothing to do: the two branches touch different tables.

Revision ID: 7e1f0c3b5a26
Revises: 4c8e2a6f1d93, e50af96a20d8
Create Date: 2026-11-27 23:10:00

"""

revision = "7e1f0c3b5a26"
down_revision = ("4c8e2a6f1d93", "e50af96a20d8")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
