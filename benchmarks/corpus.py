"""A seeded, deterministic news-like corpus with annotations, for the annotated-import benchmark.

    python benchmarks/corpus.py OUT_FOLDER [--documents N] [--seed S]

Each document has 10 paragraphs (cut by blank lines) and 50 spans, five per paragraph: a
person's name and an organisation (ACTOR), a place (LOCATION), a quote (CONTENT) and a second
name (ACTOR). Some paragraphs carry emoji (outside the BMP, two UTF-16 code units each) before
or inside spans, so that UTF-16 offsets and code points differ. Written as

- doccano JSONL (`corpus.doccano.jsonl`): one line per document, {"id", "text", "label":
  [[start, end, "LABEL"], ...]} with UTF-16 offsets into the whole text, as doccano counts;
- Label Studio JSON (`corpus.label_studio.json`): a list of tasks {"id", "data": {"id", "text"},
  "annotations": [{"id", "result": [labels results in code points, with their text]}]}.

Both hold the same documents and spans, so both imports store the same rows (one "gold" layer
per document). The same seed gives byte-identical files.
"""

import argparse
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

PARAGRAPHS = 10
SPANS_PER_PARAGRAPH = 5
FIRST = ("Olena Maria Ahmed Yusuf Chen Ana Dmytro Fatima Jonas Keiko Lucas Nadia Omar Priya "
         "Rafael Sofia Tomasz Wei Zainab Hugo").split()
LAST = ("Kovalenko Schmidt Haddad Okafor Liu Moreau Novak Rahman Silva Tanaka Ivanova Petrov "
        "Ortega Mensah Nakamura Jensen Costa Dubois Farouk Lindqvist").split()
ORGS = ("the Ministry of Defence|the United Nations|the Red Cross|the European Commission|"
        "the World Bank|the Central Election Commission|the Interior Ministry|"
        "the African Union|Amnesty International|the National Guard|the Supreme Court|"
        "the Energy Regulatory Office").split("|")
PLACES = ("Kyiv|Istanbul|Geneva|Nairobi|Kharkiv|Brussels|São Paulo|Dnipro|Addis Ababa|"
          "Zaporizhzhia|Odesa|Warsaw|Ankara|Cairo|Bogotá").split("|")
VERBS = ("said|told reporters|announced|confirmed|denied|warned|insisted|wrote on social media|"
         "added|claimed").split("|")
WORDS = ("talks prisoners exchange border agreement delegation offensive village region "
         "officials ceasefire bodies soldiers statement aid convoy shelling election vote "
         "sanctions negotiations humanitarian corridor evacuation reconstruction").split()
EMOJI = ("🇺🇦", "🙏", "🔥", "📢", "✅", "💬", "🕊️", "👍🏽")


def documents(count: int, seed: int = 1) -> Iterator[tuple[str, str, list[tuple[int, int, str]]]]:
    """Yield (document id, text, [(start, end, label)]) with code-point offsets into the text."""
    rng = random.Random(seed)
    for number in range(count):
        text = _Text()
        put = text.put
        for paragraph in range(PARAGRAPHS):
            if paragraph:
                put("\n\n")
            emoji = rng.random() < 0.3
            if emoji:
                put(rng.choice(EMOJI) + " ")
            put(f"{rng.choice(FIRST)} {rng.choice(LAST)}", "ACTOR")
            put(", a spokesperson for ")
            put(rng.choice(ORGS), "ACTOR")
            put(", " + rng.choice(VERBS) + " in ")
            put(rng.choice(PLACES), "LOCATION")
            put(" that " + " ".join(rng.choices(WORDS, k=rng.randint(8, 20))) + ": \u201c")
            quote = " ".join(rng.choices(WORDS, k=rng.randint(6, 14))).capitalize()
            if emoji and rng.random() < 0.5:
                quote += " " + rng.choice(EMOJI)
            put(quote + ".", "CONTENT")
            put("\u201d Later ")
            put(f"{rng.choice(FIRST)} {rng.choice(LAST)}", "ACTOR")
            put(" spoke about the " + " ".join(rng.choices(WORDS, k=rng.randint(5, 15))) + ".")
        yield f"news-{number:06d}", "".join(text.parts), text.spans


class _Text:
    """A text built piece by piece, with the code-point range of each labelled piece."""

    def __init__(self):
        self.parts: list[str] = []
        self.spans: list[tuple[int, int, str]] = []
        self.at = 0

    def put(self, piece: str, label: str | None = None) -> None:
        if label is not None:
            self.spans.append((self.at, self.at + len(piece), label))
        self.parts.append(piece)
        self.at += len(piece)


def _utf16(text: str) -> list[int]:
    """Return the UTF-16 offset of every code point offset 0..len(text)."""
    offsets, units = [0], 0
    for character in text:
        units += 2 if ord(character) > 0xFFFF else 1
        offsets.append(units)
    return offsets


def write_doccano(path: Path, count: int, seed: int = 1) -> int:
    """Write the corpus as doccano JSONL (UTF-16 offsets); return the number of spans."""
    total = 0
    with path.open("w", encoding="utf-8") as handle:
        for document_id, text, spans in documents(count, seed):
            units = _utf16(text)
            label = [[units[start], units[end], name] for start, end, name in spans]
            handle.write(json.dumps({"id": document_id, "text": text, "label": label},
                                    ensure_ascii=False) + "\n")
            total += len(spans)
    return total


def write_label_studio(path: Path, count: int, seed: int = 1) -> int:
    """Write the corpus as a Label Studio JSON list of tasks; return the number of spans."""
    total = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write("[\n")
        for number, (document_id, text, spans) in enumerate(documents(count, seed), start=1):
            result = [{"id": f"r{n}", "from_name": "label", "to_name": "text", "type": "labels",
                       "value": {"start": start, "end": end, "text": text[start:end],
                                 "labels": [name]}}
                      for n, (start, end, name) in enumerate(spans, start=1)]
            task = {"id": number, "data": {"id": document_id, "text": text},
                    "annotations": [{"id": number, "result": result}]}
            handle.write(("" if number == 1 else ",\n") + json.dumps(task, ensure_ascii=False))
            total += len(spans)
        handle.write("\n]\n")
    return total


def write_corpus(folder: Path, count: int, seed: int = 1) -> dict[str, Path]:
    """Write both files into `folder`; return {"doccano": path, "label-studio": path}."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"doccano": folder / "corpus.doccano.jsonl",
             "label-studio": folder / "corpus.label_studio.json"}
    write_doccano(paths["doccano"], count, seed)
    write_label_studio(paths["label-studio"], count, seed)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for name, path in write_corpus(args.out, args.documents, args.seed).items():
        print(f"{name}: {path} ({path.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)


if __name__ == "__main__":
    main()
