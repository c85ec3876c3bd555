"""Open text question type: a trimmed string of at most ``max_length`` characters."""

from __future__ import annotations

from typing import Any

from surveys.messages import N_

from .base import AnswerError, QuestionType, check_int
from .editor import number, number_text

DEFAULT_MAX_LENGTH = 2000


class TextType(QuestionType):
    """Free text; line endings normalised to newlines.

    >>> from types import SimpleNamespace as Q
    >>> q = Q(required=False, max_length=5)
    >>> TextType().validate(q, " ok\\r\\n "), TextType().validate(q, "   ")
    ('ok', None)
    """

    name = "text"
    label = {"nl": "Open tekst", "en": "Open text"}
    allowed_fields = frozenset({"max_length"})
    macro = "questions/types/text.html"
    editor_fields = ("max_length",)
    schema = {"max_length": {"type": "integer", "minimum": 1, "maximum": 20000}}
    doc = ("`max_length` (default 2000)", "trimmed string, `\\r\\n` → `\\n`", "the string")
    analysis = "text"
    free_text = True
    seconds = 60

    def clean(self, question: Any, raw: Any) -> str:
        if not isinstance(raw, str):
            raise AnswerError(N_("Vul tekst in."))
        text = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
        # PostgreSQL text cannot hold NUL, and lone surrogates cannot be stored as UTF-8.
        if "\x00" in text:
            raise AnswerError(N_("De tekst bevat ongeldige tekens."))
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise AnswerError(N_("De tekst bevat ongeldige tekens.")) from None
        limit = question.max_length or DEFAULT_MAX_LENGTH
        if len(text) > limit:
            raise AnswerError(N_("Maximaal %(value)s tekens.", value=limit))
        return text

    def check_definition(self, question: Any) -> None:
        super().check_definition(question)
        if question.max_length is not None:
            check_int(question.max_length, "max_length")
            if not 1 <= question.max_length <= 20000:
                raise ValueError("max_length moet tussen 1 en 20000 liggen")

    def check_contains(self, question: Any, value: Any) -> None:
        if not isinstance(value, str):
            raise ValueError("alleen voor meerkeuze, rangorde of tekst")

    def contains(self, value: Any, wanted: Any) -> bool:
        # Case-insensitive, so "Scholing" in a condition finds "meer scholing nodig".
        return str(wanted).casefold() in str(value).casefold()

    def from_editor(self, values: Any, errors: dict[str, list[str]]) -> dict[str, Any]:
        max_length = number(values.get("max_length"), "max_length", errors, integer=True)
        return {} if max_length is None else {"max_length": max_length}

    def to_editor(self, question: dict[str, Any]) -> dict[str, Any]:
        return {"max_length": number_text(question.get("max_length"))}
