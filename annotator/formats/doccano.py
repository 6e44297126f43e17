"""doccano's sequence-labelling JSONL: read its exports, write files its import takes.

Reading, two shapes, one document per line:
    {"id", "text", "label": [[start, end, "LABEL"], ...]}                      (doccano < 1.6)
    {"id", "text", "entities": [{"id", "start_offset", "end_offset", "label"}],
     "relations": [{"id", "from_id", "to_id", "type"}]}                        (newer)
A line with both (as annotator writes them) takes its spans from `entities`, and `label` must
agree. The text is cut into paragraphs as the jsonl import cuts `text` (peer_text keeps what lay
between them), and each span is mapped onto them (one span per paragraph when it crosses a
break). Offsets are counted in `offsets` units: "utf16" by default, as doccano's browser counts
them; "codepoints" for files written by Python tools; "graphemes" for a doccano project set to
count grapheme clusters. A span edge that does not fit (inside a surrogate pair or a character
cluster, or past the end) is refused with a message naming the option. Relations become events
or attributions as common.link_regions describes (a relation type "TYPE:role", as annotator
writes them, gives the event its type). Text classification labels ("label": ["POS"]
or "cats") and any other fields are kept in `meta`. doccano exports hold no annotator, so every
line is one layer (`layer`, "gold" by default); a line without "label" or "entities" is a
document without annotations (layer null). Each record's "_line" is its line number, for the
import's error messages.

Writing (`--format doccano`): one line per (document, layer), in doccano's import shape:
    {"id", "text", "label": [[start, end, "LABEL"], ...],
     "entities": [{"id", "start_offset", "end_offset", "label"}],
     "relations": [{"id", "from_id", "to_id", "type"}], "title"?, ...meta}
with UTF-16 offsets into the whole text (doccano's unit). A sequence-labelling project reads
`label` (and shows `entities`/`relations` as metadata); a relation-extraction project reads
`entities` and `relations`. Events and attributions become relations (peer_text.relations);
doccano keeps overlapping spans only in a project that allows overlaps.
"""

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.errors import InputError
from annotator.formats.common import (
    Outputs,
    ParagraphMap,
    Stats,
    export_records,
    link_regions,
    native_record,
    staging,
    write_card,
)
from annotator.formats.lines import read_json_lines
from annotator.formats.offsets_units import UnitMap, check_unit, misfit_hint
from annotator.formats.peer_text import (
    GAPS,
    document_text,
    relations,
    set_event_types,
    text_gaps,
    typed_roles,
)

KNOWN = {"id", "text", "label", "entities", "relations", "cats", "meta", "title", "url",
         "published"}
DEFAULT_OFFSETS = "utf16"


def read(path: Path, *, layer: str | None = None, offsets: str | None = None) -> Iterator[dict]:
    """Yield one native record per line of a doccano JSONL export.

    :raise InputError: naming the line of anything that cannot be kept.
    """
    unit = check_unit(offsets or DEFAULT_OFFSETS)
    path = Path(path)
    for number, value in read_json_lines(path):
        try:
            record = _record(value, f"{path.stem}-{number}", layer or "gold", unit)
        except ValueError as error:
            raise InputError(str(error), file=path.name, line=number) from None
        yield record | {"_line": number}  # the import names this line in its errors


def _record(value: object, fallback_id: str, layer: str, unit: str) -> dict:
    if not isinstance(value, dict):
        raise ValueError("each line must be a JSON object")
    text = value.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text must be non-empty text")
    pmap = ParagraphMap(text)
    document_id = value.get("id", fallback_id)
    if isinstance(document_id, bool) or not isinstance(document_id, str | int):
        raise ValueError(f"id must be text or a number, not {document_id!r}")
    meta = dict(value.get("meta") or {}) if isinstance(value.get("meta"), dict) else {}
    meta.update({k: v for k, v in value.items() if k not in KNOWN})
    gaps = text_gaps(text, pmap)
    if gaps is not None:
        meta[GAPS] = gaps
    regions, labels, categories = _regions(value, pmap, UnitMap(text, unit))
    if categories:
        meta["categories"] = categories
    spans = [span for made in regions.values() for span in made]
    ids = {key: [s["id"] for s in made] for key, made in regions.items()}
    links = []
    for relation in value.get("relations") or []:
        if not isinstance(relation, dict) or not {"from_id", "to_id", "type"} <= set(relation):
            raise ValueError(f"a relation needs from_id, to_id and type: {relation!r}")
        head, target = str(relation["from_id"]), str(relation["to_id"])
        if head not in ids or target not in ids:
            raise ValueError(f"relation {relation.get('id')!r} links an unknown entity")
        links.append((f"R{relation.get('id', len(links) + 1)}", head,
                      str(relation["type"]), target))
    links, types = typed_roles(links)
    events, attributions = link_regions(links, ids, labels)
    set_event_types(events, ids, types)
    annotated = "label" in value or "entities" in value
    fields = {key: value[key] if isinstance(value.get(key), str) else None
              for key in ("url", "published")}
    title = value.get("title") if isinstance(value.get("title"), str) else ""
    return native_record(str(document_id), pmap, layer if annotated else None, spans, events,
                         attributions, title=title, meta=meta, **fields)


