"""New files created on a second thread, for exports that write a file or two per document.

Creating a file costs the file system a few hundred microseconds here, as much as making the
file's text: brat's export spent a third of its time in `open`. A worker thread creates the files
(the system calls release the GIL) while the exporting thread makes the next ones.
"""

import os
import queue
import threading
from pathlib import Path

from annotator.errors import InputError

DEPTH = 256  # files waiting at most: bounded memory, whatever the export's size


class BackgroundFiles:
    """Create new files on a worker thread; use as a context manager.

    A failure (a file that exists already, a full disk) is raised by the next `write` or by the
    end of the `with` block, so the export fails as it would have, one file later.
    """

    def __init__(self):
        self._waiting: queue.Queue = queue.Queue(maxsize=DEPTH)
        self._error: Exception | None = None
        self._worker = threading.Thread(target=self._run, name="export-files", daemon=True)
        self._worker.start()

    def write(self, path: Path, text: str, exists: str = "") -> None:
        """Create `path` holding `text` as UTF-8; `exists` is the error message if it exists
        (by default, the OS's)."""
        self._raise_error()
        self._waiting.put((path, text.encode("utf-8"), exists))

    def _run(self) -> None:
        while (item := self._waiting.get()) is not None:
            if self._error is None:
                try:
                    _create(*item[:2])
                except FileExistsError as error:
                    self._error = InputError(item[2]) if item[2] else error
                except OSError as error:
                    self._error = error

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error

    def __enter__(self) -> "BackgroundFiles":
        return self

    def __exit__(self, kind, *_) -> bool:
        self._waiting.put(None)
        self._worker.join()
        if kind is None:  # an exception already on its way wins
            self._raise_error()
        return False


def _create(path: Path, data: bytes) -> None:
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        view = memoryview(data)
        while view:  # a regular file takes it all at once but on a full disk or a signal
            view = view[os.write(handle, view):]
    finally:
        os.close(handle)
