"""Files created on the export's worker thread: exact bytes, every file, failures not lost."""

import pytest

from annotator.errors import InputError
from annotator.formats import brat
from annotator.formats.background_files import DEPTH, BackgroundFiles


def test_every_file_is_created_with_its_exact_text(tmp_path):
    texts = {tmp_path / f"doc{n}.txt": f"Kyiv 👍🏽 e\u0301 {n}\r\nline" for n in range(DEPTH * 3)}
    with BackgroundFiles() as files:
        for path, text in texts.items():
            files.write(path, text)
    assert {path: path.read_bytes() for path in texts} == {
        path: text.encode("utf-8") for path, text in texts.items()}


def test_a_file_that_exists_fails_the_block_with_the_given_message(tmp_path):
    (tmp_path / "taken.ann").write_text("mine")
    with pytest.raises(InputError, match="has layer 'gold' twice"):
        with BackgroundFiles() as files:
            files.write(tmp_path / "taken.ann", "theirs", exists="document 'd' has layer "
                                                               "'gold' twice")
    assert (tmp_path / "taken.ann").read_text() == "mine"


def test_a_failure_is_raised_by_a_later_write(tmp_path):
    with pytest.raises(FileNotFoundError):
        with BackgroundFiles() as files:
            files.write(tmp_path / "no-such-folder" / "a.txt", "x")
            for n in range(DEPTH * 4):  # the worker meets the failure while these wait
                files.write(tmp_path / f"{n}.txt", "x")


def test_an_error_in_the_block_stops_the_worker_and_goes_on(tmp_path):
    with pytest.raises(RuntimeError, match="exporter broke"):
        with BackgroundFiles() as files:
            files.write(tmp_path / "a.txt", "x")
            raise RuntimeError("exporter broke")
    assert not files._worker.is_alive()


def test_a_record_repeated_in_brats_export_is_refused_and_nothing_is_left(tmp_path):
    record = {"id": "d1", "layer": "gold", "title": "", "meta": {},
              "paragraphs": [{"index": 0, "text": "Kyiv said.", "boilerplate": False}],
              "spans": [], "events": [], "attributions": []}
    with pytest.raises(InputError, match="has layer 'gold' twice"):
        brat.write([record, dict(record)], tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.iterdir())  # the staging folder went too
