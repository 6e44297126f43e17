"""Transactions have one owner, database.py: read phases take no lock, write phases take it first.

The lock tests are SQLite's (PostgreSQL has no database-wide write lock); what a phase stores
or leaves unstored is checked on both databases.
"""

import contextlib
import contextvars
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

import annotator
from annotator.database import (
    reading,
    reading_apart,
    use_phase_for,
    use_reading_phase,
    writing,
    writing_apart,
)
from annotator.extensions import db
from annotator.models import Project
from tests.helpers import make_project


@pytest.fixture
def other(app):
    """Another connection to the same SQLite file, one that never waits for the write lock."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")
    connection = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
    yield connection
    if connection.in_transaction:
        connection.execute("ROLLBACK")
    connection.close()


def write_from(connection: sqlite3.Connection, name: str) -> None:
    """Store a project from the other connection; "database is locked" if the lock is held."""
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("INSERT INTO projects (name, description, language, created_at) "
                       "VALUES (?, '', 'en', CURRENT_TIMESTAMP)", (name,))
    connection.execute("COMMIT")


def names() -> list[str]:
    """Project names as the session's transaction sees them."""
    return list(db.session.execute(select(Project.name).order_by(Project.name)).scalars())


def stored_names() -> list[str]:
    """Project names as stored, read on a connection of its own."""
    with db.engine.connect() as connection:
        return list(connection.execute(select(Project.name).order_by(Project.name)).scalars())


def in_own_context(function):
    """Run `function` in a copy of the context, so that a phase it sets ends with it."""
    return contextvars.copy_context().run(function)


def test_a_read_phase_leaves_the_write_lock_to_other_connections(app, other):
    make_project("Mine")
    db.session.commit()
    with reading():
        assert names() == ["Mine"]  # the phase's transaction has begun
        write_from(other, "Theirs")  # "database is locked" if the phase held the lock
        assert names() == ["Mine"]  # one transaction: what it read stays as it was
    assert names() == ["Mine", "Theirs"]


def test_a_write_phase_holds_the_write_lock_from_its_first_statement(app, other):
    make_project("Mine")
    db.session.commit()
    with writing():
        assert names() == ["Mine"]  # nothing written yet, and the lock is already held
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            write_from(other, "Theirs")
    write_from(other, "Theirs")  # the commit let it go
    assert stored_names() == ["Mine", "Theirs"]


def test_a_write_phase_within_a_read_phase_holds_the_lock_only_while_it_runs(app, other):
    with reading():
        assert names() == []
        with writing():
            make_project("Mine")
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                write_from(other, "Theirs")
        assert names() == ["Mine"]  # reading again, in a new transaction
        write_from(other, "Theirs")
    assert stored_names() == ["Mine", "Theirs"]


def test_an_exception_inside_a_write_phase_leaves_the_database_unchanged_and_is_raised(app):
    kept = make_project("Kept").id
    db.session.commit()
    with pytest.raises(RuntimeError, match="half-way"), writing():
        db.session.get(Project, kept).name = "Renamed"
        make_project("Lost")  # flushed: sent to the database, not committed
        raise RuntimeError("half-way")
    assert stored_names() == ["Kept"]
    assert names() == ["Kept"]  # and the session goes on from what is stored


def test_a_write_phase_commits_what_it_wrote(app):
    with writing():
        make_project("Stored")
    assert stored_names() == ["Stored"]


def test_a_read_phase_ends_without_writing(app):
    with reading():
        make_project("Never")
    assert stored_names() == []


def test_the_rest_of_a_request_reads_once_it_says_so(app, other):
    make_project("Mine")
    db.session.commit()

    def request():
        use_phase_for("POST")
        assert names() == ["Mine"]  # the request's transaction holds the lock
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            write_from(other, "Theirs")
        use_reading_phase()  # ends that transaction, and the next ones take no lock
        assert names() == ["Mine"]
        write_from(other, "Theirs")

    in_own_context(request)


@pytest.mark.parametrize("method, locks", [
    ("GET", False), ("HEAD", False), ("OPTIONS", False),
    ("POST", True), ("PUT", True), ("PATCH", True), ("DELETE", True),
])
def test_a_request_takes_the_write_lock_first_unless_its_method_only_reads(
        app, other, method, locks):
    def request():
        use_phase_for(method)
        names()
        if locks:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                write_from(other, "Theirs")
        else:
            write_from(other, "Theirs")
        db.session.rollback()

    in_own_context(request)


def test_a_requests_phase_ends_with_the_request(app, client, other):
    def test_thread():
        use_phase_for("POST")  # this thread writes: its transactions take the lock first
        assert client.get("/auth/login").status_code == 200  # a read, in this same thread
        assert names() == []
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            write_from(other, "Theirs")
        db.session.rollback()

    in_own_context(test_thread)


@contextlib.contextmanager
def holding_the_lock_on(project_id: int):
    """Hold what another writer holds: SQLite's write lock, or the project's row lock."""
    if db.engine.dialect.name == "sqlite":
        holder = sqlite3.connect(db.engine.url.database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    with db.engine.connect() as holder:
        holder.execute(select(Project).where(Project.id == project_id).with_for_update())
        try:
            yield
        finally:
            holder.rollback()


def test_a_look_up_apart_reads_while_another_connection_writes(app):
    project = make_project("Mine").id
    db.session.commit()

    def request():
        use_phase_for("POST")  # even in a writing request
        with holding_the_lock_on(project), reading_apart() as connection:
            return list(connection.execute(select(Project.name)).scalars())

    assert in_own_context(request) == ["Mine"]


def test_a_write_apart_gives_up_after_its_own_short_wait(app):
    project = make_project("Mine").id
    db.session.commit()
    rename = Project.__table__.update().where(Project.id == project).values(name="Renamed")
    with holding_the_lock_on(project):
        started = time.monotonic()
        with pytest.raises(OperationalError), writing_apart(lock_wait_ms=50) as connection:
            connection.execute(rename)
        assert time.monotonic() - started < 5  # not the configured 10 s busy timeout
    assert stored_names() == ["Mine"]
    with writing_apart() as connection:
        connection.execute(rename)
    assert stored_names() == ["Renamed"]


def test_no_module_but_database_py_sets_how_sqlite_transactions_begin():
    package = Path(annotator.__file__).parent
    mentions = sorted(path.relative_to(package).as_posix() for path in package.rglob("*.py")
                      if "sqlite_begin_mode" in path.read_text(encoding="utf-8"))
    assert mentions == ["database.py"]
