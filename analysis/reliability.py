"""Scale reliability: Cronbach's alpha, its Feldt interval and item-rest correlations."""

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import pandas as pd
from scipy import stats

MIN_ITEMS = 3
MIN_RESPONDENTS = 3


def _complete(wide: Any) -> pd.DataFrame:
    if isinstance(wide, pd.DataFrame):
        frame = wide.apply(pd.to_numeric, errors="coerce").astype(float)
    else:
        arr = np.asarray(wide, dtype=float)
        if arr.ndim != 2:
            raise ValueError("wide must be two-dimensional: respondents x items")
        frame = pd.DataFrame(arr)
    return cast(pd.DataFrame, frame.dropna(axis=0, how="any"))


def alpha_from_variances(item_variance_sum: float, total_variance: float, k: int) -> float | None:
    """Cronbach's alpha from the summed item variances and the variance of the sum score.

    Returns None when the sum score does not vary or ``k < 2``.

    Examples
    --------
    >>> round(alpha_from_variances(3.0, 7.0, 3), 4)
    0.8571
    """
    if k < 2 or not total_variance > 0:
        return None
    return float(k / (k - 1) * (1 - item_variance_sum / total_variance))


def cronbach_alpha(wide: Any) -> float | None:
    """Cronbach's (1951) alpha, ``k/(k-1)·(1 - Σσ²ᵢ/σ²ₓ)``, over listwise complete respondents.

    Parameters
    ----------
    wide : DataFrame or 2-D array
        One row per respondent, one column per item (already reverse scored); NaN is missing.

    Returns
    -------
    float or None
        Alpha; None with fewer than three items or three complete respondents, or when the sum
        score has no variance.

    Examples
    --------
    >>> import pandas as pd
    >>> wide = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 4], "c": [1, 3, 3, 4, 5]})
    >>> round(cronbach_alpha(wide), 4)
    0.9451
    >>> cronbach_alpha(wide[["a", "b"]]) is None
    True
    """
    frame = _complete(wide)
    n, k = frame.shape
    if k < MIN_ITEMS or n < MIN_RESPONDENTS:
        return None
    values = frame.to_numpy()
    item_variance_sum = float(values.var(axis=0, ddof=1).sum())
    total_variance = float(values.sum(axis=1).var(ddof=1))
    return alpha_from_variances(item_variance_sum, total_variance, k)


def feldt_interval(alpha: float | None, n: int, k: int, level: float = 0.95) -> list[float] | None:
    """Feldt (1965) confidence interval for Cronbach's alpha.

    ``low = 1 - (1-α)·F(1-γ/2; n-1, (n-1)(k-1))`` and ``high = 1 - (1-α)·F(γ/2; ...)`` with
    ``γ = 1 - level``.

    Parameters
    ----------
    alpha : float or None
        Sample alpha.
    n : int
        Number of respondents it was computed over.
    k : int
        Number of items.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    list of float, or None
        ``[low, high]``; None when alpha is None or under three items or respondents.

    Examples
    --------
    >>> low, high = feldt_interval(0.8, 50, 5)
    >>> round(low, 4), round(high, 4)
    (0.6966, 0.8759)
    """
    if not 0 < level < 1:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level!r}")
    if alpha is None or n < MIN_RESPONDENTS or k < MIN_ITEMS:
        return None
    df1 = n - 1
    df2 = (n - 1) * (k - 1)
    upper_quantile = float(stats.f.ppf(0.5 + level / 2, df1, df2))
    lower_quantile = float(stats.f.ppf(0.5 - level / 2, df1, df2))
    return [1 - (1 - alpha) * upper_quantile, 1 - (1 - alpha) * lower_quantile]


def feldt_intervals(
    alphas: Sequence[float | None], ns: Sequence[int], ks: Sequence[int], level: float = 0.95
) -> list[list[float] | None]:
    """:func:`feldt_interval` for many alphas at once (one vectorised F quantile call each way).

    Examples
    --------
    >>> [[round(v, 4) for v in ci] if ci else ci for ci in feldt_intervals([0.8, None], [50, 10], [5, 4])]
    [[0.6966, 0.8759], None]
    """
    if not 0 < level < 1:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level!r}")
    valid = [
        i
        for i, (alpha, n, k) in enumerate(zip(alphas, ns, ks))
        if alpha is not None and n >= MIN_RESPONDENTS and k >= MIN_ITEMS
    ]
    result: list[list[float] | None] = [None] * len(alphas)
    if not valid:
        return result
    df1 = np.array([ns[i] - 1 for i in valid], dtype=float)
    df2 = np.array([(ns[i] - 1) * (ks[i] - 1) for i in valid], dtype=float)
    upper = stats.f.ppf(0.5 + level / 2, df1, df2).tolist()
    lower = stats.f.ppf(0.5 - level / 2, df1, df2).tolist()
    for i, upper_quantile, lower_quantile in zip(valid, upper, lower):
        alpha = cast(float, alphas[i])  # `valid` holds only indices with an alpha
        result[i] = [1 - (1 - alpha) * upper_quantile, 1 - (1 - alpha) * lower_quantile]
    return result


def item_rest_correlations(wide: Any) -> dict[Any, float | None] | None:
    """Corrected item-total correlation: each item against the sum of the other items.

    Parameters
    ----------
    wide : DataFrame or 2-D array
        One row per respondent, one column per item; rows with a missing answer are dropped.

    Returns
    -------
    dict or None
        ``{item: r}`` (None for an item or rest score without variance); None with fewer than
        three items or three complete respondents.

    Examples
    --------
    >>> import pandas as pd
    >>> wide = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 4], "c": [1, 3, 3, 4, 5]})
    >>> {item: round(r, 3) for item, r in item_rest_correlations(wide).items()}
    {'a': 0.97, 'b': 0.809, 'c': 0.899}
    """
    frame = _complete(wide)
    n, k = frame.shape
    if k < MIN_ITEMS or n < MIN_RESPONDENTS:
        return None
    values = frame.to_numpy()
    total = values.sum(axis=1)
    result: dict[Any, float | None] = {}
    for position, item in enumerate(frame.columns):
        item_values = values[:, position]
        rest = total - item_values
        if np.ptp(item_values) == 0 or np.ptp(rest) == 0:
            result[item] = None
        else:
            result[item] = float(np.corrcoef(item_values, rest)[0, 1])
    return result
