"""Capture the SQL a request runs and ask the database how it plans each statement.

A plan that reads a whole large table (SQLite "SCAN t", PostgreSQL "Seq Scan on t") on the big
synthetic project means a missing or unusable index. Small tables (projects, users, codebooks,
memberships) may be scanned: their rows fit in a page or two.
"""

import re
import time
from collections.abc import Callable
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

LARGE_TABLES = {"documents", "paragraphs", "layers", "spans", "events", "event_arguments",
                "attributions", "attribution_parts", "assignments", "audit_log",
                "paragraph_notes"}
SQLITE_SCAN = re.compile(r"\bSCAN (\w+)\b(?! USING (?:COVERING )?INDEX| USING INTEGER PRIMARY)")
SQLITE_INDEX_SCAN = re.compile(r"\bSCAN (\w+) USING (?:COVERING )?INDEX (\w+)")
POSTGRES_SCAN = re.compile(r"Seq Scan on (\w+)")


@contextmanager
def capture(engine: Engine):
    """Collect (statement, parameters) of everything sent to the database meanwhile."""
    statements: list[tuple[str, object]] = []

    def listener(_conn, _cursor, statement, parameters, _context, _executemany):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def explain(engine: Engine, statements: list[tuple[str, object]]) -> list[dict]:
    """Return each distinct SELECT/UPDATE/DELETE with its plan and the large tables it scans."""
    seen, results = set(), []
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in statements:
            verb = statement.lstrip().split(None, 1)[0].upper()
            if verb not in ("SELECT", "UPDATE", "DELETE", "WITH") or statement in seen:
                continue
            seen.add(statement)
            plan = _plan(engine.dialect.name, cursor, statement, parameters)
            results.append({"statement": " ".join(statement.split()), "plan": plan,
                            "full_scans": _full_scans(engine.dialect.name, plan),
                            "ms": _time(cursor, statement, parameters) if verb != "UPDATE"
                            and verb != "DELETE" else None})
        cursor.close()
        raw.rollback()
    finally:
        raw.close()
    return results


def _plan(dialect: str, cursor, statement: str, parameters) -> list[str]:
    if dialect == "sqlite":
        cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
        return [row[3] for row in cursor.fetchall()]
    cursor.execute("EXPLAIN " + statement, parameters)
    return [row[0] for row in cursor.fetchall()]


def _time(cursor, statement: str, parameters, repeat: int = 3) -> float:
    """Return the best of `repeat` runs of a read, in ms: an index can be used and still slow."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        cursor.execute(statement, parameters)
        cursor.fetchall()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def _full_scans(dialect: str, plan: list[str]) -> list[str]:
    scans = []
    for line in plan:
        if dialect == "sqlite":
            # An index scan without a search term reads the whole index: as bad as the table.
            found = SQLITE_SCAN.search(line) or (
                SQLITE_INDEX_SCAN.search(line) if "SEARCH" not in line else None)
        else:
            found = POSTGRES_SCAN.search(line)
        if found and found.group(1) in LARGE_TABLES:
            scans.append(line.strip())
    return scans


def explain_requests(engine: Engine, requests: dict[str, Callable[[], object]]) -> dict:
    """Run each named request once while capturing its SQL; return {name: explained list}."""
    report = {}
    for name, run in requests.items():
        with capture(engine) as statements:
            run()
        report[name] = {"queries": len(statements), "statements": explain(engine, statements)}
    return report


SLOW_MS = 5.0


def summary(report: dict) -> list[str]:
    """Return one line per request, plus one per statement that scans a large table or is slow."""
    lines = []
    for name, found in report.items():
        statements = found["statements"]
        bad = [s for s in statements if s["full_scans"] or (s["ms"] or 0) > SLOW_MS]
        total = sum(s["ms"] or 0 for s in statements)
        lines.append(f"{name}: {found['queries']} queries, {len(statements)} distinct, "
                     f"reads {total:.1f} ms; full scans or slower than {SLOW_MS:.0f} ms: "
                     f"{len(bad)}")
        for statement in bad:
            took = "" if statement["ms"] is None else f"{statement['ms']:.1f} ms "
            plan = "; ".join(statement["full_scans"] or statement["plan"])
            lines.append(f"    {took}[{plan}]  <-  {statement['statement'][:200]}")
    return lines
