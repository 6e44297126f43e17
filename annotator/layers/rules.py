"""The rules of layer items, pure: does one native span, event or attribution fit its paragraph,
the codebook and the layer? Every way in (the changes API, review decisions, imports, restores,
suggestions) asks here; the page's model (static/js/lib/model.js) applies the same changes.

A rule returns problems as (field, message) pairs, the field relative to the item ("label",
"attrs.mode", "arguments[1].span"). Each caller says them in its own words: the changes API
raises the first (InvalidChange), a review decision too (InvalidDecision), an import lists them
all with file and line.
"""

import re
from collections.abc import Callable, Mapping

from annotator.codebook import attribute_problems, event_type
from annotator.offsets import check_span

# One id rule for every way in (the API once allowed fewer characters than imports).
ITEM_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
ID_RULE = "must be 1-64 characters from A-Z, a-z, 0-9 and _ . : -"
ROLES = ("source", "cue", "content")

Problem = tuple[str, str]
# Says why a reference to a span does not name one (None when it does).
SpanCheck = Callable[[object], str | None]


def id_problem(value: object) -> str | None:
    """Say why `value` cannot be an item id, or None."""
    if isinstance(value, str) and ITEM_ID.fullmatch(value):
        return None
    return ID_RULE


def span_label(book: dict, name: object) -> dict | None:
    return next((x for x in book["span_labels"] if x["name"] == name), None)


def span_problems(span: dict, text: str | None, book: dict) -> list[Problem]:
    """Check a span's place (`text` is its paragraph's, None for no such paragraph), covered
    text, label and attributes."""
    problems = []
    if text is None:
        problems.append(("paragraph", f"{span.get('paragraph')!r} is not a paragraph index "
                                      "of this document"))
    else:
        start, end = span.get("start"), span.get("end")
        reason = check_span(text, start, end)
        if reason:
            problems.append(("start" if reason.startswith("start") else "end", reason))
        elif "text" in span and span["text"] != text[start:end]:
            problems.append(("text", f"{span['text']!r} is not the paragraph's text at "
                                     f"[{start}, {end}) ({text[start:end]!r})"))
    label = span_label(book, span.get("label"))
    if label is None:
        names = ", ".join(x["name"] for x in book["span_labels"])
        problems.append(("label", f"{span.get('label')!r} is not a span label of the "
                                  f"codebook ({names})"))
    else:
        problems += attrs_problems(label["attributes"], _or(span, "attrs", {}))
    return problems


def event_problems(event: dict, book: dict, span_check: SpanCheck) -> list[Problem]:
    """Check an event's trigger, type, mode, attributes and arguments."""
    problems = []
    trigger = event.get("trigger")
    if trigger is not None and (reason := span_check(trigger)):
        problems.append(("trigger", reason))
    name = event.get("type")
    kind = event_type(book, name) if isinstance(name, str) else None
    if kind is None:
        problems.append(("type", f"{name!r} is not an event type of the codebook"))
    attrs = _or(event, "attrs", {})
    if not isinstance(attrs, dict):
        problems.append(("attrs", "must be an object"))
    else:
        mode = attrs.get("mode")
        if kind is not None and mode is not None and mode not in kind["modes"]:
            allowed = ", ".join(kind["modes"]) or "none"
            problems.append(("attrs.mode", f"{mode!r} is not a mode of {kind['name']} "
                                           f"({allowed})"))
        problems += attrs_problems(book["event_attributes"],
                                   {k: v for k, v in attrs.items() if k != "mode"})
    problems += _argument_problems(_or(event, "arguments", []), book["argument_roles"],
                                   span_check)
    return problems


def _argument_problems(arguments: object, roles: list[str],
                       span_check: SpanCheck) -> list[Problem]:
    if not isinstance(arguments, list):
        return [("arguments", "must be a list of {role, span} objects")]
    problems, seen = [], set()
    for i, argument in enumerate(arguments):
        here = f"arguments[{i}]"
        if not isinstance(argument, dict):
            problems.append((here, "must be an object with role and span"))
            continue
        if argument.get("role") not in roles:
            problems.append((f"{here}.role", f"{argument.get('role')!r} is not one of "
                                             f"{', '.join(roles)}"))
        if reason := span_check(argument.get("span")):
            problems.append((f"{here}.span", reason))
        key = (argument.get("role"), _hashable(argument.get("span")))
        if key in seen:
            problems.append((here, "repeats an argument"))
        seen.add(key)
    return problems


def attribution_problems(attribution: dict, book: dict, span_check: SpanCheck) -> list[Problem]:
    """Check an attribution's parts (source, cue, content) and attributes; its parent is a
    matter of the whole layer (nesting_problem)."""
    problems = []
    for role in ROLES:
        members = _or(attribution, role, [])
        if not isinstance(members, list):
            problems.append((role, "must be a list of span ids"))
            continue
        for i, member in enumerate(members):
            if reason := span_check(member):
                problems.append((f"{role}[{i}]", reason))
        if len({_hashable(m) for m in members}) != len(members):
            problems.append((role, "names a span twice"))
    problems += attrs_problems(book["attribution"]["attributes"], _or(attribution, "attrs", {}))
    return problems


def nesting_problem(parents: Mapping[str, str | None], uid: str | None,
                    parent: object) -> str | None:
    """Say why attribution `uid` cannot sit inside `parent`, given every attribution's parent
    in the layer (`parents`), or None."""
    if parent is None:
        return None
    if parent not in parents:
        return f"no attribution {parent!r} in this layer"
    node, seen = parent, set()
    while node is not None and node not in seen:
        if node == uid:
            return f"{parent!r} would make the nesting a cycle"
        seen.add(node)
        node = parents.get(node)
    return None


def duplicate_mark(marks: Mapping[str, tuple], mark: tuple, other_than: str | None) -> str | None:
    """Return the uid of a span (not `other_than`) with this (paragraph, start, end, label).

    Edits refuse a second span on the same text with the same label: the page would show them
    as one. Imports keep what other tools wrote, so that a round trip gives the file back.
    """
    return next((uid for uid, m in marks.items() if m == mark and uid != other_than), None)


def attrs_problems(fields: list[dict], attrs: object) -> list[Problem]:
    """Check attributes against the codebook's fields, as ("attrs.<name>", message) pairs."""
    found = []
    for problem in attribute_problems(fields, attrs, "attrs"):
        field, _, message = problem.partition(": ")
        found.append((field, message))
    return found


def _or(item: dict, key: str, default):
    """item[key], with a missing key or null meaning `default`."""
    value = item.get(key)
    return default if value is None else value


def _hashable(value: object) -> object:
    return value if isinstance(value, str | int | None) else repr(value)
