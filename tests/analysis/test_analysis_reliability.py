"""Reference checks of Cronbach's alpha, the Feldt interval and item-rest correlations."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.reliability import cronbach_alpha, feldt_interval, item_rest_correlations

# Hand-computable example (5 respondents, 3 items): item variances 2.5, 1.7, 2.2 (sum 6.4);
# sum scores 4, 7, 9, 13, 14 with variance 17.3; alpha = 3/2 * (1 - 6.4/17.3) = 0.945087.
WIDE = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 4], "c": [1, 3, 3, 4, 5]})


def numpy_alpha(values):
    """Independent computation: alpha from the covariance matrix, k/(k-1)·(1 - tr(C)/ΣC)."""
    cov = np.cov(values, rowvar=False, ddof=1)
    k = cov.shape[0]
    return k / (k - 1) * (1 - np.trace(cov) / cov.sum())


def test_alpha_hand_computed_example():
    assert cronbach_alpha(WIDE) == pytest.approx(1.5 * (1 - 6.4 / 17.3), rel=1e-12)
    assert cronbach_alpha(WIDE) == pytest.approx(numpy_alpha(WIDE.to_numpy(float)), rel=1e-12)


def test_alpha_uses_complete_rows_only():
    wide = WIDE.copy().astype(float)
    wide.loc[5] = [np.nan, 1, 1]
    assert cronbach_alpha(wide) == pytest.approx(cronbach_alpha(WIDE))


def test_alpha_random_matches_covariance_formula():
    rng = np.random.default_rng(7)
    latent = rng.normal(size=(200, 1))
    values = latent + rng.normal(scale=0.8, size=(200, 6))
    assert cronbach_alpha(values) == pytest.approx(numpy_alpha(values), rel=1e-10)


def test_alpha_none_under_three_items_or_respondents():
    assert cronbach_alpha(WIDE[["a", "b"]]) is None
    assert cronbach_alpha(WIDE.iloc[:2]) is None
    assert cronbach_alpha(pd.DataFrame({"a": [3, 3, 3], "b": [3, 3, 3], "c": [3, 3, 3]})) is None


def test_feldt_matches_independent_f_quantiles():
    # Feldt LS (1965), Psychometrika 30:357-370: (1-α)/(1-ρ) ~ F(n-1, (n-1)(k-1)).
    alpha, n, k = 0.82, 120, 8
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low, high = feldt_interval(alpha, n, k)
    assert low == pytest.approx(1 - (1 - alpha) * stats.f.isf(0.025, df1, df2), rel=1e-12)
    assert high == pytest.approx(1 - (1 - alpha) * stats.f.isf(0.975, df1, df2), rel=1e-12)
    assert low < alpha < high
    assert feldt_interval(None, n, k) is None
    assert feldt_interval(alpha, 2, k) is None


def test_item_rest_matches_numpy():
    result = item_rest_correlations(WIDE)
    values = WIDE.to_numpy(float)
    for position, item in enumerate(WIDE.columns):
        rest = values.sum(axis=1) - values[:, position]
        assert result[item] == pytest.approx(np.corrcoef(values[:, position], rest)[0, 1], rel=1e-12)
    assert item_rest_correlations(WIDE[["a", "b"]]) is None
