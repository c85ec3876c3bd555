"""Construct indicators per group: n, mean, intervals, 0–100 score, top-2-box, distribution, alpha."""

import math

import numpy as np
import pandas as pd

from analysis._blocks import _BLOCK
from analysis._frames import check_threshold
from analysis.anonymity import suppress
from analysis.coded import as_prepared
from analysis.fields import API_FIELDS
from analysis.fields import EXTRA_FIELDS as EXTRA_FIELDS  # the rows' further fields, for callers of this module
from analysis.groups import ALL, LEVELS, add_bootstrap, label_groups, level_keys, moments, records, sort_rows
from analysis.intervals import shown_interval, wilson_interval
from analysis.reliability import MIN_ITEMS, MIN_RESPONDENTS, feldt_intervals


def _point(value):
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _value_codes(values):
    """(codes, points) like ``pd.factorize`` (first appearance), block by block: the scale points are
    few, so a small index replaces a hash table as long as the answers."""
    points, seen = [], set()
    for start in range(0, len(values), _BLOCK):
        for point in pd.unique(values[start : start + _BLOCK]).tolist():
            if point == point and point not in seen:  # NaN (never counted) stays uncoded
                seen.add(point)
                points.append(point)
    index = pd.Index(points, dtype=float)
    codes = np.empty(len(values), dtype=np.int32)
    for start in range(0, len(values), _BLOCK):
        codes[start : start + _BLOCK] = index.get_indexer(values[start : start + _BLOCK])
    return codes, points


