"""The reporting groups — (all, all), organisations, roles, organisation × role — and their statistics."""

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analysis._blocks import _BLOCK
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
        ``ci_low``, ``ci_high``; per level, groups in key order. ``n`` counts a group's rows, the
        other figures its non-missing values (as a pandas groupby's size, mean, std and median).
    """
    return moments_of(
        frame[value].to_numpy(),
        frame[measure].to_numpy(),
        frame["org"].to_numpy(),
        frame["role_code"].to_numpy(),
        measure,
    )


# Cells (groups × distinct values) up to which :func:`moments_of` counts values per group; more
# distinct values (an index on 0–100) take the sorting path.
_COUNTED_CELLS = 1 << 21


def moments_of(values: Any, measure: Any, org: Any, role: Any, name: str = "measure") -> pd.DataFrame:
    """:func:`moments` from arrays: ``values`` and the integer codes ``measure``, ``org``, ``role``.

    Notes
    -----
    No pandas groupby and no per-row temporaries beyond a block: scores take few distinct values,
    so one count per (measure, organisation, role, value) gives every level's n, mean, sd and exact
    median (sums in float64 over the distinct values, two passes for the variance). Values with many
    distinct points are summed with ``bincount`` (the mean corrected by a second pass over the
    deviations) and their medians found by sorting each level once. Means and sds agree with a
    groupby's to about 1e-15 relative (another summation order); n and medians are exact.
    """
    values = np.asarray(values)
    measure, org, role = (np.asarray(a) for a in (measure, org, role))
    groups = (
        int(measure.max()) + 1 if len(measure) else 1,
        int(org.max()) + 2 if len(org) else 1,
        int(role.max()) + 2 if len(role) else 1,
    )
    points = _distinct(values, _COUNTED_CELLS // math.prod(groups) - 1)
    if points is not None:
        columns = _counted_moments(values, measure, org, role, points, (*groups, len(points) + 1))
    else:
        columns = _sorted_moments(values, measure, org, role)
    table = pd.DataFrame({name: columns[0], "org": columns[1], "role_code": columns[2]})
    for column, array in zip(("n", "mean", "sd", "median"), columns[3:]):
        table[column] = array
    n = table["n"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(0.975, np.where(n > 1, n - 1, np.nan)) * table["sd"].to_numpy() / np.sqrt(n)
    table["ci_low"] = table["mean"] - half
    table["ci_high"] = table["mean"] + half
    return table


def _distinct(values: np.ndarray, most: int) -> np.ndarray | None:
    """The sorted distinct non-missing values, found block by block; None beyond ``most`` of them."""
    seen: set[float] = set()
    for start in range(0, len(values), _BLOCK):
        seen.update(pd.unique(values[start : start + _BLOCK]).tolist())
        if len(seen) > most + 1:  # + 1: NaN may be among them
            return None
    points = np.sort(np.array([v for v in seen if v == v], dtype=np.float64))
    return points if len(points) <= most else None


def _counted_moments(
    values: np.ndarray,
    measure: np.ndarray,
    org: np.ndarray,
    role: np.ndarray,
    points: np.ndarray,
    sizes: tuple[int, ...],
) -> list[np.ndarray]:
    """Per level: counts per (group, distinct value), then n, mean, sd and median from them."""
    index = pd.Index(points)
    finest = np.zeros(math.prod(sizes), dtype=np.int64)
    for start in range(0, len(values), _BLOCK):
        block = slice(start, start + _BLOCK)
        code = index.get_indexer(values[block])
        code[code < 0] = len(points)  # missing
        key = ((measure[block].astype(np.int64) * sizes[1] + org[block] + 1) * sizes[2] + role[block] + 1) * sizes[
            3
        ] + code
        finest += np.bincount(key, minlength=len(finest))
    finest = finest.reshape(sizes)
    tables = (  # per level: (measure, org index, role index, value) counts; index -1 is "all"
        finest.sum(axis=(1, 2))[:, None, None, :],
        finest[:, 1:].sum(axis=2)[:, :, None, :],
        finest[:, :, 1:].sum(axis=1)[:, None, :, :],
        finest[:, 1:, 1:],
    )
    out: list[list[np.ndarray]] = [[] for _ in range(7)]
    for level, table in zip(LEVELS, tables):
        shape = table.shape
        counts = table.reshape(-1, shape[3])
        n = counts.sum(axis=1)
        group = np.flatnonzero(n)
        m, o, r = np.unravel_index(group, shape[:3])
        counts, n = counts[group, :-1], n[group]
        mean, sd, median = _from_counts(counts, points)
        out[0].append(m)
        out[1].append(o if "org" in level else np.full(len(o), ALL))
        out[2].append(r if "role_code" in level else np.full(len(r), ALL))
        for i, array in enumerate((n, mean, sd, median)):
            out[3 + i].append(array)
    return [np.concatenate(parts) for parts in out]


def _from_counts(counts: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, sd and median per row of ``counts`` (how often each of the sorted ``points`` occurs)."""
    valid = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (counts * points).sum(axis=1) / valid
        variance = (counts * (points - mean[:, None]) ** 2).sum(axis=1) / (valid - 1)
    sd = np.sqrt(np.where(valid > 1, variance, np.nan))
    # The values of rank (v-1)//2 and v//2 (0-based): the first point whose cumulative count passes the rank.
    below = np.cumsum(counts, axis=1)
    low = (below <= ((valid - 1) // 2)[:, None]).sum(axis=1)
    high = (below <= (valid // 2)[:, None]).sum(axis=1)
    last = max(len(points) - 1, 0)
    padded = points if len(points) else np.array([np.nan])
    median = np.where(valid > 0, (padded[np.minimum(high, last)] + padded[np.minimum(low, last)]) / 2, np.nan)
    return mean, sd, median


def _sorted_moments(values: np.ndarray, measure: np.ndarray, org: np.ndarray, role: np.ndarray) -> list[np.ndarray]:
    """Per level: sums by ``bincount`` and medians from the values sorted within their group."""
    values = values.astype(np.float64, copy=False)
    out: list[list[np.ndarray]] = [[] for _ in range(7)]
    for level in LEVELS:
        keys, decode = level_keys(measure, org, role, level)
        inside = keys >= 0
        if not inside.all():
            keys, level_values = keys[inside], values[inside]
        else:
            level_values = values
        group_keys, group = np.unique(keys, return_inverse=True)
        del keys
        n = np.bincount(group, minlength=len(group_keys))
        valid = ~np.isnan(level_values)
        count = np.bincount(group, weights=valid, minlength=len(group_keys))
        clean = np.where(valid, level_values, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.bincount(group, weights=clean, minlength=len(group_keys)) / count
            # A second pass over the deviations corrects the rounding of the first sum.
            mean += (
                np.bincount(group, weights=np.where(valid, clean - mean[group], 0.0), minlength=len(group_keys)) / count
            )
            squares = np.where(valid, (clean - mean[group]) ** 2, 0.0)
            variance = np.bincount(group, weights=squares, minlength=len(group_keys)) / (count - 1)
        del clean, squares
        sd = np.sqrt(np.where(count > 1, variance, np.nan))
        order = np.lexsort((level_values, group))  # by group, then value; missing values last
        ordered = level_values[order]
        del order
        start = np.concatenate([[0], np.cumsum(n)[:-1]])
        valid_count = count.astype(np.int64)
        last = np.maximum(start + valid_count - 1, 0)
        low = np.minimum(start + (valid_count - 1) // 2, last)
        high = np.minimum(start + valid_count // 2, last)
        median = np.where(valid_count > 0, (ordered[high] + ordered[low]) / 2, np.nan) if len(ordered) else ordered
        m, o, r = decode(group_keys)
        for i, array in enumerate((m, o, r, n, mean, sd, median)):
            out[i].append(array)
    return [np.concatenate(parts) for parts in out]


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
