"""Ranking question type: an ordered list of distinct option values, all or a top part."""

from __future__ import annotations

from typing import Any

from surveys.messages import N_

from .base import AnswerError, QuestionType, check_int, check_options, option_values, parse_list


def ranking_bounds(question: Any) -> tuple[int, int]:
    """(min, max) number of ranked options; without them every option must be ranked."""
    n = len(question.options or [])
    high = n if question.max is None else question.max
    low = high if question.min is None else question.min
    check_int(low, "min")
    check_int(high, "max")
    if not 1 <= low <= high <= n:
        raise ValueError(f"min en max moeten voldoen aan 1 <= min <= max <= {n}")
    return low, high


class RankingType(QuestionType):
    """Option values in order of preference, most important first.

    >>> from types import SimpleNamespace as Q
    >>> q = Q(required=True, min=None, max=None, options=[{"value": v} for v in "abc"])
    >>> t = RankingType()
    >>> t.validate(q, "b|c|a"), t.encode(q, ["b", "c", "a"])
    (['b', 'c', 'a'], 'b|c|a')
    """

    name = "ranking"
    allowed_fields = frozenset({"options", "min", "max"})

    def clean(self, question: Any, raw: Any) -> list[str] | None:
        order = parse_list(raw)
        if not order:
            # A form can send only separators, such as "|"; that is no answer at all.
            return self.unanswered(question)
        values = option_values(question)
        if any(item not in values for item in order):
            raise AnswerError(N_("Rangschik alleen de genoemde opties."))
        if len(set(order)) != len(order):
            raise AnswerError(N_("Geef elke optie hoogstens één plaats."))
        low, high = ranking_bounds(question)
        if low == high == len(values) and len(order) != low:
            raise AnswerError(N_("Zet alle opties in volgorde."))
        if len(order) < low:
            raise AnswerError(N_("Zet minstens %(value)s opties in volgorde.", value=low))
        if len(order) > high:
            raise AnswerError(N_("Zet hoogstens %(value)s opties in volgorde.", value=high))
        return order

    def encode(self, question: Any, value: Any) -> str | None:
        return None if value is None else "|".join(value)

    def check_definition(self, question: Any) -> None:
        super().check_definition(question)
        check_options(question, self.name)
        ranking_bounds(question)
