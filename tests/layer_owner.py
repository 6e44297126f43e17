"""A guard for the whole test run: rows of the item tables (spans, events, arguments,
attributions, parts) are written only by annotator/layers.

Every INSERT, UPDATE or DELETE on those tables is traced back to the innermost frame of the
project's own code: it must lie in annotator/layers/ (or in the tests themselves, which build
and empty databases). A write that any other module of the package issues, itself or through
an ORM flush it triggers, fails the test that made it.
"""

import re
import sys
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = str(ROOT / "annotator") + "/"
LAYERS = str(ROOT / "annotator" / "layers") + "/"
TESTS = str(ROOT / "tests") + "/"
ITEM_WRITE = re.compile(
    r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(spans|events|event_arguments|"
    r"attributions|attribution_parts)\b", re.IGNORECASE)


class ItemWriteOutsideLayers(AssertionError):
    pass


def writer_of(statement: str) -> str | None:
    """Return the file of the project's innermost frame when `statement` writes an item table
    from outside annotator/layers, else None."""
    if not ITEM_WRITE.match(statement):
        return None
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_code.co_filename
        if name == __file__:  # this guard's own frames
            frame = frame.f_back
            continue
        if name.startswith(LAYERS) or name.startswith(TESTS):
            return None
        if name.startswith(PACKAGE):
            return name
        frame = frame.f_back
    return None


def _check(_connection, _cursor, statement, _parameters, _context, _executemany):
    offender = writer_of(statement)
    if offender is not None:
        raise ItemWriteOutsideLayers(
            f"{Path(offender).relative_to(ROOT)} writes layer items itself "
            f"({statement.split('(')[0].strip()[:60]}); only annotator/layers may")


def install() -> None:
    """Check every statement of every engine from now on."""
    if not event.contains(Engine, "before_cursor_execute", _check):
        event.listen(Engine, "before_cursor_execute", _check)
