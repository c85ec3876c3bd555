"""The implementations before the shared-preparation rewrite, kept as the reference in tests.

Copied verbatim from analysis/ (groups.py, indicators.py, indices.py, comparisons.py) as they
were before `analysis.prepare` and the tie-table rank tests: every optimised path must give
exactly (bit for bit) what these give.
"""

import itertools

import numpy as np
import pandas as pd
from scipy import stats

from analysis._frames import check_threshold, plain
from analysis.anonymity import suppress
from analysis.coded import code_answers, person_scores
from analysis.comparisons import eta_squared_h, holm, rank_biserial
from analysis.groups import ALL, LEVELS, label_groups, records, sort_rows
from analysis.indicators import API_FIELDS, _distribution_fields
from analysis.indices import INDEX_FIELDS, KNELPUNT_BELOW, REVERSED_INDICES, check_model
from analysis.intervals import BCA_MAX_N, BCA_MIN_N, bca_interval, knelpunt_level, shown_interval
from analysis.reliability import MIN_ITEMS, MIN_RESPONDENTS, feldt_interval


def level_rows(frame):
    """Yield ``(level, rows)`` per group level; rows with a missing code count in totals only."""
    for level in LEVELS:
        rows = frame
        for column in level:
            rows = rows.loc[rows[column].to_numpy() != ALL]
        yield level, rows


def _fill(table, level):
    for column in ("org", "role_code"):
        if column not in level:
            table[column] = ALL
    return table


