"""Group differences: Kruskal–Wallis with η²_H and pairwise Mann–Whitney with rank-biserial r and Holm."""

import itertools

import numpy as np
import pandas as pd
from scipy import special, stats

from analysis._frames import check_threshold, plain
from analysis.coded import Prepared

# The columns compare_groups can use from prepared answers (see Prepared.score_frame).
_PREPARED_COLUMNS = pd.DataFrame(
    columns=["questionnaire", "construct", "respondent", "organisation", "role", "score", "score100", "n_items"]
)


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


def _tie_table(samples):
    """Counts per group (rows) of each distinct pooled value (columns, ascending), as int64."""
    sizes = np.array([len(sample) for sample in samples], dtype=np.int64)
    pooled = np.concatenate(samples).astype(float, copy=False)
    distinct, value = np.unique(pooled, return_inverse=True)
    group = np.repeat(np.arange(len(samples)), sizes)
    width = len(distinct)
    return np.bincount(group * width + value.ravel(), minlength=len(samples) * width).reshape(len(samples), width)


def kruskal_from_counts(counts):
    """Kruskal–Wallis H and p from a tie table, exactly as ``scipy.stats.kruskal`` computes them.

    ``counts[i, v]`` is how often group ``i`` has the ``v``-th smallest distinct value. Average
    ranks are half-integers, so the rank sums are exact and every later step repeats scipy's
    floating-point operations in scipy's order.

    Examples
    --------
    >>> import numpy as np
    >>> h, p = kruskal_from_counts(np.array([[2, 1, 0], [0, 1, 2]]))
    >>> round(float(h), 4), round(float(p), 4)
    (3.3333, 0.0679)
    """
    counts = np.asarray(counts, dtype=np.int64)
    sizes = [int(n) for n in counts.sum(axis=1)]
    totaln = sum(sizes)
    ties_per_value = counts.sum(axis=0)
    below = np.cumsum(ties_per_value) - ties_per_value
    rank_sums = (counts @ (2 * below + ties_per_value + 1)) / 2  # 2 × average rank is an integer
    tie_sum = np.float64(np.sum(ties_per_value.astype(float) ** 3 - ties_per_value))
    ties = 1 - tie_sum / (totaln**3 - totaln)
    ssbn = sum(rank_sums[i] ** 2 / sizes[i] for i in range(len(sizes)))
    h = 12.0 / (totaln * (totaln + 1)) * ssbn - 3 * (totaln + 1)
    h /= ties
    return h, special.chdtrc(np.float64(len(sizes) - 1), h)


def mannwhitney_from_counts(counts):
    """Two-sided Mann–Whitney U of every pair of groups of a tie table, all pairs at once.

    Returns ``(u, p, exact)`` as k × k arrays: ``u[a, b]`` is U of group ``a`` against group
    ``b`` (``U = Σ_v counts[a, v]·(#b below v + ½·counts[b, v])``, which equals scipy's
    ``R₁ - n₁(n₁+1)/2`` exactly), ``p[a, b]`` the p-value of the normal approximation with tie
    and continuity correction as ``scipy.stats.mannwhitneyu(method="asymptotic")`` computes it,
    and ``exact[a, b]`` whether scipy's default ``method="auto"`` would use the exact
    distribution instead (a group of at most 8 and no ties within the pair).

    Examples
    --------
    >>> import numpy as np
    >>> u, p, exact = mannwhitney_from_counts(np.array([[2, 1, 0], [0, 1, 2]]))
    >>> float(u[0, 1]), float(u[1, 0]), round(float(p[0, 1]), 4), bool(exact[0, 1])
    (0.5, 8.5, 0.1101, False)
    """
    counts = np.asarray(counts, dtype=np.int64)
    sizes = counts.sum(axis=1)
    below = np.cumsum(counts, axis=1) - counts
    u = (counts @ (2 * below + counts).T) / 2
    # Σ_v f(c_a + c_b) with f(x) = x³ - x, via f(a + b) = f(a) + f(b) + 3ab(a + b).
    cubes = (counts**3 - counts).sum(axis=1)
    squares = counts**2
    cross = squares @ counts.T
    tie_term = (cubes[:, None] + cubes[None, :] + 3 * (cross + cross.T)).astype(float)
    n1, n2 = sizes[:, None], sizes[None, :]
    mu = n1 * n2 / 2
    n = n1 + n2
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.sqrt(n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1))))
        numerator = np.maximum(u, n1 * n2 - u) - mu
        numerator -= 0.5
        z = numerator / s
    p = special.ndtr(-z)
    p *= 2
    p = np.clip(p, 0.0, 1.0)
    exact = ~((n1 > 8) & (n2 > 8)) & (tie_term == 0)
    return u, p, exact


