"""Yes/no question type: a boolean, from JSON or from Dutch and English form values."""

from __future__ import annotations

from typing import Any

from .base import AnswerError, QuestionType

TRUE_WORDS = frozenset({"ja", "j", "true", "1", "yes", "y", "on", "waar"})
FALSE_WORDS = frozenset({"nee", "n", "false", "0", "no", "off", "onwaar"})
MESSAGE = "Kies ja of nee."
YES, NO = "ja", "nee"
WORDS = {True: {"nl": "Ja", "en": "Yes"}, False: {"nl": "Nee", "en": "No"}}


class YesNoType(QuestionType):
    """True or False.

    >>> from types import SimpleNamespace as Q
    >>> q = Q(required=True)
    >>> t = YesNoType()
    >>> t.validate(q, "Ja"), t.validate(q, False), t.encode(q, True)
    (True, False, 1)
    """

    name = "yes_no"
    label = {"nl": "Ja/nee", "en": "Yes/no"}
    macro = "questions/types/yes_no.html"
    doc = ("—", "`true` / `false`", "1 / 0")
    seconds = 10

    def clean(self, question: Any, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int) and raw in (0, 1):
            return bool(raw)
        if isinstance(raw, str):
            word = raw.strip().lower()
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
        raise AnswerError(MESSAGE)

    def encode(self, question: Any, value: Any) -> int | None:
        return None if value is None else int(bool(value))

    def state(self, value: Any) -> str:
        """'ja', 'nee' or '' for a raw or clean answer: which radio button is checked."""
        try:
            return "" if value is None or value == "" else (YES if self.clean(None, value) else NO)
        except AnswerError:
            return ""

    def display(self, question: Any, value: Any, lang: str) -> str:
        if isinstance(value, bool):
            return WORDS[value][lang if lang in ("nl", "en") else "nl"]
        return str(value)
