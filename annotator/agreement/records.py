"""Turn native interchange records into per-document, per-coder layers ready to compare.

Everything downstream compares plain tuples: a span is `(paragraph, start, end, label)`, a range is
`(paragraph, start, end)`. Span ids are resolved here, so events and attributions from different
coders (whose ids differ) can be compared by what they point at.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from annotator.errors import InputError

# Layers that are not a coder's work (besides the null layer of unannotated documents).
NON_CODER_LAYERS = frozenset({"gold"})

Range = tuple[int, int, int]  # (paragraph, start, end)
Span = tuple[int, int, int, str]  # (paragraph, start, end, label)
Part = frozenset[Range]


@dataclass(slots=True)
class Layer:
    """One coder's annotations of one document, with span ids resolved to ranges."""

    spans: list[Span] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)  # (*trigger range, type)
    arguments: list[tuple] = field(default_factory=list)  # (*trigger range, type, role, *range)
    attributions: list[tuple[Part, Part, Part]] = field(default_factory=list)


@dataclass(slots=True)
class Document:
    """One document: its paragraph texts (when known) and every coder's layer."""

    id: object
    paragraphs: list[tuple[int, str, bool]] | None = None  # (index, text, boilerplate)
    layers: dict[str, Layer] = field(default_factory=dict)


def is_coder_layer(layer: object) -> bool:
    """Tell whether a record's `layer` names a coder (not gold, not the null placeholder)."""
    return isinstance(layer, str) and bool(layer) and layer not in NON_CODER_LAYERS


def group_documents(records: Iterable[Mapping]) -> dict[object, Document]:
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
        doc.layers[coder] = read_layer(record, f"document {doc_id!r}, layer {coder!r}")
    return documents


def read_layer(record: Mapping, where: str) -> Layer:
    """Resolve one record's spans, events and attributions into comparable tuples."""
    layer = Layer()
    ranges: dict[object, Range] = {}
    for span in record.get("spans") or ():
        try:
            rng = (int(span["paragraph"]), int(span["start"]), int(span["end"]))
            label = str(span["label"])
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"agreement: {where}: malformed span {span!r}") from exc
        layer.spans.append((*rng, label))
        ranges[span.get("id")] = rng
    for event in record.get("events") or ():
        trigger = ranges.get(event.get("trigger"))
        if trigger is None:  # no trigger (yet) or a dangling id: nothing to compare
            continue
        key = (*trigger, str(event.get("type")))
        layer.events.append(key)
        for argument in event.get("arguments") or ():
            target = ranges.get(argument.get("span"))
            if target is not None:
                layer.arguments.append((*key, str(argument.get("role")), *target))
    for attribution in record.get("attributions") or ():
        parts = tuple(
            frozenset(ranges[i] for i in attribution.get(name) or () if i in ranges)
            for name in ("source", "cue", "content")
        )
        layer.attributions.append(parts)
    return layer
