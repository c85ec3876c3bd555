"""Suppression: primary, complementary, and that nothing hidden can be worked out."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.anonymity import comments_visible, filter_comments, hidden_groups, partitions, suppress

ROLES = ["board", "ict_lead", "ict_staff"]


def table_from_cells(cells):
    """Group sizes of every level from the organisation × role cell sizes."""
    ns = {(None, None): sum(cells.values())}
    for (o, r), n in cells.items():
        ns[(o, None)] = ns.get((o, None), 0) + n
        ns[(None, r)] = ns.get((None, r), 0) + n
        ns[(o, r)] = n
    return {cell: n for cell, n in ns.items() if n > 0}


def independent_determined(ns, hidden):
    """Hidden cells whose n follows linearly from the visible ns (rank test, not the engine's SVD)."""
    unknown = sorted(hidden, key=str)
    if not unknown:
        return []
    rows = []
    for parent, children in partitions(ns):
        row = [(1 if c == parent else 0) - (1 if c in children else 0) for c in unknown]
        if any(row):
            rows.append(row)
    if not rows:
        return []
    a = np.array(rows, dtype=float)
    rank = np.linalg.matrix_rank(a)
    return [c for j, c in enumerate(unknown) if np.linalg.matrix_rank(np.vstack([a, np.eye(len(unknown))[j]])) == rank]


cells_strategy = st.dictionaries(
    st.tuples(st.sampled_from(["A", "B", "C", "D", "E"]), st.sampled_from(ROLES)),
    st.integers(min_value=1, max_value=25),
    min_size=1,
    max_size=15,
)


@settings(max_examples=300, deadline=None)
@given(cells=cells_strategy, threshold=st.integers(min_value=3, max_value=10))
def test_no_suppressed_group_can_be_derived(cells, threshold):
    ns = table_from_cells(cells)
    hidden = hidden_groups(ns, threshold)
    # (c) every group below the threshold is suppressed
    assert {c for c, n in ns.items() if n < threshold} <= hidden
    # (b) per partition: never exactly one hidden child under a visible parent, and the hidden
    # children never hold a residual that is itself a group below the threshold
    for parent, children in partitions(ns):
        hidden_children = [c for c in children if c in hidden]
        if parent in hidden:
            if parent[0] is None and parent[1] is None:
                assert len(hidden_children) != 0 or not children
            continue
        assert len(hidden_children) != 1
        residual = ns[parent] - sum(ns[c] for c in children if c not in hidden)
        assert residual == sum(ns[c] for c in hidden_children)
        assert residual == 0 or residual >= threshold
    # and across partitions: no hidden n is determined by the linear system of sums
    assert independent_determined(ns, hidden) == []


def test_single_small_organisation_hides_next_smallest():
    ns = {(None, None): 40, ("A", None): 2, ("B", None): 8, ("C", None): 30}
    assert hidden_groups(ns, 5) == {("A", None), ("B", None)}


def test_two_small_siblings_whose_sum_is_below_threshold_hide_a_third():
    # A (2) and B (2) are both hidden, but together they are a group of 4 < 5 whose mean follows
    # from the total and C; so C is hidden too.
    ns = {(None, None): 40, ("A", None): 2, ("B", None): 2, ("C", None): 16, ("D", None): 20}
    assert hidden_groups(ns, 5) == {("A", None), ("B", None), ("C", None)}


def test_parent_below_threshold_hides_everything_under_it():
    ns = table_from_cells({("A", "ict_staff"): 3, ("A", "board"): 1, ("B", "ict_staff"): 30})
    hidden = hidden_groups(ns, 5)
    assert {("A", None), ("A", "ict_staff"), ("A", "board")} <= hidden


def test_suppress_blanks_every_figure_and_keeps_keys():
    rows = [
        {
            "construct": "c",
            "questionnaire": "q",
            "organisation": None,
            "role": None,
            "n": 12,
            "mean": 3.0,
            "alpha_ci": [0.1, 0.2],
            "distribution": {"1": 3},
        },
        {
            "construct": "c",
            "questionnaire": "q",
            "organisation": "A",
            "role": None,
            "n": 4,
            "mean": 2.0,
            "alpha_ci": [0.1, 0.2],
            "distribution": {"1": 3},
        },
        {
            "construct": "c",
            "questionnaire": "q",
            "organisation": "B",
            "role": None,
            "n": 8,
            "mean": 3.5,
            "alpha_ci": None,
            "distribution": {"1": 0},
        },
    ]
    out = suppress(rows, 5)
    assert out[0]["suppressed"] is False and out[0]["n"] == 12
    for row in out[1:]:
        assert row["suppressed"] is True
        assert row["construct"] == "c" and row["questionnaire"] == "q"
        assert all(row[k] is None for k in ("n", "mean", "alpha_ci", "distribution"))
    assert rows[1]["n"] == 4  # the input is not changed


def test_suppress_separates_measures_and_checks_input():
    rows = [
        {"index": "wil", "organisation": None, "role": None, "n": 3},
        {"index": "kun", "organisation": None, "role": None, "n": 9},
    ]
    assert [r["suppressed"] for r in suppress(rows, 5)] == [True, False]
    with pytest.raises(ValueError):
        suppress([{"organisation": None, "role": None, "n": None}], 5)
    with pytest.raises(ValueError):
        suppress(rows, 0)


def test_comment_threshold():
    assert comments_visible(10, 10) and not comments_visible(9, 10)
    df = pd.DataFrame(
        {
            "respondent": ["a", "a", "b", "c"],
            "organisation": ["A", "A", "A", None],
            "role": ["ict_staff"] * 4,
            "text": ["x", "y", "z", "w"],
        }
    )
    # Group A counts two distinct respondents; the missing organisation is a group of one.
    assert filter_comments(df, 2)["text"].tolist() == ["x", "y", "z"]
    assert filter_comments(df, 3)["text"].tolist() == []
    assert filter_comments(df, 2, how="blank")["text"].tolist() == ["x", "y", "z", None]
