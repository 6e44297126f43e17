"""brat standoff reading: a folder of .txt/.ann files (or one .ann) as native records.

Pure: no Flask, no database. docs/brat.md describes what each line kind becomes; in short:
- Pairing: DOC.ann beside DOC.txt, or PolNeAR's DOC_CODER.ann beside or near DOC.txt. The layer
  is CODER, or the layer folder named in an export's card.json, or "gold". A .txt without an
  .ann, or with an empty one outside any layer folder, is a document without a layer (an empty
  layer in a layer folder stays an empty layer). Ids are file names decoded (brat_names).
- T lines become spans, one per paragraph each fragment touches (ids T3, or T3.1, T3.2, ...). A
  T line whose text runs over several lines of the .ann (PolNeAR has some) is read whole.
- E lines whose roles are Source/Cue/Content, or whose type starts with Attribution, are
  attributions; their trigger T marks the cue, unless it repeats one of the E's own parts or a
  Cue T over the same words (PolNeAR's shape), and then it adds nothing. An E with a trigger
  only (PolNeAR's empty `Attribution-no-source:T83`) is an attribution whose cue is the trigger.
  Other E lines are events: the trigger span is labelled EVENT, roles lose brat's numbering
  (Org-Arg2 -> org_arg), and an event as an argument (`Event-Arg:E1`) points at that event's
  trigger span.
- R lines are events with one `arg2` argument (attributions when the type is Source/Cue/Content),
  `*` lines events with one `equiv` argument per pair.
- A/M lines are attributes (`A1 Negated T1` is true), # lines notes (`note`, or the JSON object
  the export writes), N lines `reference` values; on any annotation kind.
Names are given in native style (labels upper case, roles and attributes lower case); the
import then matches them to the codebook's names (validation.match_names).
"""

import json
import re
from collections.abc import Iterator
from pathlib import Path

from annotator.errors import InputError
from annotator.formats.brat_names import file_stem, name_key, stem_name
from annotator.formats.brat_write import TRIGGER_ATTRS
from annotator.formats.common import (
    ROLES,
    ParagraphMap,
    link_regions,
    native_record,
    read_text,
)


def read(path: Path) -> Iterator[dict]:
    """Yield native records from a folder of .txt/.ann files or from one .ann file.

    :raise InputError: naming the file (and line) of anything that cannot be kept.
    """
    path = Path(path)
    if path.is_dir():
        folders = _layer_folders(path)
        texts = [t for t in sorted(path.rglob("*.txt")) if not _hidden(t, path)]
        by_stem: dict[str, list[Path]] = {}
        for txt in texts:
            by_stem.setdefault(txt.stem, []).append(txt)
        pairs = []
        for ann in sorted(path.rglob("*.ann")):
            if not _hidden(ann, path):
                pairs.append(_pair(ann, by_stem, path, folders))
        yield from _documents(texts, pairs)
    elif path.suffix == ".ann":
        by_stem = {}
        for folder in _near(path):
            for txt in sorted(folder.glob("*.txt")):
                by_stem.setdefault(txt.stem, []).append(txt)
        txt, layer, _ = _pair(path, by_stem, path.parent, {})
        yield from _documents([txt], [(txt, layer, path)])
    else:
        raise InputError("give a folder of brat .txt and .ann files, or one .ann file",
                         file=path.name)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _near(ann: Path) -> list[Path]:
    """Return the folders where an .ann's text may be: its own and its siblings (once each)."""
    found = {ann.parent.resolve(): ann.parent}
    for folder in sorted(ann.parent.parent.iterdir()):
        if folder.is_dir():
            found.setdefault(folder.resolve(), folder)
    return list(found.values())


