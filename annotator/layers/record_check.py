"""Check a whole native record (a document and one layer's items) with the item rules: what
imports and restores ask before anything is written. Pure."""

from annotator.layers.rules import (
    ROLES,
    attribution_problems,
    event_problems,
    id_problem,
    nesting_problem,
    span_problems,
)
from annotator.validation import match_names, unstorable


def record_problems(record: object, book: dict) -> list[str]:
    """Return every reason why `record` is not a valid native record for codebook `book`.

    Names are first matched to the codebook's spelling (match_names), and an argument or part
    that a file repeats is kept once (drop_repeats), in place.
    """
    if not isinstance(record, dict):
        return ["a record must be a JSON object"]
    match_names(record, book)
    drop_repeats(record)
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
    spans = _items(record, "spans", problems)
    span_ids = _ids(spans, "spans", problems)

    def span_check(ref: object) -> str | None:
        return None if isinstance(ref, str) and ref in span_ids else f"no span {ref!r}"

    for i, span in spans:
        text = texts.get(span.get("paragraph")) if _is_index(span.get("paragraph")) else None
        problems += _said(f"spans[{i}]", span_problems(span, text, book))
    events = _items(record, "events", problems)
    _ids(events, "events", problems)
    for i, event in events:
        problems += _said(f"events[{i}]", event_problems(event, book, span_check))
    attributions = _items(record, "attributions", problems)
    _ids(attributions, "attributions", problems)
    parents = {a["id"]: a.get("parent") for _, a in attributions if isinstance(a.get("id"), str)}
    for i, attribution in attributions:
        where = f"attributions[{i}]"
        problems += _said(where, attribution_problems(attribution, book, span_check))
        if reason := nesting_problem(parents, attribution.get("id"), attribution.get("parent")):
            problems.append(f"{where}.parent: {reason}")
    return problems


def drop_repeats(record: dict) -> None:
    """Keep each (role, span) argument of an event and each span of an attribution's role once:
    other tools' files may repeat them, and a layer holds each once. In place."""
    for event in _listed(record.get("events")):
        arguments = event.get("arguments") if isinstance(event, dict) else None
        if isinstance(arguments, list):
            seen, kept = set(), []
            for argument in arguments:
                key = (argument.get("role"), argument.get("span")) if isinstance(
                    argument, dict) else id(argument)
                if _hashable(key) and key in seen:
                    continue
                if _hashable(key):
                    seen.add(key)
                kept.append(argument)
            event["arguments"] = kept
    for attribution in _listed(record.get("attributions")):
        for role in ROLES if isinstance(attribution, dict) else ():
            members = attribution.get(role)
            if isinstance(members, list) and all(_hashable(m) for m in members):
                attribution[role] = list(dict.fromkeys(members))


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _listed(value: object) -> list:
    return value if isinstance(value, list) else []


def _is_index(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _said(where: str, problems: list[tuple[str, str]]) -> list[str]:
    return [f"{where}.{field}: {message}" for field, message in problems]


def _items(record: dict, key: str, problems: list[str]) -> list[tuple[int, dict]]:
    """The record's items of one kind that are objects, with their index; the rest reported."""
    items = record.get(key, [])
    if not isinstance(items, list):
        problems.append(f"{key}: must be a list")
        return []
    found = []
    for i, item in enumerate(items):
        if isinstance(item, dict):
            found.append((i, item))
        else:
            problems.append(f"{key}[{i}]: must be an object")
    return found


def _ids(items: list[tuple[int, dict]], key: str, problems: list[str]) -> set[str]:
    ids: set[str] = set()
    for i, item in items:
        value = item.get("id")
        if id_problem(value):
            problems.append(f"{key}[{i}].id: {value!r} is not a valid id")
        elif value in ids:
            problems.append(f"{key}[{i}].id: {value!r} is used twice")
        else:
            ids.add(value)
    return ids


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
        if not _is_index(index) or index < 0:
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
