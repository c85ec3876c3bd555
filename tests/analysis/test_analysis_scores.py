"""Construct score rules: reverse scoring and the half-answered rule."""

import numpy as np
import pandas as pd
import pytest

from analysis.scores import construct_scores


def test_reverse_item_counts_as_min_plus_max_minus_x(items_builder, responses_builder):
    items = items_builder(["c"], n_items=2, scale=(1, 6), reverse={"c_2"})
    responses = responses_builder({("r1", "A", "ict_staff"): {"c_1": 5, "c_2": 2}})
    scores = construct_scores(responses, items)
    # c_2: 1 + 6 - 2 = 5, so the score is (5 + 5) / 2.
    assert scores["score"].tolist() == [5.0]


def test_fewer_than_half_answered_is_left_out_exactly_half_kept(items_builder, responses_builder):
    items = items_builder(["c"], n_items=4)
    responses = responses_builder(
        {
            ("half", "A", "ict_staff"): {"c_1": 4, "c_2": 2, "c_3": np.nan},
            ("less", "A", "ict_staff"): {"c_1": 4},
            ("all", "A", "ict_staff"): {"c_1": 1, "c_2": 2, "c_3": 3, "c_4": 4},
        }
    )
    scores = construct_scores(responses, items).set_index("respondent")
    assert sorted(scores.index) == ["all", "half"]
    assert scores.loc["half", "score"] == 3.0 and scores.loc["half", "n_items"] == 2
    assert scores.loc["all", "score"] == 2.5


def test_three_items_two_answered_is_enough_one_is_not(items_builder, responses_builder):
    items = items_builder(["c"], n_items=3)
    responses = responses_builder({("two", "A", "board"): {"c_1": 4, "c_2": 2}, ("one", "A", "board"): {"c_1": 4}})
    assert construct_scores(responses, items)["respondent"].tolist() == ["two"]


def test_min_share_is_configurable(items_builder, responses_builder):
    items = items_builder(["c"], n_items=4)
    responses = responses_builder({("r", "A", "board"): {"c_1": 4, "c_2": 2, "c_3": 3}})
    assert len(construct_scores(responses, items, min_share=1.0)) == 0
    assert len(construct_scores(responses, items, min_share=0.75)) == 1
    with pytest.raises(ValueError):
        construct_scores(responses, items, min_share=0)


def test_columns_and_questionnaire(items_builder, responses_builder):
    items = items_builder(["c", "d"], questionnaire="ict_staff")
    responses = responses_builder(
        {("r", "A", "ict_staff"): {"c_1": 4, "c_2": 2, "d_1": 3, "d_2": 5}}, questionnaire="ict_staff"
    )
    scores = construct_scores(responses, items)
    assert list(scores.columns) == [
        "respondent",
        "organisation",
        "role",
        "questionnaire",
        "construct",
        "score",
        "n_items",
    ]
    assert scores["questionnaire"].tolist() == ["ict_staff", "ict_staff"]
    assert construct_scores(responses.drop(columns="questionnaire"), items)["questionnaire"].tolist() == [
        "ict_staff",
        "ict_staff",
    ]


def test_bad_input_raises_value_error(items_builder, responses_builder):
    items = items_builder(["c"])
    good = responses_builder({("r", "A", "ict_staff"): {"c_1": 4}})
    with pytest.raises(ValueError, match="outside its scale"):
        construct_scores(good.assign(value=9), items)
    with pytest.raises(ValueError, match="non-numeric"):
        construct_scores(good.assign(value="veel"), items)
    with pytest.raises(ValueError, match="role"):
        construct_scores(good.assign(role="teacher"), items)
    with pytest.raises(ValueError, match="lack"):
        construct_scores(good.drop(columns="organisation"), items)
    with pytest.raises(ValueError, match="twice"):
        construct_scores(pd.concat([good, good]), items)
    with pytest.raises(ValueError, match="one scale"):
        construct_scores(good, items.assign(max=[5, 5, 7]))
