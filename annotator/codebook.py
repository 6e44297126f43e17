"""Codebooks: loading and validating the project schema (labels, events, attribution).

Pure: no Flask, no database. Every error names the field's path and the problem, e.g.
`span_labels[2].key: 'a' is already the key of ACTOR`.
"""

import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import re2
import yaml

from annotator.errors import InputError

LABEL_NAME = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
ATTRIBUTE_TYPES = ("choice", "string", "actor", "boolean")


class CodebookError(InputError):
    """A codebook that breaks the schema; `problems` lists every one found."""

    def __init__(self, problems: list[str], file: str | None = None):
        self.problems = problems
        super().__init__("invalid codebook: " + "; ".join(problems), file=file)


BUILT_IN = ("default", "polnear")


def default_codebook() -> dict:
    """Return the default codebook that ships with the package."""
    return built_in_codebook("default")


def built_in_codebook(name: str) -> dict:
    """Return one of the codebooks that ship with the package (see BUILT_IN)."""
    if name not in BUILT_IN:
        raise InputError(f"no built-in codebook {name!r} (there are: {', '.join(BUILT_IN)})")
    text = resources.files("annotator.codebooks").joinpath(f"{name}.yaml").read_text("utf-8")
    return validate(yaml.safe_load(text))


def load_codebook(path: Path) -> dict:
    """Read a YAML or JSON codebook file and validate it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read codebook: {error}", file=str(path)) from None
    if path.suffix == ".conf":  # a brat project's annotation.conf
        from annotator.formats.brat_conf import read_conf

        data = read_conf(text, file=path.name, name=path.parent.name or "brat")
        try:
            return validate(data)
        except CodebookError as error:
            raise CodebookError(error.problems, file=str(path)) from None
    try:
        # safe_load never builds Python objects, whatever tags the file carries.
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise InputError(f"not valid YAML or JSON: {error}", file=str(path)) from None
    try:
        return validate(data)
    except CodebookError as error:
        raise CodebookError(error.problems, file=str(path)) from None


def validate(data: Any) -> dict:
    """Return the codebook with defaults filled in, or raise CodebookError listing problems."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise CodebookError(["the codebook must be a mapping"])
    book = {
        "name": _text(data, "name", "codebook", problems),
        "version": data.get("version", 1),
        "description": _text(data, "description", "", problems),
        "span_labels": _span_labels(data.get("span_labels"), problems),
        "event_types": _event_types(data.get("event_types", []), problems),
        "event_attributes": _attributes(data.get("event_attributes", []), "event_attributes",
                                        problems),
        "argument_roles": _names(data.get("argument_roles", []), "argument_roles", problems),
        "attribution": {
            "attributes": _attributes(
                (data.get("attribution") or {}).get("attributes", []),
                "attribution.attributes",
                problems,
            )
        },
        "guidelines": _guidelines(data.get("guidelines", []), problems),
    }
    if data.get("brat_names") is not None:  # how the brat export spells the names
        book["brat_names"] = _brat_names(data["brat_names"], problems)
    if isinstance(book["version"], bool) or not isinstance(book["version"], int):
        problems.append("version: must be an integer")
    if problems:
        raise CodebookError(problems)
    return book


def _brat_names(names: Any, problems: list[str]) -> dict:
    if not isinstance(names, dict) or not all(
        isinstance(table, dict) and all(isinstance(k, str) and isinstance(v, str) and v
                                        and not any(c.isspace() for c in v)
                                        for k, v in table.items())
        for table in names.values()
    ):
        problems.append("brat_names: must map kinds to {name: brat name without spaces}")
        return {}
    return names


def _text(data: dict, key: str, default: str, problems: list[str]) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        problems.append(f"{key}: must be text")
        return default
    return value


