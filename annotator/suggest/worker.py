"""Run the suggesters in a process of their own: a job as JSON on stdin, suggestions on stdout.

A long document takes the suggesters a second or more of CPU. Run in a server's thread, that
would make the server's other threads (other users' saves) queue for the interpreter lock each
time they come back from the database; in a child process it costs them nothing. The child
imports only this subpackage (its modules import each other relatively) and the standard
library, not annotator's web app, so it starts in a few tens of milliseconds; it runs at a
lower CPU priority than the server; and it is stopped when it runs too long.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

PACKAGE_PARENT = Path(__file__).resolve().parent.parent  # the folder holding suggest/
BOOT = "import sys; sys.path.insert(0, sys.argv[1]); import suggest.worker as w; w.main()"
WORKER_NICENESS = 5  # added to the server's: the CPU goes to its requests first
ENTRY_FIELDS = ("actor_id", "name", "aliases", "entity_type", "country", "sector")


class WorkerFailed(Exception):
    """The child process failed or ran out of time."""


def run(paragraphs: list[tuple[int, str]], entries: list, timeout: float) -> list[dict]:
    """Return suggest_paragraphs(paragraphs, Gazetteer(entries)) computed in a child process.

    :raise: WorkerFailed when the child fails or takes longer than `timeout` seconds (it is
        killed then).
    """
    job = {"paragraphs": paragraphs,
           "entries": [[getattr(e, name) for name in ENTRY_FIELDS] for e in entries]}
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-c", BOOT, str(PACKAGE_PARENT)],
            input=json.dumps(job).encode("ascii"), capture_output=True, timeout=timeout,
            check=False)
    except subprocess.TimeoutExpired:
        raise WorkerFailed(f"the suggesters took longer than {timeout:g} s") from None
    if done.returncode != 0:
        last = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise WorkerFailed(f"the suggesters failed: {' '.join(last) or done.returncode}")
    return json.loads(done.stdout)


def main() -> None:
    """Read a job from stdin, write its suggestions to stdout (the child's side)."""
    from . import ActorEntry, Gazetteer, suggest_paragraphs

    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)  # the server's requests (other users' saves) come first
    job = json.load(sys.stdin)
    entries = [ActorEntry(row[0], row[1], tuple(row[2]), *row[3:]) for row in job["entries"]]
    paragraphs = [(index, text) for index, text in job["paragraphs"]]
    json.dump(suggest_paragraphs(paragraphs, Gazetteer(entries)), sys.stdout)
