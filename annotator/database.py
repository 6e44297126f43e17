"""Engine set-up: SQLite pragmas and write-lock-first transactions, PostgreSQL as is."""

import sqlite3
import time
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

# "IMMEDIATE" takes SQLite's write lock when a transaction begins, so a transaction that reads
# and then writes can never fail half-way with "database is locked"; read-only requests use
# "DEFERRED" so that readers never queue behind writers (WAL lets them run side by side).
sqlite_begin_mode: ContextVar[str] = ContextVar("sqlite_begin_mode", default="IMMEDIATE")


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
