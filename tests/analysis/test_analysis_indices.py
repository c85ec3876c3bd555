"""The draagvlak index model: per-respondent indices, weights, knelpunten and suppression."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.indices import DEFAULT_INDEX_CONSTRUCTS, DEFAULT_WEIGHTS, check_model, index_indicators
from analysis.simulate import simulate_responses

ITEMS = [
    {"question": f"{c}_{i}", "construct": c, "reverse": False, "min": 1, "max": 5}
    for members in DEFAULT_INDEX_CONSTRUCTS.values()
    for c in members
    for i in (1, 2)
]


def test_default_model_matches_domain_guide():
    assert DEFAULT_WEIGHTS == {"wil": 0.30, "moet": 0.15, "kun": 0.20, "steun": 0.20, "weerstand": 0.15}
    assert sum(DEFAULT_WEIGHTS.values()) == pytest.approx(1)


@pytest.mark.parametrize(
    "weights",
    [
        {"wil": 1.1, "moet": -0.1},
        {"wil": 0.5},
        {"wil": 0.5, "other": 0.5},
        {"wil": "0.5", "kun": 0.5},
        {"wil": float("nan"), "kun": 1.0},
    ],
)
def test_bad_weights_raise(weights):
    with pytest.raises(ValueError):
        check_model(weights)


def test_index_values_by_hand():
    # Respondent p1 answers every item 5 except resistance items 1 -> every index 100 except
    # weerstand 0, so draagvlak = 100. p2 answers everything 3 -> every index 50 -> draagvlak 50.
    rows = []
    for person, value, resist in (("p1", 5, 1), ("p2", 3, 3)):
        for item in ITEMS:
            v = resist if item["construct"] in DEFAULT_INDEX_CONSTRUCTS["weerstand"] else value
            rows.append(
                {
                    "respondent": person,
                    "question": item["question"],
                    "value": v,
                    "organisation": "A",
                    "role": "ict_staff",
                }
            )
    # p3 has only WIL items, so no draagvlak.
    rows += [
        {"respondent": "p3", "question": i["question"], "value": 4, "organisation": "A", "role": "ict_staff"}
        for i in ITEMS
        if i["construct"] in DEFAULT_INDEX_CONSTRUCTS["wil"]
    ]
    result = index_indicators(pd.DataFrame(rows), ITEMS, threshold=1)
    total = {r["index"]: r for r in result if r["organisation"] is None and r["role"] is None}
    assert [r["index"] for r in result[:1]] == ["draagvlak"]
    assert total["draagvlak"]["n"] == 2 and total["draagvlak"]["value"] == pytest.approx(75.0)
    assert total["wil"]["n"] == 3 and total["wil"]["value"] == pytest.approx((100 + 50 + 75) / 3)
    assert total["weerstand"]["value"] == pytest.approx(25.0) and not total["weerstand"]["knelpunt"]
    ci = total["draagvlak"]
    assert ci["ci_low"] < 75 < ci["ci_high"]
    assert set(total["moet"]) == {
        "index",
        "organisation",
        "role",
        "n",
        "value",
        "ci_low",
        "ci_high",
        "suppressed",
        "knelpunt",
        "median",
        "bca_low",
        "bca_high",
        "interval",
        "knelpunt_level",
    }


def test_knelpunt_below_50_and_reversed_for_weerstand():
    rows = [
        {
            "respondent": p,
            "question": i["question"],
            "value": 2 if i["construct"] not in DEFAULT_INDEX_CONSTRUCTS["weerstand"] else 4,
            "organisation": "A",
            "role": "board",
        }
        for p in ("p1", "p2", "p3")
        for i in ITEMS
    ]
    result = index_indicators(pd.DataFrame(rows), ITEMS, threshold=3)
    total = {r["index"]: r for r in result if r["organisation"] is None and r["role"] is None}
    assert all(total[name]["knelpunt"] for name in total)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), threshold=st.integers(3, 8))
def test_indices_suppressed_and_order_free(seed, threshold):
    responses = simulate_responses({"ict_staff": ITEMS}, ["A", "B", "C"], 50, seed=seed)
    rows = index_indicators(responses, ITEMS, threshold)
    raw = index_indicators(responses, ITEMS, 1)
    for row, full in zip(rows, raw):
        if full["n"] < threshold:
            assert row["suppressed"] and row["value"] is None and row["knelpunt"] is None
    shuffled = responses.sample(frac=1, random_state=seed).reset_index(drop=True)
    again = index_indicators(shuffled, ITEMS, threshold)
    for a, b in zip(rows, again):
        assert a.keys() == b.keys()
        for key in a:
            if isinstance(a[key], float):
                assert a[key] == pytest.approx(b[key], rel=1e-9)
            elif isinstance(a[key], dict):  # the shown interval: method and bounds
                assert a[key].keys() == b[key].keys()
                for part in a[key]:
                    expected = (
                        pytest.approx(b[key][part], rel=1e-9) if isinstance(b[key][part], float) else b[key][part]
                    )
                    assert a[key][part] == expected
            else:
                assert a[key] == b[key]
