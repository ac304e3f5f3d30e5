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
