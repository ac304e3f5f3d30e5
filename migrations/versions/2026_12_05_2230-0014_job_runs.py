"""job runs

A lease row per scheduled job (each run happens once across several workers) and
the mail workers' heartbeats (for /readyz).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 22:30:00

"""

import sqlalchemy as sa
from alembic import op

import eventsite.db

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("last_started_at", eventsite.db.UTCDateTime(), nullable=True),
        sa.Column("last_finished_at", eventsite.db.UTCDateTime(), nullable=True),
        sa.Column("last_outcome", sa.String(length=10), nullable=False),
        sa.Column("last_line", sa.String(length=200), nullable=False),
        sa.Column("leased_until", eventsite.db.UTCDateTime(), nullable=True),
        sa.Column("lease_token", sa.String(length=32), nullable=True),
        sa.Column("next_due_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
        sa.UniqueConstraint("name", name=op.f("uq_job_runs_name")),
    )
    op.create_table(
        "worker_heartbeats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=120), nullable=False),
        sa.Column("started_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.Column("beat_at", eventsite.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker_heartbeats")),
        sa.UniqueConstraint("worker", name=op.f("uq_worker_heartbeats_worker")),
    )


def downgrade():
    op.drop_table("worker_heartbeats")
    op.drop_table("job_runs")
