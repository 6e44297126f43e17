# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)
"""brat exports opened by the real readers: brat's own loader (../shared/tools/brat) and pybrat in
raise mode. Each must open every export of the PolNeAR training articles (all coders), the demo
project and a text with emoji and combining marks, and see the same spans, fragments, events and
attributions the native records hold; brat -> import -> brat keeps every range.

PolNeAR's own readers (parc-reader, brat-reader on PyPI) are Python 2 code (print statements,
iteritems, implicit relative imports) and do not import on Python 3.11, so the PolNeAR test
compares against the original .ann files' ranges directly."""

import importlib.util
import io
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from pybrat.parser import BratParser

from annotator.cli import main
from annotator.codebook import default_codebook
from annotator.extensions import db
from annotator.formats import brat
from annotator.formats.common import ROLES, ParagraphMap, filter_boilerplate
from annotator.models import Project
from annotator.services.exporting import export_project
from tests.test_api import own_layer, save, span
from tests.test_data_web import export
from tests.test_format_common import sample_records
from tests.web_fixtures import browser, world  # noqa: F401  (fixtures)

ATTRIBUTION = ("Attribution", "Attribution-no-source")


@pytest.fixture(scope="session")
def brat_loader(shared_dir):
    """brat's own annotation.py, loaded as its README says (Python 3.11 has no mode 'rU')."""
    spec = importlib.util.spec_from_file_location(
        "brat_annotation", shared_dir / "tools" / "brat" / "annotation.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.open_textfile = lambda name, mode="r": open(name, mode.replace("U", ""),
                                                        encoding="utf-8")
    return module


def brat_sees(loader, ann: Path) -> dict:
    """Open DOC.txt + DOC.ann with brat's loader; describe what it holds by character ranges.

    Attributions follow PolNeAR's and the export's convention: the trigger of an Attribution E
    is its cue, unless it lies over the same words as one of the E line's own parts.
    """
    doc = loader.TextAnnotations(str(ann.with_suffix("")), read_only=True)
    assert not doc.failed_lines, (ann, doc.failed_lines)
    bounds = {t.id: (t.type, tuple(sorted(tuple(s) for s in t.spans)))
              for t in doc.get_textbounds()}
    events = {e.id: e for e in doc.get_events()}
    seen = {"spans": Counter(), "events": Counter(), "attributions": Counter()}
    for _kind, fragments in bounds.values():
        seen["spans"].update(fragments)
    for event in events.values():
        args = [(role.rstrip("0123456789"), bounds[t][1] if t in bounds
                 else bounds[events[t].trigger][1]) for role, t in event.args]
        trigger = bounds[event.trigger][1]
        if event.type in ATTRIBUTION:
            parts = {role: frozenset(f for r, fr in args if r.lower() == role for f in fr)
                     for role in ROLES}
            if all(fragments != trigger for _, fragments in args):
                parts["cue"] |= frozenset(trigger)
            seen["attributions"][tuple(parts[role] for role in ROLES)] += 1
        else:
            seen["events"][(event.type.upper(), trigger, tuple(sorted(
                (role.lower(), f) for role, f in args)))] += 1
    return seen


def native_sees(record: dict) -> dict:
    """Describe a native record as brat_sees does, in offsets of the exported .txt."""
    starts, position = {}, 0
    for paragraph in record["paragraphs"]:
        starts[paragraph["index"]] = position
        position += len(paragraph["text"]) + 2
    where = {s["id"]: (starts[s["paragraph"]] + s["start"], starts[s["paragraph"]] + s["end"])
             for s in record["spans"]}
    seen = {"spans": Counter(where.values()), "events": Counter(), "attributions": Counter()}
    for event in record["events"]:
        seen["events"][(event["type"], (where[event["trigger"]],), tuple(sorted(
            (a["role"], (where[a["span"]],)) for a in event["arguments"])))] += 1
    for item in record["attributions"]:
        seen["attributions"][tuple(frozenset(where[m] for m in item[role])
                                   for role in ROLES)] += 1
    return seen


def pybrat_opens(folder: Path) -> list[str]:
    """Parse each DOC.txt + DOC.ann of `folder` with pybrat in raise mode; return the errors."""
    errors = []
    for ann in sorted(folder.glob("*.ann")):
        single = folder.parent / f".{folder.name}-{ann.stem}"
        single.mkdir()
        shutil.copy(ann, single)
        shutil.copy(ann.with_suffix(".txt"), single)
        try:
            (example,) = BratParser(error="raise").parse(single)
            assert example.text == ann.with_suffix(".txt").read_text(encoding="utf-8")
        except (RuntimeError, KeyError) as error:
            errors.append(f"{ann.name}: {error}")
        shutil.rmtree(single)
    return errors


def identical_extents(record: dict) -> bool:
    """Tell whether two spans of a record lie over exactly the same words (pybrat refuses it)."""
    extents = Counter((s["paragraph"], s["start"], s["end"]) for s in record["spans"])
    return any(n > 1 for n in extents.values())


