"""Native format: export and re-import give back the same documents and annotations."""

import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from annotator.extensions import db
from annotator.formats import native
from annotator.models import User
from annotator.services.intake import import_files
from annotator.services.intake.records import RecordStore
from annotator.services.records import iter_records
from tests.helpers import add_member, make_project, make_user

PARAGRAPHS = [
    "Cafe\u0301 owners 😀 said 👩‍❤️‍👩 Zelensky met Erdoğan in Istanbul.",
    "According to Kyiv, Moscow claimed the remains were those of Ukrainian citizens.",
]


def _span(ident, paragraph, needle, label, attrs=None):
    text = PARAGRAPHS[paragraph]
    start = text.index(needle)
    return {"id": ident, "paragraph": paragraph, "start": start, "end": start + len(needle),
            "text": needle, "label": label, "attrs": attrs or {}}


def sample_record(layer="coder1"):
    return {
        "id": "doc-1", "title": "Talks 😀", "url": "https://example.org/a",
        "published": "2025-06-01",
        "meta": {"outlet": "Example"}, "layer": layer,
        "paragraphs": [{"index": i, "text": t, "boilerplate": False}
                       for i, t in enumerate(PARAGRAPHS)],
        "spans": [
            _span("s1", 0, "Zelensky", "ACTOR", {"entity_type": "PER", "country": "UKR"}),
            _span("s2", 0, "Erdoğan", "ACTOR", {"entity_type": "PER"}),
            _span("s3", 0, "met", "EVENT"),
            _span("s4", 0, "Zelensky met Erdoğan", "CONTENT"),  # nests s1, s2 and s3
            _span("s5", 0, "said", "CUE"),
            _span("s6", 1, "Kyiv", "SOURCE"),
            _span("s7", 1, "According to", "CUE"),
            _span("s8", 1, "Moscow claimed the remains were those of Ukrainian citizens",
                  "CONTENT"),
            _span("s9", 1, "Moscow", "SOURCE"),
            _span("s10", 1, "claimed", "CUE"),
            _span("s11", 1, "the remains were those", "CONTENT"),
            _span("s12", 1, "of Ukrainian citizens", "CONTENT"),
        ],
        "events": [{"id": "e1", "trigger": "s3", "type": "CONSULT", "attrs": {"mode": "visit"},
                    "arguments": [{"role": "actor", "span": "s1"},
                                  {"role": "actor", "span": "s2"}]}],
        "attributions": [
            {"id": "a1", "source": [], "cue": ["s5"], "content": ["s4"], "parent": None,
             "attrs": {"source_type": "UNNAMED"}},
            {"id": "a2", "source": ["s6"], "cue": ["s7"], "content": ["s8"], "parent": None,
             "attrs": {}},
            # Nested, with discontinuous content.
            {"id": "a3", "source": ["s9"], "cue": ["s10"], "content": ["s11", "s12"],
             "parent": "a2", "attrs": {"quote_type": "INDIRECT"}},
        ],
    }


def _export(project) -> str:
    buffer = io.StringIO()
    native.write(iter_records(project), buffer)
    return buffer.getvalue()


def test_export_then_import_into_a_new_project_gives_the_same_annotations(app, tmp_path):
    source = make_project("source")
    RecordStore(source, create_coders=True).add_all([(sample_record("coder1"), "t", 1),
                                                     (sample_record("gold"), "t", 2)])
    db.session.commit()
    exported = _export(source)
    path = tmp_path / "export.jsonl"
    path.write_text(exported, encoding="utf-8")

    target = make_project("target")
    add_member(target, db.session.execute(select(User).where(User.username == "coder1"))
               .scalar_one())
    report = import_files(target, [path], "native")
    db.session.commit()
    assert report["documents"] == 1 and report["layers"] == 2 and report["spans"] == 24
    assert _export(target) == exported
    first = json.loads(exported.splitlines()[0])
    assert first["layer"] == "gold"
    assert [a["parent"] for a in first["attributions"]] == [None, None, "a2"]
    for span in first["spans"]:
        assert PARAGRAPHS[span["paragraph"]][span["start"]:span["end"]] == span["text"]


