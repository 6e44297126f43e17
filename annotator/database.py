"""Engine set-up (SQLite pragmas, PostgreSQL as is) and the one place for transactions.

Views and commands say which phase they are in, and this module turns that into transactions:
`reading()` and `writing()` run a phase in a transaction of its own, `use_reading_phase()` and
`use_phase_for(method)` set the phase for the rest of a request or command, and
`reading_apart()` / `writing_apart()` run a short one on a connection of its own. On SQLite a
phase decides how transactions begin: DEFERRED to read (no lock is taken, so a reader never
queues behind a writer and no writer behind a long read; WAL lets them run side by side),
IMMEDIATE to write (the write lock is taken up front, so a transaction that reads and then
writes never fails half-way with "database is locked"). On PostgreSQL phases only delimit
transactions.
"""

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

from sqlalchemy import event, func, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from annotator.extensions import db

# How this context's next SQLite transactions begin. Only the functions below set it (nothing
# else in the package names it). IMMEDIATE unless a phase says otherwise: a context that writes
# without saying so must not fail half-way.
sqlite_begin_mode: ContextVar[str] = ContextVar("sqlite_begin_mode", default="IMMEDIATE")

READING_METHODS = ("GET", "HEAD", "OPTIONS")  # HTTP methods that only read


@contextmanager
def reading() -> Iterator[None]:
    """Run a read-only phase in a transaction of its own, and end it without writing.

    The transaction open when it starts is ended first (rolled back: it must hold nothing
    unsaved), and so is its own at the end, whatever happened: anything written in it is lost.
    On SQLite it begins DEFERRED, so that a long read (checking an import's files, an export)
    neither queues behind a writer nor makes coders' saves wait for it.
    """
    db.session.rollback()
    token = sqlite_begin_mode.set("DEFERRED")
    try:
        yield
    finally:
        db.session.rollback()
        sqlite_begin_mode.reset(token)


@contextmanager
def writing() -> Iterator[None]:
    """Run a write phase in a transaction of its own; commit it, or roll back and re-raise.

    On any exception nothing of the phase is stored. The transaction open when it starts is
    ended first (rolled back: it must hold only reads). On SQLite it begins IMMEDIATE, taking
    the write lock up front: a transaction that first reads would have to upgrade its lock to
    write, and that fails at once, without waiting, when another writer got there first.
    Afterwards transactions begin as they did before.
    """
    db.session.rollback()
    token = sqlite_begin_mode.set("IMMEDIATE")
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        sqlite_begin_mode.reset(token)


def use_reading_phase() -> None:
    """Only read from here to the end of the request or command (a `writing()` phase aside).

    Ends the open transaction (rolled back: it must hold nothing unsaved); the next ones begin
    DEFERRED on SQLite. Unlike `reading()` this lasts past the caller's return, as a streamed
    download or an error page needs.
    """
    db.session.rollback()
    sqlite_begin_mode.set("DEFERRED")


def use_phase_for(method: str) -> Token[str]:
    """Begin a request's transactions as reads for GET, HEAD and OPTIONS, as writes otherwise.

    Called first thing in a request, before anything is read (nothing is ended): a request
    that only reads need not queue for SQLite's write lock, and one that writes holds it from
    its first statement, so that it never fails half-way. Returns what `end_phase` takes when
    the request ends.
    """
    return sqlite_begin_mode.set("DEFERRED" if method in READING_METHODS else "IMMEDIATE")


def end_phase(token: Token[str]) -> None:
    """Go back to the phase from before `use_phase_for`, undoing any phase set since.

    So that a request's phase never outlives it: in a test, the test's own transactions would
    otherwise begin as the last request's did.
    """
    sqlite_begin_mode.reset(token)


@contextmanager
def reading_apart() -> Iterator[Connection]:
    """Read on a connection of its own, outside the session's transaction; never lock.

    For a look-up that must not open the session's transaction (an API token, before the
    request's own work begins). On SQLite it begins DEFERRED, whatever the current phase.
    """
    token = sqlite_begin_mode.set("DEFERRED")
    try:
        with db.engine.connect() as connection:
            yield connection
    finally:
        sqlite_begin_mode.reset(token)