@pytest.mark.shared
def test_brat_and_pybrat_open_the_export_of_a_text_with_emoji_and_combining_marks(
        brat_loader, tmp_path):
    records = [filter_boilerplate(r, include=False)[0] for r in sample_records()]
    brat.write(records, tmp_path / "out", codebook=default_codebook())
    assert "🇺🇦" in (tmp_path / "out" / "gold" / "doc-1.txt").read_text(encoding="utf-8")
    assert "e\u0301" in (tmp_path / "out" / "gold" / "doc-1.txt").read_text(encoding="utf-8")
    for record in records:
        if record["layer"] is None:
            continue
        ann = tmp_path / "out" / record["layer"] / f"{record['id']}.ann"
        seen = brat_sees(brat_loader, ann)
        native = native_sees(record)
        # One T per span, except a2's two content spans, which are one T of two fragments.
        assert seen == native, record["layer"]
    for layer in ("gold", "coder_a"):
        assert pybrat_opens(tmp_path / "out" / layer) == []


@pytest.mark.shared
def test_brat_and_pybrat_open_the_demo_project_export(brat_loader, app, tmp_path):
    from annotator.demo import PROJECT_NAME, ensure_demo
    from annotator.services.projects import find_project
    from annotator.services.records import iter_records

    db.drop_all()  # the demo builds its schema through the migrations
    assert ensure_demo() is True
    db.session.commit()
    project = find_project(PROJECT_NAME)
    export_project(project, "brat", layer="all", out=tmp_path / "out")
    records = [r for r in iter_records(project, None, include_boilerplate=False)
               if r["layer"] is not None]
    assert {r["layer"] for r in records} == {"gold", "coder2"}
    conf = (tmp_path / "out" / "annotation.conf").read_text(encoding="utf-8")
    assert "\nRETREAT\t" in conf and "\nSource\n" in conf
    for record in records:
        ann = tmp_path / "out" / record["layer"] / f"{record['id']}.ann"
        assert brat_sees(brat_loader, ann) == native_sees(record), record["layer"]
        assert pybrat_opens(ann.parent) == []
    # The web download is the same export, zipped.
    back = {(r["id"], r["layer"]) for r in brat.read(tmp_path / "out") if r["layer"]}
    assert back == {("demo-exchange", "gold"), ("demo-exchange", "coder2")}


def _original_sees(loader, corpus: Path, ann: Path, tmp_path: Path) -> dict:
    """Open an original PolNeAR coder file with brat's loader (it wants DOC.txt + DOC.ann)."""
    article = ann.stem.rpartition("_")[0]
    folder = tmp_path / "original" / ann.stem
    folder.mkdir(parents=True)
    shutil.copy(corpus / "text" / f"{article}.txt", folder / f"{article}.txt")
    shutil.copy(ann, folder / f"{article}.ann")
    return brat_sees(loader, folder / f"{article}.ann")


@pytest.mark.shared
def test_polnear_through_import_and_brat_export_keeps_every_range(
        brat_loader, runner, app, shared_dir, tmp_path):
    corpus = shared_dir / "corpus" / "polnear-training"
    assert runner.invoke(main, ["create-project", "P", "--codebook", "polnear"]).exit_code == 0
    imported = runner.invoke(main, ["import", "P", str(corpus), "--format", "brat",
                                    "--create-coders"])
    assert imported.exit_code == 0, imported.output
    exported = runner.invoke(main, ["export", "P", "--format", "brat", "--layer", "all",
                                    "--include-boilerplate", "--out", str(tmp_path / "out")])
    assert exported.exit_code == 0, exported.output
    anns = sorted((corpus / "attributions").glob("*.ann"))
    assert len(anns) == 24
    for ann in anns:
        article, _, coder = ann.stem.rpartition("_")
        out = tmp_path / "out" / coder / f"{article}.ann"
        # File names are the article names, and the text is the original, byte for byte.
        assert out.with_suffix(".txt").read_bytes() == (
            corpus / "text" / f"{article}.txt").read_bytes()
        original = _original_sees(brat_loader, corpus, ann, tmp_path)
        seen = brat_sees(brat_loader, out)
        assert seen["attributions"] == original["attributions"], ann.name
        assert sum(seen["attributions"].values()) == sum(
            line.startswith("E") for line in ann.read_text(encoding="utf-8").splitlines())
        # Every fragment of every Source, Cue, Content, Discuss and Discard T is there (the
        # original also has PolNeAR's Attribution T over each cue's words, a repetition).
        assert set(seen["spans"]) == set(original["spans"]), ann.name
    # pybrat refuses two T lines over the same words; one coder's file has a Cue and a Discuss
    # over "mourn", in the original as in the export, and nothing else is refused.
    polnear = [r for r in brat.read(corpus) if identical_extents(r)]
    assert [(r["id"], r["layer"]) for r in polnear] == [
        ("breitbart_2016-03-11_activists-who-lit-syria-revolt-w", "6b86")]
    refused = [f"{coder}/{error}" for coder in sorted({a.stem.rpartition("_")[2] for a in anns})
               for error in pybrat_opens(tmp_path / "out" / coder)]
    assert [r.split(" [")[0] for r in refused] == [
        "6b86/breitbart_2016-03-11_activists-who-lit-syria-revolt-w.ann: Detected identical "
        "span for different entities:"]
    original = tmp_path / "pybrat-original"
    original.mkdir()
    stem = "breitbart_2016-03-11_activists-who-lit-syria-revolt-w"
    shutil.copy(corpus / "text" / f"{stem}.txt", original / f"{stem}.txt")
    shutil.copy(corpus / "attributions" / f"{stem}_6b86.ann", original / f"{stem}.ann")
    assert [e.split(": ", 1)[1][:40] for e in pybrat_opens(original)] == [
        "Detected identical span for different en"]


