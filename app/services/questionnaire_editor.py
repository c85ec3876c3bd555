"""Editing a draft questionnaire: its settings, sections and questions, from the editor's flat fields.

Each change goes through ``questionnaires.edit_definition`` (a checked copy, stored whole or not
at all, and audited). Question fields that depend on the type are read and written by the type itself
(``QuestionType.from_editor`` / ``to_editor`` in ``surveys/types/``). No function here commits.
"""

from __future__ import annotations

from typing import Any

from app.models import Questionnaire
from app.services.errors import N_
from app.services.questionnaires import (
    QuestionnaireError,
    edit_definition,
    find_question,
    find_section,
    placeholder_question,
    question_keys,
    require_draft,
)
from surveys.model import AUDIENCES, KEY_PATTERN
from surveys.types import QUESTION_TYPES
from surveys.types.editor import text_pair


def update_settings(q: Questionnaire, values: dict) -> None:
    """Title (nl, en), description, audience and anonymity of a draft."""
    require_draft(q)
    errors: dict[str, list[str]] = {}
    title = text_pair(values.get("title_nl"), values.get("title_en"), "de titel", errors, "title")
    description = text_pair(
        values.get("description_nl"),
        values.get("description_en"),
        "de omschrijving",
        errors,
        "description",
        optional=True,
    )
    audience = values.get("audience")
    if audience not in AUDIENCES:
        errors["audience"] = [N_("Kies een doelgroep.")]
    if errors:
        raise QuestionnaireError(N_("De instellingen zijn niet geldig."), errors)

    def change(data):
        data["title"] = title
        data["audience"] = audience
        data["anonymous"] = bool(values.get("anonymous"))
        data.pop("description", None)
        if description:
            data["description"] = description

    edit_definition(q, "questionnaire.settings_changed", change)


def _key(value: Any, errors: dict, field: str = "key") -> str:
    key = (value or "").strip() if isinstance(value, str) or value is None else ""
    if not KEY_PATTERN.match(key):
        errors.setdefault(field, []).append(
            N_("Een sleutel begint met een kleine letter en bestaat uit kleine letters, cijfers en _.")
        )
    return key


def _condition(values: dict, errors: dict) -> dict | None:
    question = (values.get("condition_question") or "").strip()
    value = values.get("condition_value")
    value = value.strip() if isinstance(value, str) else value
    if not question:
        return None
    if value in (None, ""):
        errors.setdefault("condition_value", []).append(N_("Vul de waarde van de voorwaarde in."))
        return None
    operator = values.get("condition_operator") or "equals"
    if operator not in ("equals", "contains"):
        errors.setdefault("condition_operator", []).append(N_("Kies ‘is gelijk aan’ of ‘bevat’."))
        return None
    return {"question": question, operator: value}


def _condition_values(condition: dict | None) -> dict:
    if not condition:
        return {"condition_question": "", "condition_operator": "equals", "condition_value": ""}
    operator = "contains" if "contains" in condition else "equals"
    value = condition[operator]
    if isinstance(value, bool):
        value = "ja" if value else "nee"
    return {
        "condition_question": condition["question"],
        "condition_operator": operator,
        "condition_value": "" if value is None else str(value),
    }


def question_values(question: dict) -> dict:
    """The editor's flat fields for a stored question (the inverse of question_from_values)."""

    def text(name, lang):
        return (question.get(name) or {}).get(lang, "")

    values = {
        "key": question["key"],
        "type": question["type"],
        "text_nl": text("text", "nl"),
        "text_en": text("text", "en"),
        "help_nl": text("help", "nl"),
        "help_en": text("help", "en"),
        "required": question.get("required", True),
        "reverse": question.get("reverse", False),
        "construct": question.get("construct") or "",
        "domain": question.get("domain") or "",
    }
    if question["type"] in QUESTION_TYPES:
        values.update(QUESTION_TYPES[question["type"]].to_editor(question))
    values.update(_condition_values(question.get("condition")))
    return values


def section_values(section: dict) -> dict:
    values = {
        "key": section["key"],
        "title_nl": section["title"]["nl"],
        "title_en": section["title"]["en"],
        "intro_nl": (section.get("intro") or {}).get("nl", ""),
        "intro_en": (section.get("intro") or {}).get("en", ""),
    }
    values.update(_condition_values(section.get("condition")))
    return values


