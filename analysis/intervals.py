"""Confidence intervals and the descriptive summary of one group's scores."""

import functools
import math
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy import stats

from analysis._frames import plain

#: Seed of the BCa bootstrap, fixed so that a snapshot can be recomputed to the same figures.
BOOTSTRAP_SEED = 20240501
#: BCa intervals are given for groups with BCA_MIN_N <= n < BCA_MAX_N (DOMAIN.md).
BCA_MIN_N = 10
BCA_MAX_N = 30


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level!r}")


def _finite(x: Any) -> np.ndarray:
    arr = np.asarray(x, dtype=float).ravel()
    finite: np.ndarray = arr[~np.isnan(arr)]
    return finite


def t_interval(x: Any, level: float = 0.95) -> tuple[float | None, float | None]:
    """Student t confidence interval for the mean: ``mean ± t(1-(1-level)/2, n-1)·sd/√n``.

    Parameters
    ----------
    x : array-like of float
        Observations; NaN values are ignored.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    tuple of (float or None, float or None)
        ``(low, high)``; ``(None, None)`` with fewer than two observations.

    Examples
    --------
    >>> low, high = t_interval([2, 4, 4, 5])
    >>> round(low, 4), round(high, 4)
    (1.7478, 5.7522)
    >>> t_interval([3])
    (None, None)
    """
    _check_level(level)
    arr = _finite(x)
    n = arr.size
    if n < 2:
        return None, None
    mean = float(arr.mean())
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * float(arr.std(ddof=1)) / math.sqrt(n)
    return mean - half, mean + half


@functools.lru_cache(maxsize=16)
def _z(level: float) -> float:
    """The two-sided normal quantile of ``level`` (cached: the indicators ask for it per group)."""
    return float(stats.norm.ppf(0.5 + level / 2))


def wilson_interval(k: int, n: int, level: float = 0.95) -> tuple[float | None, float | None]:
    """Wilson score interval for a proportion ``k / n`` (Wilson 1927; Newcombe 1998, method 3).

    Parameters
    ----------
    k : int
        Number of successes, ``0 <= k <= n``.
    n : int
        Number of trials.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    tuple of (float or None, float or None)
        ``(low, high)`` on 0–1; ``(None, None)`` when ``n == 0``.

    Examples
    --------
    Newcombe (1998), Table I, example (c): 81 of 263.

    >>> low, high = wilson_interval(81, 263)
    >>> round(low, 4), round(high, 4)
    (0.2553, 0.3662)
    """
    _check_level(level)
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"need 0 <= k <= n, got k={k!r}, n={n!r}")
    if n == 0:
        return None, None
    z = _z(level)
    p = k / n
    denominator = 1 + z * z / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, (centre - half) / denominator), min(1.0, (centre + half) / denominator)


def bca_interval(
    x: Any, n_resamples: int = 2000, seed: int = BOOTSTRAP_SEED, level: float = 0.95
) -> tuple[float | None, float | None]:
    """Bias-corrected and accelerated bootstrap interval for the mean (Efron 1987).

    The observations are sorted first, so the interval depends only on the values and not on
    their order; the fixed ``seed`` makes it reproducible.

    Parameters
    ----------
    x : array-like of float
        Observations; NaN values are ignored.
    n_resamples : int, default 2000
        Number of bootstrap resamples.
    seed : int, default BOOTSTRAP_SEED
        Seed of the resampling generator.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    tuple of (float or None, float or None)
        ``(low, high)``; ``(None, None)`` with fewer than two observations; ``(v, v)`` when all
        observations equal ``v``.

    Examples
    --------
    >>> low, high = bca_interval([1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 1, 2])
    >>> 1 < low < 2.9 < high < 4
    True
    >>> bca_interval([4, 4, 4])
    (4.0, 4.0)
    """
    _check_level(level)
    if int(n_resamples) < 1:
        raise ValueError("n_resamples must be at least 1")
    arr = np.sort(_finite(x))
    if arr.size < 2:
        return None, None
    if arr[0] == arr[-1]:
        return float(arr[0]), float(arr[0])
    with warnings.catch_warnings():
        # Few distinct values can make the BCa correction degenerate; we then report None.
        warnings.simplefilter("ignore")
        result = stats.bootstrap(
            (arr,),
            np.mean,
            confidence_level=level,
            n_resamples=int(n_resamples),
            method="BCa",
            rng=np.random.default_rng(seed),
        )
    return plain(result.confidence_interval.low), plain(result.confidence_interval.high)


