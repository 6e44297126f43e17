"""Turn native interchange records into per-document, per-coder layers ready to compare.

Everything downstream compares plain tuples: a span is `(paragraph, start, end, label)`, a range is
`(paragraph, start, end)`. Span ids are resolved here, so events and attributions from different
coders (whose ids differ) can be compared by what they point at. The unit of comparison (UNITS,
docs/agreement.md) is chosen here too: the span and attribution-part items a layer offers.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter, methodcaller

from annotator.errors import InputError

# Layers that are not a coder's work (besides the null layer of unannotated documents).
NON_CODER_LAYERS = frozenset({"gold"})

Range = tuple[int, int, int]  # (paragraph, start, end)
Span = tuple[int, int, int, str]  # (paragraph, start, end, label)
Part = frozenset[Range]
SPAN_KEYS = ("paragraph", "start", "end", "label")
SPAN_FIELDS = itemgetter(*SPAN_KEYS)
GET_ID = methodcaller("get", "id")
PART_NAMES = ("source", "cue", "content")
NONE: Part = frozenset()
# part: spans one by one, an attribution's part (all its spans) as one item per attribution;
# fragment: every span is a unit; whole: every annotation (all its fragments) is a unit.
UNITS = ("part", "fragment", "whole")
PIECE_ID = re.compile(r"(.+)\.[0-9]+")  # importers' ids for pieces of one annotation: T3.1, T3.2


@dataclass(slots=True)
class Layer:
    """One coder's annotations of one document, with span ids resolved to ranges."""

    spans: list[Span] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)  # (*trigger range, type)
    arguments: list[tuple] = field(default_factory=list)  # (*trigger range, type, role, *range)
    attributions: list[tuple[Part, Part, Part]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # the spans' labels, in order
    # The span items compared (`spans` itself, or (ranges, label) annotations for unit "whole")
    # and their labels; for units "fragment" and "whole", each role's distinct units (ranges).
    units: list[tuple] = field(default_factory=list)
    unit_labels: list[str] = field(default_factory=list)
    roles: tuple[list[Part], ...] | None = None


@dataclass(slots=True)
class Document:
    """One document: its paragraph texts (when known) and every coder's layer."""

    id: object
    paragraphs: list[tuple[int, str, bool]] | None = None  # (index, text, boilerplate)
    layers: dict[str, Layer] = field(default_factory=dict)


def is_coder_layer(layer: object) -> bool:
    """Tell whether a record's `layer` names a coder (not gold, not the null placeholder)."""
    return isinstance(layer, str) and bool(layer) and layer not in NON_CODER_LAYERS


def group_documents(records: Iterable[Mapping], unit: str = "part") -> dict[object, Document]:
    """Group records by document id, keeping coder layers and the first known paragraph texts.

    :raise InputError: when a record is malformed or a coder has two layers for one document.
    """
    documents: dict[object, Document] = {}
    for record in records:
        doc_id = record.get("id")
        if doc_id is None:
            raise InputError("agreement: a record has no document id")
        doc = documents.get(doc_id)
        if doc is None:
            doc = documents[doc_id] = Document(doc_id)
        if doc.paragraphs is None and record.get("paragraphs"):
            doc.paragraphs = [
                (int(p["index"]), p.get("text") or "", bool(p.get("boilerplate")))
                for p in record["paragraphs"]
            ]
        coder = record.get("layer")
        if not is_coder_layer(coder):
            continue
        if coder in doc.layers:
            raise InputError(f"agreement: document {doc_id!r} has two layers for coder {coder!r}")
        doc.layers[coder] = read_layer(record, f"document {doc_id!r}, layer {coder!r}", unit)
    return documents


def read_layer(record: Mapping, where: str, unit: str = "part") -> Layer:
    """Resolve one record's spans, events and attributions into comparable tuples.

    :raise InputError: when a span lacks a field or has a non-integer offset or a non-text label.
    """
    raw = record.get("spans") or ()
    try:
        spans = list(map(SPAN_FIELDS, raw))
    except (KeyError, TypeError):
        spans = []
    if len(spans) != len(raw) or not well_typed(spans):
        raise_malformed_span(raw, where)
    layer = Layer(spans=spans, labels=list(map(itemgetter(3), spans)))
    span_ids = list(map(GET_ID, raw))
    ranges = dict(zip(span_ids, spans, strict=True))  # span id -> (p, start, end, label)
    for event in record.get("events") or ():
        trigger = ranges.get(event.get("trigger"))
        if trigger is None:  # no trigger (yet) or a dangling id: nothing to compare
            continue
        key = (*trigger[:3], str(event.get("type")))
        layer.events.append(key)
        for argument in event.get("arguments") or ():
            target = ranges.get(argument.get("span"))
            if target is not None:
                layer.arguments.append((*key, str(argument.get("role")), *target[:3]))
    for attribution in record.get("attributions") or ():
        parts = []
        for name in PART_NAMES:
            ids = attribution.get(name)
            parts.append(frozenset([ranges[i][:3] for i in ids if i in ranges]) if ids else NONE)
        layer.attributions.append(tuple(parts))
    layer.units, layer.unit_labels = layer.spans, layer.labels
    if unit == "whole":
        layer.units = whole_spans(span_ids, spans)
        layer.unit_labels = list(map(itemgetter(1), layer.units))
    if unit in ("fragment", "whole"):
        layer.roles = role_units(record.get("attributions") or (), ranges, unit)
    return layer


def annotation_of(span_id: object, label: str, index: int) -> tuple:
    """Return which annotation a span is a piece of: pieces share their id up to ".N" and a label.

    The importers cut an annotation with several fragments (a discontinuous brat T, or one that
    crosses a paragraph break) into spans with ids "T3.1", "T3.2", ...; a span without an id is
    an annotation of its own.
    """
    if span_id is None:
        return (None, index)
    match = PIECE_ID.fullmatch(span_id) if isinstance(span_id, str) else None
    return (match.group(1) if match else span_id, label)


def whole_spans(ids: list, spans: list[Span]) -> list[tuple[Part, str]]:
    """Return the layer's annotations as (set of ranges, label), each with all its fragments."""
    grouped: dict[tuple, tuple[list[Range], str]] = {}
    for index, (span_id, span) in enumerate(zip(ids, spans, strict=True)):
        key = annotation_of(span_id, span[3], index)
        grouped.setdefault(key, ([], span[3]))[0].append(span[:3])
    return [(frozenset(pieces), label) for pieces, label in grouped.values()]


def role_units(attributions: Iterable[Mapping], ranges: Mapping, unit: str) -> tuple:
    """Return, per role, the distinct units (sets of ranges) that the layer's attributions use.

    A unit used by two attributions (one source with two quotations) counts once. With unit
    "fragment" every span is a unit; with "whole" the spans of one annotation listed in the part
    are one unit.
    """
    roles: list[dict[object, set]] = [{} for _ in PART_NAMES]
    for attribution in attributions:
        for units, name in zip(roles, PART_NAMES, strict=True):
            for span_id in attribution.get(name) or ():
                span = ranges.get(span_id)
                if span is None:
                    continue
                key = span_id if unit == "fragment" else annotation_of(span_id, span[3], -1)
                units.setdefault(key, set()).add(span[:3])
    return tuple([frozenset(pieces) for pieces in units.values()] for units in roles)


def well_typed(spans: list[Span]) -> bool:
    """Tell whether every span has integer paragraph, start and end and a str label."""
    if not spans:
        return True
    paragraphs, starts, ends, labels = zip(*spans, strict=True)
    offsets = {*map(type, paragraphs), *map(type, starts), *map(type, ends)}
    return offsets == {int} and set(map(type, labels)) == {str}


def raise_malformed_span(spans: Iterable, where: str) -> None:
    """Raise an InputError naming the first span that is not well formed."""
    for span in spans:
        values = [span.get(k) if isinstance(span, Mapping) else None for k in SPAN_KEYS]
        if not all(type(v) is int for v in values[:3]) or type(values[3]) is not str:
            raise InputError(
                f"agreement: {where}: span {span!r} needs integer paragraph, start and end "
                "and a text label"
            )
    raise InputError(f"agreement: {where}: malformed spans")
