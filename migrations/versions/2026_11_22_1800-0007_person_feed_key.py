"""person feed key

The secret behind a person's own calendar feed moves from its own table
(personal_feed_keys, one row written at a person's first email) to a column on
people, set when the person is stored: a sign-up no longer writes a second row for
it. Existing keys are kept, so feed links already handed out go on working.

The column stays nullable: making it NOT NULL would rebuild `people` on SQLite,
which the foreign keys pointing at it forbid. Every row gets a key here, and the
model gives every new person one.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 18:00:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

import eventsite.db

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feed_key", sa.String(length=32), nullable=True))
    connection = op.get_bind()
    connection.execute(
        sa.text(
            "UPDATE people SET feed_key = "
            "(SELECT personal_feed_keys.key FROM personal_feed_keys WHERE personal_feed_keys.person_id = people.id)"
        )
    )
    missing = connection.execute(sa.text("SELECT id FROM people WHERE feed_key IS NULL")).scalars().all()
    if missing:
        connection.execute(
            sa.text("UPDATE people SET feed_key = :key WHERE id = :id"),
            [{"id": person_id, "key": secrets.token_urlsafe(16)} for person_id in missing],
        )
    op.drop_table("personal_feed_keys")


def downgrade():
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
    op.execute(
        "INSERT INTO personal_feed_keys (person_id, key, created_at) SELECT id, feed_key, created_at FROM people"
    )
    # Not in batch mode: SQLite (3.35+) drops a column in place; a rebuild of
    # `people` would break the foreign keys that point at it.
    op.drop_column("people", "feed_key")
