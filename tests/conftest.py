"""Fixtures: an app on a fresh database (SQLite, or PostgreSQL when asked), client, runner."""

import os
import uuid
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from annotator import create_app
from annotator.extensions import db
from tests import layer_owner
from tests.helpers import scratch_postgres_database

SHARED = Path(__file__).resolve().parents[2] / "shared"
POSTGRES_URL = os.environ.get("ANNOTATOR_TEST_DATABASE_URL")

layer_owner.install()  # every test also checks that only annotator/layers writes layer items


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared corpus beside the checkout; tests that need it skip without it (not in CI)."""
    if not SHARED.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED} is missing in CI")
        pytest.skip("../shared is not present")
    return SHARED


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context, g and database session.

    The `app` fixture keeps one app context open for the whole test, and Flask would reuse it
    for requests: Flask-Login's cached user in `g` would then leak from one client to the next.
    """

    def open(self, *args, **kwargs):
        # End the test's own transaction, so requests see its data and SQLite's lock is free.
        db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def postgres_database():
    """One scratch PostgreSQL database per test session (tests empty it after themselves)."""
    with scratch_postgres_database(POSTGRES_URL) as url:
        yield url


@pytest.fixture
def database_url(request, tmp_path):
    """A fresh empty database: a SQLite file, or the session's PostgreSQL database."""
    if POSTGRES_URL:
        return request.getfixturevalue("postgres_database")
    return f"sqlite:///{tmp_path / 'test.sqlite'}"


def _empty_postgres() -> None:
    """Remove every row (and the migrations' bookkeeping) so the next test starts clean."""
    db.session.rollback()
    # DELETE is much faster than TRUNCATE on the few rows a test leaves.
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test-" + uuid.uuid4().hex,
            "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast hashing for many test users
        }
    )
    app.instance_path = str(tmp_path / "instance")
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
        yield app
        if POSTGRES_URL:
            _empty_postgres()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
