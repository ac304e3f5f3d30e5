"""payments

Subsidies, fees, add-ons and EAN invoicing (issue 6).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 15:00:00

"""

import sqlalchemy as sa
from alembic import op

import eventsite.db

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "event_addons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "workshop",
                "reception",
                "dinner",
                "single_room",
                "double_room",
                "other",
                name="addonkind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("price_ore", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name=op.f("ck_event_addons_capacity_not_negative")),
        sa.CheckConstraint("price_ore >= 0", name=op.f("ck_event_addons_price_not_negative")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_addons_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_addons")),
    )
    with op.batch_alter_table("event_addons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_addons_event_id"), ["event_id"], unique=False)

    op.create_table(
        "event_day_prices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("member_price_ore", sa.Integer(), nullable=False),
        sa.Column("non_member_price_ore", sa.Integer(), nullable=False),
        sa.CheckConstraint("days >= 1", name=op.f("ck_event_day_prices_days_positive")),
        sa.CheckConstraint(
            "member_price_ore >= 0 AND non_member_price_ore >= 0", name=op.f("ck_event_day_prices_prices_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_day_prices_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_day_prices")),
        sa.UniqueConstraint("event_id", "days", name=op.f("uq_event_day_prices_event_id_days")),
    )
    with op.batch_alter_table("event_day_prices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_day_prices_event_id"), ["event_id"], unique=False)

    op.create_table(
        "event_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name=op.f("ck_event_days_capacity_not_negative")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_days_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_days")),
        sa.UniqueConstraint("event_id", "day", name=op.f("uq_event_days_event_id_day")),
    )
    with op.batch_alter_table("event_days", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_days_event_id"), ["event_id"], unique=False)

    op.create_table(
        "event_fees",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("member_price_ore", sa.Integer(), nullable=False),
        sa.Column("non_member_price_ore", sa.Integer(), nullable=False),
        sa.Column("updated_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "member_price_ore >= 0 AND non_member_price_ore >= 0", name=op.f("ck_event_fees_prices_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_fees_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_fees")),
    )
    op.create_table(
        "subsidy_budgets",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=True),
        sa.Column("amount_ore", sa.Integer(), nullable=True),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("updated_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "amount_ore IS NULL OR amount_ore >= 0", name=op.f("ck_subsidy_budgets_amount_not_negative")
        ),
        sa.CheckConstraint("places IS NULL OR places >= 0", name=op.f("ck_subsidy_budgets_places_not_negative")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_subsidy_budgets_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_subsidy_budgets")),
    )
    op.create_table(
        "registration_addons",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("addon_id", sa.Integer(), nullable=False),
        sa.Column("price_ore", sa.Integer(), nullable=False),
        sa.Column("share_with", sa.String(length=200), nullable=False),
        sa.Column("created_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("price_ore >= 0", name=op.f("ck_registration_addons_price_not_negative")),
        sa.ForeignKeyConstraint(
            ["addon_id"], ["event_addons.id"], name=op.f("fk_registration_addons_addon_id_event_addons")
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_registration_addons_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("registration_id", "addon_id", name=op.f("pk_registration_addons")),
    )
    with op.batch_alter_table("registration_addons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registration_addons_addon_id"), ["addon_id"], unique=False)

    op.create_table(
        "registration_billing",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("is_member", sa.Boolean(), nullable=True),
        sa.Column("fee_ore", sa.Integer(), nullable=False),
        sa.Column(
            "payer_kind",
            sa.Enum("person", "ean", name="payerkind", native_enum=False, create_constraint=True, length=10),
            nullable=False,
        ),
        sa.Column("ean", sa.String(length=13), nullable=True),
        sa.Column("invoice_organisation", sa.String(length=200), nullable=False),
        sa.Column("invoice_reference", sa.String(length=100), nullable=False),
        sa.Column("order_number", sa.String(length=100), nullable=False),
        sa.Column("cvr", sa.String(length=8), nullable=True),
        sa.Column("invoiced_at", eventsite.db.UTCDateTime(), nullable=True),
        sa.Column("paid_at", eventsite.db.UTCDateTime(), nullable=True),
        sa.Column("created_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("payer_kind <> 'ean' OR ean IS NOT NULL", name=op.f("ck_registration_billing_ean_given")),
        sa.CheckConstraint("fee_ore >= 0", name=op.f("ck_registration_billing_fee_not_negative")),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_registration_billing_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_registration_billing")),
    )
    op.create_table(
        "registration_days",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("day_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["day_id"], ["event_days.id"], name=op.f("fk_registration_days_day_id_event_days"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_registration_days_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("registration_id", "day_id", name=op.f("pk_registration_days")),
    )
    with op.batch_alter_table("registration_days", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registration_days_day_id"), ["day_id"], unique=False)

    op.create_table(
        "subsidy_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("wants_fee", sa.Boolean(), nullable=False),
        sa.Column("wants_transport", sa.Boolean(), nullable=False),
        sa.Column("wants_accommodation", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "requested",
                "approved",
                "declined",
                name="subsidystatus",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("granted_ore", sa.Integer(), nullable=True),
        sa.Column("decision_note", sa.String(length=1000), nullable=False),
        sa.Column("decided_at", eventsite.db.UTCDateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "granted_ore IS NULL OR granted_ore >= 0", name=op.f("ck_subsidy_requests_granted_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_subsidy_requests_decided_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_subsidy_requests_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_subsidy_requests_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_requests")),
        sa.UniqueConstraint("registration_id", name=op.f("uq_subsidy_requests_registration_id")),
    )
    with op.batch_alter_table("subsidy_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subsidy_requests_event_id"), ["event_id"], unique=False)


def downgrade():
    with op.batch_alter_table("subsidy_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subsidy_requests_event_id"))

    op.drop_table("subsidy_requests")
    with op.batch_alter_table("registration_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_days_day_id"))

    op.drop_table("registration_days")
    op.drop_table("registration_billing")
    with op.batch_alter_table("registration_addons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_addons_addon_id"))

    op.drop_table("registration_addons")
    op.drop_table("subsidy_budgets")
    op.drop_table("event_fees")
    with op.batch_alter_table("event_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_days_event_id"))

    op.drop_table("event_days")
    with op.batch_alter_table("event_day_prices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_day_prices_event_id"))

    op.drop_table("event_day_prices")
    with op.batch_alter_table("event_addons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_addons_event_id"))

    op.drop_table("event_addons")
