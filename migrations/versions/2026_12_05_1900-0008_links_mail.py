"""links mail

A new kind of email, "links": a person's personal links, sent on request from the
neutral "Send mig mit link igen" form. The CHECK constraint on outbox_messages.kind
lists the kinds, so it is replaced (on SQLite by batch mode's table copy).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 19:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
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
)
NEW_KINDS = OLD_KINDS + ("links",)
NAME = "ck_outbox_messages_mailkind"


def _replace_check(kinds):
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_="check")
        batch_op.create_check_constraint(op.f(NAME), sa.column("kind").in_(kinds))


def upgrade():
    _replace_check(NEW_KINDS)


def downgrade():
    op.execute(sa.text("DELETE FROM outbox_messages WHERE kind = 'links'"))
    _replace_check(OLD_KINDS)
