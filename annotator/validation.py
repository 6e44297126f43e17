"""Validation of native records against their own paragraphs and a codebook (pure)."""

import re
from functools import lru_cache

from annotator.codebook import attribute_problems, event_type, label_names
from annotator.offsets import check_span

ITEM_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def unstorable(text: str) -> bool:
    """Tell whether `text` holds a NUL character or a lone surrogate (one C-level scan)."""
    if text.isascii():
        return "\x00" in text
    return _UNSTORABLE.search(text) is not None


_NOT_NAME = re.compile(r"[^0-9a-z]+")


def name_key(name: object) -> object:
    """Return the form under which names match: case and runs of `-`, `_`, spaces ignored."""
    if not isinstance(name, str):
        return name
    return _name_key(name)


@lru_cache(maxsize=4096)
def _name_key(name: str) -> str:
    # A codebook has few names, met once per span: each is worked out once.
    return _NOT_NAME.sub("_", name.casefold()).strip("_")


class _Names:
    """The codebook's spelling of a set of names, found by name_key."""

    def __init__(self, names):
        self.names = {name_key(n): n for n in names}

    def __call__(self, name: object) -> object:
        return self.names.get(name_key(name), name) if isinstance(name, str) else name


def _match_attrs(attrs: object, fields: list[dict], extra: tuple[str, ...] = ()) -> object:
    """Return attrs with names (and choice values) spelled as `fields` spell them."""
    if not isinstance(attrs, dict):
        return attrs
    if not attrs:  # most spans: nothing to spell
        return {}
    names = _Names([f["name"] for f in fields] + list(extra))
    by_name = {f["name"]: f for f in fields}
    result = {}
    for name, value in attrs.items():
        name = names(name)
        field = by_name.get(name)
        if field and field["type"] == "choice":
            value = [_Names(field["values"])(v) for v in value] if isinstance(
                value, list) else _Names(field["values"])(value)
        result[name] = value
    return result


def match_names(record: dict, book: dict) -> None:
    """Spell the record's labels, event types, roles and attribute names as the codebook does,
    where they are the same names regardless of case and of `-`/`_` (every import format's
    names meet the codebook here: brat's `Transfer-money`, doccano's `Source`). In place."""
    labels = {label["name"]: label for label in book["span_labels"]}
    label_name = _Names(labels)
    spans = record.get("spans")
    for span in spans if isinstance(spans, list) else []:
        if isinstance(span, dict):
            span["label"] = label_name(span.get("label"))
            fields = labels[span["label"]]["attributes"] if span["label"] in labels else []
            if "attrs" in span:
                span["attrs"] = _match_attrs(span["attrs"], fields)
    event_type = _Names([t["name"] for t in book["event_types"]])
    role = _Names(book["argument_roles"])
    events = record.get("events")
    for event in events if isinstance(events, list) else []:
        if not isinstance(event, dict):
            continue
        event["type"] = event_type(event.get("type"))
        if "attrs" in event:
            event["attrs"] = _match_attrs(event["attrs"], book["event_attributes"], ("mode",))
        for argument in event.get("arguments") if isinstance(event.get("arguments"),
                                                             list) else []:
            if isinstance(argument, dict):
                argument["role"] = role(argument.get("role"))
    attributions = record.get("attributions")
    for item in attributions if isinstance(attributions, list) else []:
        if isinstance(item, dict) and "attrs" in item:
            item["attrs"] = _match_attrs(item["attrs"], book["attribution"]["attributes"])


def record_problems(record: object, book: dict) -> list[str]:
    """Return every reason why `record` is not a valid native record for codebook `book`.

    Names are first matched to the codebook's spelling (match_names), in place.
    """
    if not isinstance(record, dict):
        return ["a record must be a JSON object"]
    match_names(record, book)
    problems: list[str] = []
    for key in ("id", "title"):
        if key in record and not isinstance(record[key], str | None):
            problems.append(f"{key}: must be text")
    if not isinstance(record.get("id"), str) or not record["id"].strip():
        problems.append("id: must be non-empty text")
    if record.get("layer") is not None and not isinstance(record["layer"], str):
        problems.append("layer: must be text or null")
    if not isinstance(record.get("meta", {}), dict):
        problems.append("meta: must be an object")
    texts = _paragraph_texts(record.get("paragraphs"), problems)
    span_ids = _check_spans(record.get("spans", []), texts, book, problems)
    _check_events(record.get("events", []), span_ids, book, problems)
    _check_attributions(record.get("attributions", []), span_ids, book, problems)
    return problems


def _paragraph_texts(paragraphs: object, problems: list[str]) -> dict[int, str]:
    if not isinstance(paragraphs, list) or not paragraphs:
        problems.append("paragraphs: must be a non-empty list")
        return {}
    texts = {}
    for i, paragraph in enumerate(paragraphs):
        where = f"paragraphs[{i}]"
        if not isinstance(paragraph, dict):
            problems.append(f"{where}: must be an object")
            continue
        index, text = paragraph.get("index", i), paragraph.get("text")
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            problems.append(f"{where}.index: must be a non-negative integer")
        elif index in texts:
            problems.append(f"{where}.index: {index} appears twice")
        if not isinstance(text, str) or not text:
            problems.append(f"{where}.text: must be non-empty text")
        elif unstorable(text):
            problems.append(f"{where}.text: contains a NUL character or a lone surrogate")
        else:
            texts[index] = text
        if not isinstance(paragraph.get("boilerplate", False), bool):
            problems.append(f"{where}.boilerplate: must be true or false")
    return texts


