"""The `surveys` package writes its answer messages in Dutch, each carrying its catalog id and
parameters; respondents who chose English read them in English (app.respond.display)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from app.respond.display import answer_errors, answer_message
from surveys.types import AnswerError, get_type
from surveys.types.base import REQUIRED_MESSAGE


def _error(type_name: str, raw, **fields) -> str:
    question = SimpleNamespace(
        **{
            "scale": None,
            "labels": None,
            "min": None,
            "max": None,
            "max_length": None,
            "options": None,
            "required": True,
            **fields,
        }
    )
    with pytest.raises(AnswerError) as caught:
        get_type(type_name).clean(question, raw)
    return caught.value.message


def test_fixed_and_numbered_messages_are_translated_by_their_id(app):
    too_long = _error("text", "x" * 11, max_length=10)
    assert too_long == "Maximaal 10 tekens."  # Dutch wherever it is not translated (logs, tests)
    with app.test_request_context("/"):
        with force_locale("en"):
            assert answer_message(REQUIRED_MESSAGE) == "This question is required."
            assert answer_message(too_long) == "At most 10 characters."
            assert answer_message(_error("number", "12", min=1, max=5)) == "The number may be at most 5."
            assert answer_errors({"q": [REQUIRED_MESSAGE, too_long]}) == {
                "q": ["This question is required.", "At most 10 characters."]
            }
            assert answer_message("Een onbekende melding.") == "Een onbekende melding."
        with force_locale("nl"):
            assert answer_message(REQUIRED_MESSAGE) == REQUIRED_MESSAGE
            assert answer_message(too_long) == "Maximaal 10 tekens."


def test_every_answer_message_of_the_question_types_is_in_the_english_catalog(app):
    # Each type's messages are ids in the catalog: none falls back to Dutch in English.
    cases = [
        ("text", 5, {}),
        ("text", "x" * 11, {"max_length": 10}),
        ("number", "veel", {}),
        ("number", "0", {"min": 1}),
        ("number", "9", {"max": 5}),
        ("currency", "-1", {}),
        ("yes_no", "misschien", {}),
    ]
    with app.test_request_context("/"), force_locale("en"):
        for type_name, raw, fields in cases:
            message = _error(type_name, raw, **fields)
            assert answer_message(message) != str(message), (type_name, message)
