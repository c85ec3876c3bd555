"""Registry of question types, like CTFd's challenge types: name -> QuestionType instance.

Adding a type: write its module here (a QuestionType subclass with everything about the type),
its macro template under app/templates/questions/types/, and register it below.
"""

from __future__ import annotations

from .base import AnswerError, QuestionType
from .currency import CurrencyType
from .likert import LikertType
from .multiple_choice import MultipleChoiceType
from .nps import NpsType
from .number import NumberType
from .ranking import RankingType
from .single_choice import SingleChoiceType
from .text import TextType
from .yes_no import YesNoType

QUESTION_TYPES: dict[str, QuestionType] = {}


def register(question_type: QuestionType) -> QuestionType:
    """Add a question type to the registry (a plugin point); its name must be new."""
    if not question_type.name or question_type.name in QUESTION_TYPES:
        raise ValueError(f"vraagtype {question_type.name!r} is leeg of bestaat al")
    QUESTION_TYPES[question_type.name] = question_type
    return question_type


def get_type(name: str) -> QuestionType:
    """The registered question type called ``name``; ValueError when there is none.

    >>> get_type("likert").name
    'likert'
    """
    try:
        return QUESTION_TYPES[name]
    except (KeyError, TypeError):
        raise ValueError(f"onbekend vraagtype {name!r}") from None


for _type in (
    LikertType(),
    SingleChoiceType(),
    MultipleChoiceType(),
    NumberType(),
    CurrencyType(),
    TextType(),
    RankingType(),
    YesNoType(),
    NpsType(),
):
    register(_type)

__all__ = ["AnswerError", "QuestionType", "QUESTION_TYPES", "get_type", "register"]
