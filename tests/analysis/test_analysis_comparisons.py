"""Group comparisons against scipy, the effect-size formulas and a hand-worked Holm example."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.comparisons import compare_groups, eta_squared_h, holm, rank_biserial


def frame(seed=1, sizes=(12, 15, 9, 3)):
    rng = np.random.default_rng(seed)
    rows = []
    for g, n in zip("ABCD", sizes):
        for i in range(n):
            rows.append({"construct": "c", "organisation": g, "score": float(rng.integers(1, 6) + (g == "B"))})
    return pd.DataFrame(rows)


def test_holm_hand_example():
    # Holm (1979): sorted p 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 -> 0.02, 0.03, 0.06, 0.04,
    # then made monotone -> 0.02, 0.03, 0.06, 0.06.
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])


def test_kruskal_and_mann_whitney_match_scipy():
    df = frame()
    result = compare_groups(df, "organisation", threshold=5)[0]
    samples = [df.loc[df.organisation == g, "score"].to_numpy() for g in "ABC"]
    h, p = stats.kruskal(*samples)
    assert result["tested"] and result["excluded_groups"] == 1  # D (n = 3) takes no part
    assert [g["group"] for g in result["groups"]] == ["A", "B", "C"]
    assert result["h"] == pytest.approx(h) and result["p"] == pytest.approx(p)
    n = sum(len(s) for s in samples)
    assert result["eta2_h"] == pytest.approx((h - 3 + 1) / (n - 3))
    raw = []
    for pair, (a, b) in zip(result["pairs"], [(0, 1), (0, 2), (1, 2)]):
        u, p_pair = stats.mannwhitneyu(samples[a], samples[b], alternative="two-sided")
        assert pair["u"] == pytest.approx(u) and pair["p"] == pytest.approx(p_pair)
        assert pair["r_rb"] == pytest.approx(2 * u / (len(samples[a]) * len(samples[b])) - 1)
        raw.append(p_pair)
    assert [pair["p_holm"] for pair in result["pairs"]] == pytest.approx(holm(raw))


def test_rank_biserial_and_eta_formulas():
    # Complete separation: U = 0 -> r = -1; U = n1 n2 -> r = 1.
    assert rank_biserial(0, 4, 5) == -1 and rank_biserial(20, 4, 5) == 1
    assert eta_squared_h(2.0, 3, 3) is None


def test_fewer_than_two_groups_not_tested():
    result = compare_groups(frame(sizes=(12, 3, 2, 4)), "organisation", threshold=5)[0]
    assert result["tested"] is False and len(result["groups"]) == 1
    assert result["excluded_groups"] == 3 and "pairs" not in result


def test_no_variation_not_tested_and_bad_input():
    df = pd.DataFrame({"organisation": list("AAAAABBBBB"), "score": [3.0] * 10})
    assert compare_groups(df, "organisation", 5)[0]["tested"] is False
    with pytest.raises(ValueError):
        compare_groups(df, "role", 5)
    with pytest.raises(ValueError):
        compare_groups(df, "organisation", 0)
