"""afbud follow-ups: the CANCEL sent with an afbud, and the email when it is withdrawn

Two new email kinds (eventsite.meetings.afbud): afbud_received (the calendar entry's
CANCEL) and afbud_withdrawn (a seat again with a new REQUEST, or the waiting list).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 03:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
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
    "confirm_hold",
    "already_signed_up",
    "meeting_summons",
    "minutes_approval",
)
NEW_KINDS = OLD_KINDS + ("afbud_received", "afbud_withdrawn")
NAME = "ck_outbox_messages_mailkind"


def _replace_check(kinds):
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_="check")
        batch_op.create_check_constraint(op.f(NAME), sa.column("kind").in_(kinds))


def upgrade():
    _replace_check(NEW_KINDS)


def downgrade():
    op.execute(sa.text("DELETE FROM outbox_messages WHERE kind IN ('afbud_received', 'afbud_withdrawn')"))
    _replace_check(OLD_KINDS)
