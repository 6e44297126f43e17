"""brat standoff: a .txt per document and an .ann per (document, layer), in PolNeAR's shape.

Writing. The .txt is the paragraphs joined by blank lines ("\\n\\n"), which the txt import splits
back into the same paragraphs (the card counts documents for which it would not); .ann offsets
are code points into it. Files are <document>.txt and <document>_<layer>.ann (a document without
annotations has no .ann); names are percent-encoded, "_" and a leading "." included, so that any id
stays inside the folder and the layer is what follows the last "_".
- T lines, one per span: the codebook label, except SOURCE/CUE/CONTENT, which are PolNeAR's
  Source/Cue/Content.
- E lines for events: `RETREAT:T5 Actor:T1 Actor2:T2 Theme:T3` (brat numbers repeated roles).
- E lines for attributions: `Attribution:T9 Source:T6 Cue:T7 Content:T8`, where T9 is an extra
  T line labelled Attribution (Attribution-no-source when there is no source) over the cue's
  extent, as in PolNeAR; with strict=True the trigger is the first cue T itself, because pybrat's
  raise mode rejects two T lines over one extent.
- A lines for attribute values that are true or one word; other values (false, null, numbers,
  lists, text with spaces) go in `#` AnnotatorNotes lines as JSON {"name": value}. Nesting is
  the A line `nested_in Echild Eparent`.

Reading (a folder of .txt and .ann files, searched recursively, or one .ann): the text is split
into paragraphs exactly as the txt import does (title line first); each fragment of a T line is
mapped onto the paragraphs, and a fragment crossing a paragraph break becomes one span per
paragraph (ids T3.1, T3.2, ...). T labels are upper-cased into codebook names (Source -> SOURCE).
An E line whose roles are Source/Cue/Content (or whose type starts with Attribution) is an
attribution: its trigger T is dropped when it only repeats the cue's extent (PolNeAR's shape),
and is otherwise kept as part of the cue. Other E lines are events (role Actor2 -> actor). R
lines become events or attributions by common.link_regions. The layer is the .ann name after
the last "_" (doc.ann beside doc.txt is layer "gold"); each record's "_file" names its .ann.
Whatever cannot be kept (N and * lines, events as arguments, discontinuous triggers) raises
InputError naming the file and line.
"""

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import quote, unquote

from annotator.errors import InputError
from annotator.formats.common import (
    ROLES,
    ParagraphMap,
    Stats,
    export_records,
    link_regions,
    native_record,
    read_text,
    staging,
    write_card,
)
from annotator.text import split_paragraphs

PLAIN_VALUE = re.compile(r"^\S+$")
BRAT_LABELS = {"SOURCE": "Source", "CUE": "Cue", "CONTENT": "Content"}
MAX_STEM = 120  # characters of an encoded name; two of them and ".ann" stay under 255 bytes


# --- writing ------------------------------------------------------------------------------------


def file_stem(name: str) -> str:
    """Encode an id as a file name part that stays in its folder and decodes with unquote."""
    stem = quote(name, safe="").replace("_", "%5F")
    if stem.startswith("."):
        stem = "%2E" + stem[1:]
    if len(stem) > MAX_STEM:  # too long to decode back: keep it unique instead
        stem = stem[:MAX_STEM - 17] + "~" + hashlib.sha256(name.encode()).hexdigest()[:16]
    return stem


def _word(name: str, counts: Counter, what: str) -> str:
    if PLAIN_VALUE.match(name):
        return name
    counts[f"{what}_with_spaces_joined_by_underscores"] += 1
    return "_".join(name.split()) or "_"


