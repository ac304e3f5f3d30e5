"""sealed TOTP secrets

The second factor's TOTP secrets were stored in the clear; from now on they are sealed
with Fernet under a key derived (HKDF-SHA256) from EVENTSITE_SECRET_KEY, as
`eventsite.accounts.second_factor.seal` does. The column widens for the sealed form and
the secrets already stored are sealed here (the derivation is written out, so this
migration keeps working whatever the code does later).

Revision ID: 0025
Revises: 0021
Create Date: 2026-12-06 03:00:00

"""

import base64

import sqlalchemy as sa
from alembic import op
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0021"
branch_labels = None
depends_on = None

SEAL_PURPOSE = b"eventsite second factor secret"


def _fernet() -> Fernet:
    key = current_app.config["SECRET_KEY"]
    material = key.encode() if isinstance(key, str) else key
    derived = HKDF(algorithm=SHA256(), length=32, salt=None, info=SEAL_PURPOSE).derive(material)
    return Fernet(base64.urlsafe_b64encode(derived))


def _secrets(connection) -> list[tuple[int, str]]:
    return list(connection.execute(sa.text("SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL")))


def _replace_column(length: int, convert) -> None:
    """users.totp_secret, each value converted, in a column of the new length.

    Not by batch mode: on SQLite that copies `users` into a new table and drops the
    old one, and the drop's ON DELETE CASCADE would empty `memberships`. A new column,
    then SQLite's own DROP and RENAME COLUMN (3.35+; PostgreSQL has both)."""
    connection = op.get_bind()
    rows = _secrets(connection)
    op.add_column("users", sa.Column("totp_secret_new", sa.String(length=length), nullable=True))
    for user_id, value in rows:
        connection.execute(
            sa.text("UPDATE users SET totp_secret_new = :value WHERE id = :id"),
            {"value": convert(value), "id": user_id},
        )
    op.execute("ALTER TABLE users DROP COLUMN totp_secret")
    op.execute("ALTER TABLE users RENAME COLUMN totp_secret_new TO totp_secret")


def upgrade():
    fernet = _fernet()
    _replace_column(255, lambda secret: fernet.encrypt(secret.encode()).decode())


def downgrade():
    fernet = _fernet()

    def opened(sealed: str) -> str | None:
        try:
            return fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            return None  # sealed under another key: the account enrols again

    _replace_column(64, opened)
