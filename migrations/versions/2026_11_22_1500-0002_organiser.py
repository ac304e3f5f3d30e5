"""organiser

Organiser accounts, roles, login attempts, audit trail (issue 3).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 15:00:00

"""
from alembic import op
import sqlalchemy as sa

import eventsite.db


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
