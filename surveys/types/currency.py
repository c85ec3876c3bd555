"""Currency question type: an amount in euro, at least 0, with at most two decimals."""

from __future__ import annotations

from typing import Any

from surveys.messages import N_

from .base import AnswerError, QuestionType, decimal_places, format_number, parse_decimal
from .editor import bounds_as_text, bounds_from_editor
from .number import check_bounds, check_number_definition


class CurrencyType(QuestionType):
    """A yearly amount in EUR; Dutch input such as "€ 1.234,50" is accepted.

    >>> from types import SimpleNamespace as Q
    >>> q = Q(required=True, min=None, max=None)
    >>> CurrencyType().validate(q, "€ 1.234,50")
    1234.5
    """

    name = "currency"
    label = {"nl": "Bedrag in euro", "en": "Amount in euro"}
    allowed_fields = frozenset({"min", "max"})
    macro = "questions/types/currency.html"
    editor_fields = ("min", "max")
    schema = {"min": {"type": "number"}, "max": {"type": "number"}}
    doc = ("`min`, `max` (≥ 0)", "euro amount ≥ 0 with at most two decimals, as float", "float")
    seconds = 30

    def clean(self, question: Any, raw: Any) -> float:
        try:
            value = parse_decimal(raw)
        except ValueError:
            raise AnswerError(N_("Vul een bedrag in euro in, bijvoorbeeld 1.234,50.")) from None
        if value < 0:
            raise AnswerError(N_("Het bedrag moet minstens 0 zijn."))
        if decimal_places(value) > 2:
            raise AnswerError(N_("Gebruik hoogstens twee cijfers achter de komma."))
        check_bounds(question, value)
        return float(value)

    def encode(self, question: Any, value: Any) -> float | None:
        return None if value is None else float(value)

    def check_definition(self, question: Any) -> None:
        super().check_definition(question)
        check_number_definition(question)
        if question.min is not None and question.min < 0:
            raise ValueError("een bedrag kan niet negatief zijn: min moet minstens 0 zijn")

    def display(self, question: Any, value: Any, lang: str) -> str:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"€ {value}"
        return f"€ {format_number(value, lang)}"

    def from_editor(self, values: Any, errors: dict[str, list[str]]) -> dict[str, Any]:
        return bounds_from_editor(values, errors, integer=False)

    def to_editor(self, question: dict[str, Any]) -> dict[str, Any]:
        return bounds_as_text(question)
