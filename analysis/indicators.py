"""Construct indicators per group: n, mean, intervals, 0–100 score, top-2-box, distribution, alpha."""

import numpy as np
import pandas as pd

from analysis._frames import check_threshold
from analysis.anonymity import suppress
from analysis.coded import code_answers, person_scores
from analysis.groups import ALL, add_bootstrap, label_groups, level_rows, moments, records, sort_rows
from analysis.intervals import wilson_interval
from analysis.reliability import MIN_ITEMS, MIN_RESPONDENTS, feldt_interval

#: The fields of API v1 ``constructs`` rows, in order; extra fields follow them.
API_FIELDS = ["questionnaire", "construct", "organisation", "role", "n", "mean", "sd", "ci_low", "ci_high",
              "score", "top2box", "alpha", "alpha_ci", "suppressed"]
EXTRA_FIELDS = ["median", "bca_low", "bca_high", "top2box_ci", "distribution"]


def _point(value):
    return str(int(value)) if float(value).is_integer() else repr(float(value))


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


def _distribution_fields(counts, low, high):
    points = {float(v): 0 for v in np.arange(low, high + 1)} if float(low).is_integer() and float(high).is_integer() else {}
    points.update(counts)
    total = sum(counts.values())
    top = sum(c for v, c in counts.items() if v >= high - 1)
    ci = wilson_interval(top, total)
    return {
        "top2box": top / total if total else None,
        "top2box_ci": [ci[0], ci[1]] if total else None,
        "distribution": {_point(v): int(points[v]) for v in sorted(points)},
    }


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
                result[cell] = (alpha, feldt_interval(alpha, int(n[g]), k))
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
    answers = answers.loc[included.get_indexer(answers["measure"].to_numpy() * n_people
                                               + answers["person"].to_numpy()) >= 0]
    answers = answers.assign(org=coded.people["org"].to_numpy()[answers["person"].to_numpy()],
                             role_code=coded.people["role_code"].to_numpy()[answers["person"].to_numpy()])
    distributions = _distributions(answers)
    alphas = _alphas(answers, coded)
    label_groups(table, coded.people)
    table["questionnaire"] = constructs["questionnaire"].to_numpy()[table["measure"].to_numpy()]
    table["construct"] = constructs["construct"].to_numpy()[table["measure"].to_numpy()]
    out = []
    cells = zip(table["measure"], table["org"], table["role_code"])
    columns = ["questionnaire", "construct", "organisation", "role", "n", "mean", "sd", "ci_low", "ci_high",
               "score", "median", "bca_low", "bca_high"]
    for row, cell in zip(records(table, columns), cells):
        measure = cell[0]
        fields = _distribution_fields(distributions.get(cell, {}), constructs.at[measure, "min"],
                                      constructs.at[measure, "max"])
        alpha, alpha_ci = alphas.get(cell, (None, None))
        full = {field: row.get(field) for field in API_FIELDS}
        full.update(top2box=fields["top2box"], alpha=alpha, alpha_ci=alpha_ci, suppressed=False)
        full.update({field: row[field] for field in ("median", "bca_low", "bca_high")})
        full.update(top2box_ci=fields["top2box_ci"], distribution=fields["distribution"])
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
