"""Number question type: a count or measure, optionally integer, between min and max."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from surveys.messages import N_

from .base import AnswerError, QuestionType, decimal_places, format_number, parse_decimal
from .editor import bounds_as_text, bounds_from_editor, text_pair


def check_bounds(question: Any, value: Decimal) -> None:
    """Raise AnswerError when ``value`` is outside the question's min and max."""
    if question.min is not None and value < parse_decimal(question.min):
        raise AnswerError(N_("Het getal moet minstens %(value)s zijn.", value=format_number(question.min)))
    if question.max is not None and value > parse_decimal(question.max):
        raise AnswerError(N_("Het getal mag hoogstens %(value)s zijn.", value=format_number(question.max)))


def check_number_definition(question: Any) -> None:
    """Raise ValueError for a min or max that is not a number, or min above max."""
    for field in ("min", "max"):
        bound = getattr(question, field)
        if bound is not None and (isinstance(bound, bool) or not isinstance(bound, (int, float))):
            raise ValueError(f"{field} moet een getal zijn")
    if question.min is not None and question.max is not None and question.min > question.max:
        raise ValueError("min mag niet groter zijn dan max")


class NumberType(QuestionType):
    """A number such as a head count or FTE; with ``integer: true`` only whole numbers.

    >>> from types import SimpleNamespace as Q
    >>> q = Q(required=True, min=0, max=None, integer=False)
    >>> NumberType().validate(q, "1,5"), NumberType().encode(q, 3)
    (1.5, 3.0)
    """

    name = "number"
    label = {"nl": "Getal", "en": "Number"}
    allowed_fields = frozenset({"min", "max", "unit", "integer"})
    macro = "questions/types/number.html"
    editor_fields = ("min", "max", "integer", "unit_nl", "unit_en")
    schema = {
        "min": {"type": "number"},
        "max": {"type": "number"},
        "unit": {"$ref": "#/$defs/text"},
        "integer": {"type": "boolean"},
    }
    doc = ("`min`, `max`, `unit: {nl, en}`, `integer`", "float, or int when `integer: true`", "float")
    seconds = 30

    def clean(self, question: Any, raw: Any) -> int | float:
        try:
            value = parse_decimal(raw)
        except ValueError:
            raise AnswerError(N_("Vul een getal in.")) from None
        if getattr(question, "integer", False):
            if decimal_places(value) > 0:
                raise AnswerError(N_("Vul een geheel getal in."))
            check_bounds(question, value)
            return int(value)
        check_bounds(question, value)
        return float(value)

    def encode(self, question: Any, value: Any) -> float | None:
        return None if value is None else float(value)

    def check_definition(self, question: Any) -> None:
        super().check_definition(question)
        check_number_definition(question)
        if not isinstance(getattr(question, "integer", False), bool):
            raise ValueError("integer moet true of false zijn")

    def display(self, question: Any, value: Any, lang: str) -> str:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return str(value)
        return format_number(value, lang)

    def from_editor(self, values: Any, errors: dict[str, list[str]]) -> dict[str, Any]:
        own: dict[str, Any] = bounds_from_editor(values, errors, integer=False)
        unit = text_pair(values.get("unit_nl"), values.get("unit_en"), "de eenheid", errors, "unit", optional=True)
        if unit:
            own["unit"] = unit
        if values.get("integer"):
            own["integer"] = True
        return own

    def to_editor(self, question: dict[str, Any]) -> dict[str, Any]:
        unit = question.get("unit") or {}
        return {
            **bounds_as_text(question),
            "integer": question.get("integer", False),
            "unit_nl": unit.get("nl", ""),
            "unit_en": unit.get("en", ""),
        }
