"""Label Studio JSON (a list of tasks): read its exports, write tasks it imports with labels.

Reading is streamed (ijson), one task at a time, so memory stays flat whatever the file's size.
Each task's `data.text` (or its only text field) is cut into paragraphs as the jsonl import cuts
`text` (peer_text keeps what lay between them); `data.title`, `data.url`, `data.published` and
`data.id` fill those fields and other data fields go to `meta`. The document id is `data.id`, else
the task's `id`, else FILE-N (the file's name without extension and the task's number).
Each annotation is one layer, named by `completed_by`: its e-mail (or username) when the export
expands the user; for a numeric `completed_by`, the e-mail that the annotation's
`created_username` gives ("alice@example.org, 3"), else the number. An annotation without
`completed_by` (Label Studio's own import files) goes to the layer its `created_username` names,
else to `layer` ("gold" by default). The task's first prediction (model output) goes to `layer`
too unless an annotation already fills it; meta["label_studio"] counts the predictions left out.
Results of type "labels" become spans (one per label when a region has several); results of type
"relation" become events or attributions as common.link_regions describes (direction "left"
swaps the two ends; a relation without a label gets the role "related"; a label "TYPE:role", as
annotator writes them, gives the event its type). Any other result type
raises InputError.

Offsets: code points by default, as current Label Studio writes them, checked against each
region's `value.text`; a region whose text shows the UTF-16 offsets of older versions is
converted. `offsets` ("utf16", "codepoints", "graphemes") reads every region in that unit
instead. A region that does not fit is refused with a message naming the option.

Writing (`--format label-studio`, or `label-studio-predictions`): out/tasks.json, a JSON list of
tasks, one per document: {"id": N (Label Studio gives its own on import), "data": {"text", "id"
(the document's), "title"?, ...}, "annotations": [{"result",
"created_username": layer}]} (or "predictions": [{"model_version": layer, "result"}]), each
result {"id", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start",
"end", "text", "labels"}} in code points, relations as {"type": "relation", "from_id",
"to_id", "direction": "right", "labels": [role]}; and out/labeling_config.xml, a labeling
configuration with those names and the labels and roles used.
"""

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import quoteattr

import ijson

from annotator.errors import InputError
from annotator.formats.common import (
    ParagraphMap,
    Stats,
    export_records,
    link_regions,
    native_record,
    staging,
    write_card,
)
from annotator.formats.offsets_units import UnitMap, check_unit, misfit_hint
from annotator.formats.peer_text import (
    GAPS,
    document_text,
    relations,
    set_event_types,
    text_gaps,
    typed_roles,
)

DATA_FIELDS = {"id", "text", "title", "url", "published"}
FROM_NAME, TO_NAME = "label", "text"
RESULTS = ("annotations", "predictions")
_BOM = b"\xef\xbb\xbf"


def read(path: Path, *, layer: str | None = None, offsets: str | None = None) -> Iterator[dict]:
    """Yield native records (one per task and layer) from a Label Studio JSON export.

    :raise InputError: naming the task of anything that cannot be kept.
    """
    unit = None if offsets is None else check_unit(offsets)
    path = Path(path)
    number = 0
    for number, task in enumerate(_stream(path), start=1):
        try:
            yield from _task(task, f"{path.stem}-{number}", layer or "gold", unit)
        except ValueError as error:
            where = task.get("id") if isinstance(task, dict) else None
            raise InputError(f"task {number} (id {where}): {error}", file=path.name) from None


def _stream(path: Path) -> Iterator[object]:
    """Yield the tasks of a JSON list (or a single task object) one at a time."""
    with path.open("rb") as handle:
        start = len(_BOM) if handle.read(len(_BOM)) == _BOM else 0
        handle.seek(start)
        first = b""
        while not first.strip():
            chunk = handle.read(1)
            if not chunk:
                raise InputError("the file is empty", file=path.name)
            first = chunk
        handle.seek(start)
        if first not in (b"[", b"{"):
            raise InputError("expected a JSON list of tasks (Label Studio's JSON export)",
                             file=path.name, line=1)
        try:
            yield from ijson.items(handle, "item" if first == b"[" else "", use_float=True)
        except ijson.JSONError as error:
            reason = str(error).strip().splitlines()[0] if str(error).strip() else "bad JSON"
            raise InputError(f"malformed JSON: {reason}", file=path.name,
                             line=_error_line(path, start)) from None
        except UnicodeDecodeError as error:
            raise InputError(f"not valid UTF-8 ({error.reason})", file=path.name) from None


