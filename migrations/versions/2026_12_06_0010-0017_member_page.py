"""member page, participant-list consents, privacy notices

"Mine tilmeldinger": the emailed single-use entrance links (member_links); the
participants' answers to "show me on the participant list" (list_consents, a log of
given and withdrawn consents with their wording); the event setting that offers that
list (events.participant_list); each organisation's privacy notice (privacy_notices).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 00:10:00

"""

import sqlalchemy as sa
from alembic import op

import eventsite.db

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "member_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("created_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.Column("expires_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.Column("used_at", eventsite.db.UTCDateTime(), nullable=True),
        sa.Column("session_digest", sa.String(length=64), nullable=True),
        sa.Column("ended_at", eventsite.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_member_links_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_links")),
    )
    with op.batch_alter_table("member_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_links_person_id"), ["person_id"], unique=False)

    op.create_table(
        "list_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("given", sa.Boolean(), nullable=False),
        sa.Column("wording", sa.String(length=500), nullable=False),
        sa.Column("at", eventsite.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_list_consents_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_consents")),
    )
    with op.batch_alter_table("list_consents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_list_consents_registration_id"), ["registration_id"], unique=False)

    op.create_table(
        "privacy_notices",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_privacy_notices_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_privacy_notices_updated_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_privacy_notices")),
    )

    # A plain ADD COLUMN (not batch mode): on SQLite a batch would copy and drop the events
    # table, which the foreign keys of a populated database refuse.
    op.add_column("events", sa.Column("participant_list", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("participant_list")
    op.drop_table("privacy_notices")
    with op.batch_alter_table("list_consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_list_consents_registration_id"))
    op.drop_table("list_consents")
    with op.batch_alter_table("member_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_links_person_id"))
    op.drop_table("member_links")
