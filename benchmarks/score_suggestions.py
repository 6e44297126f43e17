"""Score the suggesters on the real corpus in ../shared: PolNeAR, GUM news and PLOVER GSR.

Run: python benchmarks/score_suggestions.py [--shared DIR] [--out FILE]
- PolNeAR (4 articles x 6 coders, brat): cues vs Cue spans, quotations and attribution content
  vs Content spans, attribution sources vs Source spans, whole attributions (cue and content
  both matching); scored against each coder's layer, then averaged over the coders. No actor
  registry is used (PolNeAR marks no actors), so sources come from names, pronouns and phrases.
- GUM news (24 Wikinews articles, CoNLL-U): actor suggestions vs person/organization/place
  mentions. The gazetteer for each article is built from the names mentioned in the OTHER 23
  articles (leave one document out), so a name is found only if a registry built beforehand
  could know it. Gold "names" are mentions made only of proper nouns (a leading "the" dropped);
  "all mentions" adds pronouns and descriptions, which no gazetteer can find.
- PLOVER GSR (322 sentences, inline markup): actor suggestions vs the marked source and target
  actors, with a leave-one-sentence-out gazetteer of the other sentences' marked actors and
  codes, plus how often the suggested country code equals the gold one. PLOVER marks only the
  actors of the coded event, so other actors found in a sentence count as false positives.
Prints a table and writes the figures as JSON (default benchmarks/out/suggestion_scores.json).
"""

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.formats import brat  # noqa: E402
from annotator.suggest import ActorEntry, Gazetteer, suggest_paragraphs  # noqa: E402
from annotator.suggest.cues import build_lexicon, find_cues  # noqa: E402
from annotator.suggest.scoring import (  # noqa: E402
    add_counts,
    figures,
    format_figures,
    format_header,
    match_counts,
    mean_figures,
    score_document,
)

GUM_ACTOR_TYPES = {"person": "PER", "organization": "ORG", "place": "GPE"}
PLOVER_ACTOR_TAGS = {"SRC", "TAR", "SRC/TAR", "SRC/LOC", "TAR/LOC"}


# --- PolNeAR ------------------------------------------------------------------------------------


def score_polnear(folder: Path) -> dict:
    """Score against each coder's layer, then average the coders' figures."""
    per_coder: dict[str, dict] = defaultdict(dict)
    core = build_lexicon(extended=False)
    documents = set()
    for record in brat.read(folder):
        documents.add(record["id"])
        paragraphs = [(p["index"], p["text"]) for p in record["paragraphs"]]
        counts = score_document(suggest_paragraphs(paragraphs), record)
        # The cue list alone, without the further PARC reporting verbs.
        core_cues = [c for i, t in paragraphs for c in find_cues(t, i, core)]
        counts["cues (issue's list)"] = score_document(core_cues, record)["cues"]
        del counts["actors"]  # PolNeAR marks no actors
        add_counts(per_coder[record["layer"]], counts)
    runs = {coder: figures(counts) for coder, counts in sorted(per_coder.items())}
    return {
        "documents": len(documents),
        "coders": len(runs),
        "mean": mean_figures(list(runs.values())),
        "by_coder": runs,
    }


# --- GUM ----------------------------------------------------------------------------------------


ENTITY = re.compile(r"\((\d+)-([a-z]+)([^()]*)(\))?|(\d+)\)")


def read_gum(path: Path) -> dict:
    """Read one GUM CoNLL-U file: paragraphs, and entity mentions with offsets and types."""
    paragraphs: list[str] = []
    mentions = []
    sentence_text, rows = None, []

    def flush():
        nonlocal sentence_text, rows
        if sentence_text is None:
            return
        base = len(paragraphs[-1]) + (1 if paragraphs[-1] else 0)
        paragraphs[-1] += (" " if paragraphs[-1] else "") + sentence_text
        mentions.extend(_sentence_mentions(sentence_text, rows, len(paragraphs) - 1, base))
        sentence_text, rows = None, []

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newpar") and not line.startswith("# newpar_"):
            flush()
            paragraphs.append("")
        elif line.startswith("# text = "):
            flush()
            if not paragraphs:
                paragraphs.append("")
            sentence_text = line[len("# text = ") :]
        elif line and not line.startswith("#"):
            cols = line.split("\t")
            if cols[0].isdigit():
                rows.append(cols)
    flush()
    return {"id": path.stem, "paragraphs": paragraphs, "mentions": mentions}


