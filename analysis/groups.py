"""The reporting groups — (all, all), organisations, roles, organisation × role — and their statistics."""

import numpy as np
import pandas as pd
from scipy import stats

from analysis._frames import plain
from analysis.intervals import BCA_MAX_N, BCA_MIN_N, bca_interval

#: Group levels: which of the code columns ``org`` and ``role_code`` a group is split by.
LEVELS = ((), ("org",), ("role_code",), ("org", "role_code"))
#: Code that marks "all" in a group table (and "missing" in the inputs).
ALL = -1


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
        table = rows.groupby([measure] + list(level), sort=False)[value].agg(["size", "mean", "std", "median"]).reset_index()
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


def label_groups(table, people):
    """Replace the ``org`` and ``role_code`` codes by ``organisation`` and ``role`` labels."""
    org_labels = dict(zip(people["org"], people["organisation"]))
    role_labels = dict(zip(people["role_code"], people["role"]))
    org_labels[ALL] = None
    role_labels[ALL] = None
    table["organisation"] = table["org"].map(org_labels)
    table["role"] = table["role_code"].map(role_labels)
    return table


def sort_rows(rows, measure_keys, measure_order=None):
    """Order rows by measure, then (all, all), organisations, roles, organisation × role."""
    def key(row):
        level = (row["organisation"] is not None) + 2 * (row["role"] is not None)
        measure = tuple(str(row[k]) for k in measure_keys)
        if measure_order is not None:
            measure = (measure_order.get(row[measure_keys[0]], len(measure_order)),) + measure
        return measure + ((0, 1, 2, 3)[level], str(row["organisation"]), str(row["role"]))
    return sorted(rows, key=key)


def records(table, columns):
    """Rows of ``table`` as plain-Python dicts with ``columns`` in that order."""
    return [{column: plain(v) for column, v in zip(columns, values)}
            for values in table[columns].itertuples(index=False, name=None)]
