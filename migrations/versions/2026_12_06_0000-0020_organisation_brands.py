"""organisation brands

Each organisation's brand: display name, primary colour, email sender name, contact
details, footer links, and the logo (re-encoded bytes, content type, hash) with its
favicon, stored in the database.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 00:00:00

"""

import sqlalchemy as sa
from alembic import op

import eventsite.db

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "organisation_brands",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("primary_colour", sa.String(length=7), nullable=False),
        sa.Column("email_sender_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("contact_phone", sa.String(length=40), nullable=False),
        sa.Column("contact_address", sa.String(length=300), nullable=False),
        sa.Column("footer_links", sa.Text(), nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_content_type", sa.String(length=20), nullable=False),
        sa.Column("logo_hash", sa.String(length=64), nullable=False),
        sa.Column("favicon", sa.LargeBinary(), nullable=True),
        sa.Column("updated_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_brands_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_organisation_brands")),
    )


def downgrade():
    op.drop_table("organisation_brands")
