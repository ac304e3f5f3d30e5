"""meetings: agenda, bilag, series

A session's agenda (numbered items with sub-items), its bilag (files attached to the
meeting or an agenda item), who sees the agenda, and meeting series.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 00:00:00

"""

import sqlalchemy as sa
from alembic import op

import eventsite.db

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

SHOWN_TO = ("public", "participants")
KINDS = ("orientering", "droeftelse", "beslutning", "valg")


def upgrade():
    op.create_table(
        "meeting_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=True),
        sa.Column("online_url", sa.String(length=500), nullable=True),
        sa.Column("created_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_meeting_series_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["venues.id"], name=op.f("fk_meeting_series_venue_id_venues"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_series")),
    )
    with op.batch_alter_table("meeting_series", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_series_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "meetings",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column(
            "agenda_shown_to",
            sa.Enum(*SHOWN_TO, name="shownto", native_enum=False, length=20, create_constraint=True),
            server_default="public",
            nullable=False,
        ),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["series_id"], ["meeting_series.id"], name=op.f("fk_meetings_series_id_meeting_series"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["event_sessions.id"],
            name=op.f("fk_meetings_session_id_event_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_series_id"), ["series_id"], unique=False)

    op.create_table(
        "agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("case_number", sa.String(length=40), server_default="", nullable=False),
        sa.Column("presenter", sa.String(length=200), server_default="", nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=True),
        sa.Column("ends_at", sa.Time(), nullable=True),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="agendakind", native_enum=False, length=20, create_constraint=True),
            server_default="orientering",
            nullable=False,
        ),
        sa.Column("proposed_decision", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["agenda_items.id"], name=op.f("fk_agenda_items_parent_id_agenda_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["event_sessions.id"],
            name=op.f("fk_agenda_items_session_id_event_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_items")),
    )
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_items_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agenda_items_session_id"), ["session_id"], unique=False)

    op.create_table(
        "meeting_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column(
            "shown_to",
            sa.Enum(*SHOWN_TO, name="shownto", native_enum=False, length=20, create_constraint=True),
            nullable=False,
        ),
        sa.Column("uploaded_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_items.id"],
            name=op.f("fk_meeting_files_agenda_item_id_agenda_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["event_sessions.id"],
            name=op.f("fk_meeting_files_session_id_event_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_meeting_files_uploaded_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_files")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_meeting_files_stored_name")),
    )
    with op.batch_alter_table("meeting_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_files_agenda_item_id"), ["agenda_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_files_session_id"), ["session_id"], unique=False)


def downgrade():
    with op.batch_alter_table("meeting_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_files_session_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_files_agenda_item_id"))
    op.drop_table("meeting_files")
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_items_session_id"))
        batch_op.drop_index(batch_op.f("ix_agenda_items_parent_id"))
    op.drop_table("agenda_items")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_series_id"))
    op.drop_table("meetings")
    with op.batch_alter_table("meeting_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_series_organisation_id"))
    op.drop_table("meeting_series")
