"""Ranking question type: an ordered list of distinct option values, all or a top part."""

from __future__ import annotations

from typing import Any

from surveys.messages import N_

from .base import (
    AnswerError,
    ListType,
    check_int,
    check_options,
    chosen_values,
    option_label,
    option_values,
    parse_list,
)

RANK_SEPARATOR = "__"


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


class RankingType(ListType):
    """Option values in order of preference, most important first.

    >>> from types import SimpleNamespace as Q
    >>> q = Q(required=True, min=None, max=None, options=[{"value": v} for v in "abc"])
    >>> t = RankingType()
    >>> t.validate(q, "b|c|a"), t.encode(q, ["b", "c", "a"])
    (['b', 'c', 'a'], 'b|c|a')
    """

    name = "ranking"
    label = {"nl": "Rangorde", "en": "Ranking"}
    macro = "questions/types/ranking.html"
    doc = (
        "`options`, `min`/`max` number of ranked options (default: rank all)",
        "list of distinct option values, most important first",
        "joined with `\\|`",
    )
    seconds = 45

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

    @staticmethod
    def rank_field(question: Any, value: str) -> str:
        """The form input name of one option: ``<key>__<option value>``, its rank the value."""
        return f"{question.key}{RANK_SEPARATOR}{value}"

    @staticmethod
    def rank_of(value: Any, option_value: str) -> str:
        """The rank (as text, 1 = first) an answer gives an option, or '' when unranked."""
        order = chosen_values(value)
        return str(order.index(option_value) + 1) if option_value in order else ""

    def from_form(self, question: Any, form: Any) -> list[str]:
        ranked: list[tuple[int, int, str]] = []
        for position, option in enumerate(question.options or []):
            raw = (form.get(self.rank_field(question, option["value"])) or "").strip()
            if not raw:
                continue
            try:
                rank = int(raw)
            except ValueError:
                # Not a rank we offered: an unknown value makes validation refuse the answer.
                return [raw]
            ranked.append((rank, position, option["value"]))
        ranked.sort()
        order = [value for _, _, value in ranked]
        ranks = [rank for rank, _, _ in ranked]
        if len(set(ranks)) != len(ranks):
            # Two options on the same place: repeat one, so validation answers
            # "Geef elke optie hoogstens één plaats." instead of silently choosing an order.
            duplicate = next(value for (rank, _, value) in ranked if ranks.count(rank) > 1)
            order.append(duplicate)
        return order

    def display(self, question: Any, value: Any, lang: str) -> str:
        items = value if isinstance(value, list) else [value]
        return "; ".join(f"{i}. {option_label(question, v, lang)}" for i, v in enumerate(items, 1))

    def check_definition(self, question: Any) -> None:
        super().check_definition(question)
        check_options(question, self.name)
        ranking_bounds(question)