def _items(value: dict) -> tuple[list[tuple], list[str]]:
    """Return ([(key, start, end, label)], [document labels]) from `label` and `entities`."""
    triples, categories = [], list(value.get("cats") or [])
    labels = value.get("label") or []
    if not isinstance(labels, list):
        raise ValueError("label must be a list")
    for n, item in enumerate(labels, start=1):
        if isinstance(item, str):
            categories.append(item)
        elif isinstance(item, list) and len(item) == 3:
            triples.append((f"s{n}", *item))
        else:
            raise ValueError(f"label item {n} must be [start, end, \"LABEL\"], not {item!r}")
    entities = value.get("entities")
    if entities is None:
        return triples, categories
    if not isinstance(entities, list):
        raise ValueError("entities must be a list")
    items = []
    for n, item in enumerate(entities, start=1):
        if not isinstance(item, dict):
            raise ValueError(f"entity {n} must be an object")
        try:
            items.append((str(item.get("id", f"s{n}")), item["start_offset"], item["end_offset"],
                          item["label"]))
        except KeyError as missing:
            raise ValueError(f"entity {n} has no {missing}") from None
    if triples and sorted(map(repr, (t[1:] for t in triples))) != sorted(
            map(repr, (i[1:] for i in items))):
        raise ValueError("label and entities hold different spans")
    return items, categories


def _regions(value: dict, pmap: ParagraphMap, units: UnitMap):
    """Return ({entity id: [spans]}, {entity id: label}, [document labels])."""
    items, categories = _items(value)
    regions, names = {}, {}
    for key, start, end, label in items:
        if not isinstance(label, str) or not label:
            raise ValueError(f"entity {key}: the label must be text")
        if key in regions:
            raise ValueError(f"entity id {key} is used twice")
        try:
            points = units.to_codepoints(start), units.to_codepoints(end)
            regions[key] = pmap.spans(key if key[:1].isalpha() else f"s{key}", [points],
                                      label, {})
        except ValueError as error:
            raise ValueError(f"entity {key} [{start}, {end}): {error}"
                             f"{misfit_hint(units.unit)}") from None
        names[key] = label
    return regions, names, categories


def write(
    records: Iterable[dict], out: Path, *, include_boilerplate: bool = False,
    split: object = None, seed: int = 0, lang: str = "en", codebook_version: object = None,
) -> dict:
    """Write out/data.jsonl (or one file per split) for doccano's import; return the card."""
    stats, counts = Stats(), Counter()
    options = {"include_boilerplate": include_boilerplate, "split": split, "seed": seed,
               "offsets": DEFAULT_OFFSETS, "codebook_version": codebook_version}
    encode = json.JSONEncoder(ensure_ascii=False).encode
    with staging(out) as folder:
        with Outputs(folder, "{}.jsonl") as files:
            for name, record in export_records(records, stats, include_boilerplate=
                                               include_boilerplate, split=split, seed=seed):
                files(name).write(encode(line(record, counts)) + "\n")
        details = {"offsets": "UTF-16 code units into `text`, as doccano's browser counts",
                   "left_out": dict(sorted(counts.items()))}
        return write_card(folder, "doccano", stats, options, details, notices=dict(counts))


def line(record: dict, counts: Counter) -> dict:
    """Return one record as a doccano line (UTF-16 offsets into the whole text)."""
    text, starts = document_text(record)
    units = UnitMap(text, DEFAULT_OFFSETS)
    spans = sorted(record.get("spans") or [],
                   key=lambda s: (starts[s["paragraph"]] + s["start"], -s["end"]))
    number = {}
    entities = []
    for span in spans:
        at = starts[span["paragraph"]]
        number[span["id"]] = len(entities)
        entities.append({"id": len(entities), "label": span["label"],
                         "start_offset": units.from_codepoints(at + span["start"]),
                         "end_offset": units.from_codepoints(at + span["end"])})
    links = [{"id": n, "from_id": number[head], "to_id": number[target], "type": role}
             for n, (head, role, target) in enumerate(relations(record, counts))]
    meta = {k: v for k, v in (record.get("meta") or {}).items()
            if k not in KNOWN and k != GAPS}
    result = {"id": record["id"], "text": text,
              "label": [[e["start_offset"], e["end_offset"], e["label"]] for e in entities],
              "entities": entities, "relations": links}
    for key in ("title", "url", "published"):
        if record.get(key):
            result[key] = record[key]
    return meta | result
