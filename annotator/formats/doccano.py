"""Read doccano's sequence-labelling JSONL export into native records.

Two shapes, one document per line:
    {"id", "text", "label": [[start, end, "LABEL"], ...]}                      (doccano < 1.6)
    {"id", "text", "entities": [{"id", "start_offset", "end_offset", "label"}],
     "relations": [{"id", "from_id", "to_id", "type"}]}                        (newer)
The text is split into paragraphs as the jsonl import splits `text`, and each span is mapped
onto them (one span per paragraph when it crosses a break). doccano's browser counts offsets in
UTF-16 code units, so they are read that way by default (the same as code points unless the text
has emoji or other characters beyond U+FFFF); pass offsets="codepoints" for files written by
Python tools. Relations become events or attributions as common.link_regions describes. Text
classification labels ("label": ["POS"] or "cats") and any other fields are kept in `meta`.
doccano exports hold no annotator, so every line is one layer (`layer`, "gold" by default); a
line without "label" or "entities" is a document without annotations (layer null). Each record's
"_line" is its line number, for the import's error messages.
"""

from collections.abc import Iterator
from pathlib import Path

from annotator.errors import InputError
from annotator.formats.common import ParagraphMap, link_regions, native_record
from annotator.formats.lines import read_json_lines
from annotator.offsets import OffsetMap

KNOWN = {"id", "text", "label", "entities", "relations", "cats", "meta", "title"}


def read(path: Path, *, layer: str = "gold", offsets: str = "utf16") -> Iterator[dict]:
    """Yield one native record per line of a doccano JSONL export.

    :raise InputError: naming the line of anything that cannot be kept.
    """
    if offsets not in ("utf16", "codepoints"):
        raise ValueError(f"offsets must be 'utf16' or 'codepoints', not {offsets!r}")
    path = Path(path)
    for number, value in read_json_lines(path):
        try:
            record = _record(value, f"{path.stem}-{number}", layer, offsets)
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
    codes = OffsetMap(text) if unit == "utf16" else None
    document_id = value.get("id", fallback_id)
    if isinstance(document_id, bool) or not isinstance(document_id, str | int):
        raise ValueError(f"id must be text or a number, not {document_id!r}")
    meta = dict(value.get("meta") or {}) if isinstance(value.get("meta"), dict) else {}
    meta.update({k: v for k, v in value.items() if k not in KNOWN})
    regions, labels, categories = _regions(value, pmap, codes)
    if categories:
        meta["categories"] = categories
    spans = [span for made in regions.values() for span in made]
    ids = {key: [s["id"] for s in made] for key, made in regions.items()}
    relations = []
    for relation in value.get("relations") or []:
        if not isinstance(relation, dict) or not {"from_id", "to_id", "type"} <= set(relation):
            raise ValueError(f"a relation needs from_id, to_id and type: {relation!r}")
        head, target = str(relation["from_id"]), str(relation["to_id"])
        if head not in ids or target not in ids:
            raise ValueError(f"relation {relation.get('id')!r} links an unknown entity")
        relations.append((f"R{relation.get('id', len(relations) + 1)}", head,
                          str(relation["type"]), target))
    events, attributions = link_regions(relations, ids, labels)
    annotated = "label" in value or "entities" in value
    title = value.get("title") if isinstance(value.get("title"), str) else ""
    return native_record(str(document_id), pmap, layer if annotated else None, spans, events,
                         attributions, title=title, meta=meta)


def _regions(value: dict, pmap: ParagraphMap, codes: OffsetMap | None):
    """Return ({entity id: [spans]}, {entity id: label}, [document labels])."""
    items, categories = [], list(value.get("cats") or [])
    labels = value.get("label") or []
    if not isinstance(labels, list):
        raise ValueError("label must be a list")
    for n, item in enumerate(labels, start=1):
        if isinstance(item, str):
            categories.append(item)
        elif isinstance(item, list) and len(item) == 3:
            items.append((f"s{n}", *item))
        else:
            raise ValueError(f"label item {n} must be [start, end, \"LABEL\"], not {item!r}")
    entities = value.get("entities") or []
    if not isinstance(entities, list):
        raise ValueError("entities must be a list")
    for n, item in enumerate(entities, start=1):
        if not isinstance(item, dict):
            raise ValueError(f"entity {n} must be an object")
        try:
            items.append((str(item.get("id", f"s{n}")), item["start_offset"], item["end_offset"],
                          item["label"]))
        except KeyError as missing:
            raise ValueError(f"entity {n} has no {missing}") from None
    regions, names = {}, {}
    for key, start, end, label in items:
        if not isinstance(label, str) or not label:
            raise ValueError(f"entity {key}: the label must be text")
        if key in regions:
            raise ValueError(f"entity id {key} is used twice")
        try:
            if any(isinstance(n, bool) or not isinstance(n, int) for n in (start, end)):
                raise ValueError("offsets must be integers")
            if codes is not None:
                start, end = codes.from_utf16(start), codes.from_utf16(end)
            regions[key] = pmap.spans(key if key[:1].isalpha() else f"s{key}", [(start, end)],
                                      label, {})
        except ValueError as error:
            hint = " (read as UTF-16 units; try offsets='codepoints')" if codes else ""
            raise ValueError(f"entity {key} [{start}, {end}): {error}{hint}") from None
        names[key] = label
    return regions, names, categories
