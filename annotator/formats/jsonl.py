"""JSON Lines for training: one paragraph per line, as spaCy projects and Hugging Face scripts read.

Each line is
    {"document", "layer", "paragraph", "boilerplate", "text",
     "spans": [[start, end, label], ...], "span_ids": [...], "span_attrs": [{...}, ...],
     "events": [{"id", "type", "trigger", "arguments": [{"role", "span"}], "attrs"}],
     "attributions": [{"id", "source": [...], "cue": [...], "content": [...], "parent", "attrs"}]}
Offsets are code points into `text`, which is the paragraph exactly as stored (no escaping, so
`text[start:end]` is the span). `span_ids` and `span_attrs` run parallel to `spans`. An event or
attribution sits on the line of its earliest span; its span ids may name spans on other lines of
the same document and layer. The folder holds data.jsonl, or train/dev/test.jsonl with a split.
"""

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.formats.common import Outputs, Stats, anchor_paragraph, export_records, staging
from annotator.formats.common import write_card as _write_card

# One encoder for every row: json.dumps builds a new one per call when given options.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def rows(record: dict) -> Iterator[dict]:
    """Yield one training row per paragraph of a (filtered) native record."""
    homes = anchor_paragraph(record)
    by_paragraph: dict[int, list] = {}
    for span in record.get("spans") or []:
        by_paragraph.setdefault(span["paragraph"], []).append(span)
    for paragraph in record["paragraphs"]:
        index = paragraph["index"]
        spans = by_paragraph.get(index, [])
        yield {
            "document": record["id"],
            "layer": record.get("layer"),
            "paragraph": index,
            "boilerplate": bool(paragraph.get("boilerplate")),
            "text": paragraph["text"],
            "spans": [[s["start"], s["end"], s["label"]] for s in spans],
            "span_ids": [s["id"] for s in spans],
            "span_attrs": [s.get("attrs") or {} for s in spans],
            "events": [_event(e) for e in homes["events"].get(index, [])],
            "attributions": [_attribution(a) for a in homes["attributions"].get(index, [])],
        }


def _event(event: dict) -> dict:
    return {"id": event["id"], "type": event.get("type"), "trigger": event.get("trigger"),
            "arguments": [{"role": a["role"], "span": a["span"]}
                          for a in event.get("arguments") or []],
            "attrs": event.get("attrs") or {}}


def _attribution(item: dict) -> dict:
    return {"id": item["id"], "source": list(item.get("source") or []),
            "cue": list(item.get("cue") or []), "content": list(item.get("content") or []),
            "parent": item.get("parent"), "attrs": item.get("attrs") or {}}


def write(
    records: Iterable[dict], out: Path, *, include_boilerplate: bool = False,
    split: object = None, seed: int = 0, lang: str = "en", codebook_version: object = None,
) -> dict:
    """Write paragraph rows to out/data.jsonl (or one file per split); return the card."""
    stats = Stats()
    options = {"include_boilerplate": include_boilerplate, "split": split, "seed": seed,
               "lang": lang, "codebook_version": codebook_version}
    with staging(out) as folder:
        with Outputs(folder, "{}.jsonl") as files:
            for name, record in export_records(records, stats, include_boilerplate=
                                               include_boilerplate, split=split, seed=seed):
                for row in rows(record):
                    files(name).write(_ENCODER.encode(row) + "\n")
        return _write_card(folder, "jsonl", stats, options)
