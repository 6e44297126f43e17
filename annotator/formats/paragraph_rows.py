"""Read back the paragraph-per-row exports: `jsonl` (import format `jsonl-export`) and `hf`.

Both hold one row per paragraph, {"document", "layer", "paragraph", "boilerplate", "text",
"spans", "events", "attributions", ...}; the jsonl export's spans are [start, end, label] with
`span_ids` and `span_attrs` beside them, the hf export's are {"id", "start", "end", "label",
"text", "attrs"} with attrs as [{"name", "value", "json"}]. Consecutive rows of one (document,
layer) make one record, its paragraphs in row order (numbered anew: the exports leave boilerplate
paragraphs out unless asked). Spans, events and attributions come back as they were exported;
`tokens` and `ner_tags` are derived from the spans and not read. A path may be a .jsonl file or
a folder, whose .jsonl files (train, dev, test, data) are read in name order. The layer is
`layer` when given, else the row's ("" or null: a document without annotations).
"""

import json
from collections.abc import Iterator
from pathlib import Path

from annotator.errors import InputError
from annotator.formats.lines import read_json_lines
from annotator.text import check_text


def read(path: Path, *, layer: str | None = None) -> Iterator[dict]:
    """Yield native records from paragraph rows.

    :raise InputError: naming the file and line of a row that cannot be kept.
    """
    path = Path(path)
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not files:
        raise InputError("the folder holds no .jsonl file", file=path.name)
    for file in files:
        record = None
        for number, row in read_json_lines(file):
            try:
                key = _key(row)
                if record is None or record["_key"] != key:
                    if record is not None:
                        yield _finish(record)
                    record = {"id": key[0], "layer": layer or key[1] or None, "_key": key,
                              "paragraphs": [], "spans": [], "events": [], "attributions": [],
                              "_line": number, "_file": file.name}
                _add(record, row)
            except (ValueError, TypeError, KeyError) as error:
                reason = f"missing {error}" if isinstance(error, KeyError) else str(error)
                raise InputError(f"row: {reason}", file=file.name, line=number) from None
        if record is not None:
            yield _finish(record)


def _key(row: object) -> tuple[str, str | None]:
    if not isinstance(row, dict):
        raise ValueError("each line must be a JSON object")
    document, layer = row["document"], row.get("layer")
    if not isinstance(document, str) or not isinstance(layer, str | None):
        raise ValueError("document must be text and layer text or null")
    return document, layer


def _attrs(value: object) -> dict:
    """Return attributes from a dict (jsonl) or a list of {name, value, json} (hf)."""
    if isinstance(value, dict):
        return value
    if not isinstance(value, list):
        raise ValueError(f"attrs must be an object or a list, not {value!r}")
    return {item["name"]: json.loads(item["value"]) if item.get("json") else item["value"]
            for item in value}


def _add(record: dict, row: dict) -> None:
    text = row["text"]
    reason = check_text(text) if isinstance(text, str) else None
    if not isinstance(text, str) or not text or reason:
        raise ValueError(f"text must be non-empty text{', but it ' + reason if reason else ''}")
    index = len(record["paragraphs"])
    record["paragraphs"].append({"index": index, "text": text,
                                 "boilerplate": bool(row.get("boilerplate"))})
    spans = row.get("spans") or []
    if spans and isinstance(spans[0], list):  # the jsonl export
        spans = [{"start": s, "end": e, "label": label, "id": span_id, "attrs": attrs}
                 for (s, e, label), span_id, attrs in zip(
                     spans, row["span_ids"], row["span_attrs"], strict=True)]
    for span in spans:
        start, end = span["start"], span["end"]
        record["spans"].append({"id": span["id"], "paragraph": index, "start": start,
                                "end": end, "text": text[start:end], "label": span["label"],
                                "attrs": _attrs(span.get("attrs") or {})})
    for event in row.get("events") or []:
        record["events"].append(dict(event, attrs=_attrs(event.get("attrs") or {})))
    for item in row.get("attributions") or []:
        record["attributions"].append(dict(item, attrs=_attrs(item.get("attrs") or {})))


def _finish(record: dict) -> dict:
    record.pop("_key")
    if record["layer"] is None and (record["spans"] or record["events"]
                                    or record["attributions"]):
        record["layer"] = "gold"
    return {"title": "", "url": None, "published": None, "meta": {}, **record}