def question_from_values(values: dict) -> dict:
    """A question definition from flat editor fields; its type reads its own fields.

    Common fields: key, type, text_nl/en, help_nl/en, construct, domain, required, reverse,
    condition_question/operator/value; the type's own are its ``editor_fields`` (``from_editor``).
    Raises QuestionnaireError with errors per field.
    """
    errors: dict[str, list[str]] = {}
    type_name = values.get("type")
    question_type = QUESTION_TYPES.get(type_name) if isinstance(type_name, str) else None
    if question_type is None:
        errors["type"] = [N_("Kies een vraagtype.")]
    question: dict[str, Any] = {
        "key": _key(values.get("key"), errors),
        "type": values.get("type"),
        "text": text_pair(values.get("text_nl"), values.get("text_en"), "de vraagtekst", errors, "text"),
    }
    help_text = text_pair(values.get("help_nl"), values.get("help_en"), "de uitleg", errors, "help", optional=True)
    if help_text:
        question["help"] = help_text
    for name in ("construct", "domain"):
        value = (values.get(name) or "").strip()
        if value:
            question[name] = value
    question["required"] = bool(values.get("required"))
    if question_type is not None and question_type.reversible:
        question["reverse"] = bool(values.get("reverse"))
    elif values.get("reverse"):
        errors["reverse"] = [N_("Alleen likert-vragen kunnen omgekeerd gescoord worden.")]
    if question_type is not None:
        question.update(question_type.from_editor(values, errors))
    condition = _condition(values, errors)
    if condition:
        question["condition"] = condition
    if errors:
        raise QuestionnaireError(N_("De vraag is niet geldig."), errors)
    return question


def _check_question_alone(question: dict) -> None:
    from surveys.model import Question

    try:
        parsed = Question.from_dict({k: v for k, v in question.items() if k != "condition"})
        parsed.check("vraag")
    except (ValueError, TypeError) as exc:
        message = str(exc).removeprefix("vraag: ").removeprefix("vraag.")
        raise QuestionnaireError(
            N_("De vraag is niet geldig: %(reason)s", reason=message), {"question": [message]}
        ) from None


def add_question(q: Questionnaire, section_key: str, values: dict, position: int | None = None) -> str:
    """Add a question to a section (at the end, or at ``position``); returns its key."""
    question = question_from_values(values)
    _check_question_alone(question)

    def change(data):
        _, section = find_section(data, section_key)
        if question["key"] in question_keys(data):
            raise QuestionnaireError(
                N_("Deze sleutel bestaat al in de vragenlijst."),
                {"key": [N_("Deze sleutel bestaat al in de vragenlijst.")]},
            )
        index = len(section["questions"]) if position is None else max(0, position)
        section["questions"].insert(index, question)
        return question["key"]

    return edit_definition(q, "questionnaire.question_added", change, question=question["key"])


def edit_question(q: Questionnaire, key: str, values: dict) -> str:
    """Replace question ``key`` by the edited fields; returns the (possibly new) key."""
    question = question_from_values(values)
    _check_question_alone(question)

    def change(data):
        section, index, old = find_question(data, key)
        if question["key"] != key and question["key"] in question_keys(data):
            raise QuestionnaireError(
                N_("Deze sleutel bestaat al in de vragenlijst."),
                {"key": [N_("Deze sleutel bestaat al in de vragenlijst.")]},
            )
        # Fields the editor does not show (a partner code) stay as they were.
        if old.get("partner"):
            question["partner"] = old["partner"]
        section["questions"][index] = question
        return question["key"]

    return edit_definition(q, "questionnaire.question_changed", change, question=key)


def delete_question(q: Questionnaire, key: str) -> None:
    def change(data):
        section, index, _ = find_question(data, key)
        if len(section["questions"]) == 1:
            raise QuestionnaireError(
                N_("Een sectie heeft minstens één vraag; verwijder de hele sectie of voeg eerst een andere vraag toe.")
            )
        del section["questions"][index]

    edit_definition(q, "questionnaire.question_deleted", change, question=key)


