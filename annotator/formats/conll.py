"""CoNLL-2003-style BIO tags: one "token TAG" line per token, for seqeval and NER trainers.

Each (document, layer) record starts with a "-DOCSTART- O" line and a blank line; each paragraph
is one sentence, ended by a blank line. Tokens are words, single symbols and whole emoji or
accented letters (tokens.tokenize), also cut at every span edge so every tagged span comes back
whole. BIO cannot hold overlapping spans: of each overlapping group the longest is tagged (then
the earliest), and the rest are counted in the card as left out. The folder holds data.conll, or
train/dev/test.conll with a split.
"""

from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path

from annotator.formats.common import Outputs, Stats, export_records, staging, write_card
from annotator.formats.tokens import bio_tags, pick_non_overlapping

DOCSTART = "-DOCSTART- O"


def tagged_paragraphs(record: dict, labels: Collection[str] | None, counts: Counter) -> Iterator:
    """Yield (paragraph, tokens, tags) for a (filtered) record, counting what BIO leaves out."""
    by_paragraph: dict[int, list] = {}
    for span in record.get("spans") or []:
        if labels is None or span["label"] in labels:
            by_paragraph.setdefault(span["paragraph"], []).append(
                (span["start"], span["end"], span["label"]))
        else:
            counts["spans_of_other_labels"] += 1
    for paragraph in record["paragraphs"]:
        kept, left = pick_non_overlapping(by_paragraph.get(paragraph["index"], []))
        counts["overlapping_spans_left_out"] += len(left)
        tokens, tags, more = bio_tags(paragraph["text"], kept)
        counts.update(more)
        yield paragraph, tokens, tags


def write(
    records: Iterable[dict], out: Path, *, include_boilerplate: bool = False,
    split: object = None, seed: int = 0, lang: str = "en",
    labels: Collection[str] | None = None, codebook_version: object = None,
) -> dict:
    """Write BIO-tagged tokens to out/data.conll (or one file per split); return the card.

    `labels` limits the tags to those span labels (all labels by default).
    """
    stats, counts = Stats(), Counter()
    options = {"include_boilerplate": include_boilerplate, "split": split, "seed": seed,
               "lang": lang, "labels": sorted(labels) if labels is not None else None,
               "codebook_version": codebook_version}
    with staging(out) as folder:
        with Outputs(folder, "{}.conll") as files:
            for name, record in export_records(records, stats, include_boilerplate=
                                               include_boilerplate, split=split, seed=seed):
                handle = files(name)
                handle.write(f"{DOCSTART}\n\n")
                for paragraph, tokens, tags in tagged_paragraphs(record, labels, counts):
                    text = paragraph["text"]
                    handle.writelines(f"{text[s:e]} {tag}\n"
                                      for (s, e), tag in zip(tokens, tags, strict=True))
                    handle.write("\n")
        details = {"tagging": {
            "rule": "longest span of an overlapping group tagged, then the earliest; tokens cut "
                    "at span edges", **dict(sorted(counts.items()))}}
        notices = {"overlapping_spans_left_out": counts["overlapping_spans_left_out"]}
        return write_card(folder, "conll", stats, options, details, notices=notices)