def _sentence_mentions(text: str, rows: list[list[str]], paragraph: int, base: int) -> list:
    """Align tokens to the sentence text and read the Entity= brackets of their MISC column."""
    mentions, open_at, cursor = [], defaultdict(list), 0
    for cols in rows:
        form, upos, misc = cols[1], cols[3], cols[9]
        start = text.find(form, cursor)
        if start < 0:
            raise ValueError(f"token {form!r} not found in {text!r}")
        end = cursor = start + len(form)
        entity = next((f[7:] for f in misc.split("|") if f.startswith("Entity=")), "")
        closing = []
        for m in ENTITY.finditer(entity):
            if m.group(1):  # "(7-time-..." opens, "(7-time-...)" opens and closes here
                mention = {"start": start, "kind": m.group(2), "tokens": []}
                open_at[m.group(1)].append(mention)
                mentions.append(mention)
                if m.group(4):
                    closing.append(m.group(1))
            else:
                closing.append(m.group(5))
        for stack in open_at.values():
            for mention in stack:
                mention["tokens"].append((base + start, base + end, upos))
        for key in closing:
            open_at[key].pop()["end"] = end
    return [
        (paragraph, base + m["start"], base + m["end"], m["kind"], m["tokens"])
        for m in mentions
        if "end" in m
    ]


def name_part(text: str, mention: tuple) -> tuple[int, int] | None:
    """Return the proper-name extent of a mention (leading "the" dropped), or None."""
    paragraph, start, end, kind, tokens = mention
    tokens = [t for t in tokens if start <= t[0] and t[1] <= end]
    while tokens and text[tokens[0][0] : tokens[0][1]].casefold() in ("the", "a", "an"):
        tokens = tokens[1:]
    if not tokens or any(u not in ("PROPN", "PUNCT") for _, _, u in tokens):
        return None
    if tokens[0][2] != "PROPN" or tokens[-1][2] != "PROPN":
        return None
    return tokens[0][0], tokens[-1][1]


def gum_names(doc: dict) -> list[tuple[int, int, int, str, str]]:
    """Return the actor-type name mentions of a document: (paragraph, start, end, type, text)."""
    names = []
    for mention in doc["mentions"]:
        paragraph, _, _, kind, _ = mention
        if kind not in GUM_ACTOR_TYPES:
            continue
        part = name_part(doc["paragraphs"][paragraph], mention)
        if part is not None:
            text = doc["paragraphs"][paragraph][part[0] : part[1]]
            names.append((paragraph, part[0], part[1], kind, text))
    return names


def gum_gazetteer(docs: list[dict]) -> Gazetteer:
    """Build a gazetteer from the name mentions of some documents."""
    entries = {}
    for doc in docs:
        for _, _, _, kind, text in gum_names(doc):
            entries.setdefault(
                text.casefold(), ActorEntry(text, text, (text,), GUM_ACTOR_TYPES[kind])
            )
    return Gazetteer(list(entries.values()))


def score_gum(folder: Path) -> dict:
    """Score the gazetteer, leave-one-document-out, and with the document's own names."""
    docs = [read_gum(path) for path in sorted(folder.glob("*.conllu"))]
    totals: dict[str, Counter] = defaultdict(Counter)
    for i, doc in enumerate(docs):
        paragraphs = list(enumerate(doc["paragraphs"]))
        others = gum_gazetteer(docs[:i] + docs[i + 1 :])
        predicted = list(
            {
                (s["paragraph"], s["start"], s["end"]): None
                for s in suggest_paragraphs(paragraphs, others)
                if s["kind"] == "actor"
            }
        )
        names = list({n[:3]: None for n in gum_names(doc)})
        mentions = list({m[:3]: None for m in doc["mentions"] if m[3] in GUM_ACTOR_TYPES})
        totals["actors: names, other documents' registry"].update(match_counts(predicted, names))
        totals["actors: all mentions, other documents' registry"].update(
            match_counts(predicted, mentions)
        )
        own = [
            (s["paragraph"], s["start"], s["end"])
            for s in suggest_paragraphs(paragraphs, gum_gazetteer([doc]))
            if s["kind"] == "actor"
        ]
        totals["actors: names, own names as registry (matcher ceiling)"].update(
            match_counts(own, names)
        )
    return {"documents": len(docs), "figures": figures(totals)}


# --- PLOVER -------------------------------------------------------------------------------------


MARKER = re.compile(r"\(([A-Z]+(?:/[A-Z]+)?):\s*")


