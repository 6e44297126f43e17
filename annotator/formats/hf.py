"""A Hugging Face `datasets` folder: train/dev/test.jsonl plus a README.md dataset card.

`datasets.load_dataset("json", data_files={"train": ".../train.jsonl", ...})`, or
`load_dataset(folder)` (the README's `configs` names the files), loads it as it is. One row per
paragraph:
    {"document", "layer", "paragraph", "boilerplate", "text", "tokens", "ner_tags",
     "spans", "events", "attributions"}
`tokens`/`ner_tags` are the CoNLL export's BIO tags (for token classification). `spans`, `events`
and `attributions` hold the jsonl export's structures as JSON text, because Arrow fixes a
column's type from the first rows it reads: a first split with no events (an empty list) or
other attribute names would make later splits fail to load. For the same reason `layer` is ""
rather than null for a document without annotations. Without `split`, documents are split
(80, 10, 10); a split that gets no document has no file.
"""

import json
from collections import Counter
from collections.abc import Collection, Iterable
from pathlib import Path

from annotator.formats import conll, jsonl
from annotator.formats.common import Outputs, Stats, export_records, staging, write_card

DEFAULT_SPLIT = (80, 10, 10)


# One encoder for every value: json.dumps builds a new one per call when given options.
_dumps = json.JSONEncoder(ensure_ascii=False).encode


def write(
    records: Iterable[dict], out: Path, *, include_boilerplate: bool = False,
    split: object = None, seed: int = 0, lang: str = "en",
    labels: Collection[str] | None = None, codebook_version: object = None,
) -> dict:
    """Write a datasets-loadable folder of split .jsonl files; return the card."""
    split = DEFAULT_SPLIT if split is None else split
    stats, counts = Stats(), Counter()
    options = {"include_boilerplate": include_boilerplate, "split": split, "seed": seed,
               "lang": lang, "labels": sorted(labels) if labels is not None else None,
               "codebook_version": codebook_version}
    with staging(out) as folder:
        with Outputs(folder, "{}.jsonl") as files:
            for name, record in export_records(records, stats, include_boilerplate=
                                               include_boilerplate, split=split, seed=seed):
                tagged = conll.tagged_paragraphs(record, labels, counts)
                for row, (_, tokens, tags) in zip(jsonl.rows(record), tagged, strict=True):
                    text = row["text"]
                    spans = [
                        {"id": i, "start": s, "end": e, "label": label, "text": text[s:e],
                         "attrs": attrs}
                        for (s, e, label), i, attrs in zip(
                            row["spans"], row["span_ids"], row["span_attrs"], strict=True)
                    ]
                    line = {
                        "document": row["document"], "layer": row["layer"] or "",
                        "paragraph": row["paragraph"], "boilerplate": row["boilerplate"],
                        "text": text, "tokens": [text[s:e] for s, e in tokens],
                        "ner_tags": tags, "spans": _dumps(spans),
                        "events": _dumps(row["events"]),
                        "attributions": _dumps(row["attributions"]),
                    }
                    files(name).write(_dumps(line) + "\n")
            names = files.names
        front = ["---", "configs:", "- config_name: default", "  data_files:"]
        for name in names:
            front += [f"  - split: {name}", f"    path: {name}.jsonl"]
        details = {"data_files": {name: f"{name}.jsonl" for name in names},
                   "tagging": dict(sorted(counts.items()))}
        return write_card(folder, "hf", stats, options, details, "\n".join(front + ["---", ""]))