def _error_line(path: Path, start: int) -> int | None:
    """Find the line of a JSON error with ijson's slower Python parser, which tells where."""
    position = None
    with path.open("rb") as handle:
        handle.seek(start)
        try:
            for _ in ijson.get_backend("python").parse(handle):
                pass
        except ijson.common.IncompleteJSONError:
            position = None  # the file ends too soon: its last line
        except ijson.JSONError as error:
            words = str(error).rsplit(" at ", 1)
            position = int(words[1]) if len(words) == 2 and words[1].isdigit() else None
        except UnicodeDecodeError:
            return None
    with path.open(encoding="utf-8", errors="replace") as text:
        text.seek(start)
        line, seen = 1, 0
        for row in text:
            if position is not None and seen + len(row) > position:
                break
            seen += len(row)
            line += row.endswith("\n")
        return line


def _text_field(data: dict) -> str:
    if isinstance(data.get("text"), str):
        return "text"
    texts = [k for k, v in data.items() if isinstance(v, str) and k not in DATA_FIELDS]
    if len(texts) != 1:
        raise ValueError("data has no 'text' field (and not exactly one other text field)")
    return texts[0]


def _task(task: object, fallback_id: str, layer: str, unit: str | None) -> Iterator[dict]:
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise ValueError("a task must be an object with a 'data' object")
    data = task["data"]
    field = _text_field(data)
    text = data[field]
    if not text.strip():
        raise ValueError(f"data.{field} is empty")
    pmap = ParagraphMap(text)
    document_id = data.get("id", task.get("id", fallback_id))
    if document_id is None or isinstance(document_id, bool | dict | list):
        raise ValueError("the task has no usable id")
    meta = {k: v for k, v in data.items() if k not in DATA_FIELDS and k != field}
    gaps = text_gaps(text, pmap)
    if gaps is not None:
        meta[GAPS] = gaps
    layers = _layers(task, layer)
    predictions = task.get("predictions") or []
    meta["label_studio"] = {"task": task.get("id"),
                            "predictions_not_imported": len(predictions) - sum(
                                1 for _, _, kind in layers if kind == "prediction")}
    fields = {"title": data.get("title") if isinstance(data.get("title"), str) else "",
              "url": data.get("url") if isinstance(data.get("url"), str) else None,
              "published": data.get("published") if isinstance(data.get("published"), str)
              else None, "meta": meta}
    if not layers:
        yield native_record(str(document_id), pmap, None, [], [], [], **fields)
    maps = _Maps(text)
    for name, annotation, _kind in layers:
        spans, events, attributions = _results(annotation.get("result") or [], text, pmap,
                                               maps, unit)
        yield native_record(str(document_id), pmap, name, spans, events, attributions,
                            **fields)


def _layers(task: dict, layer: str) -> list[tuple[str, dict, str]]:
    """Return (layer name, annotation or prediction, kind) for each layer the task fills."""
    found, names = [], set()
    for annotation in task.get("annotations") or []:
        if not isinstance(annotation, dict):
            raise ValueError("an annotation must be an object")
        if annotation.get("was_cancelled"):
            continue  # a skipped task holds no labels
        name = _annotator(annotation, layer)
        if name in names:
            raise ValueError(f"two annotations go to the layer {name!r} (give each annotator "
                             "its own completed_by, or import them separately with --layer)")
        names.add(name)
        found.append((name, annotation, "annotation"))
    predictions = task.get("predictions") or []
    if predictions and layer not in names:
        if not isinstance(predictions[0], dict):
            raise ValueError("a prediction must be an object")
        found.append((layer, predictions[0], "prediction"))
    return found


def _annotator(annotation: dict, layer: str) -> str:
    """Return the layer name of one annotation (see the module's docstring)."""
    who = annotation.get("completed_by")
    named = _created_username(annotation.get("created_username"))
    if isinstance(who, dict):
        who = who.get("email") or who.get("username") or who.get("id")
    elif isinstance(who, int) and not isinstance(who, bool) and named and named[1] in (
            None, str(who)):
        who = named[0]
    if who is None or who == "":
        return named[0] if named else layer
    if isinstance(who, bool | dict | list | float):
        raise ValueError(f"annotation {annotation.get('id')}: completed_by {who!r} names no "
                         "user")
    return str(who)


