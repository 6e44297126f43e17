"""brat standoff writing: DOC.txt and DOC.ann per document (and layer), in the shape brat loads.

Pure: no Flask, no database. docs/brat.md describes the layout and every line kind; in short:
- The .txt is the paragraphs joined by blank lines; .ann offsets are code points into it.
- A span is one T line; spans that came from one brat T (ids T3.1, T3.2, ...) and the spans of
  one attribution part (a quotation interrupted by "he said") are one T with all their fragments
  (`T3 Content 0 18;28 39`), when nothing else refers to only some of them. A fragment is cut at
  line breaks, which no .ann line can hold (brat cuts a selection there too).
- An event's trigger T is typed with the event type (`T2 ASSAULT ...`, `E1 ASSAULT:T2 ...`), as
  brat requires; an argument that is another event's trigger is written as that event
  (`Event-Arg:E1`). An event with one `arg2` argument is a brat relation (R line), one with one
  `equiv` argument an equivalence (`*` line).
- An attribution is `E Attribution:T9 Source:T6 Content:T8`, its trigger T being the cue typed
  `Attribution` (`Attribution-no-source` when no attribution on that cue has a source), so that
  no two T lines share an extent; an attribution without a CUE cue gets a trigger of its own.
- A lines for attribute values that are true or one word; `note` as AnnotatorNotes (#) text,
  `reference` as N lines; other values as # lines holding JSON {"name": value}. brat refuses
  these on a trigger T: a trigger span's attributes are a # line on its E line holding JSON
  {"trigger span": {...}}. Nesting is the A line `nested_in Echild Eparent`.
"""

import json
import re
from collections import Counter
from collections.abc import Iterable

from annotator.formats.brat_names import Spelling
from annotator.formats.common import ROLES

PLAIN_VALUE = re.compile(r"^\S+$")
GROUPED_ID = re.compile(r"^(.+)\.(\d+)$")  # T3.2: the second span of brat's T3
RELATION_ROLES = ("arg2", "equiv")  # an event with one such argument is an R or * line
# brat refuses A, N and # lines on a trigger T: its span's attributes ride on the E line's note.
TRIGGER_ATTRS = "trigger span"


def is_relation(event: dict) -> bool:
    """Tell whether an event stands for a brat relation (R) or equivalence (*) line."""
    arguments = event.get("arguments") or []
    return len(arguments) == 1 and arguments[0]["role"] in RELATION_ROLES


def _word(name: str, counts: Counter, what: str) -> str:
    if PLAIN_VALUE.match(name):
        return name
    counts[f"{what}_with_spaces_joined_by_underscores"] += 1
    return "_".join(name.split()) or "_"


def _numbered(pairs: list[tuple[str, str]]) -> list[str]:
    """Write role:id pairs brat's way, numbering repeated roles: Actor, Actor2, Actor3, ..."""
    seen: Counter = Counter()
    words = []
    for role, target in pairs:
        seen[role] += 1
        words.append(f"{role if seen[role] == 1 else f'{role}{seen[role]}'}:{target}")
    return words


_LINE = re.compile(r"[^\n\r]+")


