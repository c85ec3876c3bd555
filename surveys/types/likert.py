"""Likert question type: an integer on a configurable scale, with optional point labels."""

from __future__ import annotations

from typing import Any

from surveys.messages import N_

from .base import AnswerError, QuestionType, check_int

DEFAULT_SCALE = {"min": 1, "max": 5}


def scale_bounds(question: Any) -> tuple[int, int]:
    """The (min, max) of a likert question; 1..5 when the definition leaves the scale out."""
    scale = question.scale or DEFAULT_SCALE
    return scale["min"], scale["max"]


class LikertType(QuestionType):
    """Agreement, importance or satisfaction on points min..max (default 1..5).

    >>> from types import SimpleNamespace as Q
    >>> q = Q(required=True, scale={"min": 1, "max": 5})
    >>> LikertType().validate(q, "4"), LikertType().encode(q, 4)
    (4, 4)
    """

    name = "likert"
    allowed_fields = frozenset({"scale", "labels", "matrix"})

    def clean(self, question: Any, raw: Any) -> int:
        low, high = scale_bounds(question)
        message = N_("Kies een waarde van %(low)s tot en met %(high)s.", low=low, high=high)
        if isinstance(raw, bool):
            raise AnswerError(message)
        if isinstance(raw, str):
            text = raw.strip()
            if not text.lstrip("-").isdigit() or len(text) > 6:
                raise AnswerError(message)
            try:
                value = int(text)
            except ValueError:  # isdigit() passes "--1" after lstrip and digits like "²"
                raise AnswerError(message) from None
        elif isinstance(raw, int):
            value = raw
        elif isinstance(raw, float) and raw.is_integer():
            value = int(raw)
        else:
            raise AnswerError(message)
        if not low <= value <= high:
            raise AnswerError(message)
        return value

    def encode(self, question: Any, value: Any) -> int | None:
        # Reverse scoring belongs to analysis, which knows the construct; export the raw point.
        return None if value is None else int(value)

    def check_definition(self, question: Any) -> None:
        super().check_definition(question)
        if question.scale is not None:
            if not isinstance(question.scale, dict) or set(question.scale) != {"min", "max"}:
                raise ValueError("scale moet precies 'min' en 'max' hebben")
            check_int(question.scale["min"], "scale.min")
            check_int(question.scale["max"], "scale.max")
            if not question.scale["min"] < question.scale["max"] <= question.scale["min"] + 10:
                raise ValueError("scale moet 2 tot 11 punten hebben (min < max)")
        low, high = scale_bounds(question)
        if question.labels is not None:
            if not isinstance(question.labels, dict) or set(question.labels) != {"nl", "en"}:
                raise ValueError("labels moet precies 'nl' en 'en' hebben")
            points = high - low + 1
            for lang, texts in question.labels.items():
                # Either every point is labelled, or only the two ends are.
                if not isinstance(texts, list) or len(texts) not in (points, 2):
                    raise ValueError(f"labels.{lang} moet {points} of 2 teksten hebben")
                if not all(isinstance(t, str) and t for t in texts):
                    raise ValueError(f"labels.{lang} moet uit niet-lege teksten bestaan")
