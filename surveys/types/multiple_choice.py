"""Multiple-choice question type: a set of option values, optionally with min/max selections."""

from __future__ import annotations

from typing import Any

from surveys.messages import N_

from .base import AnswerError, ListType, check_options, check_selection_bounds, option_label, option_values, parse_list


class MultipleChoiceType(ListType):
    """Any number of option values between ``min`` and ``max``; returned in option order.

    >>> from types import SimpleNamespace as Q
    >>> q = Q(required=True, min=None, max=2, options=[{"value": v} for v in "abc"])
    >>> t = MultipleChoiceType()
    >>> t.validate(q, ["c", "a"]), t.encode(q, ["a", "c"])
    (['a', 'c'], 'a|c')
    """

    name = "multiple_choice"
    label = {"nl": "Meerdere keuzes", "en": "Multiple choice"}
    macro = "questions/types/multiple_choice.html"
    doc = (
        "`options`, `min`/`max` number of selections",
        "list of option values, in option order",
        "values joined with `\\|`",
    )
    seconds = 25

    def clean(self, question: Any, raw: Any) -> list[str] | None:
        chosen = parse_list(raw)
        if not chosen:
            # A form can send only separators, such as "|"; that is no answer at all.
            return self.unanswered(question)
        values = option_values(question)
        if any(item not in values for item in chosen):
            raise AnswerError(N_("Kies alleen uit de genoemde opties."))
        if len(set(chosen)) != len(chosen):
            raise AnswerError(N_("Kies elke optie hoogstens één keer."))
        low, high = check_selection_bounds(question)
        if len(chosen) < low:
            raise AnswerError(
                N_("Kies minstens %(value)s opties.", value=low) if low > 1 else N_("Kies minstens één optie.")
            )
        if len(chosen) > high:
            raise AnswerError(
                N_("Kies hoogstens %(value)s opties.", value=high) if high > 1 else N_("Kies hoogstens één optie.")
            )
        # A canonical order makes equal answers encode equally in the CSV.
        return [v for v in values if v in chosen]

    def from_form(self, question: Any, form: Any) -> list[str]:
        # Checkboxes repeat the question's name, once per ticked option.
        return [v for v in form.getlist(question.key) if v.strip()]

    def display(self, question: Any, value: Any, lang: str) -> str:
        items = value if isinstance(value, list) else [value]
        return "; ".join(option_label(question, v, lang) for v in items)

    def check_definition(self, question: Any) -> None:
        super().check_definition(question)
        check_options(question, self.name)
        check_selection_bounds(question)