def _fragments(extents: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort fragments and join those that overlap or touch (brat draws them as one)."""
    result: list[tuple[int, int]] = []
    for s, e in sorted(extents):
        if result and s <= result[-1][1]:
            result[-1] = (result[-1][0], max(e, result[-1][1]))
        else:
            result.append((s, e))
    return result


def _joined(members: list[str], where: dict[str, tuple[int, int]],
            text: str) -> list[tuple[int, int]]:
    """Return a T's fragments: its spans' extents, cut at line breaks (an .ann line cannot hold
    one, and brat cuts a selection there too)."""
    if len(members) == 1:  # nearly every T: one span, on one line
        start, end = where[members[0]]
        covered = text[start:end]
        if "\n" not in covered and "\r" not in covered:
            return [(start, end)]
    fragments = []
    for member in members:
        start, end = where[member]
        covered = text[start:end]
        if "\n" not in covered and "\r" not in covered:  # nearly every span
            fragments.append((start, end))
            continue
        for piece in _LINE.finditer(covered):
            fragments.append((start + piece.start(), start + piece.end()))
    return _fragments(fragments) or _fragments(where[m] for m in members)  # a bare line break


def regions(record: dict, triggers: set[str],
            where: dict[str, tuple[int, int]]) -> list[list[str]]:
    """Group span ids into the T lines they are written as (see the module docstring).

    A group becomes one T only when all its spans share a label and attributes, none is an event
    trigger, none overlaps or touches another, and
    every reference to one of its spans (a role, an argument list) refers to all of them.
    """
    spans = record.get("spans") or []
    label = {s["id"]: (s["label"], json.dumps(s["attrs"], sort_keys=True) if s.get("attrs")
                       else "{}") for s in spans}  # a T has one label and one set of attributes
    references: list[set[str]] = [{e["trigger"]} for e in record.get("events") or []
                                  if e.get("trigger") is not None]
    for event in record.get("events") or []:
        by_role: dict[str, set] = {}
        for argument in event.get("arguments") or []:
            by_role.setdefault(argument["role"], set()).add(argument["span"])
        references += by_role.values()
    parts = [list(dict.fromkeys(item.get(role) or [])) for item in
             record.get("attributions") or [] for role in ROLES]
    references += [set(part) for part in parts if part]
    owner: dict[str, int] = {}
    groups: list[list[str]] = []

    def take(members: list[str]) -> None:
        chosen = set(members)
        if (len(chosen) < 2 or any(m in owner or m in triggers for m in chosen)
                or len({label[m] for m in chosen}) != 1):
            return
        extents = sorted(where[m] for m in chosen)
        if any(b >= c for (_, b), (c, _) in zip(extents, extents[1:], strict=False)):
            return  # overlapping or touching spans would come back as one: keep them apart
        if all(not (chosen & s) or chosen <= s for s in references):
            for member in members:
                owner[member] = len(groups)
            groups.append(members)

    by_base: dict[str, list[tuple[int, str]]] = {}
    for span in spans:
        match = GROUPED_ID.match(span["id"])
        if match:
            by_base.setdefault(match[1], []).append((int(match[2]), span["id"]))
    for members in by_base.values():
        take([m for _, m in sorted(members)])
    for part in parts:
        if all(m in label for m in part):
            take(part)
    result, written = [], set()
    for span in spans:
        if span["id"] in owner:
            if owner[span["id"]] not in written:
                written.add(owner[span["id"]])
                result.append(groups[owner[span["id"]]])
        else:
            result.append([span["id"]])
    return result


class AnnFile:
    """The lines of one .ann file, numbering T, E, R, A, N and # items as they are added."""

    def __init__(self, text: str, counts: Counter, spelling: Spelling):
        self.text, self.counts, self.spelling = text, counts, spelling
        self.lines: list[str] = []
        self.numbers: Counter = Counter()

    def next_id(self, kind: str) -> str:
        self.numbers[kind] += 1
        return f"{kind}{self.numbers[kind]}"

    def entity(self, kind: str, fragments: list[tuple[int, int]] | tuple) -> str:
        tid = self.next_id("T")
        if len(fragments) == 1:  # nearly every T: one fragment, which _joined cut at line ends
            (start, end), = fragments
            offsets, covered = f"{start} {end}", self.text[start:end]
        else:
            offsets = ";".join(f"{s} {e}" for s, e in fragments)
            covered = " ".join(self.text[s:e] for s, e in fragments)
        if "\n" in covered or "\r" in covered:  # the text column is one line
            covered = covered.replace("\r", " ").replace("\n", " ")
        self.lines.append(f"{tid}\t{_word(kind, self.counts, 'labels')} {offsets}\t{covered}")
        return tid

    def attributes(self, target: str, attrs: dict) -> None:
        for name, value in attrs.items():
            brat_name = self.spelling.attribute(name)
            if name == "note" and isinstance(value, str) and value.strip():
                for line in value.split("\n"):
                    self.lines.append(f"{self.next_id('#')}\tAnnotatorNotes {target}\t{line}")
            elif name == "reference" and target[0] == "T" and _references(value):
                for reference in _references(value):
                    kind_id, _, words = reference.partition(" ")
                    self.lines.append(f"{self.next_id('N')}\tReference {target} {kind_id}\t"
                                      f"{words}")
            elif value is True and PLAIN_VALUE.match(brat_name):
                self.lines.append(f"{self.next_id('A')}\t{brat_name} {target}")
            elif isinstance(value, str) and PLAIN_VALUE.match(value) and PLAIN_VALUE.match(
                    brat_name):
                self.lines.append(f"{self.next_id('A')}\t{brat_name} {target} {value}")
            else:
                note = json.dumps({name: value}, ensure_ascii=False)
                self.lines.append(f"{self.next_id('#')}\tAnnotatorNotes {target}\t{note}")


def _references(value: object) -> list[str]:
    """Return N-line references ("Wikipedia:64488 Carlos Salinas") or [] if not that shape."""
    values = value if isinstance(value, list) else [value]
    ok = all(isinstance(v, str) and re.match(r"^[^\s:]+:\S+( |$)", v) and "\n" not in v
             for v in values)
    return values if ok and values else []


def ann_lines(record: dict, starts: dict[int, int], text: str, counts: Counter,
              spelling: Spelling) -> list[str]:
    """Return the .ann lines of one (filtered) record whose paragraphs begin at `starts`."""
    ann = AnnFile(text, counts, spelling)
    spans = {s["id"]: s for s in record.get("spans") or []}
    where = {i: (starts[s["paragraph"]] + s["start"], starts[s["paragraph"]] + s["end"])
             for i, s in spans.items()}
    events = []
    for event in record.get("events") or []:
        if event.get("trigger") is None:
            counts["events_without_trigger_left_out"] += 1
        else:
            events.append(event)
    proper = [e for e in events if not is_relation(e)]
    triggered: dict[str, list[dict]] = {}
    for event in proper:
        triggered.setdefault(event["trigger"], []).append(event)
    groups = regions(record, set(triggered), where)
    region_of = {m: n for n, members in enumerate(groups) for m in members}
    attributions = record.get("attributions") or []
    # Each attribution's trigger: its first cue region when that is all CUE spans (not an
    # event trigger), so the cue is not written twice over one extent.
    cue_trigger: dict[str, int] = {}
    with_source: set[int] = set()
    extent = [tuple(_joined(members, where, text)) for members in groups]
    for item in attributions:
        parts = [region_of[m] for role in ROLES for m in item.get(role) or []]
        for member in item.get("cue") or []:
            n = region_of[member]
            if any(extent[p] == extent[n] for p in parts if p != n):
                continue  # over another part's words, the import would read it as a repetition
            # brat lets nothing but events refer to a trigger: a cue with attributes is a T
            # of its own, with a trigger beside it.
            if member not in triggered and all(
                    spans[m]["label"] == "CUE" and not spans[m].get("attrs") for m in groups[n]):
                cue_trigger[item["id"]] = n
                if item.get("source"):
                    with_source.add(n)
                break
    tids: dict[int, str] = {}
    extra_tids: dict[tuple[str, str], str] = {}
    for n, members in enumerate(groups):
        fragments = extent[n]
        head = members[0]
        if head in triggered:
            types = list(dict.fromkeys(e["type"] for e in triggered[head]))
            if spans[head]["label"] != "EVENT":
                counts["trigger_labels_replaced_by_event_type"] += 1
            tids[n] = ann.entity(spelling.event(types[0]), fragments)
            for other in types[1:]:  # one T cannot carry two types: one T per type
                counts["triggers_of_several_event_types"] += 1
                extra_tids[(head, other)] = ann.entity(spelling.event(other), fragments)
            continue  # a trigger's attributes go on its events' lines (TRIGGER_ATTRS)
        elif n in cue_trigger.values():
            kind = "Attribution" if n in with_source else "Attribution-no-source"
            tids[n] = ann.entity(kind, fragments)
        else:
            tids[n] = ann.entity(spelling.label(spans[head]["label"]), fragments)
        ann.attributes(tids[n], spans[head].get("attrs") or {})
    eids = {e["id"]: ann.next_id("E") for e in proper}
    by_trigger = {t: eids[es[0]["id"]] for t, es in triggered.items() if len(es) == 1}
    for event in proper:
        tid = extra_tids.get((event["trigger"], event["type"]), tids[region_of[event["trigger"]]])
        pairs, seen = [], set()
        for argument in event.get("arguments") or []:
            target = by_trigger.get(argument["span"], tids[region_of[argument["span"]]])
            if target == eids[event["id"]]:
                target = tids[region_of[argument["span"]]]
            if (argument["role"], target) not in seen:
                seen.add((argument["role"], target))
                pairs.append((_word(spelling.role(argument["role"]), counts, "roles"), target))
        words = [f"{_word(spelling.event(event['type']), counts, 'types')}:{tid}"]
        ann.lines.append(f"{eids[event['id']]}\t{' '.join(words + _numbered(pairs))}")
        ann.attributes(eids[event["id"]], event.get("attrs") or {})
        if spans[event["trigger"]].get("attrs"):
            note = json.dumps({TRIGGER_ATTRS: spans[event["trigger"]]["attrs"]},
                              ensure_ascii=False)
            ann.lines.append(f"{ann.next_id('#')}\tAnnotatorNotes {eids[event['id']]}\t{note}")
    chains: list[tuple[str, list[str]]] = []  # equivalences: `*\tAlias T3 T4 T5`
    for event in events:
        if is_relation(event):
            head, target = tids[region_of[event["trigger"]]], tids[
                region_of[event["arguments"][0]["span"]]]
            kind = _word(spelling.event(event["type"]), counts, "types")
            if event["arguments"][0]["role"] == "equiv":
                if chains and chains[-1][0] == kind and chains[-1][1][-1] == head:
                    chains[-1][1].append(target)
                else:
                    chains.append((kind, [head, target]))
                continue
            rid = ann.next_id("R")
            ann.lines.append(f"{rid}\t{kind} Arg1:{head} Arg2:{target}\t")
            ann.attributes(rid, event.get("attrs") or {})
    ann.lines += [f"*\t{kind} {' '.join(members)}" for kind, members in chains]
    _attributions(ann, attributions, groups, region_of, tids, cue_trigger, with_source, where)
    return ann.lines


def _attributions(ann: AnnFile, attributions: list[dict], groups: list[list[str]],
                  region_of: dict[str, int], tids: dict[int, str], cue_trigger: dict[str, int],
                  with_source: set[int], where: dict[str, tuple[int, int]]) -> None:
    eids: dict[str, str] = {}
    for item in attributions:
        parts = {role: list(dict.fromkeys(region_of[m] for m in item.get(role) or []))
                 for role in ROLES}
        kind = "Attribution" if item.get("source") else "Attribution-no-source"
        trigger = cue_trigger.get(item["id"])
        if trigger is None:
            extent = next((parts[r] for r in ("cue", "content", "source") if parts[r]), None)
            if extent is None:
                ann.counts["attributions_without_spans_left_out"] += 1
                continue
            ann.counts["attributions_with_a_trigger_of_their_own"] += 1
            # Over exactly one of its parts, which the import recognises as a repetition.
            tid = ann.entity(kind, _joined(groups[extent[0]], where, ann.text))
        else:
            tid = tids[trigger]
            kind = "Attribution" if trigger in with_source else "Attribution-no-source"
        pairs = [(role.capitalize(), tids[n]) for role in ROLES for n in parts[role]
                 if not (role == "cue" and n == trigger)]
        eids[item["id"]] = ann.next_id("E")
        ann.lines.append(f"{eids[item['id']]}\t{' '.join([f'{kind}:{tid}'] + _numbered(pairs))}")
        ann.attributes(eids[item["id"]], item.get("attrs") or {})
    for item in attributions:
        if item.get("parent") is not None and item["id"] in eids:
            if item["parent"] in eids:
                ann.lines.append(f"{ann.next_id('A')}\tnested_in {eids[item['id']]} "
                                 f"{eids[item['parent']]}")
            else:
                ann.counts["nesting_left_out"] += 1