def _tutorial_content(ann: Path) -> dict[str, Counter]:
    """Describe an .ann's T, E, R, A, N and # lines without ids, each T by its type and the
    paragraph pieces its fragments cover (so that texts laid out differently compare)."""
    text = ann.with_suffix(".txt").read_text(encoding="utf-8")
    pmap = ParagraphMap(text)
    lines = [line.split("\t") for line in ann.read_text(encoding="utf-8").splitlines() if line]
    things: dict[str, object] = {}
    for ident, body, *_ in lines:
        if ident.startswith("T"):
            kind, offsets = body.split(" ", 1)
            pieces = tuple(p for part in offsets.split(";")
                           for p in pmap.locate(*map(int, part.split())))
            things[ident] = (kind, pieces)
    for ident, body, *_ in lines:
        if ident.startswith("E"):
            kind, trigger = body.split()[0].split(":")
            things[ident] = ("E", kind, things[trigger])
    content = {kind: Counter() for kind in "TERA#N*"}
    for ident, body, *_ in lines:
        words = body.split()
        if ident.startswith("T"):
            content["T"][things[ident]] += 1
        elif ident.startswith("E"):
            args = sorted((w.split(":")[0].rstrip("0123456789"), repr(things[w.split(":")[1]]))
                          for w in words[1:])
            content["E"][(things[ident], tuple(args))] += 1
        elif ident.startswith("R"):
            args = tuple(things[w.split(":")[1]] for w in words[1:])
            content["R"][(words[0], args)] += 1
            things[ident] = ("R", words[0], args)
    for ident, body, *rest in lines:
        words = body.split()
        if ident[0] in "AN#":
            target = repr(things[words[1]])
            content[ident[0]][(words[0], target, *words[2:], *rest)] += 1
        elif ident == "*":
            pairs = zip(words[1:], words[2:], strict=False)
            content["*"].update((words[0], repr(things[a]), repr(things[b])) for a, b in pairs)
    return content


@pytest.mark.shared
def test_brat_tutorial_imports_as_shipped_and_exports_the_same_annotations(
        brat_loader, runner, app, shared_dir, tmp_path):
    tutorial = shared_dir / "corpus" / "brat-tutorial-news"
    created = runner.invoke(main, ["create-project", "Tutorial", "--codebook",
                                   str(tutorial / "annotation.conf")])
    assert created.exit_code == 0, created.output
    imported = runner.invoke(main, ["import", "Tutorial", str(tutorial), "--format", "brat"])
    assert imported.exit_code == 0, imported.output
    exported = runner.invoke(main, ["export", "Tutorial", "--format", "brat", "--out",
                                    str(tmp_path / "out")])
    assert exported.exit_code == 0, exported.output
    annotated = [a for a in sorted(tutorial.glob("*.ann")) if a.read_text(encoding="utf-8")]
    assert len(annotated) == 9
    totals = Counter()
    for ann in annotated:
        out = tmp_path / "out" / ann.name
        assert _tutorial_content(out) == _tutorial_content(ann), ann.name
        totals.update({k: sum(v.values()) for k, v in _tutorial_content(ann).items()})
        brat_sees(brat_loader, out)  # brat's loader opens it
    # Entities, events with an event as argument, relations, equivalences, binary and valued
    # attributes, notes on T, E and R lines, and a normalisation all came back.
    assert all(totals[kind] for kind in "TERA#N*"), totals
    conf = (tmp_path / "out" / "annotation.conf").read_text(encoding="utf-8")
    assert "\nTransfer-money\t" in conf and "Confidence\tArg:<EVENT>, Value:High|Neutral|Low" \
        in conf and "\nNegation\tArg:<EVENT>\n" in conf



def test_the_web_download_is_the_command_line_export_zipped(browser, world, tmp_path):
    coder = browser("coderA")
    save(coder, own_layer(coder, world.doc1), [span("s-1", 0, 7)])
    response = export(browser("managerM"), world.p1, format="brat", layer="all")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    download = zipfile.ZipFile(io.BytesIO(response.get_data()))
    response.close()
    export_project(db.session.get(Project, world.p1), "brat", layer="all",
                   out=tmp_path / "out")
    files = {str(p.relative_to(tmp_path / "out")): p.read_bytes()
             for p in (tmp_path / "out").rglob("*") if p.is_file()}
    members = {name: download.read(name) for name in download.namelist()}
    assert set(members) == set(files)
    assert "annotation.conf" in members and any(n.startswith("coderA/") for n in members)
    for name in set(files) - {"card.json", "README.md"}:  # these two hold the time
        assert members[name] == files[name], name