def parse_markup(markup: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Strip PLOVER's "(SRC: Libya)" markup; return the text and the marked (start, end, tag)."""
    out, spans, stack, i = [], [], [], 0
    while i < len(markup):
        marker = MARKER.match(markup, i)
        if marker:
            stack.append((marker.group(1), sum(map(len, out))))
            i = marker.end()
            continue
        ch = markup[i]
        if ch == "(":
            stack.append((None, None))
            out.append(ch)
        elif ch in ")}" and stack:
            tag, start = stack.pop()
            if tag is None:
                out.append(ch)
            else:
                text = "".join(out)
                end = len(text.rstrip())
                spans.append((start, end, tag))
        else:
            out.append(ch)
        i += 1
    return "".join(out), spans


def read_plover(path: Path) -> list[dict]:
    """Read the gold-standard records that have markup, with their marked actors and codes."""
    records = []
    for item in json.loads(path.read_text(encoding="utf-8")):
        info = item.get("textInfo")
        if not isinstance(info, dict) or "markup" not in info:
            continue
        text, spans = parse_markup(info["markup"])
        actors = [
            a
            for key in ("source", "target")
            if isinstance(item.get(key), list)
            for a in item[key]
            if isinstance(a, dict)
        ]
        marked = []
        for start, end, tag in spans:
            if tag in PLOVER_ACTOR_TAGS and end > start:
                covered = text[start:end]
                code = next(
                    (
                        a.get("code")
                        for a in actors
                        if a.get("actorText")
                        and (a["actorText"] in covered or covered in a["actorText"])
                    ),
                    None,
                )
                marked.append((0, start, end, covered, code, tag))
        records.append({"id": item["id"], "text": text, "marked": marked})
    return records


def score_plover(path: Path) -> dict:
    """Score leave-one-sentence-out actor suggestions and their country codes."""
    records = read_plover(path)
    totals: dict[str, Counter] = defaultdict(Counter)
    codes = Counter()
    for i, record in enumerate(records):
        entries = {}
        for other in records[:i] + records[i + 1 :]:
            for _, _, _, covered, code, _ in other["marked"]:
                entries.setdefault(
                    covered.casefold(), ActorEntry(code or covered, covered, (covered,), None, code)
                )
        gazetteer = Gazetteer(list(entries.values()))
        suggestions = gazetteer.find(record["text"])
        predicted = [(0, s["start"], s["end"]) for s in suggestions]
        gold = list({m[:3]: None for m in record["marked"]})
        totals["actors: source/target, other sentences' registry"].update(
            match_counts(predicted, gold)
        )
        for _, start, end, _, code, _ in record["marked"]:
            hit = max(
                suggestions, default=None, key=lambda s: min(end, s["end"]) - max(start, s["start"])
            )
            if code and hit and min(end, hit["end"]) > max(start, hit["start"]):
                codes["matched"] += 1
                codes["same_country"] += hit["attrs"].get("country") == code
    return {
        "sentences": len(records),
        "figures": figures(totals),
        "country_code_agreement": {
            "matched_mentions_with_gold_code": codes["matched"],
            "same_code": codes["same_country"],
            "rate": codes["same_country"] / codes["matched"] if codes["matched"] else None,
        },
    }


# --- report -------------------------------------------------------------------------------------


def fmt(value) -> str:
    return "   -" if value is None else f"{value:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/out/suggestion_scores.json")
    args = parser.parse_args()
    corpus = args.shared / "corpus"
    result = {
        "polnear": score_polnear(corpus / "polnear-training"),
        "gum": score_gum(corpus / "gum-news"),
        "plover": score_plover(corpus / "plover-gsr/gold_standard_records/PLOVER_GSR_CAMEO.txt"),
    }
    header = format_header(f"{'corpus':8} ")
    print(header)
    print("-" * len(header))
    for name, table in (
        ("PolNeAR", result["polnear"]["mean"]),
        ("GUM", result["gum"]["figures"]),
        ("PLOVER", result["plover"]["figures"]),
    ):
        for line in format_figures(table, f"{name:8} "):
            print(line)
    agreement = result["plover"]["country_code_agreement"]
    print(
        f"\nP/R/F1: exact offsets; P~/R~/F1~: one-to-one overlap. PolNeAR: mean of "
        f"{result['polnear']['coders']} coders over {result['polnear']['documents']} articles "
        f"(pred/gold per coder). PLOVER country codes: {agreement['same_code']} of "
        f"{agreement['matched_mentions_with_gold_code']} matched mentions "
        f"({fmt(agreement['rate'])})."
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
