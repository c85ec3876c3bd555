"""The bounded-memory paths of the coding and the indicators (issue 18) against direct computations.

Answers are coded block by block (``analysis._blocks._BLOCK`` rows at a time): the duplicate check
must see a pair repeated within a block, across blocks and in any row order; values are kept as
float32 only while that is exact; the distributions counted block by block equal a plain count.
"""

import numpy as np
import pandas as pd
import pytest

from analysis import indicators
from analysis.coded import code_answers, prepare

ITEMS = [{"question": f"q{i}", "construct": "c", "reverse": i == 2, "min": 1, "max": 5} for i in (1, 2, 3)]


def _answers(n, seed=0):
    rng = np.random.default_rng(seed)
    rows = [
        {
            "respondent": f"r{p}",
            "question": f"q{i}",
            "value": int(rng.integers(1, 6)),
            "organisation": "AB"[p % 2],
            "role": "ict_staff",
        }
        for p in range(n)
        for i in (1, 2, 3)
    ]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("where", ["same block", "other block", "shuffled"])
def test_a_repeated_answer_is_found_in_any_block(monkeypatch, where):
    monkeypatch.setattr("analysis.coded._BLOCK", 64)
    frame = _answers(2000)  # 6,000 pairs: a shuffled block spans more than its count table takes
    assert len(code_answers(frame, ITEMS).answers) == len(frame)  # no repeat: no error
    again = frame.iloc[[5 if where == "same block" else 590]]
    doubled = pd.concat([frame.iloc[:10], again, frame.iloc[10:]], ignore_index=True)
    if where == "shuffled":
        doubled = doubled.sample(frac=1, random_state=3).reset_index(drop=True)
    with pytest.raises(ValueError, match="twice"):
        code_answers(doubled, ITEMS)


def test_a_repeated_answer_counts_only_when_answered(monkeypatch):
    monkeypatch.setattr("analysis.coded._BLOCK", 64)
    frame = _answers(100)
    blank = frame.iloc[[150]].assign(value=np.nan)  # the same pair again, unanswered
    code_answers(pd.concat([frame, blank], ignore_index=True), ITEMS)


def test_values_stay_float32_only_while_exact():
    coded = code_answers(_answers(50), ITEMS)
    assert coded.answers["value"].dtype == np.float32
    frame = _answers(50)
    tenths = [{**item, "min": 0, "max": 1} for item in ITEMS]
    frame["value"] = np.linspace(0, 1, len(frame)).round(1)  # 0.1 is no float32 number
    coded = code_answers(frame, tenths)
    assert coded.answers["value"].dtype == np.float64
    expected = np.where(frame["question"] == "q2", 1 - frame["value"], frame["value"])
    assert coded.answers["value"].tolist() == expected.tolist()


def test_float32_values_give_the_float64_scores(monkeypatch):
    frame = _answers(300, seed=4)
    frame.loc[::7, "value"] = np.nan
    scores = prepare(frame, ITEMS).score_frame().set_index("respondent")["score"]
    answered = frame.dropna(subset=["value"])
    value = np.where(answered["question"] == "q2", 6 - answered["value"], answered["value"]).astype(np.float64)
    direct = pd.Series(value, index=answered.index).groupby(answered["respondent"]).agg(["sum", "count"])
    direct = direct.loc[direct["count"] >= 1.5]
    assert (scores.loc[direct.index] == direct["sum"] / direct["count"]).all()


@pytest.mark.parametrize("cells", [1 << 20, 0])  # blocked, and the per-answer fallback
def test_distributions_counted_in_blocks_equal_a_plain_count(monkeypatch, cells):
    monkeypatch.setattr(indicators, "_BLOCK", 50)
    monkeypatch.setattr(indicators, "_BLOCKED_CELLS", cells)
    frame = _answers(400, seed=7)
    frame.loc[frame["respondent"].isin([f"r{p}" for p in range(0, 400, 9)]) & (frame["question"] != "q1"), "value"] = (
        np.nan
    )  # these respondents answer one item of three: not counted
    rows = indicators.construct_indicators(frame, ITEMS, threshold=1)
    answered = frame.dropna(subset=["value"])
    counted = answered.groupby("respondent")["value"].transform("size") >= 1.5
    answered = answered.loc[counted]
    value = np.where(answered["question"] == "q2", 6 - answered["value"], answered["value"])
    answered = answered.assign(value=value)
    for row in rows:
        group = answered
        if row["organisation"] is not None:
            group = group.loc[group["organisation"] == row["organisation"]]
        counts = group["value"].value_counts()
        assert row["distribution"] == {str(p): int(counts.get(float(p), 0)) for p in range(1, 6)}