def _check_spans(spans, texts, book, problems) -> set[str]:
    ids: set[str] = set()
    if not isinstance(spans, list):
        problems.append("spans: must be a list")
        return ids
    labels = {label["name"]: label for label in book["span_labels"]}
    for i, span in enumerate(spans):
        where = f"spans[{i}]"
        if not isinstance(span, dict):
            problems.append(f"{where}: must be an object")
            continue
        span_id = span.get("id")
        if not isinstance(span_id, str) or not ITEM_ID.match(span_id):
            problems.append(f"{where}.id: {span_id!r} is not a valid id")
        elif span_id in ids:
            problems.append(f"{where}.id: {span_id!r} is used twice")
        else:
            ids.add(span_id)
        text = texts.get(span.get("paragraph"))
        if text is None:
            problems.append(f"{where}.paragraph: {span.get('paragraph')!r} is not a paragraph")
            continue
        reason = check_span(text, span.get("start"), span.get("end"))
        if reason:
            problems.append(f"{where}: {reason}")
        elif "text" in span and span["text"] != text[span["start"]:span["end"]]:
            problems.append(f"{where}.text: {span['text']!r} is not the paragraph's text at "
                            f"[{span['start']}, {span['end']})")
        label = labels.get(span.get("label"))
        if label is None:
            problems.append(f"{where}.label: {span.get('label')!r} is not in the codebook "
                            f"({', '.join(sorted(label_names(book)))})")
        else:
            problems += attribute_problems(label["attributes"], span.get("attrs", {}),
                                           f"{where}.attrs")
    return ids


def _check_events(events, span_ids, book, problems) -> None:
    if not isinstance(events, list):
        problems.append("events: must be a list")
        return
    roles = set(book["argument_roles"])
    seen = set()
    for i, event in enumerate(events):
        where = f"events[{i}]"
        if not isinstance(event, dict):
            problems.append(f"{where}: must be an object")
            continue
        if not isinstance(event.get("id"), str) or not ITEM_ID.match(event["id"]):
            problems.append(f"{where}.id: {event.get('id')!r} is not a valid id")
        elif event["id"] in seen:
            problems.append(f"{where}.id: {event['id']!r} is used twice")
        seen.add(event.get("id"))
        if event.get("trigger") is not None and event["trigger"] not in span_ids:
            problems.append(f"{where}.trigger: no span {event['trigger']!r}")
        kind = event_type(book, event.get("type"))
        if kind is None:
            problems.append(f"{where}.type: {event.get('type')!r} is not an event type")
        attrs = event.get("attrs", {})
        if not isinstance(attrs, dict):
            problems.append(f"{where}.attrs: must be an object")
            attrs = {}
        mode = attrs.get("mode")
        if kind and mode is not None and mode not in kind["modes"]:
            problems.append(f"{where}.attrs.mode: {mode!r} is not a mode of {kind['name']}")
        rest = {k: v for k, v in attrs.items() if k != "mode"}
        problems += attribute_problems(book["event_attributes"], rest, f"{where}.attrs")
        arguments = event.get("arguments", [])
        if not isinstance(arguments, list):
            problems.append(f"{where}.arguments: must be a list")
            continue
        for j, argument in enumerate(arguments):
            here = f"{where}.arguments[{j}]"
            if not isinstance(argument, dict):
                problems.append(f"{here}: must be an object")
                continue
            if argument.get("role") not in roles:
                problems.append(f"{here}.role: {argument.get('role')!r} is not a role")
            if argument.get("span") not in span_ids:
                problems.append(f"{here}.span: no span {argument.get('span')!r}")


def _check_attributions(attributions, span_ids, book, problems) -> None:
    if not isinstance(attributions, list):
        problems.append("attributions: must be a list")
        return
    parents = {}
    for i, attribution in enumerate(attributions):
        where = f"attributions[{i}]"
        if not isinstance(attribution, dict):
            problems.append(f"{where}: must be an object")
            continue
        ident = attribution.get("id")
        if not isinstance(ident, str) or not ITEM_ID.match(ident):
            problems.append(f"{where}.id: {ident!r} is not a valid id")
            continue
        if ident in parents:
            problems.append(f"{where}.id: {ident!r} is used twice")
        parents[ident] = attribution.get("parent")
        for role in ("source", "cue", "content"):
            members = attribution.get(role, [])
            if not isinstance(members, list):
                problems.append(f"{where}.{role}: must be a list of span ids")
                continue
            for member in members:
                if member not in span_ids:
                    problems.append(f"{where}.{role}: no span {member!r}")
        problems += attribute_problems(book["attribution"]["attributes"],
                                       attribution.get("attrs", {}), f"{where}.attrs")
    for ident, parent in parents.items():
        if parent is not None and parent not in parents:
            problems.append(f"attribution {ident!r}: parent {parent!r} does not exist")
    problems += [f"attribution {i!r}: nesting forms a cycle" for i in _cycles(parents)]


def _cycles(parents: dict[str, str | None]) -> list[str]:
    """Return attribution ids whose chain of parents comes back to itself."""
    cyclic = []
    for start in parents:
        seen, node = set(), start
        while node is not None and node in parents and node not in seen:
            seen.add(node)
            node = parents[node]
        if node == start:
            cyclic.append(start)
    return cyclic
