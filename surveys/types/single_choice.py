"""Single-choice question type: exactly one of the defined option values."""

from __future__ import annotations

from typing import Any

from surveys.messages import N_

from .base import AnswerError, QuestionType, check_options, option_label, option_values
from .editor import OPTIONS_SCHEMA, options_as_lines, options_from_lines

MESSAGE = N_("Kies een van de genoemde opties.")


class SingleChoiceType(QuestionType):
    """One option value, e.g. a cooperation form.

    >>> from types import SimpleNamespace as Q
    >>> q = Q(required=True, options=[{"value": "ja"}, {"value": "nee"}])
    >>> SingleChoiceType().validate(q, " nee ")
    'nee'
    """

    name = "single_choice"
    label = {"nl": "Eén keuze", "en": "Single choice"}
    allowed_fields = frozenset({"options"})
    macro = "questions/types/single_choice.html"
    editor_fields = ("options",)
    schema = {"options": OPTIONS_SCHEMA}
    doc = ("`options: [{value, label: {nl, en}}]` (≥ 2, unique values of `[a-z0-9_]`)", "an option value", "the value")
    analysis = "choice"
    seconds = 15

    def clean(self, question: Any, raw: Any) -> str:
        if not isinstance(raw, str) or raw.strip() not in option_values(question):
            raise AnswerError(MESSAGE)
        return raw.strip()

    def check_definition(self, question: Any) -> None:
        super().check_definition(question)
        check_options(question, self.name)

    def display(self, question: Any, value: Any, lang: str) -> str:
        return option_label(question, value, lang)

    def from_editor(self, values: Any, errors: dict[str, list[str]]) -> dict[str, Any]:
        return {"options": options_from_lines(values.get("options"), errors)}

    def to_editor(self, question: dict[str, Any]) -> dict[str, Any]:
        return {"options": options_as_lines(question.get("options"))}
