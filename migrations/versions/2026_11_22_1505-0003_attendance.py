"""attendance

Attendance: check-in state on registrations (issue 3).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 15:00:00

"""

import sqlalchemy as sa
from alembic import op

import eventsite.db

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "attendance",
                sa.Enum(
                    "none",
                    "attended",
                    "absent_notified",
                    "no_show",
                    name="attendance",
                    native_enum=False,
                    create_constraint=True,
                    length=20,
                ),
                server_default="none",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("checked_in_at", eventsite.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("checked_in_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("attendance_note", sa.String(length=200), server_default="", nullable=False))
        batch_op.create_foreign_key(
            batch_op.f("fk_registrations_checked_in_by_id_users"),
            "users",
            ["checked_in_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_registrations_checked_in_by_id_users"), type_="foreignkey")
        # The enum's CHECK names the column; SQLite's table rebuild would keep it otherwise.
        batch_op.drop_constraint(batch_op.f("ck_registrations_attendance"), type_="check")
        batch_op.drop_column("attendance_note")
        batch_op.drop_column("checked_in_by_id")
        batch_op.drop_column("checked_in_at")
        batch_op.drop_column("attendance")
