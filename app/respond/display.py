"""Answers as the respondent reads them back on the review and statement pages."""
from __future__ import annotations

from flask_babel import gettext as _

from app.i18n import pick, select_locale, translate, translate_errors


def answer_text(question, value) -> str:
    """A clean (or raw) answer in words: option labels, scale labels, ja/nee, Dutch numbers."""
    if value is None or value == "" or value == []:
        return _("(niet beantwoord)")
    labels = {o["value"]: pick(o["label"]) for o in (question.options or [])}
    if question.type == "yes_no":
        if isinstance(value, bool):
            return _("Ja") if value else _("Nee")
        return str(value)
    if question.type in ("single_choice",):
        return labels.get(value, str(value))
    if question.type in ("multiple_choice", "ranking"):
        items = value if isinstance(value, list) else [value]
        names = [labels.get(v, str(v)) for v in items]
        if question.type == "ranking":
            return "; ".join(f"{i}. {n}" for i, n in enumerate(names, 1))
        return "; ".join(names)
    if question.type == "likert":
        scale = question.scale or {"min": 1, "max": 5}
        texts = (question.labels or {}).get(select_locale()) or (question.labels or {}).get("nl") or []
        points = list(range(scale["min"], scale["max"] + 1))
        try:
            label = texts[points.index(int(value))] if len(texts) == len(points) else ""
        except (ValueError, TypeError):
            label = ""
        return f"{value} — {label}" if label else str(value)
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else f"{value:.2f}".rstrip("0")
        value = text.replace(".", ",") if select_locale() == "nl" else text
    if question.type == "currency":
        return f"€ {value}"
    return str(value)


# -- the `surveys` package's answer messages in the reader's language --------------------------------
# `surveys` has no Flask: its messages are Dutch `Message`s that carry their catalog id and
# parameters (surveys/messages.py), translated here by id, not read back from the Dutch text.

def answer_message(message: str) -> str:
    return translate(message)


def answer_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """{question key: messages} from `surveys` validation, in the reader's language."""
    return translate_errors(errors)