@contextmanager
def writing_apart(lock_wait_ms: int | None = None) -> Iterator[Connection]:
    """Write in a short transaction on a connection of its own; commit, or roll back and re-raise.

    For a write that must not wait for, or join, the session's transaction (a token's last
    use). On SQLite it begins IMMEDIATE. With `lock_wait_ms`, the lock (SQLite's write lock,
    PostgreSQL's row locks) is waited for at most that long instead of the usual busy timeout.
    :raise OperationalError: when the lock was not had in time.
    """
    token = sqlite_begin_mode.set("IMMEDIATE")
    try:
        with db.engine.connect() as connection:
            dialect = connection.dialect.name
            if dialect == "sqlite" and lock_wait_ms is not None:
                # Set outside any transaction: the BEGIN IMMEDIATE below waits this long.
                raw = connection.connection.dbapi_connection
                usual = raw.execute("PRAGMA busy_timeout").fetchone()[0]
                raw.execute(f"PRAGMA busy_timeout={int(lock_wait_ms)}")
            try:
                with connection.begin():
                    if dialect == "postgresql" and lock_wait_ms is not None:
                        connection.exec_driver_sql(
                            f"SET LOCAL lock_timeout = '{int(lock_wait_ms)}ms'")
                    yield connection
            finally:
                if dialect == "sqlite" and lock_wait_ms is not None:
                    raw.execute(f"PRAGMA busy_timeout={usual}")
    finally:
        sqlite_begin_mode.reset(token)


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Turn on foreign keys, WAL and a busy timeout, and begin transactions explicitly."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite would defer it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if sqlite_begin_mode.get() == "IMMEDIATE":
            _begin_immediate(connection)
        else:
            connection.exec_driver_sql("BEGIN DEFERRED")


# Between tries for the write lock. SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25,
# 25, 25, 50, 50, 100 ms between tries, so a lock that another save holds for 3 ms may be
# noticed 25 ms late once a few saves queue; a try every few hundred microseconds costs a few
# microseconds of CPU instead.
LOCK_POLL_SECONDS = (0.0002, 0.002)  # first and longest pause


def _begin_immediate(connection) -> None:
    """BEGIN IMMEDIATE, trying for the write lock with short pauses until the connection's busy
    timeout has passed; then a last try fails as SQLAlchemy's "database is locked" error."""
    raw = connection.connection.dbapi_connection
    timeout_ms = raw.execute("PRAGMA busy_timeout").fetchone()[0]
    deadline = time.monotonic() + timeout_ms / 1000
    pause = LOCK_POLL_SECONDS[0]
    raw.execute("PRAGMA busy_timeout=0")  # this loop does the waiting
    try:
        while time.monotonic() < deadline:
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as error:
                if not is_locked(error.orig):
                    raise
            time.sleep(pause)
            pause = min(pause * 1.5, LOCK_POLL_SECONDS[1])
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # a last try, failing as the others did
    finally:
        raw.execute(f"PRAGMA busy_timeout={timeout_ms}")


def is_locked(error: BaseException) -> bool:
    """Tell whether a driver error is SQLite's "database is locked" (another writer)."""
    return isinstance(error, sqlite3.OperationalError) and str(error) in (
        "database is locked", "database table is locked")


def free_ids(model, count: int) -> list[int]:
    """Return `count` ids of a table that no row has had, taken in one statement, so that rows
    written in bulk can point at each other without reading anything back."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        sequence = connection.execute(text("SELECT pg_get_serial_sequence(:table, 'id')"),
                                      {"table": model.__table__.name}).scalar_one()
        # The sequence as a literal, looked up once: asked for on every row (by a parameter or
        # the function above), it took six times longer than the values themselves.
        literal = "'" + sequence.replace("'", "''") + "'"
        with connection.execute(text(f"SELECT nextval({literal}::regclass) "
                                     "FROM generate_series(1, :count)"),
                                {"count": count}) as result:
            return [row[0] for row in result.cursor.fetchall()]
    # SQLite has a single writer, and a writing transaction holds the write lock (it begins
    # IMMEDIATE), so the ids above the highest one are free (what SQLite would pick).
    highest = connection.execute(select(func.max(model.id))).scalar() or 0
    return list(range(highest + 1, highest + 1 + count))
