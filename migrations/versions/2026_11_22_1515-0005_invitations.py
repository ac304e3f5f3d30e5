"""invitations

Member directory and invitations (issue 5).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 15:00:00

"""
from alembic import op
import sqlalchemy as sa

import eventsite.db


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
