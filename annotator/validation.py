"""Names and texts as imports meet them (pure): which names are the same, which texts can be
stored. Whole records are checked by annotator/layers/record_check.py."""

import re
from functools import lru_cache

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
        self.spelled = frozenset(self.names.values())

    def __call__(self, name: object) -> object:
        # Most names are already spelled as the codebook spells them.
        if not isinstance(name, str) or name in self.spelled:
            return name
        return self.names.get(name_key(name), name)


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
