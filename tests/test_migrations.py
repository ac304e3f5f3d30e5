"""The migrations are the only source of the schema: models must match them."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from eventsite.extensions import db


def test_models_and_migrations_agree(app):
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_the_migration_chain_has_a_single_head(app):
    from alembic.script import ScriptDirectory
    from flask_migrate import Config

    with app.app_context():
        config = Config(app.extensions["migrate"].directory + "/alembic.ini")
        config.set_main_option("script_location", app.extensions["migrate"].directory)
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_0007_moves_feed_keys_onto_people_and_links_handed_out_keep_working(tmp_path):
    """Feed links already in people's calendars name the key from personal_feed_keys."""
    import flask_migrate
    from sqlalchemy import text

    from config import TestConfig
    from eventsite import create_app
    from eventsite.calendar.personal import _serializer, person_from_feed_token

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'upgrade.sqlite'}"

    app = create_app(Config)
    with app.app_context():
        flask_migrate.upgrade(revision="0006")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO organisations (id, slug, name, created_at) VALUES (1, 'lf', 'Lederforeningen', '2026-01-01')"
                )
            )
            for person_id in (1, 2):
                connection.execute(
                    text(
                        "INSERT INTO people (id, organisation_id, email, name, job_title, workplace, created_at, updated_at) "
                        "VALUES (:id, 1, :email, 'Leder', '', '', '2026-01-01', '2026-01-01')"
                    ),
                    {"id": person_id, "email": f"leder{person_id}@example.dk"},
                )
            connection.execute(
                text(
                    "INSERT INTO personal_feed_keys (person_id, key, created_at) VALUES (1, 'handed-out-key', '2026-01-01')"
                )
            )
        old_link = _serializer().dumps([1, "handed-out-key"])

        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            keys = dict(connection.execute(text("SELECT id, feed_key FROM people ORDER BY id")).all())
        assert keys[1] == "handed-out-key"
        assert keys[2] and keys[2] != keys[1]  # a person who had none gets their own
        assert person_from_feed_token(old_link).id == 1
        assert person_from_feed_token(_serializer().dumps([2, "handed-out-key"])) is None
        db.session.remove()

        flask_migrate.downgrade(revision="0006")
        with db.engine.connect() as connection:
            rows = dict(connection.execute(text("SELECT person_id, key FROM personal_feed_keys")).all())
        assert rows == {1: "handed-out-key", 2: keys[2]}
        db.engine.dispose()


def test_0025_seals_the_second_factor_secrets_already_stored_and_unseals_them_on_the_way_down(tmp_path):
    import flask_migrate
    from sqlalchemy import text

    from config import TestConfig
    from eventsite import create_app
    from eventsite.accounts import second_factor
    from eventsite.accounts.models import User

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'upgrade.sqlite'}"

    plain = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    app = create_app(Config)
    with app.app_context():
        flask_migrate.upgrade(revision="0020")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, email, name, password_hash, active, created_at, session_token, "
                    "totp_secret, second_factor_exempt) VALUES (1, 'chef@lf.dk', 'Chef', 'x', 1, '2026-01-01', "
                    "'t', :secret, 0), (2, 'ny@lf.dk', 'Ny', 'x', 1, '2026-01-01', 'u', NULL, 0)"
                ),
                {"secret": plain},
            )
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            stored = dict(connection.execute(text("SELECT id, totp_secret FROM users")).all())
        assert stored[2] is None and plain not in stored[1]
        assert second_factor.unseal(db.session.get(User, 1)) == plain
        db.session.remove()

        flask_migrate.downgrade(revision="0020")
        with db.engine.connect() as connection:
            assert dict(connection.execute(text("SELECT id, totp_secret FROM users")).all()) == {1: plain, 2: None}
        db.engine.dispose()