def move_question(q: Questionnaire, key: str, direction: int) -> None:
    """Move a question one place up (-1) or down (+1); past the edge of its section it moves
    to the end of the previous or the start of the next section."""
    if direction not in (-1, 1):
        raise QuestionnaireError(N_("Verplaats een vraag één plaats omhoog of omlaag."))

    def change(data):
        section, index, question = find_question(data, key)
        questions = section["questions"]
        target = index + direction
        if 0 <= target < len(questions):
            questions[index], questions[target] = questions[target], questions[index]
            return
        s_index, _ = find_section(data, section["key"])
        neighbour = s_index + direction
        if not 0 <= neighbour < len(data["sections"]):
            return  # already first or last: nothing to do
        del questions[index]
        other = data["sections"][neighbour]["questions"]
        other.insert(len(other) if direction < 0 else 0, question)

    edit_definition(q, "questionnaire.question_moved", change, question=key, direction=direction)


def reorder_questions(q: Questionnaire, section_key: str, keys: list[str]) -> None:
    """Put a section's questions in the order of ``keys`` (the same keys, reordered)."""

    def change(data):
        _, section = find_section(data, section_key)
        by_key = {x["key"]: x for x in section["questions"]}
        if sorted(keys) != sorted(by_key):
            raise QuestionnaireError(N_("Geef precies de vragen van deze sectie in de nieuwe volgorde."))
        section["questions"] = [by_key[k] for k in keys]

    edit_definition(q, "questionnaire.questions_reordered", change, section=section_key)


def _section_values(values: dict) -> dict:
    errors: dict[str, list[str]] = {}
    section = {
        "key": _key(values.get("key"), errors),
        "title": text_pair(values.get("title_nl"), values.get("title_en"), "de titel", errors, "title"),
    }
    intro = text_pair(values.get("intro_nl"), values.get("intro_en"), "de inleiding", errors, "intro", optional=True)
    if intro:
        section["intro"] = intro
    condition = _condition(values, errors)
    if condition:
        section["condition"] = condition
    if errors:
        raise QuestionnaireError(N_("De sectie is niet geldig."), errors)
    return section


def add_section(q: Questionnaire, values: dict) -> str:
    """Add a section at the end, with one placeholder question to edit; returns its key."""
    section = _section_values(values)

    def change(data):
        if section["key"] in {s["key"] for s in data["sections"]}:
            raise QuestionnaireError(
                N_("Deze sleutel bestaat al."), {"key": [N_("Er is al een sectie met deze sleutel.")]}
            )
        section["questions"] = [placeholder_question(question_keys(data))]
        data["sections"].append(section)
        return section["key"]

    return edit_definition(q, "questionnaire.section_added", change, section=section["key"])


def edit_section(q: Questionnaire, key: str, values: dict) -> str:
    section = _section_values(values)

    def change(data):
        index, old = find_section(data, key)
        if section["key"] != key and section["key"] in {s["key"] for s in data["sections"]}:
            raise QuestionnaireError(
                N_("Deze sleutel bestaat al."), {"key": [N_("Er is al een sectie met deze sleutel.")]}
            )
        section["questions"] = old["questions"]
        data["sections"][index] = section
        return section["key"]

    return edit_definition(q, "questionnaire.section_changed", change, section=key)


def delete_section(q: Questionnaire, key: str) -> None:
    def change(data):
        index, _ = find_section(data, key)
        if len(data["sections"]) == 1:
            raise QuestionnaireError(N_("Een vragenlijst heeft minstens één sectie."))
        del data["sections"][index]

    edit_definition(q, "questionnaire.section_deleted", change, section=key)


def move_section(q: Questionnaire, key: str, direction: int) -> None:
    if direction not in (-1, 1):
        raise QuestionnaireError(N_("Verplaats een sectie één plaats omhoog of omlaag."))

    def change(data):
        index, _ = find_section(data, key)
        target = index + direction
        if 0 <= target < len(data["sections"]):
            sections = data["sections"]
            sections[index], sections[target] = sections[target], sections[index]

    edit_definition(q, "questionnaire.section_moved", change, section=key, direction=direction)
