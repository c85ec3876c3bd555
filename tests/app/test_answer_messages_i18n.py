"""The `surveys` package writes its answer messages in Dutch; respondents who chose English read
them in English (app.respond.display.answer_message)."""
from __future__ import annotations

from flask_babel import force_locale

from app.respond.display import answer_errors, answer_message
from surveys.types.base import REQUIRED_MESSAGE


def test_fixed_and_numbered_messages_are_translated(app):
    with app.test_request_context("/"):
        with force_locale("en"):
            assert answer_message(REQUIRED_MESSAGE) == "This question is required."
            assert answer_message("Kies een waarde van 1 tot en met 5.") == "Choose a value from 1 to 5."
            assert answer_message("Maximaal 500 tekens.") == "At most 500 characters."
            assert answer_errors({"q": [REQUIRED_MESSAGE]}) == {"q": ["This question is required."]}
            assert answer_message("Een onbekende melding.") == "Een onbekende melding."
        with force_locale("nl"):
            assert answer_message(REQUIRED_MESSAGE) == REQUIRED_MESSAGE
