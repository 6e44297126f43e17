"""Assignment planning (pure): each document to K coders, balanced and reproducible."""

import random


def plan_assignments(
    documents: list[int], coders: list[str], overlap: int, seed: int,
    current_load: dict[str, int] | None = None,
) -> dict[int, list[str]]:
    """Map each document to `overlap` distinct coders, keeping coders' loads within one.

    The same inputs and seed give the same plan. Coders with fewer documents already
    (`current_load`) are chosen first; ties are broken by a seeded shuffle.
    """
    if overlap < 1:
        raise ValueError("overlap must be at least 1")
    if overlap > len(coders):
        raise ValueError(f"overlap {overlap} needs at least {overlap} coders, got {len(coders)}")
    rng = random.Random(seed)
    load = {coder: (current_load or {}).get(coder, 0) for coder in sorted(coders)}
    tiebreak = {coder: rng.random() for coder in load}
    plan = {}
    for document in sorted(documents):
        chosen = sorted(load, key=lambda c: (load[c], tiebreak[c]))[:overlap]
        for coder in chosen:
            load[coder] += 1
            tiebreak[coder] = rng.random()
        plan[document] = sorted(chosen)
    return plan
