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
"""

from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from annotator.errors import MissingExtra
from annotator.formats import jsonl
from annotator.formats.common import ROLES, Stats, export_records, staging, write_card

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
                    docbin.add(_doc(nlp, row, labels, report))
                    if len(docbin) >= shard_size:
                        flush(name)
            for name in list(bins):
                flush(name)
        notices = {"spans_widened_to_tokens": report["expanded"],
                   "spans_on_no_token": report["unaligned"]}
        return write_card(folder, "spacy", stats, options, {"alignment": report},
                          notices=notices)
