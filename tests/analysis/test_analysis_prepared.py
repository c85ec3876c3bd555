"""The optimised paths give what the reference implementations give: bit for bit, except means and sds to 1e-12.

- tie-table Kruskal–Wallis and pairwise Mann–Whitney against scipy.stats.kruskal / mannwhitneyu;
- construct_indicators, index_indicators and compare_groups on prepared answers, on raw answers
  and in the implementation before the rewrite (tests/analysis/reference_analysis.py). Means, sds
  and what follows from them (intervals, 0–100 scores, index values) are summed in another order
  than pandas' groupby (``analysis.groups.moments``): equal to 1e-12 relative; all else exactly.
"""

import importlib.util
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import analysis
from analysis.coded import Prepared, prepare
from analysis.comparisons import _tie_table, kruskal_from_counts, mannwhitney_from_counts, pairwise_mannwhitneyu

_spec = importlib.util.spec_from_file_location("reference_analysis", Path(__file__).with_name("reference_analysis.py"))
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)

CONSTRUCTS = {
    "appropriateness": 3,
    "personal_valence": 2,
    "affective_commitment": 3,
    "discrepancy": 2,
    "pressure": 2,
    "efficacy": 3,
    "knowledge": 2,
    "capacity": 2,
    "management_support": 3,
    "leadership_trust": 2,
    "routine_seeking": 4,
    "emotional_reaction": 3,
    "short_term_focus": 2,
    "cognitive_rigidity": 3,
}


def _items(questionnaire, constructs, scale=(1, 5)):
    return [
        {
            "question": f"{c}_{i}",
            "construct": c,
            "reverse": i == 2,
            "min": scale[0],
            "max": scale[1],
            "questionnaire": questionnaire,
        }
        for c, k in constructs.items()
        for i in range(1, k + 1)
    ]


def _simulated(seed, n=1500):
    staff = _items("ict_staff", CONSTRUCTS)
    board = _items("board_commitment", {"appropriateness": 3, "pressure": 2})
    organisations = {"ZL": 10, "BM": 5, "AC": 2, "DV": 1, "EX": 0.3, "KL": 0.1}
    responses = analysis.simulate_responses(
        {"ict_staff": staff, "board_commitment": board},
        organisations,
        {"ict_staff": n, "board_commitment": 40},
        seed=seed,
    )
    # Some respondents without an organisation (they count in the totals only).
    lost = responses["respondent"].isin(responses["respondent"].drop_duplicates().sample(frac=0.02, random_state=seed))
    responses.loc[lost, "organisation"] = None
    return responses, pd.DataFrame(staff + board)


def _categorical(responses):
    """The frame as the service reads it: categorical key columns."""
    return responses.assign(
        **{
            c: responses[c].astype("category")
            for c in ("respondent", "question", "organisation", "role", "questionnaire")
        }
    )


# -- rank tests -----------------------------------------------------------------------------------


def _samples(rng, sizes, distinct):
    return [rng.integers(0, distinct, size).astype(float) / 3 for size in sizes]


@pytest.mark.parametrize("seed", range(40))
def test_pairwise_mann_whitney_equals_scipy_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 7))
    sizes = rng.integers(1, 60, size=k)
    distinct = int(rng.choice([2, 3, 5, 13, 1000]))  # heavy ties ... almost none
    samples = _samples(rng, sizes, distinct)
    for (u, p), (a, b) in zip(pairwise_mannwhitneyu(samples), itertools.combinations(range(k), 2)):
        expected = stats.mannwhitneyu(samples[a], samples[b], alternative="two-sided")
        assert (float(u), float(p)) == (float(expected.statistic), float(expected.pvalue))


@pytest.mark.parametrize("seed", range(40))
def test_asymptotic_mann_whitney_equals_scipy_asymptotic_bit_for_bit(seed):
    rng = np.random.default_rng(100 + seed)
    samples = _samples(rng, rng.integers(1, 400, size=4), int(rng.choice([2, 4, 9, 10_000])))
    u, p, _ = mannwhitney_from_counts(_tie_table(samples))
    for a, b in itertools.permutations(range(4), 2):
        expected = stats.mannwhitneyu(samples[a], samples[b], alternative="two-sided", method="asymptotic")
        assert (u[a, b], p[a, b]) == (expected.statistic, expected.pvalue)


