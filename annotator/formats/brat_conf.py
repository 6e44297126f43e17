"""brat's annotation.conf: read one as a codebook, and write one (with visual.conf) for an export.

Pure: no Flask, no database. A codebook made from annotation.conf has
- a span label per annotatable entity type (hierarchy kept flat; `!Type` only groups), and EVENT,
  the label of event triggers (brat types a trigger with its event type, which the event keeps);
- an event type per annotatable event type and per relation type; relations are events whose one
  argument has the role `arg2` (`equiv` for symmetric-transitive ones written as `*` lines);
- an argument role per event role (`Person-Arg` -> person_arg);
- attributes from [attributes]: binary ones are `boolean`, valued ones `choice`; on the labels,
  events or both, as their `Arg:` says; every label, event and attribution also gets `note`
  (AnnotatorNotes text) and every label `reference` (normalisation N lines);
- `brat_names`, the conf's own spelling of every name, which the brat export writes back.
"""

import re

from annotator.errors import InputError
from annotator.formats.brat_names import Spelling, name_key

SECTIONS = ("entities", "relations", "events", "attributes")  # [spans] is old for [entities]
NOTE = {"name": "note", "type": "string"}
REFERENCE = {"name": "reference", "type": "string", "multiple": True}
TRIGGER = "EVENT"


def _label_name(name: str) -> str:
    key = name_key(name).upper()
    return key if re.match(r"^[A-Z]", key) else f"T_{key}"


def _field_name(name: str) -> str:
    key = name_key(name)
    return key if re.match(r"^[a-z]", key) else f"a_{key}"


def read_conf(text: str, file: str = "annotation.conf", name: str = "brat") -> dict:
    """Return codebook data (to be validated) for the text of a brat annotation.conf.

    :raise InputError: naming the line of anything that is not annotation.conf syntax.
    """
    sections: dict[str, list[tuple[int, str]]] = {s: [] for s in SECTIONS}
    macros: dict[str, str] = {}
    current = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if re.fullmatch(r"\s*-+\s*", line):
            continue  # a separator line in brat's menus
        header = re.fullmatch(r"\s*\[(\w+)\]\s*", line)
        if header:
            current = "entities" if header[1].lower() == "spans" else header[1].lower()
            if current not in SECTIONS:
                raise InputError(f"unknown section [{header[1]}]", file=file, line=number)
            continue
        macro = re.fullmatch(r"\s*(<[^>]+>)\s*=\s*(.+)", line)
        if macro:
            macros[macro[1]] = macro[2].strip()
            continue
        if current is None:
            raise InputError("a line before the first [section]", file=file, line=number)
        for key, value in macros.items():
            line = line.replace(key, value)
        head, rest = (line.strip().split(None, 1) + [""])[:2]
        if current != "attributes":  # `Glycosylation|GO:0006486`: the type, then its aliases
            head = head.split("|", 1)[0]
        sections[current].append((number, f"{head} {rest}".strip()))
    names = {"labels": {}, "events": {}, "roles": {}, "attributes": {}, "relations": {},
             "equivalences": {}}
    labels = []
    for _, line in sections["entities"]:
        if not line.startswith("!"):
            labels.append(_label_name(line.split()[0]))
            names["labels"][labels[-1]] = line.split()[0]
    event_types, roles = [], []
    for number, line in sections["events"]:
        head, rest = (line.split(None, 1) + [""])[:2]
        if not head.startswith("!"):
            event_types.append({"name": _label_name(head)})
            names["events"][event_types[-1]["name"]] = head
        for part in filter(None, (p.strip() for p in rest.split(","))):
            role = re.sub(r"(\{[\d-]+\}|[?*+])$", "", part.partition(":")[0].strip())
            if not role or ":" not in part:
                raise InputError(f"expected Role:Type, not {part!r}", file=file, line=number)
            if _field_name(role) not in roles:
                roles.append(_field_name(role))
                names["roles"][roles[-1]] = role
    for number, line in sections["relations"]:
        head, rest = (line.split(None, 1) + [""])[:2]
        if head.startswith("<"):
            continue  # <OVERLAP> and similar settings, not a relation type
        if not rest.strip():
            raise InputError(f"relation {head} has no arguments", file=file, line=number)
        if _label_name(head) in names["relations"]:
            continue  # one relation declared for several argument types
        event_types.append({"name": _label_name(head)})
        names["events"][event_types[-1]["name"]] = head
        names["relations"][event_types[-1]["name"]] = head
        role = "equiv" if "symmetric-transitive" in rest else "arg2"
        if role == "equiv":
            names["equivalences"][event_types[-1]["name"]] = head
        if role not in roles:
            roles.append(role)
            names["roles"][role] = "Arg2" if role == "arg2" else "Equiv"
    on_labels, on_events = [], []
    event_names = {name_key(t) for t in names["events"].values()}
    for number, line in sections["attributes"]:
        head, rest = (line.split(None, 1) + [""])[:2]
        settings = dict(
            (k.strip(), v.strip()) for k, _, v in
            (p.partition(":") for p in re.split(r",\s*", rest) if p.strip()))
        if "Arg" not in settings:
            raise InputError(f"attribute {head} needs Arg:", file=file, line=number)
        field = {"name": _field_name(head)}
        if "Value" in settings:
            field["values"] = [v.strip() for v in settings["Value"].split("|") if v.strip()]
        else:
            field["type"] = "boolean"
        names["attributes"][field["name"]] = head
        targets = {name_key(t) for t in settings["Arg"].split("|")}
        if targets & ({"entity", "any"} | {name_key(v) for v in names["labels"].values()}):
            on_labels.append(field)
        if targets & ({"event", "any", "relation"} | event_names):
            on_events.append(field)
    if not labels and not event_types:
        raise InputError("no entity or event types in [entities] or [events]", file=file)
    span_labels = [{"name": n, "attributes": [*on_labels, NOTE, REFERENCE]} for n in labels]
    if event_types and TRIGGER not in labels:
        # No attributes: brat lets nothing but events refer to a trigger.
        span_labels.append({"name": TRIGGER, "description": "An event trigger."})
    return {
        "name": name, "version": 1,
        "description": f"Made from the brat configuration {file}.",
        "span_labels": span_labels, "event_types": event_types,
        "event_attributes": [*on_events, NOTE], "argument_roles": roles,
        "attribution": {"attributes": [NOTE]},
        "brat_names": names,
    }