def pairwise_mannwhitneyu(samples):
    """``scipy.stats.mannwhitneyu(a, b, alternative="two-sided")`` for every pair, ranked once.

    Returns
    -------
    list of tuple
        ``(u, p)`` per pair in ``itertools.combinations`` order; equal to scipy's results.

    Examples
    --------
    >>> [(float(u), round(float(p), 4)) for u, p in pairwise_mannwhitneyu([[1, 2, 2], [2, 3, 4], [5, 6, 9]])]
    [(1.0, 0.1642), (0.0, 0.0765), (0.0, 0.1)]
    """
    samples = [np.asarray(sample, dtype=float) for sample in samples]
    u, p, exact = mannwhitney_from_counts(_tie_table(samples))
    result = []
    for a, b in itertools.combinations(range(len(samples)), 2):
        if exact[a, b]:
            result.append(tuple(stats.mannwhitneyu(samples[a], samples[b], alternative="two-sided")))
        else:
            result.append((u[a, b], p[a, b]))
    return result


def _compare(values_by_group):
    groups = list(values_by_group)
    samples = [values_by_group[g] for g in groups]
    n = int(sum(len(s) for s in samples))
    k = len(groups)
    pooled = np.concatenate(samples)
    if np.ptp(pooled) == 0:
        return {"tested": False, "reason": "no variation"}
    # Rank once per measure: a tie table gives Kruskal–Wallis and every Mann–Whitney pair.
    counts = _tie_table(samples)
    h, p = kruskal_from_counts(counts)
    result = {"tested": True, "h": float(h), "df": k - 1, "p": float(p), "eta2_h": eta_squared_h(h, k, n)}
    u_all, p_all, exact = mannwhitney_from_counts(counts)
    pairs = []
    for a, b in itertools.combinations(range(k), 2):
        if exact[a, b]:
            u, p_pair = stats.mannwhitneyu(samples[a], samples[b], alternative="two-sided")
        else:
            u, p_pair = u_all[a, b], p_all[a, b]
        pairs.append(
            {
                "a": groups[a],
                "b": groups[b],
                "n_a": len(samples[a]),
                "n_b": len(samples[b]),
                "u": float(u),
                "p": float(p_pair),
                "r_rb": rank_biserial(u, len(samples[a]), len(samples[b])),
            }
        )
    for pair, adjusted in zip(pairs, holm([pair["p"] for pair in pairs])):
        pair["p_holm"] = adjusted
    result["pairs"] = pairs
    return result


_CHUNK = 1 << 16  # scores per step when grouping prepared scores: int64 only this long


def _grouped(cells, n_cells, values):
    """``(sizes, values)``: the values cell by cell, each cell's in row order; -1 cells dropped."""
    inside = cells >= 0
    if not inside.all():  # usually every score is in a cell: no copies
        cells, values = cells[inside], values[inside]
    del inside
    order = np.argsort(cells, kind="stable")  # a group's values keep their row order
    return np.bincount(cells, minlength=n_cells), values[order]


def _cells_of_frame(scores_df, by, value, within):
    """Cells of a scores frame: ``(sizes, cell keys, values cell by cell)`` or None for the loop path.

    Cells are the (measure, group) combinations in sorted order (as nested sorted groupbys give
    them); rows without a value or group take no part.
    """
    keys = within + by
    if any(isinstance(scores_df[c].dtype, pd.CategoricalDtype) for c in keys):
        return None  # unobserved categories count as (empty) groups: keep the groupby loop
    frame = scores_df.loc[scores_df[value].notna() & scores_df[by].notna().all(axis=1), keys + [value]]
    grouped = frame.groupby(keys, sort=True, dropna=False)
    cell_keys = grouped.size().index.to_frame(index=False)
    sizes, values = _grouped(grouped.ngroup().to_numpy(), len(cell_keys), frame[value].to_numpy(dtype=float))
    return sizes, cell_keys, values


