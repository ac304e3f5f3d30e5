"""pending signups

Sign-ups that wait for their email address to be confirmed (members-only events
reached without a personal link), and the email kind that carries the link.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 19:45:00

"""

import sqlalchemy as sa
from alembic import op

import eventsite.db

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


OLD_KINDS = (
    "confirmation",
    "waitlisted",
    "promoted",
    "moved",
    "cancelled",
    "cancelled_by_organiser",
    "session_changed",
    "session_cancelled",
    "reminder",
    "subsidy_decision",
    "invitation",
    "links",
)
NEW_KINDS = OLD_KINDS + ("confirm_signup",)
NAME = "ck_outbox_messages_mailkind"


def _replace_check(kinds):
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_="check")
        batch_op.create_check_constraint(op.f(NAME), sa.column("kind").in_(kinds))


def upgrade():
    op.create_table(
        "pending_signups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("form_data", sa.Text(), nullable=False),
        sa.Column("token_key", sa.String(length=32), nullable=False),
        sa.Column("created_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_pending_signups_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_signups")),
    )
    with op.batch_alter_table("pending_signups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_signups_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_pending_signups_event_id"), ["event_id"], unique=False)
    _replace_check(NEW_KINDS)


def downgrade():
    op.execute(sa.text("DELETE FROM outbox_messages WHERE kind = 'confirm_signup'"))
    _replace_check(OLD_KINDS)
    with op.batch_alter_table("pending_signups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_signups_event_id"))
        batch_op.drop_index(batch_op.f("ix_pending_signups_created_at"))
    op.drop_table("pending_signups")
