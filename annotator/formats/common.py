"""Shared parts of the labelled-data formats: record checks, boilerplate filtering, splits, atomic
output folders, the dataset card, and (for readers) paragraph mapping. Tokens: tokens.py.

Pure: no Flask, no database. Writers stream: they keep counters and id sets, never the records.
"""

import hashlib
import json
import os
import re
import shutil
import tempfile
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from annotator.boilerplate import flag_boilerplate
from annotator.errors import AnnotatorError, Conflict, InputError
from annotator.offsets import check_span
from annotator.text import check_text, normalise_newlines, split_paragraphs

ROLES = ("source", "cue", "content")
SPLIT_NAMES = ("train", "dev", "test")
ALL = "data"  # the file or folder name used when there is no split


# --- records going out --------------------------------------------------------------------------


def check_record(record: dict) -> None:
    """Refuse a record whose spans do not slice its paragraphs or whose links dangle.

    :raise InputError: naming the document, layer and item.
    """
    where = f"document {record.get('id')!r}, layer {record.get('layer')!r}"
    texts = {}
    for position, paragraph in enumerate(record.get("paragraphs") or []):
        reason = check_text(paragraph["text"])
        if reason:
            raise InputError(f"{where}: paragraph {position} {reason}")
        texts[paragraph.get("index", position)] = paragraph["text"]
    ids = set()
    for span in record.get("spans") or []:
        text = texts.get(span["paragraph"])
        if text is None:
            raise InputError(f"{where}: span {span['id']!r} is in no paragraph")
        start, end = span["start"], span["end"]
        # The usual case first, without check_span's calls (it runs for every exported span).
        ordinary = type(start) is int and type(end) is int and 0 <= start < end <= len(text)
        reason = None if ordinary else check_span(text, start, end)
        if reason is None and "text" in span and span["text"] != text[start:end]:
            reason = "its text is not the paragraph's text at its offsets"
        if reason or span["id"] in ids:
            raise InputError(f"{where}: span {span['id']!r}: {reason or 'id is used twice'}")
        ids.add(span["id"])
    for event in record.get("events") or []:
        members = [event.get("trigger")] + [a["span"] for a in event.get("arguments") or []]
        _check_members(where, f"event {event['id']!r}", members, ids)
    for item in record.get("attributions") or []:
        members = [m for role in ROLES for m in item.get(role) or []]
        _check_members(where, f"attribution {item['id']!r}", members, ids)


def _check_members(where: str, what: str, members: list, ids: set) -> None:
    for member in members:
        if member is not None and member not in ids:
            raise InputError(f"{where}: {what} points at a missing span {member!r}")


def filter_boilerplate(record: dict, include: bool) -> tuple[dict, Counter]:
    """Drop boilerplate paragraphs (unless `include`) and what hangs on them; count the drops."""
    if all("index" in p and (include or not p.get("boilerplate"))
           for p in record["paragraphs"]):
        return record, Counter()  # nothing to drop (exports leave boilerplate out when reading)
    dropped: Counter = Counter()
    paragraphs = [dict(p, index=p.get("index", i)) for i, p in enumerate(record["paragraphs"])]
    kept = [p for p in paragraphs if include or not p.get("boilerplate")]
    dropped["boilerplate_paragraphs"] = len(paragraphs) - len(kept)
    if not dropped["boilerplate_paragraphs"]:
        return dict(record, paragraphs=kept), Counter()
    indices = {p["index"] for p in kept}
    spans = [s for s in record.get("spans") or [] if s["paragraph"] in indices]
    dropped["spans"] = len(record.get("spans") or []) - len(spans)
    ids = {s["id"] for s in spans}
    events = []
    for event in record.get("events") or []:
        if event.get("trigger") is not None and event["trigger"] not in ids:
            dropped["events"] += 1
            continue
        arguments = [a for a in event.get("arguments") or [] if a["span"] in ids]
        dropped["event_arguments"] += len(event.get("arguments") or []) - len(arguments)
        events.append(dict(event, arguments=arguments))
    attributions = []
    for item in record.get("attributions") or []:
        lists = {role: [m for m in item.get(role) or [] if m in ids] for role in ROLES}
        if any(item.get(role) for role in ROLES) and not any(lists.values()):
            dropped["attributions"] += 1
            continue
        dropped["attribution_parts"] += sum(len(item.get(r) or []) - len(lists[r]) for r in ROLES)
        attributions.append(dict(item, **lists))
    kept_ids = {a["id"] for a in attributions}
    for item in attributions:
        if item.get("parent") is not None and item["parent"] not in kept_ids:
            item["parent"] = None
            dropped["attribution_parents"] += 1
    record = dict(record, paragraphs=kept, spans=spans, events=events, attributions=attributions)
    return record, +dropped


