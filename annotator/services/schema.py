"""Create or upgrade the database schema through Alembic migrations."""

from flask_migrate import upgrade
from sqlalchemy import inspect

from annotator.extensions import db


def upgrade_schema() -> str:
    """Bring the schema to the latest migration; an existing database is upgraded, never dropped."""
    before = _revision()
    upgrade()
    after = _revision()
    if before is None:
        return f"created the database schema (revision {after})"
    if before == after:
        return f"the database schema is up to date (revision {after})"
    return f"upgraded the database schema from {before} to {after}"


def _revision() -> str | None:
    if not inspect(db.engine).has_table("alembic_version"):
        return None
    with db.engine.connect() as connection:
        return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
