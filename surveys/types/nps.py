"""NPS question type: how likely the respondent recommends something, a whole number from 0 to 10."""

from __future__ import annotations

from typing import Any

from .base import QuestionType
from .editor import LABELS_SCHEMA, labels_as_lines, labels_from_lines
from .likert import parse_point, point_labels

LOW, HIGH = 0, 10
# The usual ends of the Net Promoter question; a definition may name its own (``labels``).
DEFAULT_LABELS = {"nl": ["Zeer onwaarschijnlijk", "Zeer waarschijnlijk"], "en": ["Very unlikely", "Very likely"]}


class NpsType(QuestionType):
    """The Net Promoter question: 0 (not at all likely) to 10 (extremely likely).

    The answer is the raw point; the NPS itself (% 9–10 minus % 0–6) is a figure for analysis.

    >>> from types import SimpleNamespace as Q
    >>> q = Q(required=True, labels=None)
    >>> NpsType().validate(q, "9"), NpsType().encode(q, 9), NpsType().points(q, "en")[10]
    (9, 9, (10, 'Very likely'))
    """

    name = "nps"
    label = {"nl": "Aanbevelingsvraag (NPS, 0–10)", "en": "Recommendation question (NPS, 0–10)"}
    allowed_fields = frozenset({"labels"})
    macro = "questions/types/nps.html"
    editor_fields = ("labels_nl", "labels_en")
    schema = {"labels": LABELS_SCHEMA}
    doc = (
        "`labels: {nl: [low, high], en: [low, high]}` (the two ends; default "
        "*Zeer onwaarschijnlijk* … *Zeer waarschijnlijk*)",
        "integer 0–10",
        "the integer",
    )
    seconds = 10

    def clean(self, question: Any, raw: Any) -> int:
        return parse_point(raw, LOW, HIGH)

    def encode(self, question: Any, value: Any) -> int | None:
        return None if value is None else int(value)

    def check_definition(self, question: Any) -> None:
        super().check_definition(question)
        if question.labels is not None:
            if not isinstance(question.labels, dict) or set(question.labels) != {"nl", "en"}:
                raise ValueError("labels moet precies 'nl' en 'en' hebben")
            for lang, texts in question.labels.items():
                if not isinstance(texts, list) or len(texts) != 2 or not all(isinstance(t, str) and t for t in texts):
                    raise ValueError(f"labels.{lang} moet 2 niet-lege teksten hebben (de uitersten)")

    def points(self, question: Any, lang: str) -> list[tuple[int, str]]:
        """(value, label) for 0..10; only the two ends carry a label."""
        return point_labels(list(range(LOW, HIGH + 1)), question.labels or DEFAULT_LABELS, lang)

    def api_scale(self, question: Any) -> dict[str, Any]:
        return {"min": LOW, "max": HIGH}

    def from_editor(self, values: Any, errors: dict[str, list[str]]) -> dict[str, Any]:
        labels = labels_from_lines(values)
        return {"labels": labels} if labels else {}

    def to_editor(self, question: dict[str, Any]) -> dict[str, Any]:
        return labels_as_lines(question)