def _distributions(measure, org, role, values):
    """Answer counts per scale point for every group: ``{(measure, org, role_code): {value: count}}``."""
    value_code, points = _value_codes(values)
    n_values = max(len(points), 1)
    sizes = (
        int(measure.max()) + 1 if len(measure) else 1,
        int(org.max()) + 2 if len(org) else 1,
        int(role.max()) + 2 if len(role) else 1,
        n_values,
    )
    # Narrow codes (analysis.coded) would wrap in the key arithmetic below: widen them once.
    wide = np.int64 if math.prod(sizes) >= 2**31 else np.int32
    measure, org, role = (np.asarray(a).astype(wide, copy=False) for a in (measure, org, role))
    value_code = value_code.astype(wide, copy=False)
    result = {}
    if math.prod(sizes) > 4 * len(values) + 1_000_000:  # many distinct values: count the present cells only
        for level in LEVELS:
            keys, decode = level_keys(measure, org, role, level)
            inside = keys >= 0
            cells, counts = np.unique(keys[inside] * n_values + value_code[inside], return_counts=True)
            m, o, r = decode(cells // n_values)
            for cell, point, count in zip(
                zip(m.tolist(), o.tolist(), r.tolist()), (cells % n_values).tolist(), counts.tolist()
            ):
                result.setdefault(cell, {})[points[point]] = count
        return result
    # One count over (measure, organisation + 1, role + 1, value); index 0 is "missing".
    finest = np.bincount(
        ((measure * sizes[1] + org + 1) * sizes[2] + role + 1) * n_values + value_code, minlength=math.prod(sizes)
    ).reshape(sizes)
    return _distribution_tables(finest, points)


def _distribution_tables(finest, points):
    """``{(measure, org, role_code): {value: count}}`` of every level from the finest count table."""
    result = {}
    tables = (
        finest.sum(axis=(1, 2))[:, None, None, :],
        finest[:, 1:].sum(axis=2)[:, :, None, :],
        finest[:, :, 1:].sum(axis=1)[:, None, :, :],
        finest[:, 1:, 1:],
    )
    for level, table in zip(LEVELS, tables):
        m, o, r, v = np.nonzero(table)
        counts = table[m, o, r, v].tolist()
        o = o if "org" in level else np.full(len(o), ALL)  # the "missing" index 0 is sliced off
        r = r if "role_code" in level else np.full(len(r), ALL)
        for cell, point, count in zip(zip(m.tolist(), o.tolist(), r.tolist()), v.tolist(), counts):
            result.setdefault(cell, {})[points[point]] = count
    return result


# Cells of the finest count table up to which it is counted block by block (one bincount of this
# length per block of answers); a larger table falls back to per-answer keys and np.unique.
_BLOCKED_CELLS = 1 << 20


def _counted_distributions(prepared):
    """:func:`_distributions` of the answers that count in a score, counted one construct at a time.

    The answers of a construct come as its respondents × items matrix (rows: the people scored
    in it, with their score's organisation and role): no per-answer arrays.
    """
    coded, scores = prepared.coded, prepared.scores
    org_of = scores["org"].to_numpy()
    role_of = scores["role_code"].to_numpy()
    seen = set()
    for block in coded.blocks:
        for start in range(0, len(block.values), _BLOCK):
            seen.update(pd.unique(block.values[start : start + _BLOCK].ravel()).tolist())
    points = sorted(point for point in seen if point == point)  # NaN (never counted) stays uncoded
    n_values = max(len(points), 1)
    sizes = (
        int(scores["construct"].max()) + 1 if len(scores) else 1,
        int(org_of.max()) + 2 if len(org_of) else 1,
        int(role_of.max()) + 2 if len(role_of) else 1,
        n_values,
    )
    index = pd.Index(points, dtype=float)
    blocked = math.prod(sizes) <= _BLOCKED_CELLS
    finest = np.zeros(math.prod(sizes) if blocked else 0, dtype=np.int64)
    parts = []
    for m, score_rows, dense in prepared.construct_matrices():
        answered = ~np.isnan(dense)
        row = np.nonzero(answered)[0]
        org, role, values = org_of[score_rows][row], role_of[score_rows][row], dense[answered]
        if not blocked:  # a large table: the counted answers of every construct, then per-answer keys
            parts.append((np.full(len(values), m, dtype=np.int64), org, role, values))
            continue
        key = ((m * sizes[1] + org.astype(np.int64) + 1) * sizes[2] + role + 1) * n_values + index.get_indexer(values)
        finest += np.bincount(key, minlength=len(finest))
    if not blocked:
        measure, org, role, values = (np.concatenate(column) for column in zip(*parts)) if parts else ([],) * 4
        return _distributions(np.asarray(measure), np.asarray(org), np.asarray(role), np.asarray(values))
    return _distribution_tables(finest.reshape(sizes), points)


def _distribution_fields(counts, low, high):
    points = (
        {float(v): 0 for v in np.arange(low, high + 1)} if float(low).is_integer() and float(high).is_integer() else {}
    )
    points.update(counts)
    total = sum(counts.values())
    top = sum(c for v, c in counts.items() if v >= high - 1)
    ci = wilson_interval(top, total)
    return {
        "top2box": top / total if total else None,
        "top2box_ci": [ci[0], ci[1]] if total else None,
        "distribution": {_point(v): int(points[v]) for v in sorted(points)},
    }


def _alphas(prepared):
    """Cronbach's alpha and Feldt interval per group, over respondents who answered all items.

    Only respondents counted in the construct's n take part. Each construct's respondents ×
    items matrix is built on its own (:meth:`Prepared.construct_matrices`); its rows are in the
    order of the scores (first appearance of the respondent in the construct's answers).
    """
    coded, scores = prepared.coded, prepared.scores
    people = coded.people
    org_of = people["org"].to_numpy()
    role_of = people["role_code"].to_numpy()
    n_items = coded.constructs["n_items"].to_numpy()
    person_of = scores["person"].to_numpy()
    present = np.flatnonzero(np.bincount(scores["construct"].to_numpy(), minlength=len(n_items)))
    found = []
    wanted = [m for m in present.tolist() if int(n_items[m]) >= MIN_ITEMS]
    for m, score_rows, dense in prepared.construct_matrices(wanted):
        k = int(n_items[m])
        complete = ~np.isnan(dense).any(axis=1)
        if complete.sum() < MIN_RESPONDENTS:
            continue
        complete_rows = dense[complete].astype(np.float64)  # every sum below in float64, as always
        dense = np.column_stack([complete_rows, complete_rows.sum(axis=1)])
        members = person_of[score_rows[complete]]
        # Every group of every level in one pass: the rows of each level once more, in row order,
        # so each group's sums add its rows in the same order as a pass per level would.
        measure_codes, org_codes, role_codes = np.full(len(members), m), org_of[members], role_of[members]
        keys, rows = [], []
        for level in LEVELS:
            level_key, decode = level_keys(measure_codes, org_codes, role_codes, level)
            inside = np.flatnonzero(level_key >= 0)
            keys.append(level_key[inside])
            rows.append(inside)
        keys = np.concatenate(keys)
        present = np.bincount(keys)
        group_keys = np.flatnonzero(present)
        group = (np.cumsum(present > 0) - 1)[keys]
        part = np.asfortranarray(dense[np.concatenate(rows)])  # contiguous columns for bincount
        n = present[group_keys]
        means = np.column_stack([np.bincount(group, weights=part[:, j]) for j in range(k + 1)]) / n[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            variances = np.column_stack(
                [np.bincount(group, weights=(part[:, j] - means[:, j][group]) ** 2) for j in range(k + 1)]
            )
            variances /= (n - 1)[:, None]
        cells = zip(*(a.tolist() for a in decode(group_keys)))
        for g, cell in enumerate(cells):
            if n[g] < MIN_RESPONDENTS or not variances[g, k] > 0:
                continue
            alpha = float(k / (k - 1) * (1 - variances[g, :k].sum() / variances[g, k]))
            found.append((cell, alpha, int(n[g]), k))
    intervals = feldt_intervals([f[1] for f in found], [f[2] for f in found], [f[3] for f in found])
    return {cell: (alpha, interval, n_complete) for (cell, alpha, n_complete, _), interval in zip(found, intervals)}


def indicator_table(responses, items=None, min_share=None):
    """Unsuppressed construct indicator rows; see :func:`construct_indicators`."""
    prepared = as_prepared(responses, items, min_share)
    coded, scores = prepared.coded, prepared.scores
    if scores.empty:
        return []
    table = moments(scores, "score", measure="construct")
    add_bootstrap(scores, table, "score", measure="construct")
    measure = table["construct"].to_numpy()
    constructs = coded.constructs
    low = constructs["min"].to_numpy()[measure]
    high = constructs["max"].to_numpy()[measure]
    table["score"] = (table["mean"] - low) / (high - low) * 100
    # Distribution, top-2-box and alpha count only the respondents in the construct's n.
    distributions = _counted_distributions(prepared)
    alphas = _alphas(prepared)
    label_groups(table, coded.people)
    table["questionnaire"] = constructs["questionnaire"].to_numpy()[measure]
    table["construct"] = constructs["construct"].to_numpy()[measure]
    lows = constructs["min"].to_numpy()
    highs = constructs["max"].to_numpy()
    out = []
    cells = zip(measure.tolist(), table["org"].tolist(), table["role_code"].tolist())
    # The table's own columns: the API fields up to the score, then the median and the BCa bounds.
    columns = [*API_FIELDS[: API_FIELDS.index("score") + 1], *EXTRA_FIELDS[:3]]
    for row, cell in zip(records(table, columns), cells):
        fields = _distribution_fields(distributions.get(cell, {}), lows[cell[0]], highs[cell[0]])
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


def construct_indicators(responses, items=None, threshold=None, min_share=None):
    """Indicators of every construct for every reporting group, with suppression applied.

    Groups are (all, all), each organisation, each role and each organisation × role; in a row
    ``organisation`` and ``role`` are None for "all". A respondent counts in a construct when
    they answered at least ``min_share`` of its items.

    Parameters
    ----------
    responses : DataFrame or Prepared
        Long answers; see :func:`analysis.scores.construct_scores`. Or answers already coded
        and scored by :func:`analysis.prepare` (then leave ``items`` out), to share that work
        with :func:`analysis.index_indicators` and :func:`analysis.compare_groups`.
    items : DataFrame or list of dict
        Item metadata; see :func:`analysis.scores.construct_scores`.
    threshold : int
        Anonymity threshold: groups with fewer respondents are suppressed, together with the
        complementary groups they could be worked out from (:func:`analysis.anonymity.suppress`).
    min_share : float, default 0.5
        Least share of a construct's items a respondent must have answered (prepared answers
        bring their own).

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
