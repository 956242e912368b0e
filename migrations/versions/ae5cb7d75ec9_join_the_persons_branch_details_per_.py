"""join the persons branch (details per employment) and main (message ids)

Revision ID: ae5cb7d75ec9
Revises: e50af96a20d8, 9b3e1d7c2a40
Create Date: 2026-11-27 22:40:52.667991

"""
from alembic import op
import sqlalchemy as sa

import core.models


# revision identifiers, used by Alembic.
revision = 'ae5cb7d75ec9'
down_revision = ('e50af96a20d8', '9b3e1d7c2a40')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