def _created_username(value: object) -> tuple[str, str | None] | None:
    """Split Label Studio's "First Last alice@example.org, 3" into (e-mail or name, "3")."""
    if not isinstance(value, str) or not value.strip():
        return None
    name, _, number = value.strip().rpartition(", ")
    if not name or not number.isdigit():
        name, number = value.strip(), None
    emails = [word for word in name.split() if "@" in word]
    return (emails[-1] if emails else name.strip()), number


class _Maps:
    """The text's UnitMap for each unit, made when first needed (once per task)."""

    def __init__(self, text: str):
        self.text, self._made = text, {}

    def __call__(self, unit: str) -> UnitMap:
        if unit not in self._made:
            self._made[unit] = UnitMap(self.text, unit)
        return self._made[unit]


def _offsets(value: dict, text: str, maps: _Maps, unit: str | None) -> tuple[int, int]:
    """Return a region's code-point offsets (see the module's docstring)."""
    start, end = value.get("start"), value.get("end")
    if type(start) is not int or type(end) is not int:  # bool is an int, but not a number here
        raise ValueError(f"start and end must be integers, not {start!r}, {end!r} (only plain "
                         "text regions can be imported)")
    expected = value.get("text")
    shown = unit or "codepoints"
    units = maps(shown)
    if (shown == "codepoints" and 0 <= start < end <= units.length
            and (expected is None or text[start:end] == expected)
            and units.on_boundary(start) and units.on_boundary(end)):
        return start, end  # what Label Studio writes now: code points that hold their text
    try:
        points = units.to_codepoints(start), units.to_codepoints(end)
    except ValueError as error:
        points, problem = None, str(error)
    if points is not None and (expected is None or text[points[0]:points[1]] == expected):
        return points
    if unit is None:  # the default: older Label Studio versions wrote UTF-16 offsets
        try:
            older = maps("utf16")
            points16 = older.to_codepoints(start), older.to_codepoints(end)
        except ValueError:
            points16 = None
        if points16 is not None and text[points16[0]:points16[1]] == expected:
            return points16
    if points is not None:
        problem = f"does not hold its text {expected!r}"
    raise ValueError(f"region [{start}, {end}) {problem}{misfit_hint(shown)}")


def _results(results: list, text: str, pmap: ParagraphMap, maps: _Maps, unit: str | None):
    """Turn one annotation's results into (spans, events, attributions)."""
    regions: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    spans, links = [], []
    if not isinstance(results, list):
        raise ValueError("result must be a list")
    for result in results:
        if not isinstance(result, dict):
            raise ValueError("a result must be an object")
        kind = result.get("type")
        if kind == "relation":
            links.append(result)
            continue
        if kind != "labels":
            raise ValueError(f"results of type {kind!r} cannot be imported (only labels and "
                             "relation)")
        value = result.get("value") or {}
        start, end = _offsets(value, text, maps, unit)
        names = value.get("labels") or []
        if not names or not all(n and isinstance(n, str) for n in names):
            raise ValueError(f"region {result.get('id')} has no label")
        key = str(result.get("id") or f"r{len(regions) + 1}")
        for n, name in enumerate(names, start=1):
            part = key if len(names) == 1 else f"{key}.{n}"
            while part in regions:  # one region labelled by two controls shares its id
                part += "b"
            made = pmap.spans(part, [(start, end)], name, {})
            regions[part], labels[part] = [s["id"] for s in made], name
            spans += made
        if len(names) > 1:
            regions.setdefault(key, [])  # a relation to it would be ambiguous: caught below
    found = []
    for n, link in enumerate(links, start=1):
        head, target = str(link.get("from_id")), str(link.get("to_id"))
        if link.get("direction") == "left":
            head, target = target, head
        for end_id in (head, target):
            if not regions.get(end_id):
                raise ValueError(f"relation {n} links {end_id}, which is not a single-label "
                                 "region of this annotation")
        for role in link.get("labels") or ["related"]:
            found.append((f"rel{len(found) + 1}", head, role, target))
    found, types = typed_roles(found)
    events, attributions = link_regions(found, regions, labels)
    return spans, set_event_types(events, regions, types), attributions


# --- writing --------------------------------------------------------------------------------


