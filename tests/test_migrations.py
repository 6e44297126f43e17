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


def test_a_database_made_by_the_first_version_is_upgraded_with_its_data(app):
    from flask_migrate import upgrade

    from annotator.services.projects import find_project
    from tests.helpers import make_project

    db.drop_all()
    upgrade(revision="251d7c0bb455")  # the first released schema
    make_project("kept")
    db.session.commit()
    message = upgrade_schema()
    assert message.startswith("upgraded the database schema from 251d7c0bb455 to ")
    assert find_project("kept").name == "kept"
    db.session.rollback()  # end the session's transaction before inspecting on a new connection
    indexes = {i["name"] for i in inspect(db.engine).get_indexes("documents")}
    assert "ix_documents_project_id_id" in indexes
