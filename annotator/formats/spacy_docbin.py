"""spaCy DocBin files (.spacy): one Doc per paragraph, tokenised by spacy.blank(lang).

Every span goes in doc.spans["sc"] (the spancat default key); spans that are parts of
attributions or events also go in doc.spans["attribution"] / doc.spans["events"]; doc.ents holds
the non-overlapping subset (longest of each overlapping group, then the earliest, as
spacy.util.filter_spans does), limited to `labels` when given.

Alignment: a span is first taken with char_span(alignment_mode="strict"); a span that does not
start and end on token boundaries is widened to the tokens it touches (alignment_mode="expand")
and counted in the card's alignment report, with examples; a span that touches no token at all
(whitespace only) cannot be a spaCy span and is counted there too. Nothing is dropped silently, and
doc.user_data keeps every span's exact offsets, ids and attributes, and the events and
attributions anchored in the paragraph (see jsonl.rows).

A DocBin holds its docs in memory, so docs are written in shards of `shard_size` to
out/<split or data>/part-0000.spacy, ...; spaCy's Corpus reads such a folder as one corpus.

Reading (`import --format spacy`, a .spacy file or a folder searched for them): the spans are
those of every doc.spans group and doc.ents (one span per distinct offsets and label), so a
model's output is read as the model left it (a span the export widened comes back widened). A Doc
this export wrote (doc.user_data names its document, layer and paragraph) is a paragraph of that
document, its text exactly the paragraph's; spans keep their ids (Span.id_) and the attributes,
events and attributions that user_data holds for them (parts whose span the model removed are
left out). Any other Doc is a document of its own, FILE-N, cut into paragraphs as the jsonl
import cuts `text`. The layer is `layer` when given, else the one user_data names, else "gold".
"""

from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from annotator.errors import InputError, MissingExtra
from annotator.formats import jsonl
from annotator.formats.common import (
    ROLES,
    ParagraphMap,
    Stats,
    export_records,
    native_record,
    staging,
    write_card,
)
from annotator.text import check_text

EXAMPLES = 20  # misaligned spans quoted in the card


def _spacy():
    try:
        import spacy
        from spacy.tokens import DocBin
    except ImportError:
        raise MissingExtra("spaCy export", "spacy", "spacy") from None
    return spacy, DocBin


def _doc(nlp, row: dict, labels, report: dict):
    """Build one Doc from a jsonl row, aligning its spans and recording what moved."""
    doc = nlp.make_doc(row["text"])
    related = {"attribution": {m for a in row["attributions"] for r in ROLES for m in a[r]},
               "events": {m for e in row["events"] for m in [e["trigger"]] +
                          [a["span"] for a in e["arguments"]]}}
    spans, ents, user_spans = [], [], []
    for (start, end, label), span_id, attrs in zip(
        row["spans"], row["span_ids"], row["span_attrs"], strict=True
    ):
        entry = {"id": span_id, "start": start, "end": end, "label": label, "attrs": attrs}
        user_spans.append(entry)
        span = doc.char_span(start, end, label=label, alignment_mode="strict")
        if span is None:
            span = doc.char_span(start, end, label=label, alignment_mode="expand")
            where = {"document": row["document"], "layer": row["layer"],
                     "paragraph": row["paragraph"], "span": span_id,
                     "text": row["text"][start:end]}
            if span is None or len(span) == 0:
                report["unaligned"] += 1
                if len(report["unaligned_examples"]) < EXAMPLES:
                    report["unaligned_examples"].append(where)
                continue
            report["expanded"] += 1
            if len(report["expanded_examples"]) < EXAMPLES:
                report["expanded_examples"].append(dict(where, aligned_text=span.text))
        span.id_ = span_id
        entry["aligned"] = [span.start_char, span.end_char]
        spans.append(span)
        if labels is None or label in labels:
            ents.append(span)
    doc.spans["sc"] = spans
    for key, members in related.items():
        doc.spans[key] = [s for s in spans if s.id_ in members]
    kept = _filter(ents)
    report["ents_left_out_overlapping"] += len(ents) - len(kept)
    doc.ents = kept
    doc.user_data.update({
        "document": row["document"], "layer": row["layer"], "paragraph": row["paragraph"],
        "boilerplate": row["boilerplate"], "spans": user_spans, "events": row["events"],
        "attributions": row["attributions"],
    })
    return doc