def test_small_groups_without_ties_use_the_exact_distribution_like_scipy():
    samples = [np.array([1.0, 2.5, 4.0]), np.array([3.0, 5.0, 6.0, 7.0]), np.array([0.5, 8.0, 9.0, 10.0, 11.0])]
    _, _, exact = mannwhitney_from_counts(_tie_table(samples))
    assert exact[0, 1] and exact[1, 2]
    for (u, p), (a, b) in zip(pairwise_mannwhitneyu(samples), itertools.combinations(range(3), 2)):
        assert (u, p) == tuple(stats.mannwhitneyu(samples[a], samples[b], alternative="two-sided"))


@pytest.mark.parametrize("seed", range(40))
def test_kruskal_from_counts_equals_scipy_bit_for_bit(seed):
    rng = np.random.default_rng(200 + seed)
    samples = _samples(rng, rng.integers(1, 300, size=int(rng.integers(2, 8))), int(rng.choice([2, 3, 7, 10_000])))
    if np.ptp(np.concatenate(samples)) == 0:
        return
    h, p = kruskal_from_counts(_tie_table(samples))
    expected = stats.kruskal(*samples)
    assert (float(h), float(p)) == (float(expected.statistic), float(expected.pvalue))


# -- indicators, indices, comparisons -----------------------------------------------------------

#: Fields that follow from a group's sum of values: another summation order moves their last bits.
SUMMED = {"mean", "sd", "ci_low", "ci_high", "score", "value", "interval"}


