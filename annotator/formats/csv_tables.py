"""CSV tables for spreadsheets: paragraphs.csv, spans.csv, events.csv, attributions.csv.

RFC 4180 (the csv module, CRLF line ends, quotes doubled), UTF-8 without a BOM. Every row names
its document (and layer) and carries the text it is about. A text cell that a spreadsheet would
read as a formula (starting with = + - @, a tab or CR, or their full-width forms ＝ ＋ － ＠) gets a
leading ' so it shows as text; so CSV text may differ from the stored text by that one character,
unlike the jsonl and native exports, which stay byte-exact. Lists of span ids and attributes are
compact JSON. With a split, each row carries its split name.
"""

import csv
from collections.abc import Iterable
from pathlib import Path

from annotator.formats.common import ROLES, Stats, export_records, staging, write_card
from annotator.formats.json_text import encode

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
PARTS = " … "  # joins the texts of a discontinuous source, cue or content

HEADERS = {
    "paragraphs": ["document", "paragraph", "boilerplate", "text"],
    "spans": ["document", "layer", "paragraph", "span_id", "start", "end", "label", "text",
              "attrs"],
    "events": ["document", "layer", "event_id", "type", "trigger_id", "trigger_text",
               "arguments", "attrs"],
    "attributions": ["document", "layer", "attribution_id", "parent", "source_ids",
                     "source_text", "cue_ids", "cue_text", "content_ids", "content_text",
                     "attrs"],
}


_FORMULA_FIRST = frozenset(FORMULA_STARTS)  # each start is one character


def neutralise(value: object) -> object:
    """Prefix ' to a text cell that a spreadsheet would run as a formula."""
    if isinstance(value, str) and value[:1] in _FORMULA_FIRST:
        return "'" + value
    return value


def _neutral(row: list) -> list:
    """neutralise every cell of a row (inline: it runs for every cell of the export)."""
    return ["'" + c if isinstance(c, str) and c[:1] in _FORMULA_FIRST else c for c in row]


def _json(value: object) -> str:
    return "{}" if not value and isinstance(value, dict) else encode(value)  # most attrs: {}


def table_rows(record: dict) -> Iterable[tuple[str, list]]:
    """Yield (table, row) for one (filtered) record; paragraphs come only with the first layer."""
    document, layer = record["id"], record.get("layer")
    texts = {p["index"]: p["text"] for p in record["paragraphs"]}
    spans = {s["id"]: s for s in record.get("spans") or []}

    def text(span_id: str | None) -> str:
        span = spans.get(span_id)
        return texts[span["paragraph"]][span["start"]:span["end"]] if span else ""

    for span in spans.values():
        yield "spans", [document, layer, span["paragraph"], span["id"], span["start"],
                        span["end"], span["label"], text(span["id"]),
                        _json(span.get("attrs") or {})]
    for event in record.get("events") or []:
        arguments = [{"role": a["role"], "span": a["span"], "text": text(a["span"])}
                     for a in event.get("arguments") or []]
        yield "events", [document, layer, event["id"], event.get("type"), event.get("trigger"),
                         text(event.get("trigger")), _json(arguments),
                         _json(event.get("attrs") or {})]
    for item in record.get("attributions") or []:
        cells = []
        for role in ROLES:
            members = list(item.get(role) or [])
            cells += [_json(members), PARTS.join(text(m) for m in members)]
        yield "attributions", [document, layer, item["id"], item.get("parent"), *cells,
                               _json(item.get("attrs") or {})]


def write(
    records: Iterable[dict], out: Path, *, include_boilerplate: bool = False,
    split: object = None, seed: int = 0, lang: str = "en", codebook_version: object = None,
) -> dict:
    """Write the four CSV tables into `out`; return the card."""
    stats = Stats()
    options = {"include_boilerplate": include_boilerplate, "split": split, "seed": seed,
               "lang": lang, "codebook_version": codebook_version}
    seen: set[str] = set()
    with staging(out) as folder:
        handles = {name: (folder / f"{name}.csv").open("w", encoding="utf-8", newline="")
                   for name in HEADERS}
        try:
            writers = {name: csv.writer(handle) for name, handle in handles.items()}
            extra = ["split"] if split is not None else []
            for name, header in HEADERS.items():
                writers[name].writerow(header + extra)
            for name, record in export_records(records, stats, include_boilerplate=
                                               include_boilerplate, split=split, seed=seed):
                tail = [name] if extra else []
                if record["id"] not in seen:
                    seen.add(record["id"])
                    for p in record["paragraphs"]:
                        row = [record["id"], p["index"], bool(p.get("boilerplate")), p["text"]]
                        writers["paragraphs"].writerow(_neutral(row + tail))
                for table, row in table_rows(record):
                    writers[table].writerow(_neutral(row + tail))
        finally:
            for handle in handles.values():
                handle.close()
        return write_card(folder, "csv", stats, options, {"formula_cells": (
            "text cells starting with " + " ".join(repr(c) for c in FORMULA_STARTS)
            + " get a leading '")})