def describe(x: Any, level: float = 0.95) -> dict[str, Any]:
    """Summarise one group's scores the way the indicator pages show them.

    Parameters
    ----------
    x : array-like of float
        Scores; NaN values are ignored.
    level : float, default 0.95
        Confidence level of both intervals.

    Returns
    -------
    dict
        ``n``, ``mean``, ``sd`` (ddof=1), ``median``, ``ci_low``/``ci_high`` (t interval) and
        ``bca_low``/``bca_high`` (BCa bootstrap, only when 10 <= n < 30, else None). Figures that
        need more observations than there are are None.

    Examples
    --------
    >>> d = describe([2, 4, 4, 5])
    >>> d["n"], d["mean"], round(d["sd"], 4), d["median"], d["bca_low"]
    (4, 3.75, 1.2583, 4.0, None)
    >>> describe([])["mean"] is None
    True
    """
    arr = _finite(x)
    n = int(arr.size)
    ci_low, ci_high = t_interval(arr, level)
    bca_low = bca_high = None
    if BCA_MIN_N <= n < BCA_MAX_N:
        bca_low, bca_high = bca_interval(arr, level=level)
    return {
        "n": n,
        "mean": float(arr.mean()) if n else None,
        "sd": float(arr.std(ddof=1)) if n > 1 else None,
        "median": float(np.median(arr)) if n else None,
        "ci_low": ci_low,
        "ci_high": ci_high,
        "bca_low": bca_low,
        "bca_high": bca_high,
    }


#: Below this n a page shows the median and the distribution, not an interval (DOMAIN.md).
MEDIAN_ONLY_BELOW = BCA_MIN_N


def shown_interval(
    n: int | None, ci_low: Any, ci_high: Any, bca_low: Any = None, bca_high: Any = None
) -> dict[str, Any] | None:
    """The interval a page shows for a group of ``n``: the documented choice per group size.

    ``"median"`` (no interval: median and distribution) for n < 10, ``"bca"`` for 10 <= n < 30
    (``"t"`` when no BCa bounds were computed), ``"t"`` for n >= 30; None for a hidden group.

    Returns
    -------
    dict or None
        ``{"method", "low", "high"}`` (``low``/``high`` None for ``"median"``).

    Examples
    --------
    >>> shown_interval(8, 1.0, 2.0)
    {'method': 'median', 'low': None, 'high': None}
    >>> shown_interval(12, 1.0, 2.0, 1.1, 1.9)
    {'method': 'bca', 'low': 1.1, 'high': 1.9}
    >>> shown_interval(40, 1.0, 2.0)
    {'method': 't', 'low': 1.0, 'high': 2.0}
    """
    if n is None:
        return None
    if n < MEDIAN_ONLY_BELOW:
        return {"method": "median", "low": None, "high": None}
    if n < BCA_MAX_N and bca_low is not None and bca_high is not None:
        return {"method": "bca", "low": plain(bca_low), "high": plain(bca_high)}
    return {"method": "t", "low": plain(ci_low), "high": plain(ci_high)}


def knelpunt_level(
    value: float | None, interval: Mapping[str, Any] | None, reversed_index: bool = False, below: float = 50
) -> str | None:
    """``"certain"`` when the whole shown interval lies below ``below``, ``"possible"`` when only
    the point does, else None; for a reversed index (WEERSTAND) on ``100 - value``.

    Without an interval (n < 10: median only) a knelpunt is at most possible.

    Examples
    --------
    >>> knelpunt_level(42, {"method": "t", "low": 38, "high": 46})
    'certain'
    >>> knelpunt_level(47, {"method": "t", "low": 41, "high": 53})
    'possible'
    >>> knelpunt_level(60, {"method": "t", "low": 45, "high": 75}, reversed_index=True)
    'possible'
    >>> knelpunt_level(40, {"method": "median", "low": None, "high": None}) is None
    False
    """
    if value is None:
        return None
    point = 100 - value if reversed_index else value
    if point >= below:
        return None
    if interval is None or interval.get("high") is None:
        return "possible"
    high = 100 - interval["low"] if reversed_index else interval["high"]
    return "certain" if high < below else "possible"