class _Ann:
    """The lines of one .ann file, numbering T, E, A and # items as they are added."""

    def __init__(self, text: str, counts: Counter):
        self.text, self.counts = text, counts
        self.lines: list[str] = []
        self.numbers: Counter = Counter()

    def next_id(self, kind: str) -> str:
        self.numbers[kind] += 1
        return f"{kind}{self.numbers[kind]}"

    def entity(self, label: str, fragments: list[tuple[int, int]]) -> str:
        tid = self.next_id("T")
        offsets = ";".join(f"{s} {e}" for s, e in fragments)
        covered = " ".join(self.text[s:e] for s, e in fragments)
        covered = covered.replace("\r", " ").replace("\n", " ")  # the text column is one line
        self.lines.append(f"{tid}\t{_word(label, self.counts, 'labels')} {offsets}\t{covered}")
        return tid

    def event(self, kind: str, trigger: str, arguments: list[tuple[str, str]]) -> str:
        eid = self.next_id("E")
        parts = [f"{_word(kind, self.counts, 'types')}:{trigger}"]
        parts += [f"{_word(role, self.counts, 'roles')}:{tid}" for role, tid in arguments]
        self.lines.append(f"{eid}\t{' '.join(parts)}")
        return eid

    def attributes(self, target: str, attrs: dict) -> None:
        for name, value in attrs.items():
            if value is True and PLAIN_VALUE.match(name):
                self.lines.append(f"{self.next_id('A')}\t{name} {target}")
            elif isinstance(value, str) and PLAIN_VALUE.match(value) and PLAIN_VALUE.match(name):
                self.lines.append(f"{self.next_id('A')}\t{name} {target} {value}")
            else:
                note = json.dumps({name: value}, ensure_ascii=False)
                self.lines.append(f"{self.next_id('#')}\tAnnotatorNotes {target}\t{note}")