def _rank(table, columns, dropna):
    """Each row's place in the sorted order of its ``columns`` labels (-1: a missing label, dropped)."""
    frame = pd.DataFrame({c: table[c].to_numpy() for c in columns})  # labels, not categories
    return frame.groupby(columns, sort=True, dropna=dropna).ngroup().fillna(-1).to_numpy(dtype=np.int64)


def _cells_of_prepared(prepared, by, value, within):
    """As :func:`_cells_of_frame` on ``prepared.score_frame()``, from the integer codes.

    A cell's key is ``measure rank × groups + group rank``, whose order is that of the sorted
    (measure, group) labels. The scores go through ``_CHUNK`` at a time, twice (the cells and
    their sizes, then each value to its place), so nothing as long as the scores is allocated
    but the grouped values.
    """
    constructs, people, scores = prepared.coded.constructs, prepared.coded.people, prepared.scores
    if (
        not set(within) <= {"questionnaire", "construct"}
        or not set(by) <= {"organisation", "role", "respondent"}
        or value not in ("score", "score100")
    ):
        return _cells_of_frame(prepared.score_frame(), by, value, within)
    group_of = _rank(people, by, dropna=True)
    n_groups = int(group_of.max()) + 1 if len(group_of) else 1
    measure_of = _rank(constructs, within, dropna=False) if within else np.zeros(len(constructs), dtype=np.int64)
    measure_of *= max(n_groups, 1)
    construct, person = scores["construct"].to_numpy(), scores["person"].to_numpy()
    values = prepared.score100() if value == "score100" else scores[value].to_numpy(dtype=float)

    def keys(start):
        group = group_of[person[start : start + _CHUNK]]
        key = measure_of[construct[start : start + _CHUNK]] + group
        return key[group >= 0], values[start : start + _CHUNK][group >= 0]

    present, counts = [], []
    for start in range(0, len(values), _CHUNK):
        found, count = np.unique(keys(start)[0], return_counts=True)
        present.append(found)
        counts.append(count)
    present, where = np.unique(np.concatenate(present or [np.zeros(0, np.int64)]), return_inverse=True)
    sizes = np.zeros(len(present), dtype=np.int64)
    np.add.at(sizes, where, np.concatenate(counts or [np.zeros(0, np.int64)]))
    del where, counts
    # Each value to its cell's next free place, in row order (a counting sort, chunk by chunk).
    grouped = np.empty(int(sizes.sum()))
    free = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    for start in range(0, len(values), _CHUNK):
        key, chunk = keys(start)
        cell = np.searchsorted(present, key)
        order = np.argsort(cell, kind="stable")
        cell = cell[order]
        runs = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]]) if len(cell) else np.zeros(0, np.int64)
        lengths = np.diff(np.r_[runs, len(cell)])
        grouped[free[cell] + np.arange(len(cell)) - np.repeat(runs, lengths)] = chunk[order]
        free[cell[runs]] += lengths
    first_construct = np.zeros(int(measure_of.max()) // max(n_groups, 1) + 1 if len(measure_of) else 1, dtype=np.int64)
    first_construct[measure_of // max(n_groups, 1)] = np.arange(len(measure_of))  # same labels per rank
    first_person = np.zeros(max(n_groups, 1), dtype=np.int64)
    first_person[group_of[group_of >= 0]] = np.flatnonzero(group_of >= 0)  # any member carries the labels
    cell_keys = pd.DataFrame(
        {column: constructs[column].to_numpy()[first_construct[present // max(n_groups, 1)]] for column in within}
    )
    for column in by:
        cell_keys[column] = people[column].to_numpy()[first_person[present % max(n_groups, 1)]]
    return sizes, cell_keys, grouped


def _compare_cells(sizes, cell_keys, values, by, within, threshold, allowed=None):
    """The per-measure results from cells (see :func:`_cells_of_frame`)."""
    n_cells = len(cell_keys)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    if within:
        measure = cell_keys.groupby(within, sort=False, dropna=False).ngroup().to_numpy()
        bounds = np.flatnonzero(np.r_[True, measure[1:] != measure[:-1], True]) if n_cells else np.array([0])
    else:
        bounds = np.array([0, n_cells])
    key_columns = [cell_keys[c].tolist() for c in within]
    group_columns = [cell_keys[c].tolist() for c in by]
    results = []
    for first, stop in zip(bounds[:-1], bounds[1:]):
        result = {column: plain(keys[first]) for column, keys in zip(within, key_columns)}
        result["by"] = by[0] if len(by) == 1 else list(by)
        values_by_group = {}
        excluded = 0
        for c in range(first, stop):
            label = [plain(column[c]) for column in group_columns]
            label = label[0] if len(by) == 1 else tuple(label)
            if sizes[c] >= threshold and (allowed is None or label in allowed):
                values_by_group[label] = values[starts[c] : starts[c + 1]]
            else:
                excluded += 1
        results.append(_measure_result(result, values_by_group, excluded))
    return results


def _measure_result(result, values_by_group, excluded):
    result["groups"] = [
        {
            "group": list(g) if isinstance(g, tuple) else g,
            "n": len(v),
            "mean": float(v.mean()),
            "median": float(np.median(v)),
        }
        for g, v in values_by_group.items()
    ]
    result["excluded_groups"] = excluded
    if len(values_by_group) < 2:
        result.update(tested=False, reason="fewer than two groups of at least the threshold")
    else:
        result.update(_compare(values_by_group))
        for pair in result.get("pairs", []):
            pair["a"] = list(pair["a"]) if isinstance(pair["a"], tuple) else pair["a"]
            pair["b"] = list(pair["b"]) if isinstance(pair["b"], tuple) else pair["b"]
    return result


def _compare_by_loop(scores_df, by, threshold, value, within, allowed=None):
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
            label = label if len(by) == 1 else tuple(label)
            if len(values) >= threshold and (allowed is None or label in allowed):
                values_by_group[label] = values.to_numpy(dtype=float)
            else:
                excluded += 1
        results.append(_measure_result(result, values_by_group, excluded))
    return results


def compare_groups(scores_df, by, threshold, *, value="score", within=("questionnaire", "construct"), allowed=None):
    """Test whether groups differ, per measure, using only groups of at least ``threshold``.

    Kruskal–Wallis H over the groups with its effect size η²_H, then every pair with a
    two-sided Mann–Whitney U, its rank-biserial r and Holm-adjusted p over the pairs of that
    measure. Groups with fewer than ``threshold`` respondents take no part (their n is not
    reported either); with fewer than two such groups the result has ``tested: False``.

    Parameters
    ----------
    scores_df : DataFrame or Prepared
        One row per respondent and measure, e.g. from :func:`analysis.scores.construct_scores`;
        or answers prepared by :func:`analysis.prepare`, whose construct scores are then used
        (columns as :meth:`analysis.coded.Prepared.score_frame`), grouped on integer codes.
    by : str or list of str
        Column(s) that form the groups, e.g. ``"organisation"`` or ``["organisation", "role"]``.
    threshold : int
        The anonymity threshold.
    value : str, default "score"
        Column with the values.
    within : sequence of str, default ("questionnaire", "construct")
        Columns that separate measures; those absent from ``scores_df`` are ignored.
    allowed : collection, optional
        Only these group labels may take part (the groups a release shows, see
        :mod:`analysis.disclosure`); the others count as excluded.

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
    prepared = None
    if isinstance(scores_df, Prepared):
        prepared = scores_df
        scores_df = _PREPARED_COLUMNS
    if not isinstance(scores_df, pd.DataFrame):
        raise ValueError("scores_df must be a pandas DataFrame or Prepared")
    by = [by] if isinstance(by, str) else list(by)
    missing = [c for c in by + [value] if c not in scores_df.columns]
    if not by or missing:
        raise ValueError(f"scores_df lacks column(s): {', '.join(missing) or 'by'}")
    within = [c for c in within if c in scores_df.columns]
    if prepared is not None:
        cells = _cells_of_prepared(prepared, by, value, within)
    else:
        cells = _cells_of_frame(scores_df, by, value, within)
    if cells is None:
        return _compare_by_loop(scores_df, by, threshold, value, within, allowed)
    return _compare_cells(*cells, by, within, threshold, allowed)