def write(
    records: Iterable[dict], out: Path, *, include_boilerplate: bool = False,
    split: object = None, seed: int = 0, lang: str = "en", codebook_version: object = None,
    results: str = "annotations",
) -> dict:
    """Write out/tasks.json (or one file per split) for Label Studio's import; return the card.

    `results` is "annotations" (each layer an annotation) or "predictions" (pre-annotations).
    """
    if results not in RESULTS:
        raise ValueError(f"results must be one of {RESULTS}, not {results!r}")
    stats, counts, numbers = Stats(), Counter(), Counter()
    used: dict[str, set] = {"labels": set(), "roles": set()}
    options = {"include_boilerplate": include_boilerplate, "split": split, "seed": seed,
               "results": results, "offsets": "codepoints",
               "codebook_version": codebook_version}
    encode = json.JSONEncoder(ensure_ascii=False).encode
    with staging(out) as folder:
        handles: dict[str, object] = {}
        pending: dict[str, dict] = {}  # split -> the task being filled (one per document)

        def flush(name: str) -> None:
            handle = handles.get(name)
            if handle is None:
                handle = handles[name] = (folder / _file(name)).open(
                    "w", encoding="utf-8", newline="\n")
                handle.write("[\n")
            else:
                handle.write(",\n")
            handle.write(encode(pending.pop(name)))

        try:
            for name, record in export_records(records, stats, include_boilerplate=
                                               include_boilerplate, split=split, seed=seed):
                task = pending.get(name)
                if task is not None and task["data"]["id"] != record["id"]:
                    flush(name)
                    task = None
                if task is None:
                    numbers[name] += 1
                    task = pending[name] = _new_task(record, numbers[name])
                if record.get("layer") is not None:
                    task.setdefault(results, []).append(_layer(record, results, counts, used))
            for name in list(pending):
                flush(name)
            for handle in handles.values():
                handle.write("\n]\n")
        finally:
            for handle in handles.values():
                handle.close()
        (folder / "labeling_config.xml").write_text(labeling_config(used), encoding="utf-8")
        details = {"offsets": "code points into data.text, as Label Studio writes them",
                   "labeling_config": "labeling_config.xml (from_name 'label', to_name "
                                      "'text')",
                   "left_out": dict(sorted(counts.items()))}
        return write_card(folder, "label-studio", stats, options, details,
                          notices=dict(counts))


def _file(name: str) -> str:
    return "tasks.json" if name == "data" else f"{name}.json"


def _new_task(record: dict, number: int) -> dict:
    text, _ = document_text(record)
    meta = record.get("meta") or {}
    data = {k: v for k, v in meta.items()
            if k not in DATA_FIELDS and k not in (GAPS, "label_studio")}
    data.update({"text": text, "id": record["id"]})
    for key in ("title", "url", "published"):
        if record.get(key):
            data[key] = record[key]
    return {"id": number, "data": data}


def _layer(record: dict, results: str, counts: Counter, used: dict) -> dict:
    """Return one layer as a Label Studio annotation or prediction."""
    text, starts = document_text(record)
    items = []
    for span in record.get("spans") or []:
        at = starts[span["paragraph"]]
        start, end = at + span["start"], at + span["end"]
        used["labels"].add(span["label"])
        items.append({"id": span["id"], "from_name": FROM_NAME, "to_name": TO_NAME,
                      "type": "labels", "value": {"start": start, "end": end,
                                                  "text": text[start:end],
                                                  "labels": [span["label"]]}})
    for head, role, target in relations(record, counts):
        used["roles"].add(role)
        items.append({"from_id": head, "to_id": target, "type": "relation",
                      "direction": "right", "labels": [role]})
    if results == "predictions":
        return {"model_version": record["layer"], "result": items}
    return {"created_username": record["layer"], "result": items}


def labeling_config(used: dict) -> str:
    """Return a Label Studio labeling configuration for the labels and roles written."""
    lines = ["<View>", "  <Relations>"]
    lines += [f"    <Relation value={quoteattr(role)}/>" for role in sorted(used["roles"])]
    lines += ["  </Relations>",
              f"  <Labels name={quoteattr(FROM_NAME)} toName={quoteattr(TO_NAME)}>"]
    lines += [f"    <Label value={quoteattr(label)}/>" for label in sorted(used["labels"])]
    lines += ["  </Labels>", f"  <Text name={quoteattr(TO_NAME)} value=\"$text\"/>",
              "</View>", ""]
    return "\n".join(lines)
