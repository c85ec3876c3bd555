"""Group differences: Kruskal–Wallis with η²_H and pairwise Mann–Whitney with rank-biserial r and Holm."""

import itertools

import numpy as np
import pandas as pd
from scipy import stats

from analysis._frames import check_threshold, plain


def holm(p_values):
    """Holm (1979) step-down adjusted p-values, in the input order.

    Parameters
    ----------
    p_values : sequence of float

    Returns
    -------
    list of float

    Examples
    --------
    >>> [round(p, 3) for p in holm([0.01, 0.04, 0.03, 0.005])]
    [0.03, 0.06, 0.06, 0.02]
    """
    p = np.asarray(p_values, dtype=float)
    m = p.size
    order = np.argsort(p, kind="stable")
    adjusted = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adjusted[i] = running
    return [float(v) for v in adjusted]


def eta_squared_h(h, k, n):
    """Effect size of Kruskal–Wallis: ``η²_H = (H - k + 1)/(n - k)`` (Tomczak & Tomczak 2014).

    Examples
    --------
    >>> round(eta_squared_h(12.0, 3, 45), 4)
    0.2381
    """
    if n <= k:
        return None
    return float((h - k + 1) / (n - k))


def rank_biserial(u, n1, n2):
    """Rank-biserial correlation ``r = 2U/(n1·n2) - 1`` from the U of the first group (Kerby 2014).

    Positive when the first group tends to score higher.

    Examples
    --------
    >>> round(rank_biserial(12, 6, 6), 4)
    -0.3333
    """
    return float(2 * u / (n1 * n2) - 1)


def _compare(values_by_group):
    groups = list(values_by_group)
    samples = [values_by_group[g] for g in groups]
    n = int(sum(len(s) for s in samples))
    k = len(groups)
    pooled = np.concatenate(samples)
    if np.ptp(pooled) == 0:
        return {"tested": False, "reason": "no variation"}
    h, p = stats.kruskal(*samples)
    result = {"tested": True, "h": float(h), "df": k - 1, "p": float(p), "eta2_h": eta_squared_h(h, k, n)}
    pairs = []
    for a, b in itertools.combinations(range(k), 2):
        u, p_pair = stats.mannwhitneyu(samples[a], samples[b], alternative="two-sided")
        pairs.append({"a": groups[a], "b": groups[b], "n_a": len(samples[a]), "n_b": len(samples[b]),
                      "u": float(u), "p": float(p_pair), "r_rb": rank_biserial(u, len(samples[a]), len(samples[b]))})
    for pair, adjusted in zip(pairs, holm([pair["p"] for pair in pairs])):
        pair["p_holm"] = adjusted
    result["pairs"] = pairs
    return result


def compare_groups(scores_df, by, threshold, *, value="score", within=("questionnaire", "construct")):
    """Test whether groups differ, per measure, using only groups of at least ``threshold``.

    Kruskal–Wallis H over the groups with its effect size η²_H, then every pair with a
    two-sided Mann–Whitney U, its rank-biserial r and Holm-adjusted p over the pairs of that
    measure. Groups with fewer than ``threshold`` respondents take no part (their n is not
    reported either); with fewer than two such groups the result has ``tested: False``.

    Parameters
    ----------
    scores_df : DataFrame
        One row per respondent and measure, e.g. from :func:`analysis.scores.construct_scores`.
    by : str or list of str
        Column(s) that form the groups, e.g. ``"organisation"`` or ``["organisation", "role"]``.
    threshold : int
        The anonymity threshold.
    value : str, default "score"
        Column with the values.
    within : sequence of str, default ("questionnaire", "construct")
        Columns that separate measures; those absent from ``scores_df`` are ignored.

    Returns
    -------
    list of dict
        Per measure: its ``within`` keys, ``by``, ``groups`` (``[{"group", "n", "mean",
        "median"}]`` for the groups taking part), ``excluded_groups`` (how many were too small),
        ``tested`` and, when tested, ``h``, ``df``, ``p``, ``eta2_h`` and ``pairs`` (``[{"a", "b",
        "n_a", "n_b", "u", "p", "r_rb", "p_holm"}]``); ``reason`` when not tested.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"construct": ["c"] * 15, "organisation": ["A"] * 5 + ["B"] * 5 + ["C"] * 5,
    ...                    "score": [1, 2, 2, 3, 1, 4, 5, 4, 5, 3, 2, 3, 3, 4, 2]})
    >>> result = compare_groups(df, "organisation", threshold=5)[0]
    >>> result["tested"], round(result["h"], 3), round(result["eta2_h"], 3)
    (True, 8.877, 0.573)
    >>> [(p["a"], p["b"], round(p["r_rb"], 2)) for p in result["pairs"]]
    [('A', 'B', -0.96), ('A', 'C', -0.6), ('B', 'C', 0.76)]
    """
    threshold = check_threshold(threshold)
    if not isinstance(scores_df, pd.DataFrame):
        raise ValueError("scores_df must be a pandas DataFrame")
    by = [by] if isinstance(by, str) else list(by)
    missing = [c for c in by + [value] if c not in scores_df.columns]
    if not by or missing:
        raise ValueError(f"scores_df lacks column(s): {', '.join(missing) or 'by'}")
    within = [c for c in within if c in scores_df.columns]
    frame = scores_df.loc[scores_df[value].notna() & scores_df[by].notna().all(axis=1)]
    measures = frame.groupby(within, sort=True, dropna=False) if within else [((), frame)]
    results = []
    for key, sub in measures:
        key = key if isinstance(key, tuple) else (key,)
        result = {column: plain(k) for column, k in zip(within, key)}
        result["by"] = by[0] if len(by) == 1 else list(by)
        values_by_group = {}
        excluded = 0
        for group, values in sub.groupby(by, sort=True)[value]:
            group = group if isinstance(group, tuple) else (group,)
            label = plain(group[0]) if len(by) == 1 else [plain(g) for g in group]
            if len(values) >= threshold:
                values_by_group[label if len(by) == 1 else tuple(label)] = values.to_numpy(dtype=float)
            else:
                excluded += 1
        result["groups"] = [{"group": list(g) if isinstance(g, tuple) else g, "n": len(v),
                             "mean": float(v.mean()), "median": float(np.median(v))}
                            for g, v in values_by_group.items()]
        result["excluded_groups"] = excluded
        if len(values_by_group) < 2:
            result.update(tested=False, reason="fewer than two groups of at least the threshold")
        else:
            result.update(_compare(values_by_group))
            for pair in result.get("pairs", []):
                pair["a"] = list(pair["a"]) if isinstance(pair["a"], tuple) else pair["a"]
                pair["b"] = list(pair["b"]) if isinstance(pair["b"], tuple) else pair["b"]
        results.append(result)
    return results