def test_documents_without_layers_are_kept_in_the_export(app):
    project = make_project()
    record = sample_record() | {"layer": None, "spans": [], "events": [], "attributions": []}
    RecordStore(project).add_all([(record, "t", 1)])
    lines = [json.loads(line) for line in _export(project).splitlines()]
    assert [(r["id"], r["layer"]) for r in lines] == [("doc-1", None)]


def test_a_bad_record_is_refused_with_its_line_and_nothing_is_stored(app, tmp_path):
    project = make_project()
    good = sample_record()
    bad = sample_record("coder2")
    bad["spans"][0]["end"] = 999
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    try:
        import_files(project, [path], "native")
    except Exception as error:  # noqa: BLE001 - the message is what users see
        message = str(error)
    else:
        raise AssertionError("the import should have failed")
    db.session.rollback()
    assert "in.jsonl, line 2" in message and "past the end" in message
    assert _export(project) == ""


def test_importing_over_an_annotated_layer_is_refused(app, tmp_path):
    project = make_project()
    RecordStore(project, create_coders=True).add_all([(sample_record(), "t", 1)])
    path = tmp_path / "again.jsonl"
    path.write_text(json.dumps(sample_record()) + "\n", encoding="utf-8")
    try:
        import_files(project, [path], "native")
    except Exception as error:  # noqa: BLE001
        assert "already holds annotations" in str(error)
    else:
        raise AssertionError("the import should have failed")


# Paragraph text mixing astral characters, combining marks and plain letters.
ALPHABET = st.sampled_from(list("abc xyz") + ["😀", "e\u0301", "\u0301", "🇫🇷", "ğ", "\n", "é"])
texts = st.lists(ALPHABET, min_size=1, max_size=30).map("".join).filter(lambda t: t.strip())


@st.composite
def random_record(draw):
    paragraphs = draw(st.lists(texts, min_size=1, max_size=3))
    spans = []
    for n in range(draw(st.integers(0, 6))):
        p = draw(st.integers(0, len(paragraphs) - 1))
        start = draw(st.integers(0, len(paragraphs[p]) - 1))
        end = draw(st.integers(start + 1, len(paragraphs[p])))
        spans.append({"id": f"s{n}", "paragraph": p, "start": start, "end": end,
                      "text": paragraphs[p][start:end],
                      "label": draw(st.sampled_from(["ACTOR", "SOURCE", "CUE", "CONTENT"])),
                      "attrs": {}})
    ids = [s["id"] for s in spans]
    attributions = []
    if ids:
        attributions.append({"id": "a0", "source": [], "cue": [ids[0]], "content": ids[1:],
                             "parent": None, "attrs": {}})
        attributions.append({"id": "a1", "source": ids[-1:], "cue": [], "content": [],
                             "parent": "a0", "attrs": {}})
    return {"id": "r", "title": "", "url": None, "published": None, "meta": {},
            "layer": "coder1",
            "paragraphs": [{"index": i, "text": t, "boilerplate": False}
                           for i, t in enumerate(paragraphs)],
            "spans": spans, "events": [], "attributions": attributions}


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=random_record())
def test_random_documents_round_trip_through_native(app, tmp_path, record):
    db.session.rollback()
    project = make_project(f"p{id(record)}")
    RecordStore(project, create_coders=True).add_all([(record, "t", 1)])
    (line,) = _export(project).splitlines()
    exported = json.loads(line)
    assert exported["paragraphs"] == record["paragraphs"]
    key = lambda s: (s["paragraph"], s["start"], s["end"], s["id"])  # noqa: E731
    assert sorted(exported["spans"], key=key) == sorted(record["spans"], key=key)
    assert exported["attributions"] == record["attributions"]
    db.session.rollback()