def _merged(fragments: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort fragments and join those that overlap or touch."""
    result: list[tuple[int, int]] = []
    for s, e in sorted(fragments):
        if result and s <= result[-1][1]:
            result[-1] = (result[-1][0], max(e, result[-1][1]))
        else:
            result.append((s, e))
    return result


def _roles(arguments: list[dict]) -> list[tuple[str, str]]:
    """Name event roles brat's way: Actor, Actor2, Actor3, ..."""
    seen: Counter = Counter()
    named = []
    for argument in arguments:
        role = argument["role"][:1].upper() + argument["role"][1:]
        seen[role] += 1
        named.append((role if seen[role] == 1 else f"{role}{seen[role]}", argument["span"]))
    return named


def ann_lines(record: dict, starts: dict[int, int], text: str, strict: bool,
              counts: Counter) -> list[str]:
    """Return the .ann lines of one (filtered) record whose paragraphs begin at `starts`."""
    ann = _Ann(text, counts)
    where: dict[str, tuple[int, int]] = {}
    tids: dict[str, str] = {}
    for span in record.get("spans") or []:
        begin = starts[span["paragraph"]]
        where[span["id"]] = (begin + span["start"], begin + span["end"])
        tids[span["id"]] = ann.entity(BRAT_LABELS.get(span["label"], span["label"]),
                                      [where[span["id"]]])
        ann.attributes(tids[span["id"]], span.get("attrs") or {})
    for event in record.get("events") or []:
        if event.get("trigger") is None:
            counts["events_without_trigger_left_out"] += 1
            continue
        arguments = [(role, tids[s]) for role, s in _roles(event.get("arguments") or [])]
        eid = ann.event(event["type"], tids[event["trigger"]], arguments)
        ann.attributes(eid, event.get("attrs") or {})
    eids: dict[str, str] = {}
    for item in record.get("attributions") or []:
        members = [(role.capitalize(), tids[m]) for role in ROLES for m in item.get(role) or []]
        extent = next((item[r] for r in ("cue", "content", "source") if item.get(r)), None)
        if extent is None:
            counts["attributions_without_spans_left_out"] += 1
            continue
        # PolNeAR types an attribution without a source "Attribution-no-source".
        label = "Attribution" if item.get("source") else "Attribution-no-source"
        if strict:
            trigger = tids[extent[0]]
        else:
            trigger = ann.entity(label, _merged(where[m] for m in extent))
        eids[item["id"]] = ann.event(label, trigger, members)
        ann.attributes(eids[item["id"]], item.get("attrs") or {})
    for item in record.get("attributions") or []:
        if item.get("parent") is not None and item["id"] in eids:
            if item["parent"] in eids:
                ann.lines.append(f"{ann.next_id('A')}\tnested_in {eids[item['id']]} "
                                 f"{eids[item['parent']]}")
            else:
                counts["nesting_left_out"] += 1
    return ann.lines


def write(
    records: Iterable[dict], out: Path, *, include_boilerplate: bool = False,
    split: object = None, seed: int = 0, lang: str = "en", strict: bool = False,
    codebook_version: object = None,
) -> dict:
    """Write .txt and .ann files into `out` (or its train/dev/test folders); return the card."""
    stats, counts = Stats(), Counter()
    options = {"include_boilerplate": include_boilerplate, "split": split, "seed": seed,
               "lang": lang, "strict": strict, "codebook_version": codebook_version}
    texts: dict[str, str] = {}  # document id -> digest of its .txt, to catch conflicting copies
    with staging(out) as folder:
        for name, record in export_records(records, stats, include_boilerplate=
                                           include_boilerplate, split=split, seed=seed):
            target = folder if split is None else folder / name
            target.mkdir(exist_ok=True)
            paragraphs = [p["text"] for p in record["paragraphs"]]
            text = "\n\n".join(paragraphs)
            starts, position = {}, 0
            for paragraph in record["paragraphs"]:
                starts[paragraph["index"]] = position
                position += len(paragraph["text"]) + 2
            stem = file_stem(record["id"])
            digest = hashlib.sha256(text.encode()).hexdigest()
            if texts.setdefault(record["id"], digest) != digest:
                raise InputError(f"document {record['id']!r} comes with two different texts")
            if not (target / f"{stem}.txt").exists():
                (target / f"{stem}.txt").write_text(text, encoding="utf-8", newline="")
                if split_paragraphs(text) != paragraphs:
                    counts["documents_whose_paragraphs_reimport_differently"] += 1
            if record.get("layer") is None:
                continue
            ann = target / f"{stem}_{file_stem(record['layer'])}.ann"
            if ann.exists():
                raise InputError(f"document {record['id']!r} has layer {record['layer']!r} twice")
            lines = ann_lines(record, starts, text, strict, counts)
            ann.write_text("".join(line + "\n" for line in lines), encoding="utf-8", newline="")
        return write_card(folder, "brat", stats, options, {"brat": dict(sorted(counts.items()))})


# --- reading ------------------------------------------------------------------------------------


def read(path: Path) -> Iterator[dict]:
    """Yield native records from a folder of .txt/.ann files or from one .ann file.

    :raise InputError: naming the file (and line) of anything that cannot be kept.
    """
    path = Path(path)
    if path.is_dir():
        texts: dict[str, Path] = {}
        for txt in sorted(path.rglob("*.txt")):
            if _hidden(txt, path):
                continue
            if txt.stem in texts:
                raise InputError(f"two text files for one document: {texts[txt.stem]} and {txt}")
            texts[txt.stem] = txt
        layers: dict[str, list] = {stem: [] for stem in texts}
        for ann in sorted(path.rglob("*.ann")):
            if not _hidden(ann, path):
                stem, layer = _owner(ann, texts)
                layers[stem].append((layer, ann))
        for stem in sorted(texts):
            yield from _document(texts[stem], sorted(layers[stem]))
    elif path.suffix == ".ann":
        candidates = [path.parent, *(p for p in path.parent.parent.iterdir() if p.is_dir())]
        texts = {}
        for folder in candidates:
            for stem in (path.stem, path.stem.rpartition("_")[0]):
                if stem and (folder / f"{stem}.txt").is_file():
                    texts.setdefault(stem, folder / f"{stem}.txt")
        stem, layer = _owner(path, texts)
        yield from _document(texts[stem], [(layer, path)])
    else:
        raise InputError("give a folder of brat .txt and .ann files, or one .ann file",
                         file=path.name)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _owner(ann: Path, texts: dict[str, Path]) -> tuple[str, str]:
    """Return (document stem, layer) for an .ann file: <document>_<layer>.ann or <document>.ann."""
    if ann.stem in texts:
        return ann.stem, "gold"
    stem, _, layer = ann.stem.rpartition("_")
    if not stem or stem not in texts:
        raise InputError(f"no text file {stem or ann.stem}.txt for it (an .ann file is named "
                         "<document>_<coder>.ann beside or near <document>.txt)", file=ann.name)
    return stem, unquote(layer)


def _document(txt: Path, layers: list[tuple[str, Path]]) -> Iterator[dict]:
    text = read_text(txt)
    try:
        pmap = ParagraphMap(text)
    except ValueError as error:
        raise InputError(str(error), file=txt.name) from None
    if not pmap.texts:
        raise InputError("the file has no text", file=txt.name)
    document_id = unquote(txt.stem)
    title = pmap.texts[0].split("\n", 1)[0].strip()  # as the txt import takes it
    if not layers:
        yield native_record(document_id, pmap, None, [], [], [], title=title) | {
            "_file": txt.name}
    for layer, ann in layers:
        spans, events, attributions = parse_ann(read_text(ann), text, pmap, ann.name)
        record = native_record(document_id, pmap, layer, spans, events, attributions,
                               title=title)
        yield record | {"_file": ann.name}  # the import names this file in its errors


def _native_label(label: str) -> str:
    return re.sub(r"[^A-Z0-9_]", "_", label.upper())


def _error(reason: str, file: str, line: int) -> InputError:
    return InputError(reason, file=file, line=line)


def _lines(ann_text: str, text: str, file: str) -> dict[str, dict]:
    """Parse every line into {id: entry}; check each T line's text against the .txt."""
    items: dict[str, dict] = {}
    for number, raw in enumerate(ann_text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split("\t", 2)
        ident, kind = fields[0], fields[0][:1]
        if kind and kind in "N*":
            reason = "normalisation (N) and equivalence (*) lines cannot be imported"
            raise _error(f"{ident}: {reason}", file, number)
        if not kind or kind not in "TERAM#" or len(fields) < 2 or ident in items:
            problem = "repeated id" if ident in items else "format"
            raise _error(f"not a brat standoff line ({problem})", file, number)
        words = fields[1].split()
        entry = {"kind": kind, "line": number, "words": words,
                 "rest": fields[2] if len(fields) > 2 else ""}
        if kind == "T":
            try:
                label, offsets = fields[1].split(" ", 1)
                entry["label"] = label
                entry["fragments"] = [tuple(int(n) for n in part.split(" ", 1))
                                      for part in offsets.split(";")]
                if any(len(fragment) != 2 for fragment in entry["fragments"]):
                    raise ValueError("a fragment needs a start and an end")
            except ValueError:
                raise _error(f"{ident}: expected 'Label start end[;start end...]'", file,
                             number) from None
            if any(not 0 <= s < e <= len(text) for s, e in entry["fragments"]):
                raise _error(f"{ident}: offsets are outside the text ({len(text)} characters)",
                             file, number)
            covered = " ".join(text[s:e] for s, e in entry["fragments"])
            if _one_line(covered) != _one_line(entry["rest"]):
                raise _error(f"{ident}: the .txt has {covered!r} at these offsets, not "
                             f"{entry['rest']!r} (wrong text file or encoding?)", file, number)
        elif kind == "E" or kind == "R":
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
        items[ident] = entry
    return items


def _one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")


def parse_ann(ann_text: str, text: str, pmap: ParagraphMap, file: str):
    """Return (spans, events, attributions) from one .ann file over `text`."""
    items = _lines(ann_text, text, file)
    entities = {k: v for k, v in items.items() if v["kind"] == "T"}
    references = Counter()
    for entry in items.values():
        references.update(t for _, t in entry.get("args", []))
        references.update([entry["trigger"]] if entry.get("trigger") else [])
        if entry["kind"] in "AM#" and len(entry["words"]) > 1:
            references[entry["words"][1]] += 1
    for ident, entry in items.items():
        for target in [entry.get("trigger")] + [t for _, t in entry.get("args", [])]:
            if target is not None and target not in entities:
                raise _error(f"{ident}: {target} is not a T line (events as arguments cannot "
                             "be imported)", file, entry["line"])
        if entry["kind"] == "E":
            entry["roles"] = [(re.sub(r"\d+$", "", r).lower(), t) for r, t in entry["args"]]
            entry["attribution"] = entry["type"].lower().startswith("attribution") or (
                bool(entry["roles"]) and all(r in ROLES for r, _ in entry["roles"]))
            wrong = [r for r, _ in entry["roles"] if r not in ROLES]
            if entry["attribution"] and wrong:
                raise _error(f"{ident}: an attribution has no role {wrong[0]!r}", file,
                             entry["line"])
    duplicates = set()
    for entry in items.values():
        if entry["kind"] == "E" and entry["attribution"]:
            trigger = entry["trigger"]
            # The writer puts the trigger over the cue, else the content, else the source.
            by_role = {role: [t for r, t in entry["roles"] if r == role] for role in ROLES}
            extent = by_role["cue"] or by_role["content"] or by_role["source"]
            fragments = _merged(f for t in extent for f in entities[t]["fragments"])
            entry["duplicate"] = (references[trigger] == 1 and trigger not in extent and
                                  _merged(entities[trigger]["fragments"]) == fragments)
            if entry["duplicate"]:
                duplicates.add(trigger)
    regions: dict[str, list[str]] = {}
    spans = []
    for tid, entry in entities.items():
        if tid in duplicates:
            continue
        try:
            made = pmap.spans(tid, entry["fragments"], _native_label(entry["label"]), {})
        except ValueError as error:
            raise _error(f"{tid}: {error}", file, entry["line"]) from None
        regions[tid] = [s["id"] for s in made]
        spans += made
    events, attributions = [], []
    owners: dict[str, dict] = {}
    for ident, entry in items.items():
        if entry["kind"] != "E":
            continue
        if entry["attribution"]:
            item = {"id": ident, "source": [], "cue": [], "content": [], "parent": None,
                    "attrs": {}}
            if not entry["duplicate"] and all(t != entry["trigger"] for _, t in entry["roles"]):
                item["cue"] += regions[entry["trigger"]]
            for role, target in entry["roles"]:
                item[role] += [s for s in regions[target] if s not in item[role]]
            if not entry["type"].lower().startswith("attribution"):
                item["attrs"]["brat_type"] = entry["type"]
            attributions.append(item)
        else:
            if len(regions[entry["trigger"]]) != 1:
                raise _error(f"{ident}: the trigger {entry['trigger']} is discontinuous or "
                             "crosses a paragraph break", file, entry["line"])
            item = {"id": ident, "trigger": regions[entry["trigger"]][0], "type": entry["type"],
                    "attrs": {}, "arguments": [{"role": r, "span": s} for r, t in entry["roles"]
                                               for s in regions[t]]}
            events.append(item)
        owners[ident] = item
    relations = [(ident, e["args"][0][1], e["type"], e["args"][1][1])
                 for ident, e in items.items() if e["kind"] == "R"]
    labels = {tid: _native_label(e["label"]) for tid, e in entities.items()}
    try:
        more_events, more_attributions = link_regions(relations, regions, labels)
    except ValueError as error:
        raise InputError(str(error), file=file) from None
    _attributes(items, regions, spans, owners, file)
    return spans, events + more_events, attributions + more_attributions


def _attributes(items: dict, regions: dict, spans: list, owners: dict, file: str) -> None:
    """Apply A, M and # lines to the spans, events and attributions they name."""
    by_id = {s["id"]: s for s in spans}
    for ident, entry in items.items():
        if entry["kind"] not in "AM#":
            continue
        words = entry["words"]
        if len(words) < 2 or (entry["kind"] != "#" and len(words) > 3):
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
            for attrs in targets:
                attrs.update(values)
        elif name == "nested_in" and target in owners and "source" in owners[target]:
            parent = words[2] if len(words) == 3 else None
            if parent not in owners or "source" not in owners[parent]:
                raise _error(f"{ident}: nested_in needs an attribution E line", file,
                             entry["line"])
            owners[target]["parent"] = parent
        else:
            for attrs in targets:
                attrs[name] = words[2] if len(words) == 3 else True
