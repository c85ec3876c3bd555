"""Single-choice question type: exactly one of the defined option values."""

from __future__ import annotations

from typing import Any

from surveys.messages import N_

from .base import AnswerError, QuestionType, check_options, option_values

MESSAGE = N_("Kies een van de genoemde opties.")


class SingleChoiceType(QuestionType):
    """One option value, e.g. a cooperation form.

    >>> from types import SimpleNamespace as Q
    >>> q = Q(required=True, options=[{"value": "ja"}, {"value": "nee"}])
    >>> SingleChoiceType().validate(q, " nee ")
    'nee'
    """

    name = "single_choice"
    allowed_fields = frozenset({"options"})

    def clean(self, question: Any, raw: Any) -> str:
        if not isinstance(raw, str) or raw.strip() not in option_values(question):
            raise AnswerError(MESSAGE)
        return raw.strip()

    def check_definition(self, question: Any) -> None:
        super().check_definition(question)
        check_options(question, self.name)
