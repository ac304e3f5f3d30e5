"""invitations

Member directory and invitations (issue 5).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 15:00:00

"""

import sqlalchemy as sa
from alembic import op

import eventsite.db

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


JOB_LEVELS = ("direktoer", "chef", "leder", "mellemleder", "other")
ROUND_KINDS = ("invitation", "reminder")
INVITATION_STATES = ("queued", "sent", "bounced", "registered", "declined")


def upgrade():
    op.create_table(
        "members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("member_number", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("job_title", sa.String(length=200), nullable=False),
        sa.Column(
            "job_level",
            sa.Enum(*JOB_LEVELS, name="joblevel", native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("workplace", sa.String(length=200), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=True),
        sa.Column("region", sa.String(length=60), nullable=True),
        sa.Column("opted_out_at", eventsite.db.UTCDateTime(), nullable=True),
        sa.Column("created_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_members_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        sa.UniqueConstraint("organisation_id", "email", name=op.f("uq_members_organisation_id_email")),
        sa.UniqueConstraint("organisation_id", "member_number", name=op.f("uq_members_organisation_id_member_number")),
    )
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index("ix_members_organisation_name", ["organisation_id", "name"], unique=False)

    op.create_table(
        "member_tags",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_member_tags_member_id_members"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("member_id", "tag", name=op.f("pk_member_tags")),
    )
    with op.batch_alter_table("member_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_tags_tag"), ["tag"], unique=False)

    op.create_table(
        "member_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=43), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_member_imports_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_member_imports_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_imports")),
        sa.UniqueConstraint("token", name=op.f("uq_member_imports_token")),
    )
    with op.batch_alter_table("member_imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_imports_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "invitation_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*ROUND_KINDS, name="roundkind", native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("created_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_invitation_rounds_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_invitation_rounds_event_id_events")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation_rounds")),
        sa.UniqueConstraint("event_id", "idempotency_key", name=op.f("uq_invitation_rounds_event_id_idempotency_key")),
    )
    with op.batch_alter_table("invitation_rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitation_rounds_event_id"), ["event_id"], unique=False)

    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(*INVITATION_STATES, name="invitationstate", native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("token_key", sa.String(length=20), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("queued_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.Column("sent_at", eventsite.db.UTCDateTime(), nullable=True),
        sa.Column("bounced_at", eventsite.db.UTCDateTime(), nullable=True),
        sa.Column("declined_at", eventsite.db.UTCDateTime(), nullable=True),
        sa.Column("registered_at", eventsite.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_invitations_event_id_events")),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_invitations_member_id_members"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox_messages.id"],
            name=op.f("fk_invitations_outbox_id_outbox_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["invitation_rounds.id"], name=op.f("fk_invitations_round_id_invitation_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("round_id", "member_id", name=op.f("uq_invitations_round_id_member_id")),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index("ix_invitations_event_member", ["event_id", "member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invitations_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invitations_outbox_id"), ["outbox_id"], unique=False)


def downgrade():
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitations_outbox_id"))
        batch_op.drop_index(batch_op.f("ix_invitations_member_id"))
        batch_op.drop_index("ix_invitations_event_member")
    op.drop_table("invitations")
    with op.batch_alter_table("invitation_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_rounds_event_id"))
    op.drop_table("invitation_rounds")
    with op.batch_alter_table("member_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_imports_organisation_id"))
    op.drop_table("member_imports")
    with op.batch_alter_table("member_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_tags_tag"))
    op.drop_table("member_tags")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index("ix_members_organisation_name")
    op.drop_table("members")
