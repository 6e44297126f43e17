"""Read a Label Studio JSON export (a list of tasks) into native records.

Each task's `data.text` (or its only text field) is split into paragraphs as the jsonl import
splits `text`; `data.title`, `data.url`, `data.published` and `data.id` fill those fields and
other data fields go to `meta`. Each annotation is one layer, named by `completed_by` (its
email or username when the export expands the user, else the user id). Results of type
"labels" become spans (one per label when a region has several); results of type "relation"
become events or attributions as common.link_regions describes (direction "left" swaps the two
ends; a relation without a label gets the role "related"). Offsets are code points, as current
Label Studio writes them; a region whose `value.text` shows the older UTF-16 offsets is converted.
Predictions are model output, not annotations: they are not imported, and meta["label_studio"]
says how many there were. Any other result type raises InputError.
"""

import json
from collections.abc import Iterator
from pathlib import Path

from annotator.errors import InputError
from annotator.formats.common import ParagraphMap, link_regions, native_record, read_text
from annotator.offsets import OffsetMap

DATA_FIELDS = {"id", "text", "title", "url", "published"}


def read(path: Path) -> Iterator[dict]:
    """Yield native records (one per task and annotator) from a Label Studio JSON export.

    :raise InputError: naming the task of anything that cannot be kept.
    """
    path = Path(path)
    raw = read_text(path).removeprefix("\ufeff")
    try:
        tasks = json.loads(raw)
    except (ValueError, RecursionError) as error:
        line = getattr(error, "lineno", None)
        raise InputError(f"malformed JSON: {getattr(error, 'msg', error)}", file=path.name,
                         line=line) from None
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise InputError("expected a JSON list of tasks (Label Studio's JSON export)",
                         file=path.name)
    for number, task in enumerate(tasks, start=1):
        try:
            yield from _task(task)
        except ValueError as error:
            where = task.get("id") if isinstance(task, dict) else None
            raise InputError(f"task {number} (id {where}): {error}", file=path.name) from None


def _text_field(data: dict) -> str:
    if isinstance(data.get("text"), str):
        return "text"
    texts = [k for k, v in data.items() if isinstance(v, str) and k not in DATA_FIELDS]
    if len(texts) != 1:
        raise ValueError("data has no 'text' field (and not exactly one other text field)")
    return texts[0]


def _task(task: object) -> Iterator[dict]:
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise ValueError("a task must be an object with a 'data' object")
    data = task["data"]
    field = _text_field(data)
    text = data[field]
    if not text.strip():
        raise ValueError(f"data.{field} is empty")
    pmap = ParagraphMap(text)
    document_id = data.get("id", task.get("id"))
    if document_id is None or isinstance(document_id, bool | dict | list):
        raise ValueError("the task has no usable id")
    meta = {k: v for k, v in data.items() if k not in DATA_FIELDS and k != field}
    meta["label_studio"] = {"task": task.get("id"),
                            "predictions_not_imported": len(task.get("predictions") or [])}
    fields = {"title": data.get("title") if isinstance(data.get("title"), str) else "",
              "url": data.get("url") if isinstance(data.get("url"), str) else None,
              "published": data.get("published") if isinstance(data.get("published"), str)
              else None, "meta": meta}
    annotations = task.get("annotations") or []
    if not annotations:
        yield native_record(str(document_id), pmap, None, [], [], [], **fields)
    layers = set()
    for annotation in annotations:
        layer = _annotator(annotation)
        if layer in layers:
            raise ValueError(f"two annotations by {layer}")
        layers.add(layer)
        spans, events, attributions = _results(annotation.get("result") or [], text, pmap)
        yield native_record(str(document_id), pmap, layer, spans, events, attributions,
                            **fields)


def _annotator(annotation: object) -> str:
    if not isinstance(annotation, dict):
        raise ValueError("an annotation must be an object")
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("username") or who.get("id")
    if who is None or isinstance(who, bool | dict | list) or str(who) == "":
        raise ValueError(f"annotation {annotation.get('id')} has no completed_by")
    return str(who)


def _offsets(value: dict, text: str, codes: OffsetMap) -> tuple[int, int]:
    """Return code-point offsets, converting the UTF-16 ones of older Label Studio versions."""
    start, end = value.get("start"), value.get("end")
    if any(isinstance(n, bool) or not isinstance(n, int) for n in (start, end)):
        raise ValueError(f"start and end must be integers, not {start!r}, {end!r} (only plain "
                         "text regions can be imported)")
    expected = value.get("text")
    if expected is None or text[start:end] == expected:
        return start, end
    try:
        start16, end16 = codes.from_utf16(start), codes.from_utf16(end)
    except ValueError:
        start16 = end16 = None
    if start16 is not None and text[start16:end16] == expected:
        return start16, end16
    raise ValueError(f"region [{start}, {end}) does not hold its text {expected!r}")


def _results(results: list, text: str, pmap: ParagraphMap):
    """Turn one annotation's results into (spans, events, attributions)."""
    codes = OffsetMap(text)
    regions: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    spans, links = [], []
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
        start, end = _offsets(value, text, codes)
        names = value.get("labels") or []
        if not names or not all(isinstance(n, str) and n for n in names):
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
    relations = []
    for n, link in enumerate(links, start=1):
        head, target = str(link.get("from_id")), str(link.get("to_id"))
        if link.get("direction") == "left":
            head, target = target, head
        for end_id in (head, target):
            if not regions.get(end_id):
                raise ValueError(f"relation {n} links {end_id}, which is not a single-label "
                                 "region of this annotation")
        for role in link.get("labels") or ["related"]:
            relations.append((f"rel{len(relations) + 1}", head, role, target))
    events, attributions = link_regions(relations, regions, labels)
    return spans, events, attributions