def _layer_folders(root: Path) -> dict[str, str]:
    """Return {folder name: layer} from an annotator brat export's card.json, if there is one."""
    try:
        card = json.loads((root / "card.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    folders = card.get("layer_folders") if isinstance(card, dict) else None
    return folders if isinstance(folders, dict) else {}


def _pair(ann: Path, by_stem: dict[str, list[Path]], root: Path,
          folders: dict[str, str]) -> tuple[Path, str, Path]:
    """Return (text file, layer, ann) for an .ann: DOC.ann beside DOC.txt, or DOC_LAYER.ann."""
    beside = ann.with_suffix(".txt")
    if beside.is_file():
        parts = ann.parent.relative_to(root).parts if ann.is_relative_to(root) else ()
        layer = next((folders[p] for p in reversed(parts) if p in folders), "gold")
        return beside, layer, ann
    stem, _, layer = ann.stem.rpartition("_")
    folders_near = {f.resolve() for f in _near(ann)}
    near = list({t.resolve(): t for t in by_stem.get(stem, [])
                 if t.parent.resolve() in folders_near}.values()) if stem else []
    if not near:
        raise InputError(f"no text file {stem or ann.stem}.txt for it (an .ann file is named "
                         "<document>.ann beside <document>.txt, or <document>_<coder>.ann "
                         "beside or near it)", file=ann.name)
    if len(near) > 1:
        raise InputError(f"two text files for one document: {near[0]} and {near[1]}",
                         file=ann.name)
    return near[0], stem_name(layer), ann


def _documents(texts: list[Path], pairs: list[tuple[Path, str, Path]]) -> Iterator[dict]:
    """Yield each document's records, in the order of document ids and layers."""
    by_id: dict[str, list] = {}
    for txt in texts:
        by_id.setdefault(stem_name(txt.stem), [])
    for txt, layer, ann in pairs:
        by_id.setdefault(stem_name(txt.stem), []).append((layer, txt, ann))
    for document_id in sorted(by_id, key=file_stem):  # in the order of the file names
        entries = sorted(by_id[document_id], key=lambda e: (e[0], str(e[2])))
        txt = entries[0][1] if entries else next(t for t in texts if stem_name(t.stem) ==
                                                  document_id)
        text = read_text(txt)
        try:
            pmap = ParagraphMap(text)
        except ValueError as error:
            raise InputError(str(error), file=txt.name) from None
        if not pmap.texts:
            raise InputError("the file has no text", file=txt.name)
        title = pmap.texts[0].split("\n", 1)[0].strip()  # as the txt import takes it
        yielded, seen = False, set()
        for layer, other, ann in entries:
            if other != txt and read_text(other) != text:
                raise InputError(f"document {document_id!r} comes with two different texts: "
                                 f"{txt} and {other}", file=other.name)
            ann_text = read_text(ann)
            if not ann_text.strip() and layer == "gold" and ann.stem == txt.stem:
                continue  # a plain brat folder's empty .ann: a document not annotated yet
            if layer in seen:
                raise InputError(f"document {document_id!r} has layer {layer!r} twice",
                                 file=ann.name)
            seen.add(layer)
            spans, events, attributions = parse_ann(ann_text, text, pmap, ann.name)
            record = native_record(document_id, pmap, layer, spans, events, attributions,
                                   title=title)
            yielded = True
            yield record | {"_file": ann.name}  # the import names this file in its errors
        if not yielded:
            yield native_record(document_id, pmap, None, [], [], [], title=title) | {
                "_file": (entries[0][2] if entries else txt).name}


def native_label(label: str) -> str:
    """Return a brat type in native label style: Transfer-money -> TRANSFER_MONEY."""
    return re.sub(r"[^A-Z0-9_]", "_", label.upper())


def _role(name: str) -> str:
    """Return a brat role in native style, without brat's numbering: Org-Arg2 -> org_arg."""
    return name_key(re.sub(r"\d+$", "", name)) or name_key(name)


def _error(reason: str, file: str, line: int) -> InputError:
    return InputError(reason, file=file, line=line)


def _one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")


def _lines(ann_text: str, text: str, file: str) -> dict[str, dict]:
    """Parse every line into {id: entry}; check each T line's text against the .txt."""
    items: dict[str, dict] = {}
    raw_lines = ann_text.split("\n")
    skip = 0
    stars = 0
    for number, raw in enumerate(raw_lines, start=1):
        if skip:
            skip -= 1
            continue
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split("\t", 2)
        ident, kind = fields[0], fields[0][:1]
        if ident == "*":
            stars += 1
            ident = f"*{stars}"
        if (not kind or kind not in "TERAMN#*" or len(fields) < 2 or ident in items
                or (kind != "*" and not re.fullmatch(r"[A-Z#]\w*", fields[0]))):
            problem = "repeated id" if ident in items else "format"
            raise _error(f"not a brat standoff line ({problem})", file, number)
        words = fields[1].split()
        entry = {"kind": kind, "line": number, "words": words,
                 "rest": fields[2] if len(fields) > 2 else ""}
        if kind == "T":
            skip = _entity(entry, ident, fields[1], text, raw_lines, number, file)
        elif kind in "ER":
            try:
                pairs = [tuple(word.split(":", 1)) for word in words]
                entry["type"] = words[0] if kind == "R" else pairs[0][0]
                entry["trigger"] = None if kind == "R" else pairs[0][1]
                entry["args"] = [(role, target) for role, target in pairs[1:]]
            except (ValueError, IndexError):
                raise _error(f"{ident}: expected 'Type:Trigger Role:Id ...'", file,
                             number) from None
            if kind == "R" and len(entry["args"]) != 2:
                raise _error(f"{ident}: a relation needs 'Type Arg1:T Arg2:T'", file, number)
        elif kind == "*":
            if len(words) < 3:
                raise _error("an equivalence needs 'Type T1 T2 ...'", file, number)
            entry["type"], entry["members"] = words[0], words[1:]
        elif kind == "N" and len(words) < 3:
            raise _error(f"{ident}: expected 'Reference Target Resource:Id'", file, number)
        items[ident] = entry
    return items


def _entity(entry: dict, ident: str, spec: str, text: str, raw_lines: list[str], number: int,
            file: str) -> int:
    """Fill a T entry's label and fragments; return how many following lines its text used."""
    try:
        label, offsets = spec.split(" ", 1)
        entry["label"] = label
        entry["fragments"] = [tuple(int(n) for n in part.split()) for part in offsets.split(";")]
        if any(len(fragment) != 2 for fragment in entry["fragments"]):
            raise ValueError("a fragment needs a start and an end")
    except ValueError:
        raise _error(f"{ident}: expected 'Label start end[;start end...]'", file,
                     number) from None
    if any(not 0 <= s < e <= len(text) for s, e in entry["fragments"]):
        raise _error(f"{ident}: offsets are outside the text ({len(text)} characters)",
                     file, number)
    covered = " ".join(text[s:e] for s, e in entry["fragments"])
    if _one_line(covered) == _one_line(entry["rest"]):
        return 0
    # A text column holding the .txt's own line breaks spills over the next lines.
    breaks = covered.count("\n")
    following = [line.rstrip("\r") for line in raw_lines[number:number + breaks]]
    if breaks and len(following) == breaks and "\n".join([entry["rest"], *following]) in (
            covered, covered.replace("\r\n", "\n")):
        return breaks
    raise _error(f"{ident}: the .txt has {covered!r} at these offsets, not "
                 f"{entry['rest']!r} (wrong text file or encoding?)", file, number)


def parse_ann(ann_text: str, text: str, pmap: ParagraphMap, file: str):
    """Return (spans, events, attributions) from one .ann file over `text`."""
    items = _lines(ann_text, text, file)
    entities = {k: v for k, v in items.items() if v["kind"] == "T"}
    events_e = {k: v for k, v in items.items() if v["kind"] == "E"}
    for ident, entry in items.items():
        if entry["kind"] == "E":
            _check_event(ident, entry, entities, events_e, file)
        elif entry["kind"] == "R":
            for _, target in entry["args"]:
                if target not in entities:
                    raise _error(f"{ident}: {target} is not a T line", file, entry["line"])
        elif entry["kind"] == "*":
            for target in entry["members"]:
                if target not in entities:
                    raise _error(f"{target} is not a T line", file, entry["line"])
    stands, cue_triggers = _attribution_triggers(items, entities)
    used = _uses(items, stands)
    labels = {}
    event_triggers = {e["trigger"] for e in events_e.values() if not e["attribution"]}
    for tid, entry in entities.items():
        if tid in cue_triggers:
            labels[tid] = "CUE"
        elif tid in event_triggers:
            labels[tid] = "EVENT"
        else:
            labels[tid] = native_label(entry["label"])
    signature: dict[str, tuple] = {}  # a T's attribute lines, in order
    for entry in items.values():
        if entry["kind"] in "AMN#" and len(entry["words"]) > 1:
            words = entry["words"]
            target = words[1]
            if entry["kind"] == "#" and TRIGGER_ATTRS in entry["rest"] and target in events_e:
                target = events_e[target]["trigger"]  # the trigger span's own attributes
            signature[target] = signature.get(target, ()) + (
                (entry["kind"], words[0], *words[2:], entry["rest"]),)
    regions: dict[str, list[str]] = {}
    spans, by_extent = [], {}
    for tid, entry in entities.items():
        if tid not in used:
            continue
        key = (labels[tid], tuple(entry["fragments"]), signature.get(tid, ()))
        if tid in event_triggers and key in by_extent:  # one trigger written once per type
            regions[tid] = regions[by_extent[key]]
            continue
        if tid in event_triggers:
            by_extent[key] = tid
        try:
            made = pmap.spans(tid, entry["fragments"], labels[tid], {})
        except ValueError as error:
            raise _error(f"{tid}: {error}", file, entry["line"]) from None
        regions[tid] = [s["id"] for s in made]
        spans += made
    for tid, stand in stands.items():
        if stand in regions:
            regions.setdefault(tid, regions[stand])
    events, attributions, owners = _events(items, regions, cue_triggers, file)
    relations = []
    for ident, entry in items.items():
        if entry["kind"] == "R" and _role(entry["type"]) in ROLES:
            relations.append((ident, entry["args"][0][1], entry["type"], entry["args"][1][1]))
        elif entry["kind"] in "R*":
            made = _relation(ident, entry, regions, file)
            events += made
            owners.update((e["id"], e) for e in made)
            if made:
                owners[ident] = made[0]
    try:
        more_events, more_attributions = link_regions(
            relations, regions, {t: labels[t] for t in regions})
    except ValueError as error:
        raise InputError(str(error), file=file) from None
    _attributes(items, regions, spans, owners, file)
    return spans, events + more_events, attributions + more_attributions


def _check_event(ident: str, entry: dict, entities: dict, events_e: dict, file: str) -> None:
    if entry["trigger"] not in entities:
        raise _error(f"{ident}: the trigger {entry['trigger']} is not a T line", file,
                     entry["line"])
    entry["roles"] = [(_role(r), t) for r, t in entry["args"]]
    entry["attribution"] = name_key(entry["type"]).startswith("attribution") or (
        bool(entry["roles"]) and all(r in ROLES for r, _ in entry["roles"]))
    for role, target in entry["roles"]:
        if target not in entities and target not in events_e:
            raise _error(f"{ident}: no annotation {target}", file, entry["line"])
        if entry["attribution"] and role not in ROLES:
            raise _error(f"{ident}: an attribution has no role {role!r}", file, entry["line"])
        if target in events_e and entry["attribution"]:
            raise _error(f"{ident}: an attribution's {role} cannot be an event ({target})",
                         file, entry["line"])


def _attribution_triggers(items: dict, entities: dict) -> tuple[dict[str, str], set[str]]:
    """Decide what each attribution trigger T stands for.

    Return ({trigger: T it repeats}, {triggers that are cues themselves}).
    """
    cues_by_extent = {}
    for tid, entry in entities.items():
        if name_key(entry["label"]) == "cue":
            cues_by_extent.setdefault(tuple(entry["fragments"]), tid)
    stands, own = {}, set()
    for entry in items.values():
        if entry["kind"] != "E" or not entry["attribution"]:
            continue
        trigger = entry["trigger"]
        fragments = tuple(entities[trigger]["fragments"])
        by_role = {role: [t for r, t in entry["roles"] if r == role] for role in ROLES}
        same = [t for role in ("cue", "content", "source") for t in by_role[role]
                if tuple(entities[t]["fragments"]) == fragments and t != trigger]
        stand = same[0] if same else cues_by_extent.get(fragments, trigger)
        entry["stand"] = stand
        if stand == trigger:
            own.add(trigger)
        else:
            stands.setdefault(trigger, stand)
    return stands, own


def _uses(items: dict, stands: dict[str, str]) -> set[str]:
    """Return the T lines that become spans: all but triggers that only repeat another T."""
    used = {tid for tid, e in items.items() if e["kind"] == "T"}
    needed = set()
    for entry in items.values():
        if entry["kind"] == "E" and entry["attribution"] and entry["stand"] == entry["trigger"]:
            needed.add(entry["trigger"])
        elif entry["kind"] == "E":
            if not entry["attribution"]:
                needed.add(entry["trigger"])
            needed.update(t for _, t in entry["roles"])
        elif entry["kind"] == "R":
            needed.update(t for _, t in entry["args"])
        elif entry["kind"] == "*":
            needed.update(entry["members"])
    return {t for t in used if t not in stands or t in needed}


def _events(items: dict, regions: dict, cue_triggers: set, file: str):
    events, attributions, owners = [], [], {}
    for ident, entry in items.items():
        if entry["kind"] != "E":
            continue
        if entry["attribution"]:
            item = {"id": ident, "source": [], "cue": [], "content": [], "parent": None,
                    "attrs": {}}
            roles = entry["roles"]
            stand = entry["stand"]
            # The trigger is the cue, unless it repeats one of the E line's own parts.
            if stand == entry["trigger"] or stand not in {t for _, t in roles}:
                roles = [("cue", stand)] + roles
            for role, target in roles:
                item[role] += [s for s in regions[target] if s not in item[role]]
            attributions.append(item)
        else:
            trigger = regions[entry["trigger"]]
            if len(trigger) != 1:
                raise _error(f"{ident}: the trigger {entry['trigger']} is discontinuous or "
                             "crosses a paragraph break", file, entry["line"])
            arguments = []
            for role, target in entry["roles"]:
                if target in items and items[target]["kind"] == "E":
                    spans = regions[items[target]["trigger"]]  # the event's trigger stands for it
                else:
                    spans = regions[target]
                arguments += [{"role": role, "span": s} for s in spans]
            item = {"id": ident, "trigger": trigger[0], "type": native_label(entry["type"]),
                    "attrs": {}, "arguments": arguments}
            events.append(item)
        owners[ident] = item
    return events, attributions, owners


def _relation(ident: str, entry: dict, regions: dict, file: str) -> list[dict]:
    """Return the events standing for an R line (one) or a `*` line (one per pair)."""
    if entry["kind"] == "R":
        args = dict(entry["args"])
        first = args.get("Arg1", entry["args"][0][1])
        second = args.get("Arg2", entry["args"][1][1])
        pairs, role, ids = [(first, second)], "arg2", [ident]
    else:
        members = entry["members"]
        pairs = list(zip(members, members[1:], strict=False))
        role = "equiv"
        ids = [f"EQ{ident[1:]}.{n}" for n in range(1, len(pairs) + 1)]
    made = []
    for item_id, (head, target) in zip(ids, pairs, strict=True):
        if len(regions[head]) != 1 or len(regions[target]) != 1:
            raise _error(f"{ident}: a relation's arguments must each be one span in one "
                         "paragraph", file, entry["line"])
        made.append({"id": item_id, "trigger": regions[head][0],
                     "type": native_label(entry["type"]), "attrs": {},
                     "arguments": [{"role": role, "span": regions[target][0]}]})
    return made


def _attributes(items: dict, regions: dict, spans: list, owners: dict, file: str) -> None:
    """Apply A, M, N and # lines to the spans, events and attributions they name."""
    by_id = {s["id"]: s for s in spans}
    for ident, entry in items.items():
        if entry["kind"] not in "AMN#":
            continue
        words = entry["words"]
        if len(words) < 2 or (entry["kind"] in "AM" and len(words) > 3):
            raise _error(f"{ident}: expected 'Name Target [Value]'", file, entry["line"])
        name, target = words[0], words[1]
        if target in regions:
            targets = [by_id[s]["attrs"] for s in regions[target]]
        elif target in owners:
            targets = [owners[target]["attrs"]]
        else:
            raise _error(f"{ident}: no annotation {target}", file, entry["line"])
        if entry["kind"] == "#":
            try:
                values = json.loads(entry["rest"])
            except ValueError:
                values = None
            if not isinstance(values, dict):
                note = targets[0].get("note")
                values = {"note": entry["rest"] if note is None else f"{note}\n{entry['rest']}"}
            trigger = values.pop(TRIGGER_ATTRS, None)
            if isinstance(trigger, dict) and "trigger" in owners.get(target, {}):
                by_id[owners[target]["trigger"]]["attrs"].update(trigger)
            for attrs in targets:
                attrs.update(values)
        elif entry["kind"] == "N":
            reference = f"{words[2]} {entry['rest']}".rstrip()
            for attrs in targets:
                attrs["reference"] = [*attrs.get("reference", []), reference]
        elif name == "nested_in" and target in owners and "source" in owners[target]:
            parent = words[2] if len(words) == 3 else None
            if parent not in owners or "source" not in owners[parent]:
                raise _error(f"{ident}: nested_in needs an attribution E line", file,
                             entry["line"])
            owners[target]["parent"] = parent
        else:
            for attrs in targets:
                attrs[name_key(name)] = words[2] if len(words) == 3 else True