@contextmanager
def _msgpack_encoders_found_once() -> Iterator[None]:
    """Let srsly look up its msgpack encoders once for the whole export, not once per pack."""
    # srsly's Packer asks its catalogue registry for every encoder each time one is made, and the
    # registry then scans every installed package's entry points and every function spaCy has
    # registered. DocBin.add makes two Packers per Doc, so this lookup took nine tenths of the
    # export's time. The encoders cannot change during an export; the lookup is put back after.
    from srsly import msgpack

    registry = msgpack.msgpack_encoders
    if "get_all" in vars(registry):  # another export (thread) holds the found encoders
        yield
        return
    found = registry.get_all()
    registry.get_all = lambda: found  # an instance attribute, shadowing the method
    try:
        yield
    finally:
        vars(registry).pop("get_all", None)


def _filter(spans: list) -> list:
    from spacy.util import filter_spans

    return sorted(filter_spans(spans), key=lambda s: s.start)


def write(
    records: Iterable[dict], out: Path, *, include_boilerplate: bool = False,
    split: object = None, seed: int = 0, lang: str = "en",
    labels: Collection[str] | None = None, shard_size: int = 5000,
    codebook_version: object = None,
) -> dict:
    """Write paragraphs as spaCy Docs in DocBin shards; return the card with the alignment report.

    :raise MissingExtra: when spaCy is not installed.
    """
    spacy, DocBin = _spacy()
    nlp = spacy.blank(lang)
    stats = Stats()
    report: dict = {"strategy": "char_span strict, else expand to the touched tokens",
                    "spans": 0, "expanded": 0, "unaligned": 0, "ents_left_out_overlapping": 0,
                    "expanded_examples": [], "unaligned_examples": []}
    options = {"include_boilerplate": include_boilerplate, "split": split, "seed": seed,
               "lang": lang, "labels": sorted(labels) if labels is not None else None,
               "shard_size": shard_size, "codebook_version": codebook_version}
    bins: dict[str, object] = {}
    shards: Counter = Counter()
    with staging(out) as folder:

        def flush(name: str) -> None:
            target = folder / name / f"part-{shards[name]:04d}.spacy"
            target.parent.mkdir(exist_ok=True)
            bins.pop(name).to_disk(target)
            shards[name] += 1

        with _msgpack_encoders_found_once():
            for name, record in export_records(records, stats, include_boilerplate=
                                               include_boilerplate, split=split, seed=seed):
                for row in jsonl.rows(record):
                    report["spans"] += len(row["spans"])
                    docbin = bins.setdefault(name, DocBin(store_user_data=True))
                    # make_doc refuses a text past max_length (E088), a guard for parsers'
                    # memory; this blank pipeline only tokenises, so the longest one sets it.
                    nlp.max_length = max(nlp.max_length, len(row["text"]) + 1)
                    docbin.add(_doc(nlp, row, labels, report))
                    if len(docbin) >= shard_size:
                        flush(name)
            for name in list(bins):
                flush(name)
        notices = {"spans_widened_to_tokens": report["expanded"],
                   "spans_on_no_token": report["unaligned"]}
        return write_card(folder, "spacy", stats, options, {"alignment": report},
                          notices=notices)


# --- reading ------------------------------------------------------------------------------------


def read(path: Path, *, layer: str | None = None) -> Iterator[dict]:
    """Yield native records from a .spacy file, or from every .spacy file under a folder.

    :raise InputError: naming the file of anything that cannot be kept.
    :raise MissingExtra: when spaCy is not installed.
    """
    _, DocBin = _spacy()
    from spacy.vocab import Vocab

    path = Path(path)
    files = sorted(path.rglob("*.spacy")) if path.is_dir() else [path]
    if not files:
        raise InputError("the folder holds no .spacy file", file=path.name)
    number, record = 0, None
    for file in files:
        try:
            docs = DocBin(store_user_data=True).from_disk(file).get_docs(Vocab())
        except (ValueError, KeyError, TypeError, OSError) as error:
            raise InputError(f"not a spaCy DocBin file ({error})", file=file.name) from None
        for doc in docs:
            number += 1
            try:
                if not isinstance(doc.user_data.get("document"), str):
                    if record is not None:
                        yield _finish(record)
                        record = None
                    yield _own_document(doc, f"{path.stem}-{number}", layer) | {
                        "_file": file.name}
                    continue
                key = (doc.user_data["document"],
                       layer or doc.user_data.get("layer") or "gold")
                if record is not None and (record["id"], record["layer"]) != key:
                    yield _finish(record)
                    record = None
                if record is None:
                    record = {"id": key[0], "layer": key[1], "paragraphs": [], "spans": [],
                              "links": {"events": {}, "attributions": {}}, "attrs": {},
                              "_file": file.name}
                _add_paragraph(record, doc)
            except ValueError as error:
                raise InputError(f"doc {number}: {error}", file=file.name) from None
    if record is not None:
        yield _finish(record)


