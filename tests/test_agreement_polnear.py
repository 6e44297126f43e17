"""Agreement on the real PolNeAR multi-coder data, with figures checked by hand and against
PolNeAR's published ones."""

import json
import re
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.extensions import db


def _cue_sets(ann: Path, document: str) -> Counter:
    """Read one coder's .ann by hand: each attribution's cue as a set of character ranges."""
    ranges = {}
    cues = Counter()
    lines = ann.read_text(encoding="utf-8").splitlines()
    for line in lines:
        if line.startswith("T"):
            ident, info, _text = line.split("\t", 2)
            offsets = info.split(" ", 1)[1]
            ranges[ident] = frozenset(
                tuple(int(x) for x in part.split()) for part in offsets.split(";")
            )
    for line in lines:
        if line.startswith("E"):
            roles = dict(arg.split(":") for arg in line.split("\t")[1].split()[1:])
            if "Cue" in roles:
                cues[(document, ranges[roles["Cue"]])] += 1
    return cues


@pytest.mark.shared
def test_cue_agreement_of_two_polnear_coders_matches_a_count_by_hand(runner, app, shared_dir):
    corpus = shared_dir / "corpus" / "polnear-training"
    created = runner.invoke(main, ["create-project", "PolNeAR", "--codebook", "polnear"])
    assert created.exit_code == 0, created.output
    result = runner.invoke(main, ["import", "PolNeAR", str(corpus), "--format", "brat",
                                    "--create-coders"])
    assert result.exit_code == 0, result.output
    assert "4 documents, 24 layers" in result.output

    from annotator.services.agreeing import project_agreement
    from annotator.services.projects import find_project

    figures = project_agreement(find_project("PolNeAR"))
    pair = next(p for p in figures["attributions"]["pairs"] if p["coders"] == ["4b22", "4e07"])

    first, second = Counter(), Counter()
    for text in sorted((corpus / "text").glob("*.txt")):
        first += _cue_sets(corpus / "attributions" / f"{text.stem}_4b22.ann", text.stem)
        second += _cue_sets(corpus / "attributions" / f"{text.stem}_4e07.ann", text.stem)
    matches = sum((first & second).values())
    by_hand = 2 * matches / (sum(first.values()) + sum(second.values()))

    cue = pair["cue"]["exact"]
    assert (cue["matches"], cue["n_reference"], cue["n_other"]) == (
        matches, sum(first.values()), sum(second.values()))
    assert cue["f1"] == pytest.approx(by_hand)
    assert figures["coders"] == ["4b22", "4e07", "5fec", "6b86", "d473", "ef2d"]
    db.session.rollback()


# PolNeAR's published agreement on its training articles (exact match, mean of pair F1).
PUBLISHED = {"source": 0.801, "cue": 0.758, "content": 0.668, "all three": 0.740}
ROLES = {"Source": "source", "Cue": "cue", "Content": "content"}


def _t_lines(ann: Path) -> dict[str, set]:
    """Read one coder's .ann by hand: the distinct Source, Cue and Content T lines, as ranges."""
    found = {role: set() for role in ROLES.values()}
    for line in ann.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            label, offsets = line.split("\t")[1].split(" ", 1)
            if label in ROLES:
                found[ROLES[label]].add(frozenset(offsets.split(";")))
    return found


def _published_convention_by_hand(corpus: Path) -> dict[str, float]:
    """Mean over every (pair of coders, document) of 2·matches / (n_a + n_b), per role."""
    cells: dict[str, list[float]] = {role: [] for role in (*ROLES.values(), "all three")}
    for text in sorted((corpus / "text").glob("*.txt")):
        layers = {ann.stem.rsplit("_", 1)[1]: _t_lines(ann)
                  for ann in (corpus / "attributions").glob(f"{text.stem}_*.ann")}
        for a, b in combinations(sorted(layers), 2):
            counts = [(len(layers[a][r] & layers[b][r]), len(layers[a][r]) + len(layers[b][r]))
                      for r in ROLES.values()]
            for role, (matched, total) in zip(ROLES.values(), counts, strict=True):
                if total:
                    cells[role].append(2 * matched / total)
            cells["all three"].append(2 * sum(m for m, _ in counts) / sum(n for _, n in counts))
    return {role: sum(values) / len(values) for role, values in cells.items()}


@pytest.mark.shared
def test_whole_units_averaged_over_pairs_give_polnears_published_figures(runner, app, shared_dir):
    corpus = shared_dir / "corpus" / "polnear-training"
    created = runner.invoke(main, ["create-project", "PolNeAR", "--codebook", "polnear"])
    assert created.exit_code == 0, created.output
    imported = runner.invoke(main, ["import", "PolNeAR", str(corpus), "--format", "brat",
                                    "--create-coders"])
    assert imported.exit_code == 0, imported.output

    printed = runner.invoke(main, ["agreement", "PolNeAR", "--unit", "whole", "--average", "pairs"])
    assert printed.exit_code == 0, printed.output
    assert "Unit: whole" in printed.output and "Average: pairs" in printed.output
    summary = re.search(r"^Exact F1, all pairs \(mean\): (.*)$", printed.output, re.M)
    assert summary, printed.output
    shown = {name: float(value)
             for name, value in re.findall(r"([a-z ]+?) ([0-9.]+)(?:, |$)", summary.group(1))}
    assert shown == PUBLISHED

    as_json = runner.invoke(main, ["agreement", "PolNeAR", "--unit", "whole", "--average",
                                   "pairs", "--json"])
    assert as_json.exit_code == 0, as_json.output
    result = json.loads(as_json.output)
    assert (result["unit"], result["average"]) == ("whole", "pairs")
    overall = result["attributions"]["overall"]
    figures = {part: overall[part]["exact"]["f1"] for part in ROLES.values()}
    figures["all three"] = overall["all_parts"]["exact"]["f1"]
    assert {k: round(v, 3) for k, v in figures.items()} == PUBLISHED
    # The definition is the published one: an independent count from the .ann files agrees.
    by_hand = _published_convention_by_hand(corpus)
    assert figures == pytest.approx(by_hand, abs=1e-12)
    assert overall["source"]["exact"]["averaged"] == 4 * 15  # 4 articles, 15 pairs of 6 coders

    # The default convention is unchanged: one item per attribution part, counts pooled.
    default = json.loads(runner.invoke(main, ["agreement", "PolNeAR", "--json"]).output)
    assert (default["unit"], default["average"]) == ("part", "pooled")
    assert round(default["attributions"]["overall"]["source"]["exact"]["f1"], 3) == 0.777
    db.session.rollback()

