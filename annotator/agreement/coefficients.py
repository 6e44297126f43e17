"""Cohen's kappa and Krippendorff's alpha (nominal) from counted token labels.

Both are computed from counts, with the same formulas as scikit-learn's `cohen_kappa_score` and
the `krippendorff` package, which the tests compare against; neither package is needed here.
"""

from collections import Counter, defaultdict
from itertools import combinations

from annotator.agreement.tokens import TOKEN_PATTERN


def cohen_kappa(confusion: Counter) -> float | None:
    """Return Cohen's kappa from a Counter of (label_a, label_b) pairs; None when undefined.

    kappa = 1 - (observed disagreement) / (expected disagreement), with expected counts from the
    two coders' marginals, as scikit-learn computes it. It is undefined (None) when there are no
    tokens or when the expected disagreement is zero: both coders used one and the same label
    for every token.
    """
    total = sum(confusion.values())
    if not total:
        return None
    rows: Counter = Counter()
    cols: Counter = Counter()
    agree = 0
    for (a, b), count in confusion.items():
        rows[a] += count
        cols[b] += count
        if a == b:
            agree += count
    expected_agree_times_n = sum(rows[c] * cols[c] for c in rows)  # integer, exact
    expected_disagreement = total * total - expected_agree_times_n  # scaled by n
    if expected_disagreement == 0:
        return None
    return 1 - (total - agree) * total / expected_disagreement


def krippendorff_alpha(units: Counter) -> tuple[float | None, int, int]:
    """Return nominal alpha, pairable units and pairable values from a Counter of units.

    `units` maps a tuple of the values given to one unit (by the coders who coded it) to how many
    units have those values. Units with fewer than two values are not pairable and are left out.
    alpha = 1 - (n - 1) · Σ_u D_u / (n² - Σ_c n_c²), where D_u = (m_u² - Σ_c m_uc²) / (m_u - 1) is
    the unit's off-diagonal coincidence mass, n_c the pairable values of category c and n their sum.
    It is undefined (None) when nothing is pairable or every pairable value is the same category.
    """
    n_values: Counter = Counter()
    disagreement = 0.0
    pairable_units = 0
    for values, count in units.items():
        m = len(values)
        if m < 2:
            continue
        pairable_units += count
        per_value = Counter(values)
        for value, k in per_value.items():
            n_values[value] += k * count
        off_diagonal = m * m - sum(k * k for k in per_value.values())
        disagreement += count * off_diagonal / (m - 1)
    n = sum(n_values.values())
    expected = n * n - sum(k * k for k in n_values.values())
    if expected == 0:
        return None, pairable_units, n
    return 1 - (n - 1) * disagreement / expected, pairable_units, n


def token_figures(units: dict[tuple, Counter], include_boilerplate: bool) -> dict:
    """Return per-pair kappa and overall alpha from the counted label tuples."""
    confusions: defaultdict[tuple, Counter] = defaultdict(Counter)
    all_units: Counter = Counter()
    for names, counter in units.items():
        for values, count in counter.items():
            all_units[values] += count
            for i, j in combinations(range(len(names)), 2):
                confusions[names[i], names[j]][values[i], values[j]] += count
    pairs = []
    for (a, b), confusion in sorted(confusions.items()):
        n = confusion.total()
        agree = sum(c for (x, y), c in confusion.items() if x == y)
        kappa = cohen_kappa(confusion)
        row = {
            "coders": [a, b],
            "tokens": n,
            "observed_agreement": agree / n if n else None,
            "kappa": kappa,
            "note": None,
        }
        if kappa is None:
            row["note"] = (
                "undefined: no shared tokens"
                if not n
                else "undefined: both coders gave every token the same label"
            )
        pairs.append(row)
    alpha, pairable_units, pairable_values = krippendorff_alpha(all_units)
    return {
        "tokenizer": TOKEN_PATTERN,
        "include_boilerplate": include_boilerplate,
        "pairs": pairs,
        "alpha": {
            "value": alpha,
            "units": pairable_units,
            "pairable_values": pairable_values,
            "note": None
            if alpha is not None
            else (
                "undefined: no token was labelled by two coders"
                if not pairable_values
                else "undefined: every pairable token has the same label"
            ),
        },
    }