def write_conf(book: dict) -> tuple[str, str]:
    """Return (annotation.conf, visual.conf) texts for a codebook, spelled as the export is."""
    spell = Spelling(book)
    labels = [label["name"] for label in book["span_labels"]]
    declared = (book.get("brat_names") or {}).get("relations", {})
    relations = [t["name"] for t in book["event_types"] if t["name"] in declared]
    events = [t["name"] for t in book["event_types"] if t["name"] not in relations]
    roles = ", ".join(f"{spell.role(r)}*:<ENTITY>|<EVENT>" for r in book["argument_roles"]
                      if r not in ("arg2", "equiv"))
    lines = ["# Written by annotator for its brat export: the project's codebook.", "",
             "[entities]", ""]
    lines += [spell.label(n) for n in labels]
    lines += ["", "[relations]", "", "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>"]
    equivalences = (book.get("brat_names") or {}).get("equivalences", {})
    for name in relations:
        kind = ", <REL-TYPE>:symmetric-transitive" if name in equivalences else ""
        lines.append(f"{spell.event(name)}\tArg1:<ENTITY>, Arg2:<ENTITY>{kind}")
    lines += ["", "[events]", ""]
    lines += [f"{spell.event(n)}\t{roles}".rstrip() for n in events]
    present = [r for r in ("Source", "Cue", "Content") if r.upper() in labels]
    if present:  # attributions are written as E lines over these labels
        parts = ", ".join(f"{r}*:{spell.label(r.upper())}" for r in present)
        lines += [f"Attribution\t{parts}", f"Attribution-no-source\t{parts}"]
    lines += ["", "[attributes]", ""]
    modes = sorted({m for t in book["event_types"] for m in t["modes"]})
    if modes:
        lines.append(f"mode\tArg:<EVENT>, Value:{'|'.join(modes)}")
    seen: set[str] = {"mode"}
    targets = [(label["attributes"], "<ENTITY>") for label in book["span_labels"]]
    targets += [(book["event_attributes"], "<EVENT>"),
                (book["attribution"]["attributes"], "Attribution|Attribution-no-source")]
    for fields, target in targets:
        for field in fields:
            if field["name"] in seen or field["type"] not in ("choice", "boolean"):
                continue  # free text and actor ids are A lines or notes, not declared values
            seen.add(field["name"])
            value = f", Value:{'|'.join(field['values'])}" if field["type"] == "choice" else ""
            lines.append(f"{spell.attribute(field['name'])}\tArg:{target}{value}")
    visual = ["[labels]", "", "[drawing]", ""]
    visual += [f"{spell.label(label['name'])}\tbgColor:{label['colour']}"
               for label in book["span_labels"]]
    return "\n".join(lines) + "\n", "\n".join(visual) + "\n"

