"""meetings: afbud, fixed lists, attendance by agenda item, minutes and their approval by email

Two new email kinds: the closed meeting's summons and the minutes' approval request.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 00:10:00

"""

import sqlalchemy as sa
from alembic import op

import eventsite.db

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
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
)
NEW_KINDS = OLD_KINDS + ("meeting_summons", "minutes_approval")
NAME = "ck_outbox_messages_mailkind"


def _replace_check(kinds):
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_="check")
        batch_op.create_check_constraint(op.f(NAME), sa.column("kind").in_(kinds))


def upgrade():
    op.create_table(
        "minutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "sent",
                "approved",
                "published",
                name="minutesstate",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("chair", sa.String(length=200), server_default="", nullable=False),
        sa.Column("secretary", sa.String(length=200), server_default="", nullable=False),
        sa.Column("preamble", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.Column("approved_at", eventsite.db.UTCDateTime(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", eventsite.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_minutes_approved_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["event_sessions.id"], name=op.f("fk_minutes_session_id_event_sessions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes")),
        sa.UniqueConstraint("session_id", name=op.f("uq_minutes_session_id")),
    )
    op.create_table(
        "meeting_apologies",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), server_default="", nullable=False),
        sa.Column(
            "channel",
            sa.Enum("self", "organiser", name="apologychannel", native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("created_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_meeting_apologies_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_meeting_apologies_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["event_sessions.id"],
            name=op.f("fk_meeting_apologies_session_id_event_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_meeting_apologies")),
    )
    with op.batch_alter_table("meeting_apologies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_apologies_session_id"), ["session_id"], unique=False)

    op.create_table(
        "meeting_item_attendance",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("arrived_item_id", sa.Integer(), nullable=True),
        sa.Column("arrived_during", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("left_item_id", sa.Integer(), nullable=True),
        sa.Column("left_during", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("online", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("updated_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["arrived_item_id"],
            ["agenda_items.id"],
            name=op.f("fk_meeting_item_attendance_arrived_item_id_agenda_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["left_item_id"],
            ["agenda_items.id"],
            name=op.f("fk_meeting_item_attendance_left_item_id_agenda_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_meeting_item_attendance_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_meeting_item_attendance_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_meeting_item_attendance")),
    )
    op.create_table(
        "meeting_roster",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("added_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("accepted_at", eventsite.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"], name=op.f("fk_meeting_roster_added_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_meeting_roster_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_meeting_roster_registration_id_registrations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["event_sessions.id"],
            name=op.f("fk_meeting_roster_session_id_event_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_roster")),
        sa.UniqueConstraint("session_id", "person_id", name=op.f("uq_meeting_roster_session_id_person_id")),
    )
    with op.batch_alter_table("meeting_roster", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_roster_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_roster_session_id"), ["session_id"], unique=False)

    op.create_table(
        "minutes_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("minutes_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), server_default="", nullable=False),
        sa.Column("decision", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_items.id"],
            name=op.f("fk_minutes_items_agenda_item_id_agenda_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["minutes_id"], ["minutes.id"], name=op.f("fk_minutes_items_minutes_id_minutes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_items")),
        sa.UniqueConstraint("minutes_id", "agenda_item_id", name=op.f("uq_minutes_items_minutes_id_agenda_item_id")),
    )
    with op.batch_alter_table("minutes_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_minutes_items_minutes_id"), ["minutes_id"], unique=False)

    op.create_table(
        "minutes_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("minutes_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("sent_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.Column("deadline", eventsite.db.UTCDateTime(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["minutes_id"], ["minutes.id"], name=op.f("fk_minutes_versions_minutes_id_minutes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["users.id"], name=op.f("fk_minutes_versions_sent_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_versions")),
        sa.UniqueConstraint("minutes_id", "number", name=op.f("uq_minutes_versions_minutes_id_number")),
    )
    with op.batch_alter_table("minutes_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_minutes_versions_deadline"), ["deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_minutes_versions_minutes_id"), ["minutes_id"], unique=False)

    op.create_table(
        "minutes_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token_key", sa.String(length=20), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column(
            "response",
            sa.Enum(
                "pending",
                "approved",
                "objected",
                name="approvalresponse",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("comment", sa.String(length=2000), server_default="", nullable=False),
        sa.Column("responded_at", eventsite.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox_messages.id"],
            name=op.f("fk_minutes_approvals_outbox_id_outbox_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_minutes_approvals_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["minutes_versions.id"],
            name=op.f("fk_minutes_approvals_version_id_minutes_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_approvals")),
        sa.UniqueConstraint("version_id", "person_id", name=op.f("uq_minutes_approvals_version_id_person_id")),
    )
    with op.batch_alter_table("minutes_approvals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_minutes_approvals_outbox_id"), ["outbox_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_minutes_approvals_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_minutes_approvals_version_id"), ["version_id"], unique=False)

    _replace_check(NEW_KINDS)


def downgrade():
    op.execute(sa.text("DELETE FROM outbox_messages WHERE kind IN ('meeting_summons', 'minutes_approval')"))
    _replace_check(OLD_KINDS)
    with op.batch_alter_table("minutes_approvals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minutes_approvals_version_id"))
        batch_op.drop_index(batch_op.f("ix_minutes_approvals_person_id"))
        batch_op.drop_index(batch_op.f("ix_minutes_approvals_outbox_id"))

    op.drop_table("minutes_approvals")
    with op.batch_alter_table("minutes_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minutes_versions_minutes_id"))
        batch_op.drop_index(batch_op.f("ix_minutes_versions_deadline"))

    op.drop_table("minutes_versions")
    with op.batch_alter_table("minutes_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minutes_items_minutes_id"))

    op.drop_table("minutes_items")
    with op.batch_alter_table("meeting_roster", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_roster_session_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_roster_person_id"))

    op.drop_table("meeting_roster")
    op.drop_table("meeting_item_attendance")
    with op.batch_alter_table("meeting_apologies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_apologies_session_id"))

    op.drop_table("meeting_apologies")
    op.drop_table("minutes")
