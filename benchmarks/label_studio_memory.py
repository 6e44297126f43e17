"""Benchmark the Label Studio import's peak memory on a generated export of many tasks.

Run from the repository root:  python benchmarks/label_studio_memory.py [--tasks N]
It writes a Label Studio JSON export (one list of N tasks of about 16 KB each, as Label Studio
exports them: text with emoji, a flag, a skin-tone modifier and a combining mark, an annotator's
labelled regions and relations, and a model's prediction) and a fresh SQLite database in a
temporary folder, then runs `annotator import --format label-studio --create-coders` as a child
process and prints the file's size, the time, and the child's peak resident memory.
Measured (2 cores, shared): 10,000 tasks, a 165 MB file, peak 116 MB resident (462 MB before
imports kept a digest of each document's paragraphs instead of their texts).
Target: under 300 MB for 10,000 tasks, and peak memory that does not grow with the file.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = ("Ukraine Russia exchanged prisoners ministry said statement talks Istanbul officials "
         "forces village region offensive border agreement delegation president bodies "
         "returned soldiers Kyiv Moscow claimed").split()
MARKS = ["😀", "🇺🇦", "👍🏽", "Cafe\u0301"]


def task(number: int, rng: random.Random) -> dict:
    """Return one task with about 8 KB of text, 30 regions, relations and a prediction."""
    paragraphs = []
    for _ in range(7):
        words = rng.choices(WORDS, k=rng.randint(120, 160))
        words[rng.randrange(len(words))] = rng.choice(MARKS)
        paragraphs.append(" ".join(words) + ".")
    text = "\n\n".join(paragraphs)
    results, position = [], 0
    for n in range(30):
        word = rng.choice(WORDS)
        start = text.find(f" {word} ", position)
        if start < 0:
            break
        start += 1
        position = start + len(word)
        results.append({"value": {"start": start, "end": position, "text": word,
                                  "labels": [rng.choice(["ACTOR", "SOURCE", "CUE"])]},
                        "id": f"r{number}-{n}", "from_name": "label", "to_name": "text",
                        "type": "labels", "origin": "manual"})
    cues = [r for r in results if r["value"]["labels"] == ["CUE"]]
    sources = [r for r in results if r["value"]["labels"] == ["SOURCE"]]
    for cue, source in zip(cues, sources, strict=False):
        results.append({"from_id": cue["id"], "to_id": source["id"], "type": "relation",
                        "direction": "right", "labels": ["source"]})
    return {"id": number, "data": {"text": text, "title": f"Article {number}"},
            "annotations": [{"id": number, "completed_by": 1,
                             "created_username": " coder@example.org, 1", "result": results,
                             "was_cancelled": False, "ground_truth": False, "lead_time": 30.5,
                             "task": number, "project": 1}],
            "predictions": [{"model_version": "ner-1", "score": 0.5, "result": results[:10]}],
            "meta": {}, "inner_id": number, "total_annotations": 1, "project": 1}


def write_export(path: Path, tasks: int) -> int:
    """Write the export one task at a time; return its size in bytes."""
    rng = random.Random(1)
    with path.open("w", encoding="utf-8") as handle:
        handle.write("[")
        for number in range(1, tasks + 1):
            handle.write(("," if number > 1 else "") + "\n" + json.dumps(task(number, rng),
                                                                         ensure_ascii=False))
        handle.write("\n]\n")
    return path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        source = folder / "export.json"
        size = write_export(source, args.tasks)
        env = dict(os.environ, ANNOTATOR_DATABASE_URL=f"sqlite:///{folder / 'bench.sqlite'}")
        command = [sys.executable, "-c", "from annotator.cli import main; main()"]
        for step in (["init-db"], ["create-project", "Bench"]):
            subprocess.run(command + step, env=env, check=True, capture_output=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        done = subprocess.run(command + ["import", "Bench", str(source), "--format",
                                         "label-studio", "--create-coders"],
                              env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if done.returncode:
            sys.exit(done.stderr)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # kB on Linux
        print(f"file: {size / 1e6:.1f} MB, {args.tasks} tasks")
        print(f"import: {seconds:.1f} s; {done.stdout.strip()}")
        print(f"peak resident memory of the import: {peak / scale:.0f} MB "
              f"(earlier commands: {before / scale:.0f} MB)")


if __name__ == "__main__":
    main()
