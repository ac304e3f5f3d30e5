"""privacy: erased people, retention settings

`people.erased_at` marks the anonymous placeholder an erasure leaves (eventsite.privacy);
`retention_settings` holds each organisation's own retention periods.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 00:00:00

"""

import sqlalchemy as sa
from alembic import op

import eventsite.db

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", eventsite.db.UTCDateTime(), nullable=True))
        batch_op.create_index("ix_people_organisation_erased", ["organisation_id", "erased_at"], unique=False)
    op.create_table(
        "retention_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=60), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("updated_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("period >= 0", name=op.f("ck_retention_settings_period_not_negative")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_retention_settings_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_retention_settings_updated_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_settings")),
        sa.UniqueConstraint("organisation_id", "step", name=op.f("uq_retention_settings_organisation_id_step")),
    )
    with op.batch_alter_table("retention_settings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retention_settings_organisation_id"), ["organisation_id"], unique=False)
    # Erasure and export find a person's emails by address and the audit entries by object.
    op.create_index(
        "ix_outbox_messages_organisation_recipient", "outbox_messages", ["organisation_id", "recipient"], unique=False
    )
    op.create_index("ix_audit_entries_object", "audit_entries", ["object_type", "object_id"], unique=False)


def downgrade():
    op.drop_index("ix_audit_entries_object", table_name="audit_entries")
    op.drop_index("ix_outbox_messages_organisation_recipient", table_name="outbox_messages")
    with op.batch_alter_table("retention_settings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_settings_organisation_id"))
    op.drop_table("retention_settings")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index("ix_people_organisation_erased")
        batch_op.drop_column("erased_at")
