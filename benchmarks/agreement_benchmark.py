"""Time compute_agreement on synthetic data: 10,000 documents, each annotated by two coders.

Run: python benchmarks/agreement_benchmark.py [--documents N] [--coders K] [--seed S]
Each document has 6 paragraphs of about 45 words; the first coder marks ~20 spans, 2 events and
3 attributions; the others copy them with shifted boundaries, changed labels, drops and additions.
"""

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.agreement import compute_agreement, format_agreement_table  # noqa: E402

WORDS = (
    "Ukraine Russia exchanged prisoners of war , Zelensky said on social media . The ministry "
    "claimed in a statement that talks in Istanbul had failed ; officials denied it ."
).split()
LABELS = ("ACTOR", "EVENT", "SOURCE", "CUE", "CONTENT", "LOCATION", "TIME")


def paragraph_text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(45))


def first_layer(rng: random.Random, paragraphs: list[str]) -> list[dict]:
    spans = []
    for k in range(20):
        p = rng.randrange(len(paragraphs))
        start = rng.randrange(len(paragraphs[p]) - 30)
        spans.append(
            {
                "id": f"s{k}",
                "paragraph": p,
                "start": start,
                "end": start + rng.randint(3, 30),
                "label": rng.choice(LABELS),
            }
        )
    return spans


def perturb(rng: random.Random, spans: list[dict], paragraphs: list[str]) -> list[dict]:
    out = []
    for s in spans:
        roll = rng.random()
        if roll < 0.1:
            continue  # dropped
        s = dict(s)
        if roll < 0.3:
            s["end"] = max(
                s["start"] + 1, min(len(paragraphs[s["paragraph"]]), s["end"] + rng.randint(-3, 3))
            )
        elif roll < 0.35:
            s["label"] = rng.choice(LABELS)
        out.append(s)
    return out + first_layer(rng, paragraphs)[:2]  # a couple of spans the first coder missed


def relations(rng: random.Random, spans: list[dict]) -> tuple[list, list]:
    ids = [s["id"] for s in spans]
    events = [
        {
            "id": f"e{k}",
            "trigger": rng.choice(ids),
            "type": rng.choice(("ASSAULT", "AID")),
            "arguments": [{"role": "actor", "span": rng.choice(ids)} for _ in range(2)],
        }
        for k in range(2)
    ]
    attributions = [
        {
            "id": f"a{k}",
            "source": [rng.choice(ids)],
            "cue": [rng.choice(ids)],
            "content": rng.sample(ids, 2),
            "parent": None,
        }
        for k in range(3)
    ]
    return events, attributions


def synthesise(documents: int, coders: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    records = []
    for d in range(documents):
        texts = [paragraph_text(rng) for _ in range(6)]
        paragraphs = [{"index": i, "text": t, "boilerplate": False} for i, t in enumerate(texts)]
        base = first_layer(rng, texts)
        for c in range(coders):
            spans = base if c == 0 else perturb(rng, base, texts)
            events, attributions = relations(random.Random(seed + d), spans)
            records.append(
                {
                    "id": f"doc-{d}",
                    "layer": f"coder{c}",
                    "paragraphs": paragraphs,
                    "spans": spans,
                    "events": events,
                    "attributions": attributions,
                }
            )
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--coders", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    records = synthesise(args.documents, args.coders, args.seed)
    spans = sum(len(r["spans"]) for r in records)
    started = time.perf_counter()
    result = compute_agreement(records)
    elapsed = time.perf_counter() - started
    table_started = time.perf_counter()
    format_agreement_table(result)
    table_elapsed = time.perf_counter() - table_started
    tokens = result["tokens"]["pairs"][0]["tokens"] if result["tokens"]["pairs"] else 0
    print(
        f"{args.documents} documents x {args.coders} coders, {spans} spans, "
        f"{tokens} tokens per pair"
    )
    print(f"compute_agreement: {elapsed:.2f} s; format_agreement_table: {table_elapsed:.2f} s")
    print(
        f"span F1 exact {result['spans']['overall']['exact']['f1']:.3f}, "
        f"overlap {result['spans']['overall']['overlap']['f1']:.3f}; "
        f"alpha {result['tokens']['alpha']['value']:.3f}"
    )


if __name__ == "__main__":
    main()
