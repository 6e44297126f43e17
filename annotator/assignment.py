"""Assignment planning (pure): each document to K coders, balanced and reproducible."""

import random


def plan_assignments(
    documents: list[int], coders: list[str], overlap: int, seed: int,
    current_load: dict[str, int] | None = None,
    holders: dict[int, list[str]] | None = None,
) -> dict[int, list[str]]:
    """Map each document to `overlap` distinct coders, keeping coders' loads within one.

    The same inputs and seed give the same plan. Coders with fewer documents already
    (`current_load`) are chosen first; ties are broken by a seeded shuffle. `holders` names,
    per document, the coders who already work on it (a layer, a status): they keep it, count
    toward the overlap and are never replaced, even when they are more than `overlap` or are
    not among `coders`.
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
        kept = sorted(set((holders or {}).get(document, ())))
        candidates = [coder for coder in load if coder not in kept]
        chosen = sorted(candidates, key=lambda c: (load[c], tiebreak[c]))[
            :max(0, overlap - len(kept))]
        for coder in chosen:
            load[coder] += 1
            tiebreak[coder] = rng.random()
        for coder in kept:
            if coder in load:
                load[coder] += 1
        plan[document] = sorted(kept + chosen)
    return plan
