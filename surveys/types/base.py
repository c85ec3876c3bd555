"""Base class for pluggable question types, the answer error and shared parsing helpers."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any, cast

from surveys.messages import N_, Message

from .editor import OPTIONS_SCHEMA, bounds_as_text, bounds_from_editor, options_as_lines, options_from_lines

REQUIRED_MESSAGE = N_("Deze vraag is verplicht.")


class AnswerError(ValueError):
    """A respondent's answer is not acceptable; ``message`` is Dutch and carries its catalog id and
    parameters (surveys.messages), so the edge shows it in the respondent's language.

    >>> error = AnswerError(N_("Kies minstens %(value)s opties.", value=2))
    >>> str(error), error.message.msgid
    ('Kies minstens 2 opties.', 'Kies minstens %(value)s opties.')
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message: Message = message if isinstance(message, Message) else Message(message)


def is_empty(raw: Any) -> bool:
    """True for what an unanswered question looks like, from a form or from JSON.

    >>> [is_empty(x) for x in (None, "", "  ", [], 0, False)]
    [True, True, True, True, False, False]
    """
    if raw is None:
        return True
    if isinstance(raw, str):
        return raw.strip() == ""
    if isinstance(raw, (list, tuple)):
        return len(raw) == 0
    return False


def format_number(value: float | int | Decimal, lang: str = "nl") -> str:
    """A number as a respondent typed it: every digit kept, no grouping, a decimal comma in Dutch.

    For messages, answers read back and form inputs filled in again (``parse_decimal`` reads the
    result back unchanged); report figures with grouping are app/results/format.py's ``fmt``.

    >>> format_number(1.5), format_number(10), format_number(2.0), format_number(0.125, "en")
    ('1,5', '10', '2', '0.125')
    """
    if isinstance(value, float):
        value = int(value) if value.is_integer() else Decimal(repr(value))
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return text.replace(".", ",") if lang == "nl" else text


# Groups of three after the first group, as in 1.234.567 or 1 234 567.
_GROUPED = re.compile(r"^\d{1,3}(?:[.\s]\d{3})+$")
_COMMA_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+$")
_PLAIN = re.compile(r"^\d+$")


