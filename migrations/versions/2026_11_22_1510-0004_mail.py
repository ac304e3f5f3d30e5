"""mail

Outbox and calendar: durable email queue, feeds (issue 4).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 15:00:00

"""

import sqlalchemy as sa
from alembic import op

import eventsite.db

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


MAIL_KINDS = (
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
OUTBOX_STATUSES = ("queued", "sending", "sent", "failed", "skipped")


def upgrade():
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*MAIL_KINDS, name="mailkind", native_enum=False, create_constraint=True, length=30),
            nullable=False,
        ),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(*OUTBOX_STATUSES, name="outboxstatus", native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("due_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.Column("lease_expires_at", eventsite.db.UTCDateTime(), nullable=True),
        sa.Column("claim_token", sa.String(length=32), nullable=True),
        sa.Column("message_id", sa.String(length=250), nullable=False),
        sa.Column("dedupe_key", sa.String(length=100), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("created_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.Column("sent_at", eventsite.db.UTCDateTime(), nullable=True),
        sa.Column("failed_at", eventsite.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_outbox_messages_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_outbox_messages_registration_id_registrations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["event_sessions.id"],
            name=op.f("fk_outbox_messages_session_id_event_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_messages_dedupe_key")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_messages_message_id")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_messages_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_messages_registration_id"), ["registration_id"], unique=False)
        batch_op.create_index("ix_outbox_messages_status_due_at", ["status", "due_at"], unique=False)

    op.create_table(
        "personal_feed_keys",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("created_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_personal_feed_keys_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_personal_feed_keys")),
    )

    # Plain ADD COLUMNs (constant or no default), so SQLite does not rebuild the tables.
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_sequence", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("event_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_at", eventsite.db.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("event_sessions", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("calendar_sequence")
    op.drop_table("personal_feed_keys")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_messages_status_due_at")
        batch_op.drop_index(batch_op.f("ix_outbox_messages_registration_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_messages_organisation_id"))
    op.drop_table("outbox_messages")
