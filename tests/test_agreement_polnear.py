"""Agreement on the real PolNeAR multi-coder data, with one figure checked by hand."""

from collections import Counter
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
    result = runner.invoke(main, ["import", "PolNeAR", str(corpus), "--format", "brat"])
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