def _shifted(record: dict, by: int) -> dict:
    """The same record with its paragraphs numbered from `by` instead of 0."""
    shifted = json.loads(json.dumps(record))
    for paragraph in shifted["paragraphs"]:
        paragraph["index"] += by
    for span in shifted["spans"]:
        span["paragraph"] += by
    return shifted


def _stored_spans(project, layer: str) -> set[tuple[int, str, str]]:
    return {(span["paragraph"], span["text"], span["label"])
            for record in iter_records(project, layer) for span in record["spans"]}


def test_paragraphs_numbered_from_one_land_on_the_right_paragraphs(app):
    expected = {(s["paragraph"], s["text"], s["label"]) for s in sample_record()["spans"]}
    # A new document, then a second layer of the same (now stored) document, each numbered
    # from 1 (or 5) rather than 0: spans must land on the paragraphs their text is in.
    project = make_project()
    store = RecordStore(project, create_coders=True)
    store.add_all([(_shifted(sample_record("coder1"), 1), "t", 1)])
    db.session.commit()
    RecordStore(project, create_coders=True).add_all(
        [(_shifted(sample_record("coder2"), 5), "t", 2)])
    db.session.commit()
    assert _stored_spans(project, "coder1") == expected
    assert _stored_spans(project, "coder2") == expected


def test_a_file_of_bad_records_stops_collecting_errors_at_the_cap(app):
    from annotator.errors import InputErrors
    from annotator.services.intake.records import MAX_ERRORS

    bad = dict(sample_record(), spans=[dict(sample_record()["spans"][0], label="NO_SUCH")])
    records = [(dict(bad, id=f"doc-{n}"), "bad.jsonl", n + 1) for n in range(MAX_ERRORS + 30)]
    try:
        RecordStore(make_project(), create_coders=True).add_all(records)
    except InputErrors as error:
        assert len(error.errors) == MAX_ERRORS
    else:
        raise AssertionError("the import should have failed")


def test_two_annotated_imports_of_one_layer_at_once_store_one_and_refuse_the_other(
        app, tmp_path):
    """PostgreSQL: the second import waits for the first, then is refused by file and line
    (not a unique-key failure half-way); SQLite's write lock serialises them anyway."""
    import threading

    import pytest

    from annotator.errors import InputError, InputErrors
    from annotator.models import Layer, Project

    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent transactions on PostgreSQL")
    project = make_project()
    add_member(project, make_user("coder1"))
    db.session.commit()
    paths = []
    for name in ("first", "second"):
        path = tmp_path / f"{name}.jsonl"
        path.write_text(json.dumps(sample_record(), ensure_ascii=False) + "\n", encoding="utf-8")
        paths.append(path)
    project_id = project.id
    stored, may_commit, outcome = threading.Event(), threading.Event(), {}

    def first_import():
        with app.app_context():
            import_files(db.session.get(Project, project_id), [paths[0]], "native")
            stored.set()
            may_commit.wait(10)
            db.session.commit()
            db.session.remove()

    def second_import():
        with app.app_context():
            try:
                import_files(db.session.get(Project, project_id), [paths[1]], "native")
            except (InputError, InputErrors) as error:
                outcome["error"] = error.message
            finally:
                db.session.rollback()
                db.session.remove()

    importer = threading.Thread(target=first_import)
    importer.start()
    assert stored.wait(10)
    waiter = threading.Thread(target=second_import)
    waiter.start()
    waiter.join(0.5)
    assert waiter.is_alive()  # queued behind the first import
    may_commit.set()
    importer.join(10)
    waiter.join(10)
    assert "second.jsonl, line 1" in outcome["error"]
    assert "already holds annotations" in outcome["error"]
    assert db.session.execute(select(func.count()).select_from(Layer)).scalar_one() == 1
