"""CoNLL-2003-style BIO tags: one "token TAG" line per token, for seqeval and NER trainers; and
the way back in, for correcting a model's output.

Writing: each (document, layer) record starts with a "-DOCSTART- O" line and a blank line; each
paragraph is one sentence, ended by a blank line. Tokens are words, single symbols and whole emoji
or accented letters (tokens.tokenize), also cut at every span edge so every tagged span comes back
whole. BIO cannot hold overlapping spans: of each overlapping group the longest is tagged (then
the earliest), and the rest are counted in the card as left out. The folder holds data.conll, or
train/dev/test.conll with a split, and beside each X.conll an X.paragraphs.jsonl naming each
sentence's document, layer and paragraph with its exact text ({"document", "layer",
"paragraph", "boilerplate", "text"}, one line per sentence), which CoNLL has no room for.

Reading (`import --format conll`, a .conll file or a folder of them): the tag is the last column
of a line and the token the first, so CoNLL-2003 as shipped ("EU NNP B-NP B-ORG", with
"-DOCSTART- -X- -X- O") reads as well as ours; tags may be BIO, IOB1 (CoNLL-2003's original
files: I- after O starts a span) or BIOES. With X.paragraphs.jsonl beside the file, each sentence
is aligned back to its paragraph's exact text (its tokens must appear in order, with only
whitespace between them) and keeps its document and layer; without it, a sentence's text is its
tokens joined by single spaces, each -DOCSTART- block is one document named FILE-N, and each
sentence one paragraph. The layer is `layer` when given, else the one the sidecar names, else
"gold".
"""

import json
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path

from annotator.boilerplate import flag_boilerplate
from annotator.errors import InputError
from annotator.formats.articles import decoded_lines
from annotator.formats.common import Outputs, Stats, export_records, staging, write_card
from annotator.formats.tokens import bio_words, pick_non_overlapping
from annotator.text import check_text

DOCSTART = "-DOCSTART- O"
SIDECAR = "{}.paragraphs.jsonl"
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def tagged_paragraphs(record: dict, labels: Collection[str] | None, counts: Counter) -> Iterator:
    """Yield (paragraph, words, tags) for a (filtered) record, counting what BIO leaves out."""
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
        words, tags, more = bio_words(paragraph["text"], kept)
        counts.update(more)
        yield paragraph, words, tags


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
        with Outputs(folder, "{}.conll") as files, Outputs(folder, SIDECAR) as sidecars:
            for name, record in export_records(records, stats, include_boilerplate=
                                               include_boilerplate, split=split, seed=seed):
                handle, sidecar = files(name), sidecars(name)
                handle.write(f"{DOCSTART}\n\n")
                for paragraph, words, tags in tagged_paragraphs(record, labels, counts):
                    text = paragraph["text"]
                    # "word TAG" lines, joined without a Python step per token
                    handle.write("\n".join(map(" ".join, zip(words, tags, strict=True))))
                    handle.write("\n\n" if words else "\n")
                    sidecar.write(_ENCODE({
                        "document": record["id"], "layer": record.get("layer"),
                        "paragraph": paragraph["index"],
                        "boilerplate": bool(paragraph.get("boilerplate")), "text": text}) + "\n")
        details = {"tagging": {
            "rule": "longest span of an overlapping group tagged, then the earliest; tokens cut "
                    "at span edges", **dict(sorted(counts.items()))}}
        notices = {"overlapping_spans_left_out": counts["overlapping_spans_left_out"]}
        return write_card(folder, "conll", stats, options, details, notices=notices)


# --- reading ------------------------------------------------------------------------------------


def read(path: Path, *, layer: str | None = None) -> Iterator[dict]:
    """Yield native records from a .conll file, or from every .conll file in a folder.

    :raise InputError: naming the file and line of anything that cannot be kept.
    """
    path = Path(path)
    files = sorted(path.glob("*.conll")) if path.is_dir() else [path]
    if not files:
        raise InputError("the folder holds no .conll file", file=path.name)
    for file in files:
        yield from _read_file(file, layer)


def _sentences(path: Path) -> Iterator[tuple[int, bool, list[tuple[str, str]]]]:
    """Yield (first line, starts a document, [(token, tag)]) for each sentence of a file."""
    sentence: list[tuple[str, str]] = []
    first, docstart = 0, False
    for number, line in decoded_lines(path):
        columns = line.split()
        if columns and columns[0] == "-DOCSTART-":
            if sentence:
                yield first, docstart, sentence
                sentence = []
            docstart = True
            continue
        if not columns:
            if sentence:
                yield first, docstart, sentence
                sentence, docstart = [], False
            continue
        if len(columns) < 2:
            raise InputError(f"a token line needs a token and a tag, not {line.strip()!r}",
                             file=path.name, line=number)
        if not sentence:
            first = number
        sentence.append((columns[0], columns[-1]))
    if sentence:
        yield first, docstart, sentence


