"""Engine set-up: SQLite pragmas and write-lock-first transactions, PostgreSQL as is."""

from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

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
        connection.exec_driver_sql(f"BEGIN {sqlite_begin_mode.get()}")
