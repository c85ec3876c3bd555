"""Open text question type: a trimmed string of at most ``max_length`` characters."""

from __future__ import annotations

from typing import Any

from surveys.messages import N_

from .base import AnswerError, QuestionType, check_int

DEFAULT_MAX_LENGTH = 2000


class TextType(QuestionType):
    """Free text; line endings normalised to newlines.

    >>> from types import SimpleNamespace as Q
    >>> q = Q(required=False, max_length=5)
    >>> TextType().validate(q, " ok\\r\\n "), TextType().validate(q, "   ")
    ('ok', None)
    """

    name = "text"
    allowed_fields = frozenset({"max_length"})

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
