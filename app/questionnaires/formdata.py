"""From an HTML form to raw answers, and back: shared by the preview and the respondent flow.

The question macros in ``templates/questions/_render.html`` name every input after its question
key (multiple_choice as a repeated name, ranking as ``<key>__<option value>`` = rank), and
``raw_answers_from_form`` turns what such a form posts into the raw dict that
``surveys.model.Questionnaire.validate_section`` accepts. The other helpers here are template
globals the macros use to show a (raw or clean) answer again.
"""
from __future__ import annotations

from typing import Any, Iterable

RANK_SEPARATOR = "__"
YES, NO = "ja", "nee"
_TRUE = {"ja", "j", "true", "1", "yes", "y", "on", "waar"}
_FALSE = {"nee", "n", "false", "0", "no", "off", "onwaar"}


def _questions_of(section_or_questions) -> list:
    """Questions of a Section, a Questionnaire (all questions) or a plain list of questions."""
    questions = getattr(section_or_questions, "questions", section_or_questions)
    if callable(questions):  # surveys.model.Questionnaire.questions() is a method
        questions = questions()
    return list(questions)


def rank_field(question, value: str) -> str:
    """The form field name of one option of a ranking question."""
    return f"{question.key}{RANK_SEPARATOR}{value}"


def _ranking_from_form(question, form) -> list[str]:
    ranked: list[tuple[int, int, str]] = []
    for position, option in enumerate(question.options or []):
        raw = (form.get(rank_field(question, option["value"])) or "").strip()
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


def raw_answers_from_form(section_or_questions, form) -> dict[str, Any]:
    """The raw answers to these questions in a posted form (a werkzeug MultiDict).

    Every given question gets a key: a string for single-valued types (empty when not
    answered), a list for multiple_choice and ranking (ranking in rank order). Fields that
    belong to no given question are ignored.
    """
    raw: dict[str, Any] = {}
    for question in _questions_of(section_or_questions):
        if question.type == "multiple_choice":
            raw[question.key] = [v for v in form.getlist(question.key) if v.strip()]
        elif question.type == "ranking":
            raw[question.key] = _ranking_from_form(question, form)
        else:
            raw[question.key] = form.get(question.key, "")
    return raw


# -- showing an answer again (template globals) -----------------------------------------------

def chosen_values(value: Any) -> list[str]:
    """The option values in a raw or clean list answer ('a|b', 'a,b' or a list)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.replace(",", "|").split("|") if part.strip()]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def rank_of(value: Any, option_value: str) -> str:
    """The rank (as text, 1 = first) an answer gives an option, or '' when unranked."""
    order = chosen_values(value)
    return str(order.index(option_value) + 1) if option_value in order else ""


def yes_no_state(value: Any) -> str:
    """'ja', 'nee' or '' for a raw or clean yes_no answer."""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, int) and value in (0, 1):
        return YES if value else NO
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return YES
        if word in _FALSE:
            return NO
    return ""


def text_value(value: Any) -> str:
    """A raw or clean single answer as the text of an input; numbers the Dutch way."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".") if not value.is_integer() else str(int(value))
        return text.replace(".", ",")
    return str(value)


def point_labels(question, lang: str) -> list[tuple[int, str]]:
    """(value, label) for each point of a likert scale; unlabelled middle points get ''."""
    scale = question.scale or {"min": 1, "max": 5}
    points = list(range(scale["min"], scale["max"] + 1))
    labels = (question.labels or {}).get(lang) or (question.labels or {}).get("nl") or []
    if len(labels) == len(points):
        return list(zip(points, labels))
    if len(labels) == 2:
        return [(p, labels[0] if i == 0 else labels[1] if i == len(points) - 1 else "")
                for i, p in enumerate(points)]
    return [(p, "") for p in points]


def question_blocks(questions: Iterable) -> list[tuple[str, list]]:
    """Group consecutive likert questions with the same ``matrix`` id into ("matrix", [...]);
    every other question is ("single", [question])."""
    blocks: list[tuple[str, list]] = []
    for question in questions:
        matrix = question.matrix if question.type == "likert" else None
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
    return [q for q in section.questions
            if q.key in visible or (q.condition is not None and q.condition.question in own)]


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
        return {"question": condition.question,
                "value": str(condition.equals if condition.equals is not None else condition.contains)}
    wanted = condition.equals if condition.equals is not None else condition.contains
    label = str(wanted)
    if target.type == "yes_no":
        label = yes_no_state(wanted)
    for option in target.options or []:
        if option["value"] == wanted:
            label = option["label"].get(lang) or option["label"]["nl"]
    return {"question": target.text.get(lang) or target.text["nl"], "value": label,
            "contains": condition.contains is not None}


TEMPLATE_GLOBALS = {
    "q_blocks": question_blocks, "q_shown": shown_questions, "q_points": point_labels,
    "q_chosen": chosen_values, "q_rank_of": rank_of, "q_yes_no": yes_no_state,
    "q_text_value": text_value, "q_rank_field": rank_field, "q_condition": condition_hint,
}
