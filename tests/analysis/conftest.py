"""Builders for small analysis inputs with sensible defaults."""

import importlib.util
import pathlib
import sys

import pandas as pd
import pytest

if importlib.util.find_spec("analysis") is None:
    # An editable install made before analysis/ existed does not map it; fall back to the checkout.
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))


def build_items(constructs, *, n_items=3, scale=(1, 5), reverse=(), questionnaire=None):
    """Items ``<construct>_<i>`` for each construct; questions named in ``reverse`` are reversed."""
    rows = []
    for construct in constructs:
        for i in range(1, n_items + 1):
            question = f"{construct}_{i}"
            row = {
                "question": question,
                "construct": construct,
                "reverse": question in reverse,
                "min": scale[0],
                "max": scale[1],
            }
            if questionnaire is not None:
                row["questionnaire"] = questionnaire
            rows.append(row)
    return pd.DataFrame(rows)


def build_responses(answers, *, questionnaire=None):
    """Long responses from ``{(respondent, organisation, role): {question: value}}``."""
    rows = []
    for (respondent, organisation, role), values in answers.items():
        for question, value in values.items():
            row = {
                "respondent": respondent,
                "question": question,
                "value": value,
                "organisation": organisation,
                "role": role,
            }
            if questionnaire is not None:
                row["questionnaire"] = questionnaire
            rows.append(row)
    return pd.DataFrame(rows)


@pytest.fixture
def items_builder():
    return build_items


@pytest.fixture
def responses_builder():
    return build_responses
