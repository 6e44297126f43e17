"""Migrations: init-db creates the same schema as the models and upgrades in place."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from annotator.extensions import db
from annotator.services.schema import upgrade_schema


def test_init_db_builds_the_models_schema_and_is_idempotent(app):
    db.drop_all()
    assert upgrade_schema().startswith("created the database schema")
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []
    assert upgrade_schema().startswith("the database schema is up to date")


def test_upgrade_keeps_existing_data(app):
    from tests.helpers import make_project

    db.drop_all()
    upgrade_schema()
    make_project("kept")
    db.session.commit()
    upgrade_schema()
    assert "projects" in inspect(db.engine).get_table_names()
    from annotator.services.projects import find_project

    assert find_project("kept").name == "kept"
