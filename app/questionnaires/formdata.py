"""From an HTML form to raw answers, and back: shared by the preview and the respondent flow.

The question macros (``templates/questions/types/<type>.html``, named by each question type)
name every input after its question key, and ``raw_answers_from_form`` asks each type to read
what such a form posts (``QuestionType.from_form``) into the raw dict that
``surveys.model.Questionnaire.validate_section`` accepts. The other helpers here are template
globals the macros use to show a (raw or clean) answer again; type-specific ones are methods of
the type (``q.question_type.points``, ``.rank_of``, ``.state``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from surveys.types.base import chosen_values, format_number


def _questions_of(section_or_questions) -> list:
    """Questions of a Section, a Questionnaire (all questions) or a plain list of questions."""
    questions = getattr(section_or_questions, "questions", section_or_questions)
    if callable(questions):  # surveys.model.Questionnaire.questions() is a method
        questions = questions()
    return list(questions)


def raw_answers_from_form(section_or_questions, form) -> dict[str, Any]:
    """The raw answers to these questions in a posted form (a werkzeug MultiDict).

    Every given question gets a key: a string for single-valued types (empty when not
    answered), a list for multiple_choice and ranking (ranking in rank order); each type
    decides (``from_form``). Fields that belong to no given question are ignored.
    """
    return {
        question.key: question.question_type.from_form(question, form)
        for question in _questions_of(section_or_questions)
    }


# -- showing an answer again (template globals) -----------------------------------------------


def text_value(value: Any) -> str:
    """A raw or clean single answer as the text of an input; numbers the Dutch way."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float):
        return format_number(value, "nl")  # Dutch notation, read back unchanged by parse_decimal
    return str(value)


def question_blocks(questions: Iterable) -> list[tuple[str, list]]:
    """Group consecutive questions with the same ``matrix`` id into ("matrix", [...]) (a type
    that allows ``matrix`` has a ``matrix`` macro); every other question is ("single", [question])."""
    blocks: list[tuple[str, list]] = []
    for question in questions:
        matrix = question.matrix if "matrix" in question.question_type.allowed_fields else None
        if matrix and blocks and blocks[-1][0] == "matrix" and blocks[-1][1][0].matrix == matrix:
            blocks[-1][1].append(question)
        elif matrix:
            blocks.append(("matrix", [question]))
        else:
            blocks.append(("single", [question]))
    return [("single", qs) if kind == "matrix" and len(qs) == 1 else (kind, qs) for kind, qs in blocks]


def shown_questions(section, visible: Iterable[str] | None = None) -> list:
    """The questions of a section to render.

    ``visible`` (keys, e.g. from ``Questionnaire.visible_questions(answers)``) hides questions
    whose condition is false; a question whose condition refers to a question of this same
    section is always shown, with a hint, since a form without script cannot reveal it later.
    ``None`` shows every question (the editor's preview).
    """
    if visible is None:
        return list(section.questions)
    visible = set(visible)
    own = {q.key for q in section.questions}
    return [
        q for q in section.questions if q.key in visible or (q.condition is not None and q.condition.question in own)
    ]


def condition_hint(questionnaire_or_section, question, lang: str) -> dict | None:
    """{'question': text, 'value': label} describing a question's condition, or None."""
    condition = question.condition
    if condition is None:
        return None
    target = None
    for q in _questions_of(questionnaire_or_section):
        if q.key == condition.question:
            target = q
    if target is None:
        return {
            "question": condition.question,
            "value": str(condition.equals if condition.equals is not None else condition.contains),
        }
    wanted = condition.equals if condition.equals is not None else condition.contains
    label = str(wanted)
    question_type = target.question_type
    try:
        # The value as the respondent reads it: an option's label, Ja/Nee, a Dutch number.
        label = question_type.display(target, question_type.clean(target, wanted), lang)
    except ValueError:  # a contains on a text question is not a valid answer itself
        pass
    return {
        "question": target.text.get(lang) or target.text["nl"],
        "value": label,
        "contains": condition.contains is not None,
    }


TEMPLATE_GLOBALS = {
    "q_blocks": question_blocks,
    "q_shown": shown_questions,
    "q_chosen": chosen_values,
    "q_text_value": text_value,
    "q_condition": condition_hint,
}
