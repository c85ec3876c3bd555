"""Issue 15, statistics as a methodologist expects: the interval shown per group size, alpha with the
respondents it rests on, certain and possible knelpunten, item–rest correlations and the figures of a
roll-up pool. Each reference value is computed independently in the test (numpy/scipy) or quoted
from a published source, named beside it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.coded import prepare
from analysis.indicators import construct_indicators
from analysis.indices import DEFAULT_INDEX_CONSTRUCTS, index_indicators
from analysis.intervals import BOOTSTRAP_SEED, knelpunt_level, shown_interval
from analysis.quality import alpha_note, item_quality
from analysis.rollups import pool_figures, restrict

ITEMS3 = [{"question": q, "construct": "c", "min": 1, "max": 5} for q in ("q1", "q2", "q3")]


def _long(matrix, org="A", role="ict_staff", prefix="r"):
    return pd.DataFrame(
        [
            {"respondent": f"{prefix}{i}", "question": f"q{j + 1}", "value": v, "organisation": org, "role": role}
            for i, row in enumerate(matrix)
            for j, v in enumerate(row)
            if v is not None
        ]
    )


def _total(rows):
    return next(r for r in rows if r["organisation"] is None and r["role"] is None)


def test_interval_choice_by_group_size():
    """DOMAIN.md: n < 10 median and distribution only, BCa for 10 <= n < 30, t from 30."""
    rng = np.random.default_rng(3)
    for n, method in ((6, "median"), (9, "median"), (10, "bca"), (29, "bca"), (30, "t")):
        matrix = rng.integers(1, 6, size=(n, 3)).tolist()
        row = _total(construct_indicators(_long(matrix), ITEMS3, threshold=5))
        assert row["interval"]["method"] == method, n
        scores = np.array(matrix, dtype=float).mean(axis=1)
        assert row["median"] == np.median(scores)
        if method == "t":  # independent: scipy's t interval of the respondents' scores
            low, high = stats.t.interval(0.95, n - 1, loc=scores.mean(), scale=stats.sem(scores))
            assert row["interval"]["low"] == pytest.approx(low, rel=1e-12)
            assert row["interval"]["high"] == pytest.approx(high, rel=1e-12)
        if method == "bca":  # independent: scipy.stats.bootstrap BCa on the sorted scores, same seed
            ci = stats.bootstrap(
                (np.sort(scores),),
                np.mean,
                n_resamples=2000,
                method="BCa",
                random_state=np.random.default_rng(BOOTSTRAP_SEED),
            ).confidence_interval
            assert row["interval"]["low"] == pytest.approx(ci.low, rel=1e-9)
            assert row["interval"]["high"] == pytest.approx(ci.high, rel=1e-9)


def test_alpha_rests_on_the_complete_respondents_and_a_negative_alpha_is_kept():
    """Alpha over listwise complete respondents (Cronbach 1951), computed here from its formula."""
    matrix = [[1, 5, 3], [2, 4, 3], [3, 3, 2], [4, 2, 4], [5, 1, 3], [4, 2, None], [2, 4, 3]]
    row = _total(construct_indicators(_long(matrix), ITEMS3, threshold=5))
    complete = np.array([r for r in matrix if None not in r], dtype=float)
    k = complete.shape[1]
    expected = k / (k - 1) * (1 - complete.var(axis=0, ddof=1).sum() / complete.sum(axis=1).var(ddof=1))
    assert row["alpha_n"] == len(complete) == 6 and row["n"] == 7
    assert expected < 0 and row["alpha"] == pytest.approx(expected, rel=1e-12)
    assert alpha_note(row["alpha"], row["alpha_n"]) == "negative"
    assert alpha_note(0.8, row["alpha_n"]) == "unreliable" and alpha_note(0.8, 10) is None


def test_item_rest_correlations_equal_pearson_with_the_rest_score():
    """Independent: scipy.stats.pearsonr of each item with the sum of the other items."""
    rng = np.random.default_rng(11)
    base = rng.integers(1, 6, size=40)
    matrix = np.clip(np.column_stack([base + rng.integers(-1, 2, 40) for _ in range(3)]), 1, 5)
    matrix[0, 2] = 5 - matrix[0, 2] + 1  # some noise
    quality = item_quality(_long(matrix.tolist()), ITEMS3)[0]
    assert quality["alpha_n"] == 40 and quality["n"] == 40
    for j, item in enumerate(quality["items"]):
        rest = matrix.sum(axis=1) - matrix[:, j]
        assert item["item_rest"] == pytest.approx(stats.pearsonr(matrix[:, j], rest)[0], rel=1e-12)
    # The alpha of the quality page equals the indicator row's.
    row = _total(construct_indicators(_long(matrix.tolist()), ITEMS3, threshold=5))
    assert quality["alpha"] == pytest.approx(row["alpha"], rel=1e-12) and quality["alpha_n"] == row["alpha_n"]


def _index_responses(values_by_person):
    items = [
        {"question": f"{c}_1", "construct": c, "min": 1, "max": 5}
        for members in DEFAULT_INDEX_CONSTRUCTS.values()
        for c in members
    ]
    rows = []
    for person, (value, resist) in values_by_person.items():
        for item in items:
            weerstand = item["construct"] in DEFAULT_INDEX_CONSTRUCTS["weerstand"]
            rows.append(
                {
                    "respondent": person,
                    "question": item["question"],
                    "value": resist if weerstand else value,
                    "organisation": "A",
                    "role": "ict_staff",
                }
            )
    return pd.DataFrame(rows), items


def test_knelpunt_certain_when_the_interval_lies_below_50_and_possible_when_only_the_point_does():
    # 40 respondents around 2 on 1-5 (25 on 0-100): the whole t interval lies below 50.
    low = {f"p{i}": (2 + (i % 3 == 0), 3) for i in range(40)}
    rows, items = _index_responses(low)
    kun = _total([r for r in index_indicators(rows, items, threshold=5) if r["index"] == "kun"])
    scores = np.array([(v - 1) / 4 * 100 for v, _ in low.values()])
    t_high = stats.t.interval(0.95, len(scores) - 1, loc=scores.mean(), scale=stats.sem(scores))[1]
    assert kun["interval"]["high"] == pytest.approx(t_high, rel=1e-12) and t_high < 50
    assert kun["knelpunt"] and kun["knelpunt_level"] == "certain"
    # 12 respondents, mean just under 50, spread wide: only the point is below 50 (BCa interval).
    mixed = {f"p{i}": (v, 3) for i, v in enumerate([1, 5, 2, 4, 3, 3, 1, 5, 2, 4, 3, 2])}
    rows, items = _index_responses(mixed)
    kun = _total([r for r in index_indicators(rows, items, threshold=5) if r["index"] == "kun"])
    assert kun["interval"]["method"] == "bca" and kun["value"] < 50 < kun["interval"]["high"]
    assert kun["knelpunt_level"] == "possible"
    # WEERSTAND is judged reversed: 100 - value.
    assert knelpunt_level(70, {"method": "t", "low": 62, "high": 78}, reversed_index=True) == "certain"
    assert knelpunt_level(30, {"method": "t", "low": 22, "high": 38}, reversed_index=True) is None


def test_below_ten_a_knelpunt_is_at_most_possible_and_the_median_is_given():
    few = {f"p{i}": (1, 3) for i in range(6)}
    rows, items = _index_responses(few)
    kun = _total([r for r in index_indicators(rows, items, threshold=5) if r["index"] == "kun"])
    assert kun["interval"] == {"method": "median", "low": None, "high": None}
    assert kun["median"] == 0.0 and kun["knelpunt_level"] == "possible"
    assert shown_interval(None, None, None) is None


def test_pool_figures_are_the_figures_of_the_pooled_respondents_alone():
    """A pool's rows equal the indicators computed on the pooled respondents' answers by themselves."""
    rng = np.random.default_rng(5)
    parts = [
        _long(rng.integers(1, 6, size=(n, 3)).tolist(), org=org, prefix=org)
        for org, n in (("A", 2), ("B", 4), ("C", 12))
    ]
    responses = pd.concat(parts, ignore_index=True)
    prepared = prepare(responses, ITEMS3)
    figures = pool_figures(("+A+B", None), prepared)
    alone = _total(construct_indicators(pd.concat(parts[:2], ignore_index=True), ITEMS3, threshold=1))
    (row,) = figures["constructs"]
    assert row["organisation"] == "+A+B" and row["role"] is None
    assert {k: v for k, v in row.items() if k not in ("organisation", "role")} == {
        k: v for k, v in alone.items() if k not in ("organisation", "role", "suppressed")
    } | {"suppressed": False}
    assert len(restrict(prepared, {"C"}).scores) == 12
