"""A Hugging Face `datasets` folder: train/dev/test.jsonl plus a README.md dataset card whose YAML
declares the features and the splits, so `datasets.load_dataset(folder)` loads it typed.

One row per paragraph:
    {"document", "layer", "paragraph", "boilerplate", "text", "tokens", "ner_tags",
     "spans": [{"id", "start", "end", "label", "text", "attrs"}],
     "events": [{"id", "type", "trigger", "arguments": [{"role", "span"}], "attrs"}],
     "attributions": [{"id", "source": [...], "cue": [...], "content": [...], "parent",
                       "attrs"}]}
`tokens`/`ner_tags` are the CoNLL export's BIO tags (for token classification); `ner_tags` holds
class ids, declared as Sequence(ClassLabel(names=...)) with the project's BIO labels ("O", then
B-/I- for each of `labels` in order; a label met that is not among them is added after), as
`conll2003` has them. Spans, events and attributions are nested features, not JSON text. Arrow
needs one type per column, so every `attrs` is a list of {"name", "value", "json"} with the value
as text (JSON, and "json" true, for numbers, booleans and lists), and `layer` is "" rather than
null for a document without annotations. Without `split`, documents are split (80, 10, 10); a
split that gets no document has no file and is not named in the card's `configs`; the card's
"Splits" section gives the rows of each split there is. The import format `hf` reads the folder
back (paragraph_rows.py).
"""

import json
from collections import Counter
from collections.abc import Collection, Iterable
from pathlib import Path

import yaml

from annotator.formats import conll, jsonl
from annotator.formats.common import Outputs, Stats, export_records, staging, write_card
from annotator.formats.json_text import encode

DEFAULT_SPLIT = (80, 10, 10)

# One encoder for every value: json.dumps builds a new one per call when given options.
_dumps = json.JSONEncoder(ensure_ascii=False).encode

_ATTRS = {"list": [{"name": "name", "dtype": "string"}, {"name": "value", "dtype": "string"},
                   {"name": "json", "dtype": "bool"}]}
FEATURES = [
    {"name": "document", "dtype": "string"},
    {"name": "layer", "dtype": "string"},
    {"name": "paragraph", "dtype": "int64"},
    {"name": "boilerplate", "dtype": "bool"},
    {"name": "text", "dtype": "string"},
    {"name": "tokens", "sequence": "string"},
    {"name": "ner_tags", "sequence": {"class_label": {"names": {}}}},  # names filled in
    {"name": "spans", "list": [
        {"name": "id", "dtype": "string"}, {"name": "start", "dtype": "int64"},
        {"name": "end", "dtype": "int64"}, {"name": "label", "dtype": "string"},
        {"name": "text", "dtype": "string"}, {"name": "attrs", **_ATTRS}]},
    {"name": "events", "list": [
        {"name": "id", "dtype": "string"}, {"name": "type", "dtype": "string"},
        {"name": "trigger", "dtype": "string"},
        {"name": "arguments", "list": [{"name": "role", "dtype": "string"},
                                       {"name": "span", "dtype": "string"}]},
        {"name": "attrs", **_ATTRS}]},
    {"name": "attributions", "list": [
        {"name": "id", "dtype": "string"}, {"name": "source", "sequence": "string"},
        {"name": "cue", "sequence": "string"}, {"name": "content", "sequence": "string"},
        {"name": "parent", "dtype": "string"}, {"name": "attrs", **_ATTRS}]},
]


class TagIds:
    """BIO tag names and their class ids: the given labels' first, others as they are met."""

    def __init__(self, labels: Iterable[str] | None):
        self.names = ["O"]
        self._ids = {"O": 0}
        for label in labels or ():
            tag = "_".join(label.split())  # as tokens.bio_tags writes it
            for prefix in ("B", "I"):
                self._add(f"{prefix}-{tag}")

    def _add(self, name: str) -> int:
        if name not in self._ids:
            self._ids[name] = len(self.names)
            self.names.append(name)
        return self._ids[name]

    def __call__(self, tags: list[str]) -> list[int]:
        for tag in dict.fromkeys(tags):  # new tags get ids in the order they are met
            if tag not in self._ids:
                self._add(tag)
        return list(map(self._ids.__getitem__, tags))


def _attrs(attrs: dict | None) -> list[dict]:
    return [{"name": str(name), "value": value if isinstance(value, str) else _dumps(value),
             "json": not isinstance(value, str)} for name, value in (attrs or {}).items()]


def _row(row: dict, words: list[str], tags: list[int]) -> dict:
    text = row["text"]
    return {
        "document": row["document"], "layer": row["layer"] or "",
        "paragraph": row["paragraph"], "boilerplate": row["boilerplate"], "text": text,
        "tokens": words, "ner_tags": tags,
        "spans": [{"id": i, "start": s, "end": e, "label": label, "text": text[s:e],
                   "attrs": _attrs(attrs)}
                  for (s, e, label), i, attrs in zip(row["spans"], row["span_ids"],
                                                     row["span_attrs"], strict=True)],
        "events": [{"id": e["id"], "type": e["type"], "trigger": e["trigger"],
                    "arguments": e["arguments"], "attrs": _attrs(e["attrs"])}
                   for e in row["events"]],
        "attributions": [dict(a, attrs=_attrs(a["attrs"])) for a in row["attributions"]],
    }


def front_matter(names: list[str], tag_names: list[str]) -> str:
    """Return the card's YAML: configs (the split files there are) and dataset_info.features."""
    features = json.loads(json.dumps(FEATURES))
    features[6]["sequence"]["class_label"]["names"] = {str(i): n for i, n in enumerate(tag_names)}
    card = {
        "configs": [{"config_name": "default", "data_files": [
            {"split": name, "path": f"{name}.jsonl"} for name in names]}],
        "dataset_info": {"features": features},
    }
    return "---\n" + yaml.safe_dump(card, sort_keys=False, allow_unicode=True) + "---\n\n"


def write(
    records: Iterable[dict], out: Path, *, include_boilerplate: bool = False,
    split: object = None, seed: int = 0, lang: str = "en",
    labels: Collection[str] | None = None, codebook_version: object = None,
) -> dict:
    """Write a datasets-loadable folder of split .jsonl files; return the card.

    `labels` (the codebook's span labels, in order) name the tags and limit them to those
    labels; every label is tagged when it is None.
    """
    split = DEFAULT_SPLIT if split is None else split
    stats, counts, rows = Stats(), Counter(), Counter()
    tag_ids = TagIds(labels)
    options = {"include_boilerplate": include_boilerplate, "split": split, "seed": seed,
               "lang": lang, "labels": list(labels) if labels is not None else None,
               "codebook_version": codebook_version}
    with staging(out) as folder:
        with Outputs(folder, "{}.jsonl") as files:
            for name, record in export_records(records, stats, include_boilerplate=
                                               include_boilerplate, split=split, seed=seed):
                tagged = conll.tagged_paragraphs(record, labels, counts)
                for row, (_, words, tags) in zip(jsonl.rows(record), tagged, strict=True):
                    files(name).write(encode(_row(row, words, tag_ids(tags))) + "\n")
                    rows[name] += 1
            names = files.names
        details = {"data_files": {name: f"{name}.jsonl" for name in names},
                   "splits": {name: rows[name] for name in names},
                   "ner_tags": tag_ids.names,
                   "tagging": dict(sorted(counts.items()))}
        return write_card(folder, "hf", stats, options, details,
                          front_matter(names, tag_ids.names))