def _doc_spans(doc) -> list:
    """Return every span of the doc's span groups and entities, once per offsets and label."""
    seen, found = set(), []
    for span in [*(s for key in doc.spans for s in doc.spans[key]), *doc.ents]:
        key = (span.start_char, span.end_char, span.label_)
        if key not in seen and span.end_char > span.start_char:
            seen.add(key)
            found.append(span)
    return sorted(found, key=lambda s: (s.start_char, -s.end_char))


def _own_document(doc, document_id: str, layer: str | None) -> dict:
    """Make a record of a Doc that names no document: its text cut into paragraphs."""
    pmap = ParagraphMap(doc.text)
    spans = []
    for span in _doc_spans(doc):
        spans += pmap.spans(f"s{len(spans) + 1}", [(span.start_char, span.end_char)],
                            span.label_, {})
    return native_record(document_id, pmap, layer or "gold", spans, [], [])


def _add_paragraph(record: dict, doc) -> None:
    reason = check_text(doc.text)
    if reason or not doc.text:
        raise ValueError(f"the text {reason or 'is empty'}")
    index = len(record["paragraphs"])
    record["paragraphs"].append({"index": index, "text": doc.text,
                                 "boilerplate": bool(doc.user_data.get("boilerplate"))})
    ids = {s["id"] for s in record["spans"]}
    for entry in doc.user_data.get("spans") or []:
        if isinstance(entry, dict) and isinstance(entry.get("attrs"), dict):
            record["attrs"][entry.get("id")] = entry["attrs"]
    for span in _doc_spans(doc):
        span_id = span.id_ if span.id_ and span.id_ not in ids else f"x{len(ids) + 1}"
        while span_id in ids:
            span_id += "b"
        ids.add(span_id)
        record["spans"].append({"id": span_id, "paragraph": index, "start": span.start_char,
                                "end": span.end_char, "text": span.text, "label": span.label_,
                                "attrs": {}})
    for kind in ("events", "attributions"):
        for item in doc.user_data.get(kind) or []:
            if isinstance(item, dict) and "id" in item:
                record["links"][kind].setdefault(item["id"], item)


def _finish(record: dict) -> dict:
    """Complete a record: span attributes, and the events and attributions whose spans are kept."""
    ids = {s["id"] for s in record["spans"]}
    for span in record["spans"]:
        span["attrs"] = dict(record["attrs"].get(span["id"]) or {})
    events = []
    for event in record["links"]["events"].values():
        if event.get("trigger") not in ids:
            continue
        arguments = [a for a in event.get("arguments") or [] if a.get("span") in ids]
        events.append({"id": event["id"], "trigger": event["trigger"],
                       "type": event.get("type"), "attrs": event.get("attrs") or {},
                       "arguments": arguments})
    attributions = []
    for item in record["links"]["attributions"].values():
        parts = {role: [m for m in item.get(role) or [] if m in ids] for role in ROLES}
        if any(parts.values()):
            attributions.append({"id": item["id"], **parts, "parent": item.get("parent"),
                                 "attrs": item.get("attrs") or {}})
    kept = {a["id"] for a in attributions}
    for item in attributions:
        if item["parent"] not in kept:
            item["parent"] = None
    layer = record["layer"]
    return {"id": record["id"], "title": "", "url": None, "published": None, "meta": {},
            "layer": layer, "paragraphs": record["paragraphs"], "spans": record["spans"],
            "events": events, "attributions": attributions, "_file": record["_file"]}