def _entities(tags: list[str]) -> list[tuple[int, int, str]]:
    """Return (first token, end token, label) of the tagged spans (BIO, IOB1 or BIOES).

    :raise ValueError: for a tag that is none of O, B-X, I-X, E-X, S-X.
    """
    found, current = [], None  # current: [first, label]
    for i, tag in enumerate(tags + ["O"]):
        prefix, _, label = tag.partition("-")
        if tag != "O" and (prefix not in ("B", "I", "E", "S") or not label):
            raise ValueError(f"tag {tag!r} is not O, B-X, I-X, E-X or S-X")
        continues = prefix in ("I", "E") and current is not None and current[1] == label
        if current is not None and not continues:
            found.append((current[0], i, current[1]))
            current = None
        if tag != "O" and current is None:
            current = [i, label]
        if prefix in ("E", "S") and current is not None:
            found.append((current[0], i + 1, current[1]))
            current = None
    return found


def _locate(text: str, tokens: list[str]) -> list[tuple[int, int]]:
    """Find each token in the text, in order, with only whitespace between them.

    :raise ValueError: when the tokens are not the text's.
    """
    offsets, position = [], 0
    for token in tokens:
        found = text.find(token, position)
        if found < 0 or text[position:found].strip():
            raise ValueError(f"token {token!r} is not the next word of the paragraph text "
                             f"{text[position:position + 40]!r}")
        offsets.append((found, found + len(token)))
        position = found + len(token)
    if text[position:].strip():
        raise ValueError(f"the paragraph text goes on after the last token: "
                         f"{text[position:position + 40]!r}")
    return offsets


def _sidecar(path: Path) -> Iterator[tuple[int, dict]] | None:
    sidecar = path.with_name(SIDECAR.format(path.stem))
    if not sidecar.is_file():
        return None
    return ((number, json.loads(line)) for number, line in decoded_lines(sidecar)
            if line.strip())


def _read_file(path: Path, layer: str | None) -> Iterator[dict]:
    sidecar = _sidecar(path)
    record, documents = None, 0
    for first, docstart, sentence in _sentences(path):
        tokens, tags = [t for t, _ in sentence], [t for _, t in sentence]
        try:
            if sidecar is not None:  # a record per (document, layer) the sidecar names
                place = _next_place(sidecar, path)
                key = (place["document"], place.get("layer"))
                text, boilerplate = place["text"], bool(place.get("boilerplate"))
            else:  # a record per -DOCSTART- block
                documents += docstart or record is None
                key = (f"{path.stem}-{documents}", None)
                text, boilerplate = " ".join(tokens), None
            if record is None or record["_key"] != key:
                if record is not None:
                    yield _finish(record)
                record = {"id": key[0], "layer": layer or key[1] or "gold", "_key": key,
                          "paragraphs": [], "spans": [], "_line": first, "_file": path.name}
            offsets = _locate(text, tokens)
            index = len(record["paragraphs"])
            reason = check_text(text)
            if reason:
                raise ValueError(f"the paragraph {reason}")
            record["paragraphs"].append({"index": index, "text": text,
                                         "boilerplate": boilerplate})
            for start, end, label in _entities(tags):
                a, b = offsets[start][0], offsets[end - 1][1]
                record["spans"].append({"id": f"s{len(record['spans']) + 1}",
                                        "paragraph": index, "start": a, "end": b,
                                        "text": text[a:b], "label": label, "attrs": {}})
        except (ValueError, KeyError, TypeError) as error:
            raise InputError(f"sentence at line {first}: {error}", file=path.name,
                             line=first) from None
    if sidecar is not None and next(sidecar, None) is not None:
        raise InputError(f"{SIDECAR.format(path.stem)} names more paragraphs than the file has "
                         "sentences", file=path.name)
    if record is not None:
        yield _finish(record)


def _next_place(sidecar: Iterator[tuple[int, dict]], path: Path) -> dict:
    entry = next(sidecar, None)
    if entry is None:
        raise ValueError(f"{SIDECAR.format(path.stem)} has fewer lines than the file has "
                         "sentences")
    place = entry[1]
    if not isinstance(place, dict) or not isinstance(place.get("text"), str) or not isinstance(
            place.get("document"), str):
        raise ValueError(f"{SIDECAR.format(path.stem)} line {entry[0]} needs document and text")
    return place


def _finish(record: dict) -> dict:
    """Complete a record read from CoNLL: boilerplate flags, title, meta, no links."""
    record.pop("_key")
    paragraphs = record["paragraphs"]
    flags = flag_boilerplate([p["text"] for p in paragraphs])
    for paragraph, flag in zip(paragraphs, flags, strict=True):
        if paragraph["boilerplate"] is None:
            paragraph["boilerplate"] = flag
    return {"title": "", "url": None, "published": None, "meta": {}, **record,
            "events": [], "attributions": []}