def parse_decimal(raw: Any) -> Decimal:
    """Read a number from JSON or from a Dutch or English form field; ValueError when it is none.

    A lone comma is the decimal separator (Dutch); with both '.' and ',' the last one is.
    A single dot followed by exactly three digits after a non-zero integer part is read as a
    Dutch thousands separator, because a respondent typing "12.500" for an amount means 12500.

    >>> [str(parse_decimal(x)) for x in ("1.234,50", "1234,5", "1234.5", "12.500", "0.125", 3)]
    ['1234.50', '1234.5', '1234.5', '12500', '0.125', '3']
    """
    if isinstance(raw, bool):
        # bool is an int in Python; True as an amount is surely a mistake.
        raise ValueError("boolean")
    if isinstance(raw, int):
        return _in_range(Decimal(raw))
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValueError("not finite")
        return _in_range(Decimal(repr(raw)))
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise ValueError("not finite")
        return _in_range(raw)
    if not isinstance(raw, str):
        raise ValueError("not a number")
    text = raw.strip().replace("\u00a0", " ")
    for prefix in ("€", "EUR", "eur"):
        if text.startswith(prefix):
            text = text[len(prefix) :].strip()
    sign = ""
    if text[:1] in ("+", "-"):
        sign, text = ("-" if text[0] == "-" else ""), text[1:].strip()
    if "," in text and "." in text:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        whole, _, frac = text.rpartition(decimal_sep)
        if not (_GROUPED.match(whole) or _COMMA_GROUPED.match(whole) or _PLAIN.match(whole)):
            raise ValueError("bad grouping")
        if not _PLAIN.match(frac):
            raise ValueError("bad fraction")
        whole = re.sub(r"[.,\s]", "", whole)
    elif "," in text:
        if text.count(",") > 1:
            if not _COMMA_GROUPED.match(text):
                raise ValueError("bad grouping")
            whole, frac = text.replace(",", ""), ""
        else:
            whole, _, frac = text.partition(",")
            whole = whole.replace(" ", "").replace(".", "")
    elif text.count(".") > 1 or (" " in text):
        if not _GROUPED.match(text):
            raise ValueError("bad grouping")
        whole, frac = re.sub(r"[.\s]", "", text), ""
    elif "." in text:
        whole, _, frac = text.partition(".")
        if len(frac) == 3 and _PLAIN.match(whole) and len(whole) <= 3 and whole != "0":
            whole, frac = whole + frac, ""
    else:
        whole, frac = text, ""
    if whole == "" and frac:
        whole = "0"
    if not _PLAIN.match(whole) or (frac and not _PLAIN.match(frac)):
        raise ValueError("not a number")
    if len(frac) > 30:
        raise ValueError("too many decimals")
    return _in_range(Decimal(f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}"))


# No school counts or pays beyond this; refusing early keeps every value exact as a float.
LIMIT = Decimal(10) ** 15


def _in_range(value: Decimal) -> Decimal:
    if abs(value) >= LIMIT:
        raise ValueError("too large")
    return value


def decimal_places(value: Decimal) -> int:
    """Digits that matter after the decimal point, without using a decimal context.

    >>> decimal_places(Decimal("1.230")), decimal_places(Decimal("12E+2")), decimal_places(Decimal("0.5"))
    (2, 0, 1)
    """
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0:
        return 0
    places = -exponent
    for digit in reversed(digits):
        if digit != 0 or places == 0:
            break
        places -= 1
    return places


class QuestionType:
    """A kind of question, everything about it in one place (a plugin; see docs/architecture.md).

    Subclasses set ``name`` and implement ``clean``; ``validate`` handles unanswered questions
    once for all types, so every type treats an empty answer the same way. Beside checking and
    encoding, a type names its rendering macro, reads its answer from a posted form, writes an
    answer in words, converts the editor's fields, and carries its label, JSON Schema fragment
    and documentation row. None of it needs Flask: the macro is a template path, a form is any
    mapping with ``get`` (and ``getlist`` for repeated names).
    """

    name: str = ""
    #: the type's name in the editor, {nl, en}
    label: dict[str, str] = {"nl": "", "en": ""}
    #: definition fields that only make sense for some types; others must leave them unset
    allowed_fields: frozenset[str] = frozenset()
    #: Jinja template (under app/templates) with ``render(q, answers, errors, lang, section)``
    macro: str = ""
    #: the editor's inputs this type uses, from app/questionnaires/forms.py QuestionForm
    editor_fields: tuple[str, ...] = ()
    #: JSON Schema (draft 2020-12) of the type's own fields; surveys.schema merges them
    schema: dict[str, Any] = {}
    #: its row in docs/questionnaire-format.md: (own fields, clean answer value, export)
    doc: tuple[str, str, str] = ("—", "", "")
    #: what the indicator pipeline reads it as: "likert" (a scored item), "choice", "text", None
    analysis: str | None = None
    #: free text, which the CSV export leaves out for groups below the comment threshold
    free_text: bool = False
    #: answers can be scored in reverse (``reverse: true``; only scale items)
    reversible: bool = False
    #: seconds a respondent needs for one such question (the time estimate on the intro page)
    seconds: int = 20

    # Fields of Question that are type-specific; the rest are common to every type.
    SPECIFIC_FIELDS = ("scale", "labels", "options", "min", "max", "unit", "integer", "max_length", "matrix")

    def validate(self, question: Any, raw: Any) -> Any:
        """Return the clean value of ``raw``, None when unanswered; raise AnswerError when bad."""
        if is_empty(raw):
            return self.unanswered(question)
        return self.clean(question, raw)

    @staticmethod
    def unanswered(question: Any) -> None:
        """None for an optional question; AnswerError for a required one."""
        if question.required:
            raise AnswerError(REQUIRED_MESSAGE)
        return None

    def clean(self, question: Any, raw: Any) -> Any:  # pragma: no cover - abstract
        """Turn a non-empty raw answer into its clean value or raise AnswerError."""
        raise NotImplementedError

    def encode(self, question: Any, value: Any) -> float | str | None:
        """Encode a clean value for analysis and CSV export (None stays None)."""
        return cast("float | str | None", value)

    def check_definition(self, question: Any) -> None:
        """Raise ValueError when ``question`` is not a sound definition of this type."""
        for field in self.SPECIFIC_FIELDS:
            value = getattr(question, field, None)
            # ``integer`` defaults to False rather than None; both mean "not set".
            if field not in self.allowed_fields and value is not None and value is not False:
                raise ValueError(f"veld '{field}' hoort niet bij type '{self.name}'")

    def check_contains(self, question: Any, value: Any) -> None:
        """Raise ValueError unless a condition ``contains: value`` makes sense on this question."""
        raise ValueError("alleen voor meerkeuze, rangorde of tekst")

    def contains(self, value: Any, wanted: Any) -> bool:
        """Whether the clean answer ``value`` contains ``wanted`` (for a ``contains`` condition)."""
        return False

    def from_form(self, question: Any, form: Any) -> Any:
        """The raw answer in a posted form (a MultiDict or any mapping); the input is the key."""
        return form.get(question.key, "")

    def display(self, question: Any, value: Any, lang: str) -> str:
        """A clean (or raw) answer in words in ``lang`` ('nl' or 'en'); never called for None."""
        return str(value)

    def api_scale(self, question: Any) -> dict[str, Any] | None:
        """The ``scale`` of this question in the public API, or None."""
        return None

    def from_editor(self, values: Any, errors: dict[str, list[str]]) -> dict[str, Any]:
        """The type's own definition fields from the editor's flat values (``editor_fields``).

        Problems go into ``errors`` per field, in Dutch; the caller raises them together.
        """
        return {}

    def to_editor(self, question: dict[str, Any]) -> dict[str, Any]:
        """The editor's flat values for the type's own fields of a stored question."""
        return {}

    def __repr__(self) -> str:
        return f"<QuestionType {self.name}>"


def check_int(value: Any, what: str) -> None:
    """Raise ValueError unless ``value`` is an int (and not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} moet een geheel getal zijn")


def check_options(question: Any, name: str) -> None:
    """Raise ValueError unless the question has at least two options with unique values."""
    options = question.options
    if not isinstance(options, list) or len(options) < 2:
        raise ValueError(f"type '{name}' heeft minstens twee opties nodig")
    values = [o.get("value") if isinstance(o, dict) else None for o in options]
    for value in values:
        if not isinstance(value, str) or not re.match(r"^[a-z0-9][a-z0-9_]*$", value):
            raise ValueError(f"optiewaarde {value!r} moet bestaan uit kleine letters, cijfers en _")
    if len(set(values)) != len(values):
        raise ValueError("optiewaarden moeten uniek zijn")


def option_values(question: Any) -> list[str]:
    """The option values of a question, in their defined order."""
    return [o["value"] for o in (question.options or [])]


def option_label(question: Any, value: Any, lang: str) -> str:
    """The label in ``lang`` of the option called ``value``; the value itself when unknown."""
    for option in question.options or []:
        if option["value"] == value:
            label: str = option["label"].get(lang) or option["label"]["nl"]
            return label
    return str(value)


def chosen_values(value: Any) -> list[str]:
    """The option values in a raw or clean list answer ('a|b', 'a,b' or a list).

    >>> chosen_values("a|b"), chosen_values(["c"]), chosen_values(None)
    (['a', 'b'], ['c'], [])
    """
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.replace(",", "|").split("|") if part.strip()]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def check_selection_bounds(question: Any) -> tuple[int, int]:
    """Return (min, max) selections for a list-valued question, checking the definition."""
    n = len(question.options or [])
    low = 0 if question.min is None else question.min
    high = n if question.max is None else question.max
    check_int(low, "min")
    check_int(high, "max")
    if not 0 <= low <= high <= n or high == 0:
        raise ValueError(f"min en max moeten voldoen aan 0 <= min <= max <= {n} en max >= 1")
    return low, high


class ListType(QuestionType):
    """Shared parts of the types whose answer is a list of option values."""

    allowed_fields = frozenset({"options", "min", "max"})
    editor_fields = ("options", "min", "max")
    schema = {"options": OPTIONS_SCHEMA, "min": {"type": "number"}, "max": {"type": "number"}}

    def check_contains(self, question: Any, value: Any) -> None:
        if value not in option_values(question):
            raise ValueError(f"{value!r} is geen optie")

    def contains(self, value: Any, wanted: Any) -> bool:
        return wanted in value

    def encode(self, question: Any, value: Any) -> str | None:
        return None if value is None else "|".join(value)

    def from_editor(self, values: Any, errors: dict[str, list[str]]) -> dict[str, Any]:
        return {
            "options": options_from_lines(values.get("options"), errors),
            **bounds_from_editor(values, errors, integer=True),
        }

    def to_editor(self, question: dict[str, Any]) -> dict[str, Any]:
        return {"options": options_as_lines(question.get("options")), **bounds_as_text(question)}


def parse_list(raw: Any) -> list[str]:
    """Read a list of option values from JSON (a list) or a form (a '|' or ',' joined string)."""
    if isinstance(raw, str):
        return [part.strip() for part in re.split(r"[|,]", raw) if part.strip()]
    if isinstance(raw, (list, tuple)):
        if not all(isinstance(item, str) for item in raw):
            raise AnswerError(N_("Kies uit de genoemde opties."))
        return [item.strip() for item in raw]
    raise AnswerError(N_("Kies uit de genoemde opties."))
