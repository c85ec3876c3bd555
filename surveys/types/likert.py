"""Likert question type: an integer on a configurable scale, with optional point labels."""

from __future__ import annotations

from typing import Any

from surveys.messages import N_

from .base import AnswerError, QuestionType, check_int
from .editor import LABELS_SCHEMA, labels_as_lines, labels_from_lines, number

DEFAULT_SCALE = {"min": 1, "max": 5}


def parse_point(raw: Any, low: int, high: int) -> int:
    """A whole scale point from JSON or a form, low..high; AnswerError otherwise."""
    if isinstance(raw, bool):
        raise _not_a_point(low, high)
    if isinstance(raw, str):
        text = raw.strip()
        if not text.lstrip("-").isdigit() or len(text) > 6:
            raise _not_a_point(low, high)
        try:
            value = int(text)
        except ValueError:  # isdigit() passes "--1" after lstrip and digits like "²"
            raise _not_a_point(low, high) from None
    elif isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    else:
        raise _not_a_point(low, high)
    if not low <= value <= high:
        raise _not_a_point(low, high)
    return value


def _not_a_point(low: int, high: int) -> AnswerError:
    # Built only when refused: a valid point (nearly every answer) formats no message.
    return AnswerError(N_("Kies een waarde van %(low)s tot en met %(high)s.", low=low, high=high))


def point_labels(points: list[int], labels: dict[str, Any] | None, lang: str) -> list[tuple[int, str]]:
    """(value, label) per point; labels are one per point or only the two ends ('' between)."""
    texts = (labels or {}).get(lang) or (labels or {}).get("nl") or []
    if len(texts) == len(points):
        return list(zip(points, texts))
    if len(texts) == 2:
        return [(p, texts[0] if i == 0 else texts[1] if i == len(points) - 1 else "") for i, p in enumerate(points)]
    return [(p, "") for p in points]


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
    label = {"nl": "Stelling op een schaal (likert)", "en": "Statement on a scale (Likert)"}
    allowed_fields = frozenset({"scale", "labels", "matrix"})
    macro = "questions/types/likert.html"
    editor_fields = ("scale_min", "scale_max", "labels_nl", "labels_en", "reverse", "matrix")
    schema = {
        "scale": {
            "type": "object",
            "required": ["min", "max"],
            "additionalProperties": False,
            "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}},
        },
        "labels": LABELS_SCHEMA,
        "matrix": {"$ref": "#/$defs/key"},
    }
    doc = (
        "`scale: {min, max}` (default 1..5, 2–11 points), `labels: {nl: [...], en: [...]}` (one per "
        "point, or only the two ends), `reverse`, `matrix`",
        "integer in the scale",
        "the raw integer; reverse scoring (min + max − x) is done in analysis",
    )
    analysis = "likert"
    reversible = True
    seconds = 10

    def points(self, question: Any, lang: str) -> list[tuple[int, str]]:
        """(value, label) for each point of the scale; unlabelled middle points get ''."""
        low, high = scale_bounds(question)
        return point_labels(list(range(low, high + 1)), question.labels, lang)

    def display(self, question: Any, value: Any, lang: str) -> str:
        # Only a scale labelled at every point names the chosen point; end labels would mislead.
        low, high = scale_bounds(question)
        texts = (question.labels or {}).get(lang) or (question.labels or {}).get("nl") or []
        try:
            label = texts[int(value) - low] if len(texts) == high - low + 1 and low <= int(value) <= high else ""
        except (ValueError, TypeError):
            label = ""
        return f"{value} — {label}" if label else str(value)

    def api_scale(self, question: Any) -> dict[str, Any]:
        low, high = scale_bounds(question)
        return {"min": low, "max": high}

    def from_editor(self, values: Any, errors: dict[str, list[str]]) -> dict[str, Any]:
        own: dict[str, Any] = {}
        low = number(values.get("scale_min"), "scale_min", errors, integer=True)
        high = number(values.get("scale_max"), "scale_max", errors, integer=True)
        if low is not None or high is not None:
            own["scale"] = {
                "min": DEFAULT_SCALE["min"] if low is None else low,
                "max": DEFAULT_SCALE["max"] if high is None else high,
            }
        labels = labels_from_lines(values)
        if labels:
            own["labels"] = labels
        matrix = (values.get("matrix") or "").strip()
        if matrix:
            own["matrix"] = matrix
        return own

    def to_editor(self, question: dict[str, Any]) -> dict[str, Any]:
        scale = question.get("scale") or {}
        return {
            "scale_min": str(scale.get("min", "")),
            "scale_max": str(scale.get("max", "")),
            "matrix": question.get("matrix") or "",
            **labels_as_lines(question),
        }

    def clean(self, question: Any, raw: Any) -> int:
        low, high = scale_bounds(question)
        return parse_point(raw, low, high)

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