def _same(actual, expected, summed=False, path=""):
    """Rows equal bit for bit, except the :data:`SUMMED` fields (and lists in them) to 1e-12 relative."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and list(actual) == list(expected), path
        for key in expected:
            _same(actual[key], expected[key], summed or key in SUMMED, f"{path}/{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), path
        for i, (a, e) in enumerate(zip(actual, expected)):
            _same(a, e, summed, f"{path}[{i}]")
    elif summed and isinstance(expected, float):
        assert type(actual) is float and actual == pytest.approx(expected, rel=1e-12, abs=1e-12, nan_ok=True), path
    else:
        assert type(actual) is type(expected) and actual == expected, (path, actual, expected)
    return True


def test_same_tells_summed_fields_apart_from_exact_ones():
    row = {"n": 5, "mean": 1.0, "median": 1.0, "distribution": {"1": 5}}
    assert _same(dict(row, mean=1.0 + 2e-16), row)
    with pytest.raises(AssertionError):
        _same(dict(row, mean=1.0 + 1e-9), row)
    with pytest.raises(AssertionError):
        _same(dict(row, median=1.0 + 2e-16), row)
    with pytest.raises(AssertionError):
        _same(dict(row, n=6), row)


def _moment_frame(seed, distinct):
    rng = np.random.default_rng(seed)
    n = 3000
    frame = pd.DataFrame(
        {
            "measure": rng.integers(0, 4, n),
            "org": rng.integers(-1, 6, n),
            "role_code": rng.integers(-1, 3, n),
            "value": rng.integers(0, distinct, n) / 7 if distinct else rng.normal(3, 1, n),
        }
    )
    frame.loc[rng.random(n) < 0.01, "value"] = np.nan  # missing values count in n only, as in pandas
    return frame


@pytest.mark.parametrize("sorting", [False, True])
@pytest.mark.parametrize("distinct", [9, 0])
def test_moments_equal_the_pandas_groupby(monkeypatch, sorting, distinct):
    from analysis import groups

    if sorting:  # every input through the sorting path, not only many distinct values
        monkeypatch.setattr(groups, "_COUNTED_CELLS", 0)
    frame = _moment_frame(distinct + 1, distinct)
    key = ["measure", "org", "role_code"]
    expected = reference.moments(frame, "value").sort_values(key, ignore_index=True)
    actual = groups.moments(frame, "value").sort_values(key, ignore_index=True)
    assert sorted(actual.columns) == sorted(expected.columns)
    for column in key + ["n", "median"]:
        assert actual[column].tolist() == expected[column].tolist(), column
    for column in ("mean", "sd", "ci_low", "ci_high"):
        np.testing.assert_allclose(actual[column], expected[column], rtol=1e-12, atol=0, equal_nan=True)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_construct_indicators_equal_the_reference(seed):
    responses, items = _simulated(seed)
    expected = reference.construct_indicators(responses, items, 5)
    assert _same(analysis.construct_indicators(responses, items, 5), expected)
    assert _same(analysis.construct_indicators(prepare(responses, items), threshold=5), expected)
    assert _same(analysis.construct_indicators(prepare(_categorical(responses), items), threshold=5), expected)


def test_construct_indicators_with_min_share_and_bootstrap_groups_equal_the_reference():
    responses, items = _simulated(4, n=220)  # small groups: BCa intervals for 10 <= n < 30
    expected = reference.construct_indicators(responses, items, 3, min_share=0.7)
    assert any(row["bca_low"] is not None for row in expected)
    assert _same(analysis.construct_indicators(responses, items, 3, min_share=0.7), expected)
    assert _same(analysis.construct_indicators(prepare(responses, items, min_share=0.7), threshold=3), expected)


@pytest.mark.parametrize("seed", [1, 2])
def test_index_indicators_on_the_staff_part_equal_the_reference(seed):
    responses, items = _simulated(seed)
    staff = responses.loc[responses["questionnaire"] == "ict_staff"]
    staff_items = items.loc[items["questionnaire"] == "ict_staff"]
    weights = {"wil": 0.4, "moet": 0.1, "kun": 0.2, "steun": 0.2, "weerstand": 0.1}
    for w in (None, weights):
        expected = reference.index_indicators(staff, staff_items, 5, weights=w)
        assert _same(analysis.index_indicators(staff, staff_items, 5, weights=w), expected)
        # Prepared over every questionnaire, then restricted: the codes are kept, so nothing changes.
        only = prepare(_categorical(responses), items).only("ict_staff")
        assert _same(analysis.index_indicators(only, threshold=5, weights=w), expected)


@pytest.mark.parametrize("seed", [1, 2])
def test_compare_groups_on_prepared_answers_equals_the_reference(seed):
    responses, items = _simulated(seed)
    staff = responses.loc[responses["questionnaire"] == "ict_staff"]
    staff_items = items.loc[items["questionnaire"] == "ict_staff"]
    scores = analysis.construct_scores(staff, staff_items)
    prepared = prepare(responses, items).only("ict_staff")
    for by in ("organisation", "role", ["organisation", "role"]):
        expected = reference.compare_groups(scores, by, 5)
        assert analysis.compare_groups(scores, by, 5) == expected
        assert analysis.compare_groups(prepared, by, 5) == expected
        assert analysis.compare_groups(prepared.score_frame(), by, 5) == expected
    # Scores in the prepared (unsorted) order, as the service used to pass them.
    frame = prepared.score_frame()
    assert analysis.compare_groups(prepared, "organisation", 5) == reference.compare_groups(frame, "organisation", 5)


@pytest.mark.parametrize("chunk", [97, 1 << 16])
def test_compare_groups_on_prepared_answers_in_chunks_equals_the_reference(monkeypatch, chunk):
    """Both questionnaires (one construct name in both), every key combination, chunk edges inside cells."""
    from analysis import comparisons

    monkeypatch.setattr(comparisons, "_CHUNK", chunk)
    responses, items = _simulated(3, n=600)
    prepared = prepare(_categorical(responses), items)
    frame = prepared.score_frame()
    for by, threshold in (("organisation", 5), ("role", 3), (["organisation", "role"], 5), ("respondent", 15)):
        for within, value in (
            (("questionnaire", "construct"), "score100"),
            (("construct",), "score"),
            (("questionnaire",), "score"),
            ((), "score"),
        ):
            expected = reference.compare_groups(frame, by, threshold, value=value, within=within)
            assert analysis.compare_groups(prepared, by, threshold, value=value, within=within) == expected


def test_compare_groups_on_frames_with_missing_keys_equals_the_reference():
    rng = np.random.default_rng(7)
    n = 3000
    frame = pd.DataFrame(
        {
            "questionnaire": rng.choice(["a", "b", None], n),
            "construct": rng.choice(["x", "y"], n),
            "organisation": rng.choice(["P", "Q", "R", "S", None], n, p=[0.4, 0.3, 0.2, 0.05, 0.05]),
            "role": rng.choice(["ict_staff", "ict_lead"], n),
            "score": rng.integers(1, 6, n) / 2.0,
        }
    )
    frame.loc[rng.random(n) < 0.02, "score"] = np.nan
    for by, threshold in (("organisation", 5), (["organisation", "role"], 20), ("role", 1)):
        for within in (("questionnaire", "construct"), ("construct",), ()):
            assert analysis.compare_groups(frame, by, threshold, within=within) == reference.compare_groups(
                frame, by, threshold, within=within
            )


def test_compare_groups_without_variation_and_with_one_group():
    frame = pd.DataFrame({"construct": ["c"] * 12, "organisation": ["A"] * 6 + ["B"] * 6, "score": [3.0] * 12})
    assert analysis.compare_groups(frame, "organisation", 5) == reference.compare_groups(frame, "organisation", 5)
    assert analysis.compare_groups(frame, "organisation", 7) == reference.compare_groups(frame, "organisation", 7)


def test_prepared_answers_refuse_items_and_another_min_share():
    responses, items = _simulated(1, n=50)
    prepared = prepare(responses, items)
    assert isinstance(prepared, Prepared) and isinstance(analysis.prepare(responses, items), Prepared)
    with pytest.raises(ValueError, match="items"):
        analysis.construct_indicators(prepared, items, 5)
    with pytest.raises(ValueError, match="min_share"):
        analysis.index_indicators(prepared, threshold=5, min_share=0.8)
    with pytest.raises(ValueError, match="items are required"):
        analysis.construct_indicators(responses, threshold=5)
    with pytest.raises(ValueError, match="threshold"):
        analysis.construct_indicators(prepared)


# -- the scores held (issue 18: memory) -----------------------------------------------------------


def test_prepared_scores_are_narrow_and_derive_score100_exactly():
    from analysis.coded import code_answers, person_scores

    responses, items = _simulated(4, n=400)
    coded = code_answers(_categorical(responses), items)
    prepared = prepare(_categorical(responses), items)
    wide = person_scores(coded)
    held = prepared.scores
    assert "score100" not in held.columns
    assert {held[c].dtype.itemsize for c in ("construct", "n_items", "org", "role_code")} == {1}
    assert held.memory_usage(index=False).sum() < 0.5 * wide.memory_usage(index=False).sum()
    # The public frame keeps int32 codes and int64 counts (callers do key arithmetic on them).
    assert wide["construct"].dtype == wide["person"].dtype == np.int32 and wide["n_items"].dtype == np.int64
    for column in ("construct", "person", "score", "n_items", "org", "role_code"):
        assert np.array_equal(held[column].to_numpy(), wide[column].to_numpy()), column
    low = coded.constructs["min"].to_numpy(dtype=float)[wide["construct"].to_numpy()]
    high = coded.constructs["max"].to_numpy(dtype=float)[wide["construct"].to_numpy()]
    expected = (wide["score"].to_numpy() - low) / (high - low) * 100
    assert np.array_equal(prepared.score100(), expected)  # bit for bit
    assert np.array_equal(wide["score100"].to_numpy(), expected)
    assert np.array_equal(prepared.score_frame()["score100"].to_numpy(), expected)
    assert np.array_equal(prepared.score100(slice(5, 9)), expected[5:9])


def test_only_takes_one_run_of_scores_as_views_and_others_by_position():
    responses, items = _simulated(5, n=300)
    # Board respondents first: each questionnaire's people (and scores) form one run.
    responses = responses.sort_values("questionnaire", kind="stable", ignore_index=True)
    # The same answers with the questionnaires' respondents interleaved: no run.
    order = np.argsort(responses.groupby("respondent", sort=False).ngroup().to_numpy() % 7, kind="stable")
    mixed = responses.iloc[order].reset_index(drop=True)
    for frame, run in ((responses, True), (mixed, False)):
        source = prepare(_categorical(frame), items)
        construct_q = source.coded.constructs["questionnaire"].to_numpy()
        for key in ("ict_staff", "board_commitment"):
            only = source.only(key)
            wanted = construct_q[source.scores["construct"].to_numpy()] == key
            pd.testing.assert_frame_equal(only.scores, source.scores.loc[wanted].reset_index(drop=True))
            assert np.shares_memory(only.scores["score"].to_numpy(), source.scores["score"].to_numpy()) == run
            alone = prepare(_categorical(frame.loc[frame["questionnaire"] == key].reset_index(drop=True)), items)
            assert analysis.indicator_table(only) == analysis.indicator_table(alone)


@pytest.mark.parametrize("block", [3, 50, 1 << 16])
def test_person_indices_in_blocks_equal_the_reference_row_for_row(monkeypatch, block):
    """Blocks that end inside a person's rows (or none at all) and scores out of person order."""
    from analysis import indices
    from analysis.coded import code_answers, person_scores

    monkeypatch.setattr(indices, "_BLOCK", block)
    responses, items = _simulated(6, n=500)
    prepared = prepare(_categorical(responses), items).only("ict_staff")
    weights, model = indices.check_model(None)
    scores = person_scores(code_answers(_categorical(responses), items))
    staff = prepared.coded.constructs["questionnaire"].to_numpy()[scores["construct"].to_numpy()] == "ict_staff"
    scores = scores.loc[staff].reset_index(drop=True)
    expected, names = reference.person_indices(scores, prepared.coded.constructs, weights, model)
    found, found_names = indices.person_indices(
        prepared.scores, prepared.coded.constructs, weights, model, people=prepared.coded.people
    )
    assert found_names == names
    pd.testing.assert_frame_equal(found, expected, check_dtype=False)
    shuffled = scores.sample(frac=1, random_state=block).reset_index(drop=True)
    expected, _ = reference.person_indices(shuffled, prepared.coded.constructs, weights, model)
    found, _ = indices.person_indices(shuffled, prepared.coded.constructs, weights, model)
    pd.testing.assert_frame_equal(found, expected, check_dtype=False)