def moments(frame, value, measure="measure"):
    """n, mean, sd, median and the 95% t interval of ``value`` for every group of every measure.

    Parameters
    ----------
    frame : DataFrame
        One row per respondent and measure: ``measure``, ``org``, ``role_code`` (codes, -1 for
        missing) and ``value``.

    Returns
    -------
    DataFrame
        ``measure``, ``org``, ``role_code`` (-1 for "all"), ``n``, ``mean``, ``sd``, ``median``,
        ``ci_low``, ``ci_high``.
    """
    tables = []
    for level, rows in level_rows(frame):
        table = (
            rows.groupby([measure] + list(level), sort=False)[value]
            .agg(["size", "mean", "std", "median"])
            .reset_index()
        )
        tables.append(_fill(table.rename(columns={"size": "n", "std": "sd"}), level))
    table = pd.concat(tables, ignore_index=True)
    n = table["n"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(0.975, np.where(n > 1, n - 1, np.nan)) * table["sd"].to_numpy() / np.sqrt(n)
    table["ci_low"] = table["mean"] - half
    table["ci_high"] = table["mean"] + half
    return table


def add_bootstrap(frame, table, value, measure="measure"):
    """Add ``bca_low``/``bca_high`` to ``table``: BCa bounds for 10 <= n < 30, None elsewhere."""
    lows = [None] * len(table)
    highs = [None] * len(table)
    wanted = (table["n"] >= BCA_MIN_N) & (table["n"] < BCA_MAX_N)
    if wanted.any():
        position = {key: i for i, key in enumerate(zip(table[measure], table["org"], table["role_code"]))}
        for level, rows in level_rows(frame):
            keys = [measure] + list(level)
            sizes = rows.groupby(keys, sort=False)[value].transform("size")
            small = sizes.between(BCA_MIN_N, BCA_MAX_N - 1).to_numpy()
            if not small.any():
                continue
            for key, values in rows.loc[small].groupby(keys, sort=False)[value]:
                key = dict(zip(keys, key))
                i = position[(key[measure], key.get("org", ALL), key.get("role_code", ALL))]
                lows[i], highs[i] = bca_interval(values.to_numpy())
    table["bca_low"] = lows
    table["bca_high"] = highs
    return table


def _distributions(answers):
    """Answer counts per scale point for every group: ``{(construct, org, role_code): {value: count}}``."""
    finest = answers.groupby(["measure", "org", "role_code", "value"], sort=False).size().rename("count").reset_index()
    result = {}
    for level, rows in level_rows(finest):
        counts = rows.groupby(["measure"] + list(level) + ["value"], sort=False)["count"].sum()
        names = ["measure"] + list(level) + ["value"]
        for key, count in counts.items():
            group = dict(zip(names, key))
            cell = (group["measure"], group.get("org", ALL), group.get("role_code", ALL))
            result.setdefault(cell, {})[group["value"]] = int(count)
    return result


def _group_ids(org, role, level, n_roles):
    if level == ():
        return np.zeros(len(org), dtype=np.int64), np.ones(len(org), dtype=bool)
    if level == ("org",):
        return org, org != ALL
    if level == ("role_code",):
        return role, role != ALL
    return org * n_roles + role, (org != ALL) & (role != ALL)


def _alphas(answers, coded):
    """Cronbach's alpha and Feldt interval per group, over respondents who answered all items."""
    result = {}
    people = coded.people
    n_roles = int(people["role_code"].max()) + 2
    positions = coded.items["position"].to_numpy()
    for measure, sub in answers.groupby("measure", sort=False):
        k = int(coded.constructs.at[measure, "n_items"])
        if k < MIN_ITEMS:
            continue
        row, persons = pd.factorize(sub["person"].to_numpy())
        dense = np.full((len(persons), k), np.nan)
        dense[row, positions[sub["item"].to_numpy()]] = sub["value"].to_numpy()
        complete = ~np.isnan(dense).any(axis=1)
        if complete.sum() < MIN_RESPONDENTS:
            continue
        dense = np.column_stack([dense[complete], dense[complete].sum(axis=1)])
        org = people["org"].to_numpy()[persons[complete]]
        role = people["role_code"].to_numpy()[persons[complete]]
        for level in ((), ("org",), ("role_code",), ("org", "role_code")):
            ids, mask = _group_ids(org, role, level, n_roles)
            ids, values = ids[mask], dense[mask]
            if len(ids) == 0:
                continue
            group, group_keys = pd.factorize(ids)
            n = np.bincount(group)
            means = np.column_stack([np.bincount(group, weights=values[:, j]) for j in range(k + 1)]) / n[:, None]
            deviations = (values - means[group]) ** 2
            with np.errstate(invalid="ignore", divide="ignore"):
                variances = np.column_stack([np.bincount(group, weights=deviations[:, j]) for j in range(k + 1)])
                variances /= (n - 1)[:, None]
            for g, key in enumerate(group_keys):
                if n[g] < MIN_RESPONDENTS or not variances[g, k] > 0:
                    continue
                alpha = float(k / (k - 1) * (1 - variances[g, :k].sum() / variances[g, k]))
                if level == ():
                    cell = (measure, ALL, ALL)
                elif level == ("org",):
                    cell = (measure, int(key), ALL)
                elif level == ("role_code",):
                    cell = (measure, ALL, int(key))
                else:
                    cell = (measure, int(key) // n_roles, int(key) % n_roles)
                result[cell] = (alpha, feldt_interval(alpha, int(n[g]), k), int(n[g]))
    return result


def indicator_table(responses, items, min_share=0.5):
    """Unsuppressed construct indicator rows; see :func:`construct_indicators`."""
    coded = code_answers(responses, items)
    scores = person_scores(coded, min_share).rename(columns={"construct": "measure"})
    if scores.empty:
        return []
    table = moments(scores, "score")
    constructs = coded.constructs
    low = constructs["min"].to_numpy()[table["measure"].to_numpy()]
    high = constructs["max"].to_numpy()[table["measure"].to_numpy()]
    table["score"] = (table["mean"] - low) / (high - low) * 100
    add_bootstrap(scores, table, "score")
    # Distribution, top-2-box and alpha count only the respondents in the construct's n.
    answers = coded.answers.rename(columns={"construct": "measure"})
    n_people = max(len(coded.people), 1)
    included = pd.Index(scores["measure"].to_numpy() * n_people + scores["person"].to_numpy())
    answers = answers.loc[
        included.get_indexer(answers["measure"].to_numpy() * n_people + answers["person"].to_numpy()) >= 0
    ]
    answers = answers.assign(
        org=coded.people["org"].to_numpy()[answers["person"].to_numpy()],
        role_code=coded.people["role_code"].to_numpy()[answers["person"].to_numpy()],
    )
    distributions = _distributions(answers)
    alphas = _alphas(answers, coded)
    label_groups(table, coded.people)
    table["questionnaire"] = constructs["questionnaire"].to_numpy()[table["measure"].to_numpy()]
    table["construct"] = constructs["construct"].to_numpy()[table["measure"].to_numpy()]
    out = []
    cells = zip(table["measure"], table["org"], table["role_code"])
    columns = [
        "questionnaire",
        "construct",
        "organisation",
        "role",
        "n",
        "mean",
        "sd",
        "ci_low",
        "ci_high",
        "score",
        "median",
        "bca_low",
        "bca_high",
    ]
    for row, cell in zip(records(table, columns), cells):
        measure = cell[0]
        fields = _distribution_fields(
            distributions.get(cell, {}), constructs.at[measure, "min"], constructs.at[measure, "max"]
        )
        alpha, alpha_ci, alpha_n = alphas.get(cell, (None, None, None))
        full = {field: row.get(field) for field in API_FIELDS}
        full.update(top2box=fields["top2box"], alpha=alpha, alpha_ci=alpha_ci, suppressed=False)
        full.update({field: row[field] for field in ("median", "bca_low", "bca_high")})
        full.update(
            top2box_ci=fields["top2box_ci"],
            distribution=fields["distribution"],
            alpha_n=alpha_n,
            interval=shown_interval(row["n"], row["ci_low"], row["ci_high"], row["bca_low"], row["bca_high"]),
        )
        out.append(full)
    return sort_rows(out, ("questionnaire", "construct"))


def construct_indicators(responses, items, threshold, min_share=0.5):
    """Indicators of every construct for every reporting group, with suppression applied.

    Groups are (all, all), each organisation, each role and each organisation × role; in a row
    ``organisation`` and ``role`` are None for "all". A respondent counts in a construct when
    they answered at least ``min_share`` of its items.

    Parameters
    ----------
    responses : DataFrame
        Long answers; see :func:`analysis.scores.construct_scores`.
    items : DataFrame or list of dict
        Item metadata; see :func:`analysis.scores.construct_scores`.
    threshold : int
        Anonymity threshold: groups with fewer respondents are suppressed, together with the
        complementary groups they could be worked out from (:func:`analysis.anonymity.suppress`).
    min_share : float, default 0.5
        Least share of a construct's items a respondent must have answered.

    Returns
    -------
    list of dict
        One row per construct and group with the API v1 fields ``questionnaire``, ``construct``,
        ``organisation``, ``role``, ``n``, ``mean``, ``sd``, ``ci_low``, ``ci_high`` (t interval),
        ``score`` (0–100), ``top2box`` (share of answered items in the top two scale points),
        ``alpha``, ``alpha_ci`` (Feldt, ``[low, high]``), ``suppressed``, plus ``median``,
        ``bca_low``, ``bca_high`` (10 <= n < 30 only), ``top2box_ci`` (Wilson, ``[low, high]``)
        and ``distribution`` (``{scale point: count}``).

    Examples
    --------
    >>> import pandas as pd
    >>> items = [{"question": f"q{i}", "construct": "trust", "reverse": i == 3, "min": 1, "max": 5}
    ...          for i in (1, 2, 3)]
    >>> answers = {"r1": (5, 4, 1), "r2": (4, 4, 2), "r3": (3, 2, 4), "r4": (4, 5, 2), "r5": (2, 3, 3)}
    >>> responses = pd.DataFrame([
    ...     {"respondent": r, "question": f"q{i + 1}", "value": v, "organisation": "A", "role": "ict_staff"}
    ...     for r, values in answers.items() for i, v in enumerate(values)])
    >>> rows = construct_indicators(responses, items, threshold=5)
    >>> total = rows[0]
    >>> total["organisation"], total["role"], total["n"], round(total["mean"], 3), round(total["score"], 1)
    (None, None, 5, 3.6, 65.0)
    >>> round(total["top2box"], 3), round(total["alpha"], 3), total["distribution"]
    (0.6, 0.897, {'1': 0, '2': 3, '3': 3, '4': 6, '5': 3})
    >>> [(r["organisation"], r["role"], r["n"]) for r in rows]
    [(None, None, 5), ('A', None, 5), (None, 'ict_staff', 5), ('A', 'ict_staff', 5)]
    """
    threshold = check_threshold(threshold)
    return suppress(indicator_table(responses, items, min_share), threshold)


def person_indices(scores, constructs, weights, index_constructs):
    """Per person: each index as the mean of its constructs' 0–100 scores, and draagvlak.

    Parameters
    ----------
    scores : DataFrame
        From :func:`analysis.coded.person_scores`.
    constructs : DataFrame
        The construct table of the coded answers (``construct`` names by code).

    Returns
    -------
    DataFrame
        ``index``, ``person``, ``org``, ``role_code``, ``value``; draagvlak only for persons with
        every index that has a positive weight.
    """
    index_of = {construct: name for name, members in index_constructs.items() for construct in members}
    names = list(index_constructs)
    code_of = {name: i for i, name in enumerate(names)}
    construct_index = np.array([code_of.get(index_of.get(c), -1) for c in constructs["construct"]], dtype=np.int64)
    index = construct_index[scores["construct"].to_numpy()] if len(constructs) else np.array([], dtype=np.int64)
    member = index >= 0
    person = scores["person"].to_numpy()[member]
    index = index[member]
    n_people = int(person.max()) + 1 if len(person) else 0
    key, key_values = pd.factorize(index * max(n_people, 1) + person)
    sums = np.bincount(key, weights=scores["score100"].to_numpy()[member], minlength=len(key_values))
    counts = np.bincount(key, minlength=len(key_values))
    per_index = pd.DataFrame(
        {"index": key_values // max(n_people, 1), "person": key_values % max(n_people, 1), "value": sums / counts}
    )
    dense = np.full((n_people, len(names)), np.nan)
    dense[per_index["person"].to_numpy(), per_index["index"].to_numpy()] = per_index["value"].to_numpy()
    weight = np.array([weights[name] for name in names])
    direction = np.array([name in REVERSED_INDICES for name in names])
    oriented = np.where(direction, 100 - dense, dense)
    needed = weight > 0
    complete = ~np.isnan(oriented[:, needed]).any(axis=1)
    draagvlak = np.nansum(oriented[:, needed] * weight[needed], axis=1)
    who = np.flatnonzero(complete)
    overall = pd.DataFrame({"index": len(names), "person": who, "value": draagvlak[who]})
    frame = pd.concat([per_index, overall], ignore_index=True)
    org = scores.drop_duplicates("person").set_index("person")
    frame["org"] = org["org"].reindex(frame["person"]).to_numpy()
    frame["role_code"] = org["role_code"].reindex(frame["person"]).to_numpy()
    frame["index"] = frame["index"].astype(np.int64)
    return frame, names + ["draagvlak"]


def index_table(responses, items, weights=None, index_constructs=None, min_share=0.5):
    """Unsuppressed index rows; see :func:`index_indicators`."""
    weights, index_constructs = check_model(weights, index_constructs)
    coded = code_answers(responses, items)
    scores = person_scores(coded, min_share)
    if scores.empty:
        return []
    frame, names = person_indices(scores, coded.constructs, weights, index_constructs)
    if frame.empty:
        return []
    table = moments(frame.rename(columns={"index": "measure"}), "value")
    add_bootstrap(frame.rename(columns={"index": "measure"}), table, "value")  # issue 15: extra index fields
    label_groups(table, coded.people)
    table["index"] = np.asarray(names, dtype=object)[table["measure"].to_numpy()]
    oriented = np.where(table["index"].isin(REVERSED_INDICES), 100 - table["mean"], table["mean"])
    table["knelpunt"] = oriented < KNELPUNT_BELOW
    table["suppressed"] = False
    table = table.rename(columns={"mean": "value"})
    rows = records(table, INDEX_FIELDS + ["median", "bca_low", "bca_high"])
    for row in rows:
        row["interval"] = shown_interval(row["n"], row["ci_low"], row["ci_high"], row["bca_low"], row["bca_high"])
        row["knelpunt_level"] = knelpunt_level(row["value"], row["interval"], row["index"] in REVERSED_INDICES)
    order = {name: i for i, name in enumerate(["draagvlak"] + names[:-1])}
    return sort_rows(rows, ("index",), order)


def index_indicators(responses, items, threshold, weights=None, index_constructs=None, min_share=0.5):
    """Draagvlak indices on 0–100 for every reporting group, with suppression applied.

    A respondent's construct score on 0–100 is ``(score - min)/(max - min)·100``; an index is
    the mean of the respondent's scores on the index's constructs (those they have), and the
    draagvlak index is ``Σ w·index`` with ``weerstand`` entering as ``100 - WEERSTAND``, only for
    respondents who have every index with a positive weight. Per group the row gives the mean
    over respondents with its 95% t interval; ``knelpunt`` is true when the value (for
    ``weerstand``: 100 - value) is below :data:`KNELPUNT_BELOW`.

    Parameters
    ----------
    responses, items :
        As for :func:`analysis.scores.construct_scores`.
    threshold : int
        Anonymity threshold; see :func:`analysis.anonymity.suppress`.
    weights : dict, optional
        ``{index: weight}``, non-negative and summing to 1; default :data:`DEFAULT_WEIGHTS`.
    index_constructs : dict, optional
        ``{index: [construct, ...]}``; default :data:`DEFAULT_INDEX_CONSTRUCTS`.
    min_share : float, default 0.5
        Least share of a construct's items a respondent must have answered.

    Returns
    -------
    list of dict
        Rows ``index``, ``organisation``, ``role``, ``n``, ``value``, ``ci_low``, ``ci_high``,
        ``suppressed``, ``knelpunt``, ordered draagvlak first, then the indices; within an index
        (all, all), organisations, roles, organisation × role.

    Examples
    --------
    >>> import pandas as pd
    >>> model = {"wil": ["appropriateness"], "weerstand": ["routine_seeking"]}
    >>> items = [{"question": "a", "construct": "appropriateness", "min": 1, "max": 5},
    ...          {"question": "r", "construct": "routine_seeking", "min": 1, "max": 5}]
    >>> answers = [("p1", 5, 2), ("p2", 4, 1), ("p3", 4, 3), ("p4", 3, 2), ("p5", 5, 5)]
    >>> responses = pd.DataFrame([{"respondent": p, "question": q, "value": v, "organisation": "A",
    ...                            "role": "ict_staff"} for p, a, r in answers for q, v in (("a", a), ("r", r))])
    >>> rows = index_indicators(responses, items, 5, weights={"wil": 0.5, "weerstand": 0.5},
    ...                         index_constructs=model)
    >>> for r in rows:
    ...     if r["organisation"] is None and r["role"] is None:
    ...         print(r["index"], r["n"], r["value"], r["knelpunt"])
    draagvlak 5 70.0 False
    wil 5 80.0 False
    weerstand 5 40.0 False
    """
    threshold = check_threshold(threshold)
    return suppress(index_table(responses, items, weights, index_constructs, min_share), threshold)


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
        results.append(result)
    return results
