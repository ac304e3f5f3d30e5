"""programme end and description

Programme items get an optional end time and an optional description.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 19:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("programme_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ends_at", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("description", sa.Text(), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("programme_items", schema=None) as batch_op:
        batch_op.drop_column("description")
        batch_op.drop_column("ends_at")