def test_index_table_given_the_per_person_indices_gives_the_rows_it_computes_itself():
    """compute_raw hands index_table the per-person indices it keeps for the release's members."""
    from analysis import indices

    responses, items = _simulated(3, n=400)
    only = prepare(_categorical(responses), items).only("ict_staff")
    weights = {"wil": 0.4, "moet": 0.1, "kun": 0.2, "steun": 0.2, "weerstand": 0.1}
    for w in (None, weights):
        model_weights, model = indices.check_model(w)
        per_person = indices.person_indices(
            only.scores, only.coded.constructs, model_weights, model, people=only.coded.people
        )
        kept = per_person[0].copy()
        given = indices.index_table(only, weights=w, per_person=per_person)
        assert len(given) > 5
        _same(given, indices.index_table(only, weights=w))
        pd.testing.assert_frame_equal(per_person[0], kept)  # read, never changed: the members come from it


def test_prepare_coded_frees_a_let_go_frame_in_a_reference_cycle_before_scoring_large_answers(monkeypatch):
    import gc
    import weakref

    from analysis import coded as coded_module

    responses, items = _simulated(7, n=50)
    coded = coded_module.code_answers(responses, items)
    frame = responses.copy()
    frame.attrs["self"] = frame  # a cycle, as a let-go long frame can be in
    gone = weakref.ref(frame)
    del frame
    gc.disable()
    try:
        monkeypatch.setattr(coded_module, "_COLLECT_CELLS", 10**12)  # small answers: no collection
        coded_module.prepare_coded(coded)
        assert gone() is not None
        monkeypatch.setattr(coded_module, "_COLLECT_CELLS", 1)
        coded_module.prepare_coded(coded)
        assert gone() is None
    finally:
        gc.enable()