def parse_split(split: object) -> list[tuple[str, float]] | None:
    """Turn (80, 10, 10) or {"train": 80, ...} into [(name, share)], or None for no split.

    :raise AnnotatorError: for weights that are not non-negative numbers with a positive sum.
    """
    if split is None:
        return None
    try:
        items = list(split.items()) if isinstance(split, dict) else list(zip(
            SPLIT_NAMES, split, strict=True))
    except (TypeError, ValueError, AttributeError):
        items = []
    weights = [weight for _, weight in items]
    if not items or not all(re.fullmatch(r"\w+", str(name)) for name, _ in items) or not all(
        isinstance(w, int | float) and not isinstance(w, bool) and w >= 0 for w in weights
    ) or sum(weights) <= 0:
        raise AnnotatorError(
            f"split must be three non-negative shares such as (80, 10, 10) (or a mapping of "
            f"plain names to shares), not {split!r}"
        )
    return [(str(name), weight / sum(weights)) for name, weight in items]


def assign_split(document_id: str, parts: list[tuple[str, float]], seed: int) -> str:
    """Pick a document's split from a hash of (seed, id), so input order never matters."""
    digest = hashlib.sha256(f"{seed}\x00{document_id}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64
    cumulative = 0.0
    for name, share in parts:
        cumulative += share
        if point < cumulative:
            return name
    return next(name for name, share in reversed(parts) if share > 0)


class Stats:
    """Counts for the dataset card, gathered while records stream past."""

    def __init__(self):
        self.records = 0
        self.documents: dict[str, set] = defaultdict(set)  # split -> document ids
        self.paragraphs = 0
        self.labels: Counter = Counter()
        self.event_types: Counter = Counter()
        self.attributions = 0
        self.layers: Counter = Counter()
        self.excluded: Counter = Counter()
        self.codebook_versions: set = set()

    def add(self, record: dict, split: str, excluded: Counter) -> None:
        self.records += 1
        self.documents[split].add(record["id"])
        self.paragraphs += len(record["paragraphs"])
        self.labels.update(s["label"] for s in record.get("spans") or [])
        self.event_types.update(e.get("type") for e in record.get("events") or [])
        self.attributions += len(record.get("attributions") or [])
        layer = record.get("layer")
        self.layers["(no layer)" if layer is None else layer] += 1
        self.excluded.update(excluded)
        if record.get("codebook_version") is not None:
            self.codebook_versions.add(record["codebook_version"])

    def as_dict(self) -> dict:
        return {
            "documents": len(set().union(*self.documents.values())),
            "documents_per_split": {k: len(v) for k, v in sorted(self.documents.items())},
            "records": self.records,
            "layers": dict(sorted(self.layers.items())),
            "paragraphs": self.paragraphs,
            "spans": sum(self.labels.values()),
            "spans_per_label": dict(sorted(self.labels.items())),
            "events": sum(self.event_types.values()),
            "events_per_type": dict(sorted((str(k), v) for k, v in self.event_types.items())),
            "attributions": self.attributions,
            "excluded": dict(sorted(self.excluded.items())),
        }


def export_records(
    records: Iterable[dict], stats: Stats, *, include_boilerplate: bool, split: object, seed: int
) -> Iterator[tuple[str, dict]]:
    """Check and filter each record; yield (split name or "data", record) and count it."""
    parts = parse_split(split)
    for record in records:
        check_record(record)
        record, excluded = filter_boilerplate(record, include_boilerplate)
        name = assign_split(record["id"], parts, seed) if parts else ALL
        stats.add(record, name, excluded)
        yield name, record


def anchor_paragraph(record: dict) -> dict[str, dict[int, list]]:
    """Place each event and attribution on the paragraph of its earliest span.

    Paragraph-per-line formats need one home for relations that may cross paragraphs; the ids
    they hold still name spans on other lines. An item with no spans goes on the first paragraph.
    """
    where = {s["id"]: s["paragraph"] for s in record.get("spans") or []}
    order = {p["index"]: i for i, p in enumerate(record["paragraphs"])}
    first = record["paragraphs"][0]["index"] if record["paragraphs"] else None
    homes: dict[str, dict[int, list]] = {"events": defaultdict(list),
                                         "attributions": defaultdict(list)}
    for kind, members in (
        ("events", lambda e: [e.get("trigger")] + [a["span"] for a in e.get("arguments") or []]),
        ("attributions", lambda a: [m for role in ROLES for m in a.get(role) or []]),
    ):
        for item in record.get(kind) or []:
            paragraphs = [where[m] for m in members(item) if m in where]
            home = min(paragraphs, key=order.__getitem__) if paragraphs else first
            homes[kind][home].append(item)
    return homes


# --- output folders and the card ----------------------------------------------------------------


@contextmanager
def staging(out: Path) -> Iterator[Path]:
    """Yield a temporary folder beside `out` that becomes `out` only if the export completes.

    A failed or killed export leaves no half-written `out` behind (only a hidden .partial folder
    after a kill).
    :raise Conflict: when `out` exists and is not an empty folder.
    """
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise Conflict(f"{out} already exists; exports go to a new or empty folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        yield folder
        folder.chmod(0o755)  # mkdtemp makes it private; the export is an ordinary folder
        os.replace(folder, out)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


class Outputs:
    """Text files opened on first use, one per split, closed together."""

    def __init__(self, folder: Path, pattern: str, newline: str = "\n"):
        self.folder, self.pattern, self.newline = folder, pattern, newline
        self._stack = ExitStack()
        self._files: dict[str, TextIO] = {}

    def __call__(self, name: str) -> TextIO:
        if name not in self._files:
            path = self.folder / self.pattern.format(name)
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = path.open("w", encoding="utf-8", newline=self.newline)
            self._files[name] = self._stack.enter_context(handle)
        return self._files[name]

    def __enter__(self) -> "Outputs":
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    @property
    def names(self) -> list[str]:
        return sorted(self._files)


def write_card(
    folder: Path, fmt: str, stats: Stats, options: dict, details: dict | None = None,
    front_matter: str = "", notices: dict[str, int] | None = None,
) -> dict:
    """Write README.md and card.json describing the export; return the card as the report.

    The report also carries the main counts, and `notices` (such as spans widened to tokens),
    as top-level numbers, which the command line prints.
    """
    versions = sorted(stats.codebook_versions | {options.get("codebook_version")} - {None},
                      key=str)
    files = listed_files(folder)
    card = {
        "format": fmt,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "codebook_version": versions[0] if len(versions) == 1 else versions or None,
        "options": options,
        "counts": stats.as_dict(),
        **(details or {}),
        "files": files + ["README.md", "card.json"],
    }
    text = json.dumps(card, indent=2, ensure_ascii=False, default=str) + "\n"
    (folder / "card.json").write_text(text, encoding="utf-8")
    (folder / "README.md").write_text(front_matter + _markdown(card), encoding="utf-8")
    counts = card["counts"]
    summary = {key: counts[key] for key in ("records", "spans", "events", "attributions")}
    return summary | (notices or {}) | card


LISTED_FILES = 1000  # a card names each file up to this many


def listed_files(folder: Path) -> list[str]:
    """Name every file below `folder`, sorted; past LISTED_FILES files (brat writes two per
    document), name each folder's kinds of file with their number instead ("gold/*.ann (100,000
    files)"), so that the card, and the memory it takes to make it, stay small."""
    names: list[str] = []
    kinds: Counter = Counter()
    for root, _, files in os.walk(folder):
        where = os.path.relpath(root, folder)
        for name in files:
            kind = "*" + os.path.splitext(name)[1]
            kinds[kind if where == "." else f"{where}/{kind}"] += 1
            if len(names) <= LISTED_FILES:
                names.append(name if where == "." else f"{where}/{name}")
    if len(names) <= LISTED_FILES:
        return sorted(names)
    return [f"{kind} ({count:,} file{'' if count == 1 else 's'})"
            for kind, count in sorted(kinds.items())]


def _markdown(card: dict) -> str:
    counts = card["counts"]
    lines = [
        f"# annotator export ({card['format']})", "",
        f"Created {card['created']}; codebook version: "
        f"{'not recorded' if card['codebook_version'] is None else card['codebook_version']}.", "",
        "| what | count |", "| --- | --- |",
    ]
    for key in ("documents", "records", "paragraphs", "spans", "events", "attributions"):
        lines.append(f"| {key} | {counts[key]} |")
    for title, key in (("Spans per label", "spans_per_label"), ("Events per type",
                       "events_per_type"), ("Documents per split", "documents_per_split"),
                       ("Left out", "excluded")):
        if counts[key]:
            lines += ["", f"## {title}", "", "| name | count |", "| --- | --- |"]
            lines += [f"| {_cell(k)} | {v} |" for k, v in counts[key].items()]
    lines += ["", "## Options", ""]
    lines += [f"- {k}: `{json.dumps(v, ensure_ascii=False)}`" for k, v in card["options"].items()]
    extra = {k: v for k, v in card.items() if k not in
             {"format", "created", "codebook_version", "options", "counts", "files"}}
    for key, value in extra.items():
        lines += ["", f"## {key.replace('_', ' ').capitalize()}", "", "```json",
                  json.dumps(value, indent=2, ensure_ascii=False, default=str), "```"]
    lines += ["", "Files: " + ", ".join(f"`{f}`" for f in card["files"]), ""]
    return "\n".join(lines)


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


# --- records coming in --------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """Read a UTF-8 file exactly (line endings and any BOM kept, since offsets count them).

    :raise InputError: naming the line of the first byte that is not UTF-8.
    """
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(f"not valid UTF-8 (byte {error.start + 1} of the file)",
                         file=path.name, line=line) from None


def crlf_positions(text: str, shift: int = 0) -> list[int]:
    """Return, ascending, where each CR of a CRLF in `text` is, plus `shift`."""
    positions = []
    position = text.find("\r\n")
    while position >= 0:
        positions.append(position + shift)
        position = text.find("\r\n", position + 2)
    return positions


class ParagraphMap:
    """Map offsets into a whole text onto the paragraphs the text import cuts it into."""

    def __init__(self, text: str):
        reason = check_text(text)
        if reason:
            raise ValueError(f"the text {reason}")
        self.length = len(text)
        # A BOM is counted by tools that read the file as text, but the import drops it.
        self._shift = 1 if text.startswith("\ufeff") else 0
        body = text[self._shift:]
        # CRLF becomes LF on import: remember where each dropped CR was to move offsets.
        self._dropped = crlf_positions(body, self._shift)
        normal = normalise_newlines(body)
        self.texts = split_paragraphs(body)  # the txt and jsonl import's own rule
        self.starts = []
        position = 0
        for paragraph in self.texts:
            # Paragraphs are stripped, so the first match after the previous one is this one.
            position = normal.find(paragraph, position)
            self.starts.append(position)
            position += len(paragraph)

    def _normal(self, offset: int) -> int:
        return max(0, offset - self._shift - bisect_left(self._dropped, offset))

    def locate(self, start: object, end: object) -> list[tuple[int, int, int]]:
        """Return [(paragraph, start, end)] for [start, end) of the whole text, cut at
        paragraph breaks; whitespace between paragraphs is left out.

        :raise ValueError: when the offsets are not a span of the text or hold no paragraph text.
        """
        for value in (start, end):
            if type(value) is not int:  # bool is an int, but not an offset
                raise ValueError(f"offsets must be integers, not {value!r}")
        if not 0 <= start < end <= self.length:
            raise ValueError(f"[{start}, {end}) is not a span of the text "
                             f"({self.length} characters)")
        if self._shift or self._dropped:
            s, e = self._normal(start), self._normal(end)
        else:  # no BOM and no CRLF: offsets into the text are offsets into its normal form
            s, e = start, end
        pieces = []
        for index in range(max(0, bisect_right(self.starts, s) - 1), len(self.texts)):
            p_start = self.starts[index]
            if p_start >= e:
                break
            a, b = max(s, p_start) - p_start, min(e, p_start + len(self.texts[index])) - p_start
            if a < b:
                pieces.append((index, a, b))
        if not pieces:
            raise ValueError(f"[{start}, {end}) covers only whitespace between paragraphs")
        return pieces

    def paragraphs(self) -> list[dict]:
        """Return the native paragraphs, with boilerplate flagged as on import."""
        flags = flag_boilerplate(self.texts)
        return [{"index": i, "text": t, "boilerplate": f}
                for i, (t, f) in enumerate(zip(self.texts, flags, strict=True))]

    def spans(self, base_id: str, fragments: list, label: str, attrs: dict) -> list[dict]:
        """Make native spans for one region of (start, end) fragments: one span per paragraph
        each fragment touches, with ids "T3" (one span) or "T3.1", "T3.2", ...

        :raise ValueError: as locate does.
        """
        if len(fragments) == 1:  # nearly every region
            pieces = self.locate(*fragments[0])
        else:
            pieces = [piece for start, end in fragments for piece in self.locate(start, end)]
        return [
            {"id": base_id if len(pieces) == 1 else f"{base_id}.{n}", "paragraph": index,
             "start": a, "end": b, "text": self.texts[index][a:b], "label": label,
             "attrs": dict(attrs)}
            for n, (index, a, b) in enumerate(pieces, start=1)
        ]


def link_regions(
    relations: list[tuple[str, str, str, str]], regions: dict[str, list[str]],
    labels: dict[str, str],
) -> tuple[list[dict], list[dict]]:
    """Turn binary relations (id, head, role, target) between regions into events and attributions.

    Relations are grouped by head. A group whose roles are all source/cue/content is an
    attribution, the head playing the role its label names (cue otherwise); any other group is an
    event whose trigger is the head and whose type is the head's label (brat's convention).
    :raise ValueError: for an event head that is several spans.
    """
    groups: dict[str, list] = {}
    for relation_id, head, role, target in relations:
        groups.setdefault(head, []).append((relation_id, role.strip().lower(), target))
    events, attributions = [], []
    for head, members in groups.items():
        item_id = members[0][0]
        if all(role in ROLES for _, role, _ in members):
            own = labels[head].lower()
            item = {"id": item_id, "source": [], "cue": [], "content": [], "parent": None,
                    "attrs": {}}
            for role, region in [(own if own in ROLES else "cue", head)] + [
                (role, target) for _, role, target in members
            ]:
                item[role] += [s for s in regions[region] if s not in item[role]]
            attributions.append(item)
            continue
        if len(regions[head]) != 1:
            raise ValueError(f"relation {item_id}: an event trigger must be one span in one "
                             "paragraph")
        arguments = [{"role": role, "span": s} for _, role, target in members
                     for s in regions[target]]
        events.append({"id": item_id, "trigger": regions[head][0], "type": labels[head],
                       "attrs": {}, "arguments": arguments})
    return events, attributions


def native_record(
    document_id: str, pmap: ParagraphMap, layer: str | None, spans: list, events: list,
    attributions: list, title: str = "", url: str | None = None, published: str | None = None,
    meta: dict | None = None,
) -> dict:
    """Assemble a native record from read parts."""
    return {
        "id": document_id, "title": title, "url": url, "published": published,
        "meta": meta or {}, "layer": layer, "paragraphs": pmap.paragraphs(), "spans": spans,
        "events": events, "attributions": attributions,
    }
