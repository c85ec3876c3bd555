"""Reference checks of the interval functions."""

import math

import numpy as np
import pytest
from scipy import stats

from analysis.intervals import bca_interval, describe, t_interval, wilson_interval


def test_wilson_matches_newcombe_1998_table_1():
    # Newcombe RG (1998), Stat Med 17:857-872, Table I, method 3 (Wilson score):
    # 81/263 -> 0.2553-0.3662; 15/148 -> 0.0624-0.1605; 0/20 -> 0-0.1611; 1/29 -> 0.0061-0.1718.
    for (k, n), (low, high) in {
        (81, 263): (0.2553, 0.3662),
        (15, 148): (0.0624, 0.1605),
        (0, 20): (0.0, 0.1611),
        (1, 29): (0.0061, 0.1718),
    }.items():
        got = wilson_interval(k, n)
        assert got[0] == pytest.approx(low, abs=5e-5)
        assert got[1] == pytest.approx(high, abs=5e-5)


def test_wilson_matches_hand_formula():
    # Wilson (1927): (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n), z = 1.959964.
    k, n, z = 37, 90, 1.959963984540054
    p = k / n
    centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low, high = wilson_interval(k, n)
    assert low == pytest.approx((centre - half) / (1 + z * z / n), rel=1e-12)
    assert high == pytest.approx((centre + half) / (1 + z * z / n), rel=1e-12)


def test_wilson_rejects_bad_counts():
    assert wilson_interval(0, 0) == (None, None)
    with pytest.raises(ValueError):
        wilson_interval(5, 3)


def test_t_interval_matches_scipy():
    x = np.array([3.2, 4.1, 2.8, 3.9, 4.4, 3.0, 3.6])
    expected = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert t_interval(x) == pytest.approx(expected, rel=1e-12)
    assert t_interval([1.0]) == (None, None)
    with pytest.raises(ValueError):
        t_interval(x, level=1.5)


def test_bca_is_reproducible_and_order_free():
    rng = np.random.default_rng(3)
    x = rng.integers(1, 6, size=20).astype(float)
    first = bca_interval(x)
    assert first == bca_interval(rng.permutation(x))
    assert first[0] < x.mean() < first[1]


def test_bca_matches_scipy_on_sorted_data():
    x = np.sort(np.array([2.0, 3, 3, 4, 4, 4, 5, 1, 2, 3, 4, 5, 3, 3]))
    ref = stats.bootstrap(
        (x,), np.mean, method="BCa", n_resamples=2000, rng=np.random.default_rng(20240501)
    ).confidence_interval
    assert bca_interval(x) == pytest.approx((ref.low, ref.high), rel=1e-12)


def test_describe_gives_bca_only_between_10_and_30():
    assert describe(np.arange(9.0))["bca_low"] is None
    assert describe(np.arange(10.0))["bca_low"] is not None
    assert describe(np.arange(29.0))["bca_high"] is not None
    assert describe(np.arange(30.0))["bca_low"] is None


def test_describe_is_plain_python():
    d = describe([1, 2, 3, np.nan, 4])
    assert d["n"] == 4 and d["sd"] == pytest.approx(np.std([1, 2, 3, 4], ddof=1))
    assert all(v is None or type(v) in (int, float) for v in d.values())
