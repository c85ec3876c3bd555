"""The reporting groups — (all, all), organisations, roles, organisation × role — and their statistics."""

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analysis._frames import plain
from analysis.intervals import BCA_MAX_N, BCA_MIN_N, bca_interval

#: Group levels: which of the code columns ``org`` and ``role_code`` a group is split by.
LEVELS = ((), ("org",), ("role_code",), ("org", "role_code"))
#: Code that marks "all" in a group table (and "missing" in the inputs).
ALL = -1


def level_rows(frame: pd.DataFrame) -> Iterator[tuple[tuple[str, ...], pd.DataFrame]]:
    """Yield ``(level, rows)`` per group level; rows with a missing code count in totals only."""
    for level in LEVELS:
        rows = frame
        for column in level:
            rows = rows.loc[rows[column].to_numpy() != ALL]
        yield level, rows


def _fill(table: pd.DataFrame, level: tuple[str, ...]) -> pd.DataFrame:
    for column in ("org", "role_code"):
        if column not in level:
            table[column] = ALL
    return table


def level_keys(
    measure: Any, org: Any, role: Any, level: tuple[str, ...]
) -> tuple[np.ndarray, Callable[[Any], tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """One integer key per row for the groups of ``level``, -1 for rows outside them.

    ``measure``, ``org`` and ``role`` are integer code arrays (org and role -1 when missing).
    Returns ``(keys, decode)`` where ``decode(keys)`` gives ``(measure, org, role_code)`` arrays
    with -1 (:data:`ALL`) for the levels not split on.

    Examples
    --------
    >>> import numpy as np
    >>> keys, decode = level_keys(np.array([0, 1]), np.array([2, -1]), np.array([0, 1]), ("org",))
    >>> int(keys[1]), [a.tolist() for a in decode(keys[:1])]
    (-1, [[0], [2], [-1]])
    """
    measure = np.asarray(measure, dtype=np.int64)
    org = np.asarray(org, dtype=np.int64)
    role = np.asarray(role, dtype=np.int64)
    n_org = int(org.max()) + 2 if len(org) else 1
    n_role = int(role.max()) + 2 if len(role) else 1
    use_org = "org" in level
    use_role = "role_code" in level
    keys = (measure * n_org + (org + 1 if use_org else 0)) * n_role + (role + 1 if use_role else 0)
    outside = np.zeros(len(keys), dtype=bool)
    if use_org:
        outside |= org == ALL
    if use_role:
        outside |= role == ALL
    keys[outside] = -1

    def decode(k: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        k = np.asarray(k, dtype=np.int64)
        return k // (n_org * n_role), (k // n_role) % n_org - 1, k % n_role - 1

    return keys, decode


def moments(frame: pd.DataFrame, value: str, measure: str = "measure") -> pd.DataFrame:
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

    Notes
    -----
    One pandas groupby per level over a single integer key and no copies of the frame; the
    figures of a group depend only on its values in row order, as with a groupby per column.
    """
    values = frame[value].to_numpy()
    codes = (frame[measure].to_numpy(), frame["org"].to_numpy(), frame["role_code"].to_numpy())
    tables = []
    for level in LEVELS:
        keys, decode = level_keys(*codes, level)
        inside = keys >= 0
        table = pd.Series(values[inside]).groupby(keys[inside], sort=False).agg(["size", "mean", "std", "median"])
        m, org, role = decode(table.index.to_numpy())
        tables.append(
            pd.DataFrame(
                {
                    measure: m,
                    "org": org,
                    "role_code": role,
                    "n": table["size"].to_numpy(),
                    "mean": table["mean"].to_numpy(),
                    "sd": table["std"].to_numpy(),
                    "median": table["median"].to_numpy(),
                }
            )
        )
    table = pd.concat(tables, ignore_index=True)
    n = table["n"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(0.975, np.where(n > 1, n - 1, np.nan)) * table["sd"].to_numpy() / np.sqrt(n)
    table["ci_low"] = table["mean"] - half
    table["ci_high"] = table["mean"] + half
    return table


def add_bootstrap(frame: pd.DataFrame, table: pd.DataFrame, value: str, measure: str = "measure") -> pd.DataFrame:
    """Add ``bca_low``/``bca_high`` to ``table``: BCa bounds for 10 <= n < 30, None elsewhere."""
    lows: list[float | None] = [None] * len(table)
    highs: list[float | None] = [None] * len(table)
    wanted = (table["n"] >= BCA_MIN_N) & (table["n"] < BCA_MAX_N)
    if wanted.any():
        position = {key: i for i, key in enumerate(zip(table[measure], table["org"], table["role_code"]))}
        values = frame[value].to_numpy()
        codes = (frame[measure].to_numpy(), frame["org"].to_numpy(), frame["role_code"].to_numpy())
        for level in LEVELS:
            keys, decode = level_keys(*codes, level)
            inside = np.flatnonzero(keys >= 0)
            sizes = np.bincount(keys[inside])
            small = (sizes >= BCA_MIN_N) & (sizes < BCA_MAX_N)
            rows = inside[small[keys[inside]]]
            if not len(rows):
                continue
            rows = rows[np.argsort(keys[rows], kind="stable")]  # row order kept within a group
            starts = np.flatnonzero(np.r_[True, keys[rows][1:] != keys[rows][:-1]])
            for group, (m, org, role) in zip(np.split(rows, starts[1:]), zip(*decode(keys[rows[starts]]))):
                i = position[(m, org, role)]
                lows[i], highs[i] = bca_interval(values[group])
    table["bca_low"] = lows
    table["bca_high"] = highs
    return table


def label_groups(table: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Replace the ``org`` and ``role_code`` codes by ``organisation`` and ``role`` labels."""
    org_labels = dict(zip(people["org"], people["organisation"]))
    role_labels = dict(zip(people["role_code"], people["role"]))
    org_labels[ALL] = None
    role_labels[ALL] = None
    table["organisation"] = table["org"].map(org_labels)
    table["role"] = table["role_code"].map(role_labels)
    return table


def sort_rows(
    rows: list[dict[str, Any]], measure_keys: Sequence[str], measure_order: Mapping[Any, int] | None = None
) -> list[dict[str, Any]]:
    """Order rows by measure, then (all, all), organisations, roles, organisation × role."""

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        level = (row["organisation"] is not None) + 2 * (row["role"] is not None)
        measure: tuple[Any, ...] = tuple(str(row[k]) for k in measure_keys)
        if measure_order is not None:
            measure = (measure_order.get(row[measure_keys[0]], len(measure_order)),) + measure
        return measure + ((0, 1, 2, 3)[level], str(row["organisation"]), str(row["role"]))

    return sorted(rows, key=key)


def records(table: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    """Rows of ``table`` as plain-Python dicts with ``columns`` in that order."""
    return [
        {column: plain(v) for column, v in zip(columns, values)}
        for values in table[columns].itertuples(index=False, name=None)
    ]
