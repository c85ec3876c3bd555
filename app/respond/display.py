"""Answers as the respondent reads them back on the review and statement pages."""

from __future__ import annotations

from flask_babel import gettext as _

from app.i18n import select_locale, translate, translate_errors


def answer_text(question, value) -> str:
    """A clean (or raw) answer in words, as its question type writes it in the reader's language."""
    if value is None or value == "" or value == []:
        return _("(niet beantwoord)")
    return question.question_type.display(question, value, select_locale())


# -- the `surveys` package's answer messages in the reader's language --------------------------------
# `surveys` has no Flask: its messages are Dutch `Message`s that carry their catalog id and
# parameters (surveys/messages.py), translated here by id, not read back from the Dutch text.


def answer_message(message: str) -> str:
    return translate(message)


def answer_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """{question key: messages} from `surveys` validation, in the reader's language."""
    return translate_errors(errors)
