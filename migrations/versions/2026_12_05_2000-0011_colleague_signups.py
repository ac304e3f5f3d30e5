"""colleague signups

Who invited whom: registrations made through a member's colleague link, and an
optional limit per event on how many colleagues one member may sign up.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 20:00:00

"""

import sqlalchemy as sa
from alembic import op

import eventsite.db

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "colleague_signups",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("created_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_colleague_signups_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_colleague_signups_member_id_members"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_colleague_signups_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_colleague_signups")),
    )
    with op.batch_alter_table("colleague_signups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_colleague_signups_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_colleague_signups_member_id"), ["member_id"], unique=False)
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("colleague_limit", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("colleague_limit")
    with op.batch_alter_table("colleague_signups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_colleague_signups_member_id"))
        batch_op.drop_index(batch_op.f("ix_colleague_signups_event_id"))
    op.drop_table("colleague_signups")
