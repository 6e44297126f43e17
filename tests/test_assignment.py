"""Assignment plans: K coders per document, balanced, reproducible."""

from collections import Counter

import pytest

from annotator.assignment import plan_assignments


def test_each_document_gets_k_distinct_coders_with_balanced_load():
    plan = plan_assignments(list(range(10)), ["ann", "bob", "cy"], overlap=2, seed=7)
    assert all(len(set(coders)) == 2 for coders in plan.values())
    load = Counter(c for coders in plan.values() for c in coders)
    assert max(load.values()) - min(load.values()) <= 1
    assert sum(load.values()) == 20


def test_same_seed_gives_same_plan_and_other_seed_may_differ():
    docs, coders = list(range(30)), ["a", "b", "c", "d"]
    assert plan_assignments(docs, coders, 2, seed=1) == plan_assignments(docs, coders, 2, seed=1)
    plans = {str(plan_assignments(docs, coders, 2, seed=s)) for s in range(5)}
    assert len(plans) > 1


def test_overlap_larger_than_coders_is_refused():
    with pytest.raises(ValueError, match="needs at least 3 coders"):
        plan_assignments([1], ["a", "b"], overlap=3, seed=0)
