"""Hypothesis strategies for the fuzz tests: valid answers to a questionnaire definition, and
arbitrary junk shaped like what a form or a JSON body can carry."""

from __future__ import annotations

import math

from hypothesis import strategies as st

from surveys.types.likert import scale_bounds
from surveys.types.multiple_choice import check_selection_bounds
from surveys.types.ranking import ranking_bounds

SIGNATURE_KEY = "signature_agree"


def valid_answer(question) -> st.SearchStrategy:
    """A strategy for one valid (clean, JSON-shaped) answer to ``question``."""
    kind = question.type
    values = [o["value"] for o in (question.options or [])]
    if kind == "likert":
        low, high = scale_bounds(question)
        return st.integers(low, high)
    if kind == "single_choice":
        return st.sampled_from(values)
    if kind == "multiple_choice":
        low, high = check_selection_bounds(question)
        return st.lists(st.sampled_from(values), min_size=max(low, 1), max_size=high, unique=True)
    if kind == "ranking":
        low, high = ranking_bounds(question)
        return st.permutations(values).flatmap(lambda order: st.integers(low, high).map(lambda n: list(order[:n])))
    if kind in ("number", "currency"):
        low = question.min if question.min is not None else 0
        high = question.max if question.max is not None else 10_000
        return st.integers(math.ceil(max(low, 0) if kind == "currency" else low), math.floor(high))
    if kind == "text":
        return st.text(
            st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]),
            min_size=1,
            max_size=min(question.max_length or 200, 200),
        ).filter(str.strip)
    if kind == "yes_no":
        return st.just(True) if question.key == SIGNATURE_KEY else st.booleans()
    raise AssertionError(f"no strategy for type {kind}")


def valid_answers(definition) -> st.SearchStrategy:
    """A complete valid response: every question answered (hidden ones are dropped, not refused)."""
    return st.fixed_dictionaries({q.key: valid_answer(q) for q in definition.questions()})


# Values as a JSON body or a form can carry them, and the nastier corners.
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-10, 10),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "1",
            "-1",
            "--1",
            "²",
            "٣",
            "1e5",
            "1,5",
            "1.234,50",
            "€ 12.500",
            "ja",
            "nee",
            "true",
            "NaN",
            "Infinity",
            "1" * 5000,
            "a|b",
            "|",
            ",",
            "\x00",
            "\ud800",
            "x\x00y",
            "\u202e",
            "9" * 40,
            "0x10",
            " 3 ",
            "3.0",
            "+4",
        ]
    ),
    # Huge strings (Hypothesis cannot draw them char by char): over every max_length.
    st.tuples(st.sampled_from(["a", "1", "é ", "\u202e"]), st.integers(20_001, 60_000)).map(lambda p: p[0] * p[1]),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=8,
)