def _span_labels(labels: Any, problems: list[str]) -> list[dict]:
    if not isinstance(labels, list) or not labels:
        problems.append("span_labels: must be a non-empty list")
        return []
    result, names, keys = [], {}, {}
    for i, label in enumerate(labels):
        where = f"span_labels[{i}]"
        if not isinstance(label, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        name = label.get("name")
        if not isinstance(name, str) or not LABEL_NAME.match(name):
            problems.append(f"{where}.name: {name!r} is not a label name (A-Z, 0-9, _)")
        elif name in names:
            problems.append(f"{where}.name: {name!r} is defined twice")
        names[name] = i
        key = label.get("key")
        if key is not None:
            if not isinstance(key, str) or len(key) != 1 or not key.isalnum() or key == "?":
                problems.append(f"{where}.key: {key!r} must be a single letter or digit")
            elif key.lower() in keys:
                problems.append(f"{where}.key: {key!r} is already the key of {keys[key.lower()]}")
            else:
                keys[key.lower()] = name
        colour = label.get("colour", "#4a5568")
        if not isinstance(colour, str) or not COLOUR.match(colour):
            problems.append(f"{where}.colour: {colour!r} must look like #1a2b3c")
        result.append(
            {
                "name": name,
                "key": key.lower() if isinstance(key, str) else None,
                "colour": colour,
                "description": str(label.get("description", "")),
                "attributes": _attributes(label.get("attributes", []), f"{where}.attributes",
                                          problems),
            }
        )
    return result


def _attributes(fields: Any, where: str, problems: list[str]) -> list[dict]:
    if not isinstance(fields, list):
        problems.append(f"{where}: must be a list")
        return []
    result, seen = [], set()
    for i, field in enumerate(fields):
        here = f"{where}[{i}]"
        if not isinstance(field, dict):
            problems.append(f"{here}: must be a mapping")
            continue
        name = field.get("name")
        if not isinstance(name, str) or not FIELD_NAME.match(name):
            problems.append(f"{here}.name: {name!r} is not a field name (a-z, 0-9, _)")
        elif name in seen:
            problems.append(f"{here}.name: {name!r} is defined twice")
        seen.add(name)
        values = field.get("values")
        kind = field.get("type", "choice" if values is not None else "string")
        if kind not in ATTRIBUTE_TYPES:
            problems.append(f"{here}.type: {kind!r} is not one of {', '.join(ATTRIBUTE_TYPES)}")
        if kind == "choice" and (
            not isinstance(values, list) or not values
            or not all(isinstance(v, str) and v for v in values)
        ):
            problems.append(f"{here}.values: must be a non-empty list of texts")
            values = []
        pattern = field.get("pattern")
        if pattern is not None:
            problem = pattern_problem(pattern)
            if problem:
                problems.append(f"{here}.pattern: {pattern!r} {problem}")
                pattern = None
        result.append(
            {
                "name": name,
                "type": kind,
                "values": values or [],
                "required": bool(field.get("required", False)),
                "multiple": bool(field.get("multiple", False)),
                "pattern": pattern,
            }
        )
    return result


def _event_types(types: Any, problems: list[str]) -> list[dict]:
    if not isinstance(types, list):
        problems.append("event_types: must be a list")
        return []
    result, seen = [], set()
    for i, item in enumerate(types):
        where = f"event_types[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            problems.append(f"{where}: must be a mapping with a name")
            continue
        if not LABEL_NAME.match(item["name"]):
            problems.append(f"{where}.name: {item['name']!r} is not a type name (A-Z, 0-9, _)")
        if item["name"] in seen:
            problems.append(f"{where}.name: {item['name']!r} is defined twice")
        seen.add(item["name"])
        modes = item.get("modes", [])
        if not isinstance(modes, list) or not all(isinstance(m, str) for m in modes):
            problems.append(f"{where}.modes: must be a list of texts")
            modes = []
        result.append(
            {
                "name": item["name"],
                "quad": item.get("quad"),
                "modes": modes,
                "recipient_required": bool(item.get("recipient_required", False)),
            }
        )
    return result


def _names(names: Any, where: str, problems: list[str]) -> list[str]:
    if not isinstance(names, list) or not all(
        isinstance(n, str) and FIELD_NAME.match(n) for n in names
    ):
        problems.append(f"{where}: must be a list of lower-case names")
        return []
    return names


def _guidelines(items: Any, problems: list[str]) -> list[dict]:
    if not isinstance(items, list):
        problems.append("guidelines: must be a list")
        return []
    result = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("title"), str):
            problems.append(f"guidelines[{i}]: must be a mapping with a title")
            continue
        examples = item.get("examples", [])
        result.append(
            {
                "title": item["title"],
                "text": str(item.get("text", "")),
                "examples": [str(e) for e in examples] if isinstance(examples, list) else [],
            }
        )
    return result


def attribute_problems(fields: list[dict], attrs: Any, where: str) -> list[str]:
    """Return why `attrs` does not fit the attribute `fields` (unknown names, bad values)."""
    if not isinstance(attrs, dict):
        return [f"{where}: attributes must be an object"]
    if not attrs:  # most items: nothing to check
        return []
    known = {f["name"]: f for f in fields}
    problems = []
    for name, value in attrs.items():
        field = known.get(name)
        if field is None:
            problems.append(f"{where}.{name}: not an attribute of this codebook")
            continue
        values = value if field["multiple"] and isinstance(value, list) else [value]
        for item in values:
            if item is None:
                continue
            if field["type"] == "actor":
                if isinstance(item, bool) or not isinstance(item, int):
                    problems.append(f"{where}.{name}: must be an actor id")
            elif field["type"] == "boolean":
                if not isinstance(item, bool):
                    problems.append(f"{where}.{name}: must be true or false")
            elif not isinstance(item, str):
                problems.append(f"{where}.{name}: must be text")
            elif field["type"] == "choice" and item not in field["values"]:
                problems.append(f"{where}.{name}: {item!r} is not one of the allowed values")
            elif field["pattern"] and not _compiled(field["pattern"]).match(item):
                problems.append(f"{where}.{name}: {item!r} does not match {field['pattern']}")
    return problems


def pattern_problem(pattern: Any) -> str | None:
    """Return why `pattern` cannot check attribute values, or None."""
    if not isinstance(pattern, str):
        return "is not a regular expression"
    try:
        _compiled(pattern)
    except re2.error as error:
        reason = error.args[0].decode() if error.args and isinstance(error.args[0], bytes) else ""
        return (f"is not a regular expression that runs in linear time ({reason}); "
                "backreferences and lookarounds are not supported")
    return None


@lru_cache(maxsize=256)
def _compiled(pattern: str):
    # RE2 matches in time linear in the value, whatever the pattern: a pattern such as
    # ^(a+)+$ would take Python's backtracking engine minutes on a 34-character value.
    options = re2.Options()
    options.log_errors = False  # the refusal is reported to the user, not to stderr
    return re2.compile(pattern, options)


def label_names(book: dict) -> set[str]:
    return {label["name"] for label in book["span_labels"]}


def event_type(book: dict, name: str) -> dict | None:
    return next((t for t in book["event_types"] if t["name"] == name), None)
