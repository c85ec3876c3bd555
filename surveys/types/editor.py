"""Reading the questionnaire editor's flat fields (strings from a form or JSON) into definition parts.

Shared by the question types' ``from_editor`` and ``to_editor`` and by the editor service for the
fields every question has. Problems go into an ``errors`` dict per field, in Dutch.
"""

from __future__ import annotations

from typing import Any

# The editor's input names per language for a {nl, en} text.
LANGS = ("nl", "en")


def text_pair(
    nl: Any, en: Any, label: str, errors: dict[str, list[str]], field: str, *, optional: bool = False
) -> dict[str, Any] | None:
    """A {nl, en} text from two inputs; both are needed, or neither when ``optional``.

    >>> errors = {}
    >>> text_pair(" fte ", "", "de eenheid", errors, "unit"), errors
    ({'nl': 'fte', 'en': ''}, {'unit_en': ['Vul de eenheid in het Engels in.']})
    """
    nl = (nl or "").strip() if isinstance(nl, str) or nl is None else nl
    en = (en or "").strip() if isinstance(en, str) or en is None else en
    if optional and not nl and not en:
        return None
    if not isinstance(nl, str) or not nl:
        errors.setdefault(f"{field}_nl", []).append(f"Vul {label} in het Nederlands in.")
    if not isinstance(en, str) or not en:
        errors.setdefault(f"{field}_en", []).append(f"Vul {label} in het Engels in.")
    return {"nl": nl, "en": en}


def number(value: Any, field: str, errors: dict[str, list[str]], *, integer: bool = False) -> int | float | None:
    """A number from an input (``1,5`` or ``1.5``); None when empty; an error when not a number.

    >>> errors = {}
    >>> number("1,5", "min", errors), number("", "max", errors), number("x", "max", errors), errors
    (1.5, None, None, {'max': ['Vul een getal in.']})
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        result = value
    else:
        try:
            result = float(str(value).strip().replace(",", "."))
        except ValueError:
            errors.setdefault(field, []).append("Vul een getal in.")
            return None
    if integer or float(result).is_integer():
        if integer and not float(result).is_integer():
            errors.setdefault(field, []).append("Vul een geheel getal in.")
            return None
        return int(result)
    return result


def number_text(value: Any) -> str:
    """A stored number for an input; '' when unset."""
    return "" if value is None else str(value)


def lines(text: Any) -> list[str]:
    """Non-empty trimmed lines of a text area (or the items of a list)."""
    if isinstance(text, list):
        return [str(x).strip() for x in text if str(x).strip()]
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def options_from_lines(text: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Options from lines ``value | Nederlands label | English label`` (English may be left out).

    >>> options_from_lines("ja | Ja | Yes\\nnee | Nee", {})[1]
    {'value': 'nee', 'label': {'nl': 'Nee', 'en': 'Nee'}}
    """
    options = []
    for n, line in enumerate(lines(text), start=1):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 2:
            parts.append(parts[1])
        if len(parts) != 3 or not all(parts):
            errors.setdefault("options", []).append(f"Regel {n}: schrijf ‘waarde | Nederlandse tekst | Engelse tekst’.")
            continue
        options.append({"value": parts[0], "label": {"nl": parts[1], "en": parts[2]}})
    if len(options) < 2 and "options" not in errors:
        errors["options"] = ["Geef minstens twee opties, één per regel."]
    return options


def options_as_lines(options: list[dict[str, Any]] | None) -> str:
    """The inverse of ``options_from_lines``."""
    return "\n".join(f"{o['value']} | {o['label']['nl']} | {o['label']['en']}" for o in options or [])


def labels_from_lines(values: Any) -> dict[str, Any] | None:
    """Point labels {nl: [...], en: [...]} from the ``labels_nl``/``labels_en`` text areas."""
    labels = {lang: lines(values.get(f"labels_{lang}")) for lang in LANGS}
    return labels if labels["nl"] or labels["en"] else None


def labels_as_lines(question: dict[str, Any]) -> dict[str, str]:
    labels = question.get("labels") or {}
    return {f"labels_{lang}": "\n".join(labels.get(lang, [])) for lang in LANGS}


def bounds_from_editor(values: Any, errors: dict[str, list[str]], *, integer: bool) -> dict[str, Any]:
    """``min`` and ``max`` as far as given (numbers, or whole numbers of selections)."""
    result = {}
    for bound in ("min", "max"):
        value = number(values.get(bound), bound, errors, integer=integer)
        if value is not None:
            result[bound] = value
    return result


def bounds_as_text(question: dict[str, Any]) -> dict[str, str]:
    return {"min": number_text(question.get("min")), "max": number_text(question.get("max"))}


# JSON Schema fragments that several types share.
OPTIONS_SCHEMA = {"type": "array", "minItems": 2, "items": {"$ref": "#/$defs/option"}}
LABELS_SCHEMA = {
    "type": "object",
    "required": ["nl", "en"],
    "additionalProperties": False,
    "properties": {
        lang: {"type": "array", "minItems": 2, "items": {"type": "string", "minLength": 1}} for lang in LANGS
    },
}
