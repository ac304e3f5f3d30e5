"""signup holds

Places held for anonymous sign-ups until their email link is followed, and the two
email kinds about them ("Bekræft din plads", "already signed up").

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 23:00:00

"""

import sqlalchemy as sa
from alembic import op

import eventsite.db

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
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
    "confirm_signup",
    "account_invitation",
    "password_reset",
)
NEW_KINDS = OLD_KINDS + ("confirm_hold", "already_signed_up")
NAME = "ck_outbox_messages_mailkind"


def _replace_check(kinds):
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_="check")
        batch_op.create_check_constraint(op.f(NAME), sa.column("kind").in_(kinds))


def upgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("held_until", eventsite.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("hold_key", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("held_details", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_registrations_held_until"), ["held_until"], unique=False)
    _replace_check(NEW_KINDS)


def downgrade():
    op.execute(sa.text("DELETE FROM outbox_messages WHERE kind IN ('confirm_hold', 'already_signed_up')"))
    _replace_check(OLD_KINDS)
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registrations_held_until"))
        batch_op.drop_column("held_details")
        batch_op.drop_column("hold_key")
        batch_op.drop_column("held_until")
