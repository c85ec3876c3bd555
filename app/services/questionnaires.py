"""Questionnaire services: create (template, blank, import), edit drafts, publish, close, version.

Every change loads the stored definition, changes a copy, checks the whole questionnaire with
``surveys.model.Questionnaire.from_dict`` and only then stores ``to_dict()`` and
``fingerprint()``: a refused change leaves nothing half-saved. A published questionnaire is
frozen; editing it means making a new version. No function here commits.
"""
from __future__ import annotations

import copy
import re
from datetime import datetime, timezone
from typing import Any, Callable

from sqlalchemy import select

from app.extensions import db
from app.models import Questionnaire, Traject
from app.models.base import utcnow
from app.services import audit
from app.services.errors import ServiceError
from surveys import io as survey_io
from surveys import templates as survey_templates
from surveys.model import AUDIENCES, KEY_PATTERN
from surveys.model import Questionnaire as Definition
from surveys.types import QUESTION_TYPES

FROZEN = "Een gepubliceerde vragenlijst ligt vast; maak een nieuwe versie."
CHOICE_TYPES = ("single_choice", "multiple_choice", "ranking")
QUESTION_TYPE_NAMES = tuple(QUESTION_TYPES)
FORMATS = {"yaml": ("application/yaml", "yaml"), "json": ("application/json", "json")}


class QuestionnaireError(ServiceError):
    """A user-facing reason (message id and parameters) why a questionnaire change was refused."""

    def __init__(self, message: str, errors: dict | None = None, *, conflict: bool = False):
        # conflict: the change is not possible in the questionnaire's state (API: 409).
        super().__init__(message, errors, status=409 if conflict else None)
        self.conflict = conflict


# -- helpers ----------------------------------------------------------------------------------

def definition_of(q: Questionnaire) -> Definition:
    """The stored definition as a surveys Questionnaire."""
    return Definition.from_dict(q.definition)


def _checked(data: dict) -> Definition:
    try:
        return Definition.from_dict(data)
    except (ValueError, TypeError) as exc:
        raise QuestionnaireError(f"De wijziging maakt de vragenlijst ongeldig: {exc}") from None


def _store(q: Questionnaire, definition: Definition) -> None:
    q.definition = definition.to_dict()
    q.fingerprint = definition.fingerprint()
    q.key = definition.key
    q.title = copy.deepcopy(definition.title)
    q.audience = definition.audience
    q.anonymous = definition.anonymous


def _new(traject: Traject, definition: Definition, *, template_key: str | None = None,
         previous: Questionnaire | None = None) -> Questionnaire:
    q = Questionnaire(traject_id=traject.id, template_key=template_key, version=definition.version,
                      status="draft", previous_id=previous.id if previous else None)
    _store(q, definition)
    db.session.add(q)
    db.session.flush()
    return q


def require_draft(q: Questionnaire) -> None:
    if q.status != "draft":
        raise QuestionnaireError(FROZEN, conflict=True)


def _edit(q: Questionnaire, action: str, change: Callable[[dict], Any], **detail) -> Any:
    """Apply ``change`` to a copy of the definition, check it, store it, record ``action``."""
    require_draft(q)
    data = definition_of(q).to_dict()
    result = change(data)
    _store(q, _checked(data))
    audit.record(action, obj=q, traject_id=q.traject_id, **detail)
    return result


def _slug(text: str, fallback: str = "vragenlijst") -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", (text or "").lower()).strip("_")
    if not slug or not slug[0].isalpha():
        slug = f"{fallback}_{slug}".strip("_")
    return slug[:40].rstrip("_")


def _unique_key(base: str, taken: set[str]) -> str:
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}_{n}"
    return key


def _question_keys(data: dict) -> set[str]:
    return {q["key"] for s in data["sections"] for q in s["questions"]}


def _placeholder_question(taken: set[str]) -> dict:
    return {"key": _unique_key("vraag_1", taken), "type": "text", "required": False,
            "text": {"nl": "Nieuwe vraag", "en": "New question"}}


def _find_section(data: dict, section_key: str) -> tuple[int, dict]:
    for i, section in enumerate(data["sections"]):
        if section["key"] == section_key:
            return i, section
    raise QuestionnaireError(f"Onbekende sectie ‘{section_key}’.")


def _find_question(data: dict, key: str) -> tuple[dict, int, dict]:
    for section in data["sections"]:
        for i, question in enumerate(section["questions"]):
            if question["key"] == key:
                return section, i, question
    raise QuestionnaireError(f"Onbekende vraag ‘{key}’.")


# -- creating ---------------------------------------------------------------------------------

def partners_of(traject: Traject) -> list[tuple[str, str]]:
    """(code, name) per organisation; '-' in a code becomes '_' because keys allow no '-'."""
    return [(o.code.replace("-", "_"), o.name) for o in traject.organisations]


def create_from_template(traject: Traject, key: str) -> Questionnaire:
    """A draft from a built-in instrument; board_commitment gets a trust row per partner."""
    if key not in survey_templates.TEMPLATE_KEYS:
        raise QuestionnaireError(
            f"Onbekend sjabloon ‘{key}’; kies uit {', '.join(survey_templates.TEMPLATE_KEYS)}.",
            {"template": [f"Kies uit {', '.join(survey_templates.TEMPLATE_KEYS)}."]})
    definition = survey_templates.load_template(key)
    if any(q.repeat == "partners" for q in definition.questions()):
        definition = survey_templates.expand_for_traject(definition, partners_of(traject))
    q = _new(traject, definition, template_key=key)
    audit.record("questionnaire.created", obj=q, traject_id=traject.id, template=key)
    return q


def create_blank(traject: Traject, title: str, *, title_en: str | None = None,
                 audience: str = "all", anonymous: bool = True) -> Questionnaire:
    """A draft with one section and one placeholder question, to build from scratch."""
    title = (title or "").strip()
    if not title:
        raise QuestionnaireError("Vul een titel in.", {"title": ["Vul een titel in."]})
    if len(title) > 200:
        raise QuestionnaireError("De titel is te lang.", {"title": ["Hoogstens 200 tekens."]})
    if audience not in AUDIENCES:
        raise QuestionnaireError("Onbekende doelgroep.", {"audience": ["Kies een doelgroep."]})
    data = {"key": _slug(title), "version": 1,
            "title": {"nl": title, "en": (title_en or "").strip() or title},
            "audience": audience, "anonymous": bool(anonymous),
            "sections": [{"key": "sectie_1", "title": {"nl": "Sectie 1", "en": "Section 1"},
                          "questions": [_placeholder_question(set())]}]}
    q = _new(traject, _checked(data))
    audit.record("questionnaire.created", obj=q, traject_id=traject.id, template=None)
    return q


def import_definition(traject: Traject, text: str) -> Questionnaire:
    """A draft from a YAML or JSON definition; nothing is created when the text is refused."""
    try:
        # Always text with a newline: surveys.io reads a one-line "*.yaml" string as a path.
        definition = survey_io.load_definition(text + "\n")
    except ValueError as exc:
        raise QuestionnaireError(str(exc), {"file": [str(exc)]}) from None
    except (TypeError, RecursionError):
        message = "Ongeldige vragenlijst: het bestand kan niet gelezen worden."
        raise QuestionnaireError(message, {"file": [message]}) from None
    if any(q.repeat == "partners" for q in definition.questions()):
        try:
            definition = survey_templates.expand_for_traject(definition, partners_of(traject))
        except ValueError as exc:
            raise QuestionnaireError(f"Ongeldige vragenlijst: {exc}", {"file": [str(exc)]}) from None
    template_key = definition.key if definition.key in survey_templates.TEMPLATE_KEYS else None
    q = _new(traject, definition, template_key=template_key)
    audit.record("questionnaire.imported", obj=q, traject_id=traject.id, key=definition.key)
    return q


def export(q: Questionnaire, fmt: str = "yaml") -> str:
    """The definition as YAML or JSON text (loading it again gives the same fingerprint)."""
    if fmt not in FORMATS:
        raise QuestionnaireError("Kies YAML of JSON.")
    return survey_io.dump_definition(definition_of(q), fmt)


def export_filename(q: Questionnaire, fmt: str) -> str:
    return f"{q.key}-v{q.version}.{FORMATS[fmt][1]}"


# -- settings, sections and questions of a draft ------------------------------------------------

def _text(nl: Any, en: Any, label: str, errors: dict, field: str, *, optional: bool = False) -> dict | None:
    nl = (nl or "").strip() if isinstance(nl, str) or nl is None else nl
    en = (en or "").strip() if isinstance(en, str) or en is None else en
    if optional and not nl and not en:
        return None
    if not isinstance(nl, str) or not nl:
        errors.setdefault(f"{field}_nl", []).append(f"Vul {label} in het Nederlands in.")
    if not isinstance(en, str) or not en:
        errors.setdefault(f"{field}_en", []).append(f"Vul {label} in het Engels in.")
    return {"nl": nl, "en": en}


def update_settings(q: Questionnaire, values: dict) -> None:
    """Title (nl, en), description, audience and anonymity of a draft."""
    require_draft(q)
    errors: dict[str, list[str]] = {}
    title = _text(values.get("title_nl"), values.get("title_en"), "de titel", errors, "title")
    description = _text(values.get("description_nl"), values.get("description_en"),
                        "de omschrijving", errors, "description", optional=True)
    audience = values.get("audience")
    if audience not in AUDIENCES:
        errors["audience"] = ["Kies een doelgroep."]
    if errors:
        raise QuestionnaireError("De instellingen zijn niet geldig.", errors)

    def change(data):
        data["title"] = title
        data["audience"] = audience
        data["anonymous"] = bool(values.get("anonymous"))
        data.pop("description", None)
        if description:
            data["description"] = description

    _edit(q, "questionnaire.settings_changed", change)


def _key(value: Any, errors: dict, field: str = "key") -> str:
    key = (value or "").strip() if isinstance(value, str) or value is None else ""
    if not KEY_PATTERN.match(key):
        errors.setdefault(field, []).append(
            "Een sleutel begint met een kleine letter en bestaat uit kleine letters, cijfers en _.")
    return key


def _condition(values: dict, errors: dict) -> dict | None:
    question = (values.get("condition_question") or "").strip()
    value = values.get("condition_value")
    value = value.strip() if isinstance(value, str) else value
    if not question:
        return None
    if value in (None, ""):
        errors.setdefault("condition_value", []).append("Vul de waarde van de voorwaarde in.")
        return None
    operator = values.get("condition_operator") or "equals"
    if operator not in ("equals", "contains"):
        errors.setdefault("condition_operator", []).append("Kies ‘is gelijk aan’ of ‘bevat’.")
        return None
    return {"question": question, operator: value}


def _number(value: Any, field: str, errors: dict, *, integer: bool = False):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = value
    else:
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError:
            errors.setdefault(field, []).append("Vul een getal in.")
            return None
    if integer or float(number).is_integer():
        if integer and not float(number).is_integer():
            errors.setdefault(field, []).append("Vul een geheel getal in.")
            return None
        return int(number)
    return number


def _lines(text: Any) -> list[str]:
    if isinstance(text, list):
        return [str(x).strip() for x in text if str(x).strip()]
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _options(values: dict, errors: dict) -> list[dict]:
    """Options from lines ``value | Nederlands label | English label``."""
    options = []
    for n, line in enumerate(_lines(values.get("options")), start=1):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 2:
            parts.append(parts[1])
        if len(parts) != 3 or not all(parts):
            errors.setdefault("options", []).append(
                f"Regel {n}: schrijf ‘waarde | Nederlandse tekst | Engelse tekst’.")
            continue
        options.append({"value": parts[0], "label": {"nl": parts[1], "en": parts[2]}})
    if len(options) < 2 and "options" not in errors:
        errors["options"] = ["Geef minstens twee opties, één per regel."]
    return options


def options_as_lines(options: list | None) -> str:
    return "\n".join(f"{o['value']} | {o['label']['nl']} | {o['label']['en']}" for o in options or [])


def _condition_values(condition: dict | None) -> dict:
    if not condition:
        return {"condition_question": "", "condition_operator": "equals", "condition_value": ""}
    operator = "contains" if "contains" in condition else "equals"
    value = condition[operator]
    if isinstance(value, bool):
        value = "ja" if value else "nee"
    return {"condition_question": condition["question"], "condition_operator": operator,
            "condition_value": "" if value is None else str(value)}


def question_values(question: dict) -> dict:
    """The editor's flat fields for a stored question (the inverse of question_from_values)."""
    def text(name, lang):
        return (question.get(name) or {}).get(lang, "")

    scale = question.get("scale") or {}
    labels = question.get("labels") or {}
    values = {"key": question["key"], "type": question["type"],
              "text_nl": text("text", "nl"), "text_en": text("text", "en"),
              "help_nl": text("help", "nl"), "help_en": text("help", "en"),
              "required": question.get("required", True), "reverse": question.get("reverse", False),
              "construct": question.get("construct") or "", "domain": question.get("domain") or "",
              "scale_min": str(scale.get("min", "")), "scale_max": str(scale.get("max", "")),
              "labels_nl": "\n".join(labels.get("nl", [])), "labels_en": "\n".join(labels.get("en", [])),
              "matrix": question.get("matrix") or "", "options": options_as_lines(question.get("options")),
              "min": "" if question.get("min") is None else str(question["min"]),
              "max": "" if question.get("max") is None else str(question["max"]),
              "integer": question.get("integer", False),
              "unit_nl": text("unit", "nl"), "unit_en": text("unit", "en"),
              "max_length": "" if question.get("max_length") is None else str(question["max_length"])}
    values.update(_condition_values(question.get("condition")))
    return values


def section_values(section: dict) -> dict:
    values = {"key": section["key"], "title_nl": section["title"]["nl"], "title_en": section["title"]["en"],
              "intro_nl": (section.get("intro") or {}).get("nl", ""),
              "intro_en": (section.get("intro") or {}).get("en", "")}
    values.update(_condition_values(section.get("condition")))
    return values


def question_from_values(values: dict) -> dict:
    """A question definition from flat editor fields; only the fields of its type are used.

    Fields: key, type, text_nl/en, help_nl/en, construct, domain, required, reverse, matrix,
    scale_min/max, labels_nl/en (one per line), options (``value | nl | en`` per line),
    min, max, integer, unit_nl/en, max_length, condition_question/operator/value.
    Raises QuestionnaireError with errors per field.
    """
    errors: dict[str, list[str]] = {}
    qtype = values.get("type")
    if qtype not in QUESTION_TYPE_NAMES:
        errors["type"] = ["Kies een vraagtype."]
    question: dict[str, Any] = {"key": _key(values.get("key"), errors), "type": qtype,
                                "text": _text(values.get("text_nl"), values.get("text_en"),
                                              "de vraagtekst", errors, "text")}
    help_text = _text(values.get("help_nl"), values.get("help_en"), "de uitleg", errors, "help",
                      optional=True)
    if help_text:
        question["help"] = help_text
    for name in ("construct", "domain"):
        value = (values.get(name) or "").strip()
        if value:
            question[name] = value
    question["required"] = bool(values.get("required"))
    if qtype == "likert":
        question["reverse"] = bool(values.get("reverse"))
        low = _number(values.get("scale_min"), "scale_min", errors, integer=True)
        high = _number(values.get("scale_max"), "scale_max", errors, integer=True)
        if low is not None or high is not None:
            question["scale"] = {"min": 1 if low is None else low, "max": 5 if high is None else high}
        labels = {lang: _lines(values.get(f"labels_{lang}")) for lang in ("nl", "en")}
        if labels["nl"] or labels["en"]:
            question["labels"] = labels
        matrix = (values.get("matrix") or "").strip()
        if matrix:
            question["matrix"] = matrix
    elif values.get("reverse"):
        errors["reverse"] = ["Alleen likert-vragen kunnen omgekeerd gescoord worden."]
    if qtype in CHOICE_TYPES:
        question["options"] = _options(values, errors)
    if qtype in ("multiple_choice", "ranking", "number", "currency"):
        integer = qtype in ("multiple_choice", "ranking")
        for bound in ("min", "max"):
            value = _number(values.get(bound), bound, errors, integer=integer)
            if value is not None:
                question[bound] = value
    if qtype == "number":
        unit = _text(values.get("unit_nl"), values.get("unit_en"), "de eenheid", errors, "unit",
                     optional=True)
        if unit:
            question["unit"] = unit
        if values.get("integer"):
            question["integer"] = True
    if qtype == "text":
        max_length = _number(values.get("max_length"), "max_length", errors, integer=True)
        if max_length is not None:
            question["max_length"] = max_length
    condition = _condition(values, errors)
    if condition:
        question["condition"] = condition
    if errors:
        raise QuestionnaireError("De vraag is niet geldig.", errors)
    return question


def _check_question_alone(question: dict) -> None:
    from surveys.model import Question

    try:
        parsed = Question.from_dict({k: v for k, v in question.items() if k != "condition"})
        parsed.check("vraag")
    except (ValueError, TypeError) as exc:
        message = str(exc).removeprefix("vraag: ").removeprefix("vraag.")
        raise QuestionnaireError(f"De vraag is niet geldig: {message}",
                                 {"question": [message]}) from None


def add_question(q: Questionnaire, section_key: str, values: dict, position: int | None = None) -> str:
    """Add a question to a section (at the end, or at ``position``); returns its key."""
    question = question_from_values(values)
    _check_question_alone(question)

    def change(data):
        _, section = _find_section(data, section_key)
        if question["key"] in _question_keys(data):
            raise QuestionnaireError("Deze sleutel bestaat al in de vragenlijst.",
                                     {"key": ["Deze sleutel bestaat al in de vragenlijst."]})
        index = len(section["questions"]) if position is None else max(0, position)
        section["questions"].insert(index, question)
        return question["key"]

    return _edit(q, "questionnaire.question_added", change, question=question["key"])


def edit_question(q: Questionnaire, key: str, values: dict) -> str:
    """Replace question ``key`` by the edited fields; returns the (possibly new) key."""
    question = question_from_values(values)
    _check_question_alone(question)

    def change(data):
        section, index, old = _find_question(data, key)
        if question["key"] != key and question["key"] in _question_keys(data):
            raise QuestionnaireError("Deze sleutel bestaat al in de vragenlijst.",
                                     {"key": ["Deze sleutel bestaat al in de vragenlijst."]})
        # Fields the editor does not show (a partner code) stay as they were.
        if old.get("partner"):
            question["partner"] = old["partner"]
        section["questions"][index] = question
        return question["key"]

    return _edit(q, "questionnaire.question_changed", change, question=key)


def delete_question(q: Questionnaire, key: str) -> None:
    def change(data):
        section, index, _ = _find_question(data, key)
        if len(section["questions"]) == 1:
            raise QuestionnaireError("Een sectie heeft minstens één vraag; verwijder de hele sectie "
                                     "of voeg eerst een andere vraag toe.")
        del section["questions"][index]

    _edit(q, "questionnaire.question_deleted", change, question=key)


def move_question(q: Questionnaire, key: str, direction: int) -> None:
    """Move a question one place up (-1) or down (+1); past the edge of its section it moves
    to the end of the previous or the start of the next section."""
    if direction not in (-1, 1):
        raise QuestionnaireError("Verplaats een vraag één plaats omhoog of omlaag.")

    def change(data):
        section, index, question = _find_question(data, key)
        questions = section["questions"]
        target = index + direction
        if 0 <= target < len(questions):
            questions[index], questions[target] = questions[target], questions[index]
            return
        s_index, _ = _find_section(data, section["key"])
        neighbour = s_index + direction
        if not 0 <= neighbour < len(data["sections"]):
            return  # already first or last: nothing to do
        del questions[index]
        other = data["sections"][neighbour]["questions"]
        other.insert(len(other) if direction < 0 else 0, question)

    _edit(q, "questionnaire.question_moved", change, question=key, direction=direction)


def reorder_questions(q: Questionnaire, section_key: str, keys: list[str]) -> None:
    """Put a section's questions in the order of ``keys`` (the same keys, reordered)."""
    def change(data):
        _, section = _find_section(data, section_key)
        by_key = {x["key"]: x for x in section["questions"]}
        if sorted(keys) != sorted(by_key):
            raise QuestionnaireError("Geef precies de vragen van deze sectie in de nieuwe volgorde.")
        section["questions"] = [by_key[k] for k in keys]

    _edit(q, "questionnaire.questions_reordered", change, section=section_key)


def _section_values(values: dict) -> dict:
    errors: dict[str, list[str]] = {}
    section = {"key": _key(values.get("key"), errors),
               "title": _text(values.get("title_nl"), values.get("title_en"), "de titel", errors, "title")}
    intro = _text(values.get("intro_nl"), values.get("intro_en"), "de inleiding", errors, "intro",
                  optional=True)
    if intro:
        section["intro"] = intro
    condition = _condition(values, errors)
    if condition:
        section["condition"] = condition
    if errors:
        raise QuestionnaireError("De sectie is niet geldig.", errors)
    return section


def add_section(q: Questionnaire, values: dict) -> str:
    """Add a section at the end, with one placeholder question to edit; returns its key."""
    section = _section_values(values)

    def change(data):
        if section["key"] in {s["key"] for s in data["sections"]}:
            raise QuestionnaireError("Deze sleutel bestaat al.", {"key": ["Er is al een sectie met deze sleutel."]})
        section["questions"] = [_placeholder_question(_question_keys(data))]
        data["sections"].append(section)
        return section["key"]

    return _edit(q, "questionnaire.section_added", change, section=section["key"])


def edit_section(q: Questionnaire, key: str, values: dict) -> str:
    section = _section_values(values)

    def change(data):
        index, old = _find_section(data, key)
        if section["key"] != key and section["key"] in {s["key"] for s in data["sections"]}:
            raise QuestionnaireError("Deze sleutel bestaat al.", {"key": ["Er is al een sectie met deze sleutel."]})
        section["questions"] = old["questions"]
        data["sections"][index] = section
        return section["key"]

    return _edit(q, "questionnaire.section_changed", change, section=key)


def delete_section(q: Questionnaire, key: str) -> None:
    def change(data):
        index, _ = _find_section(data, key)
        if len(data["sections"]) == 1:
            raise QuestionnaireError("Een vragenlijst heeft minstens één sectie.")
        del data["sections"][index]

    _edit(q, "questionnaire.section_deleted", change, section=key)


def move_section(q: Questionnaire, key: str, direction: int) -> None:
    if direction not in (-1, 1):
        raise QuestionnaireError("Verplaats een sectie één plaats omhoog of omlaag.")

    def change(data):
        index, _ = _find_section(data, key)
        target = index + direction
        if 0 <= target < len(data["sections"]):
            sections = data["sections"]
            sections[index], sections[target] = sections[target], sections[index]

    _edit(q, "questionnaire.section_moved", change, section=key, direction=direction)


# -- life cycle ---------------------------------------------------------------------------------

def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise QuestionnaireError("Een tijdstip heeft een tijdzone nodig.")
    return value.astimezone(timezone.utc)


def publish(q: Questionnaire, opens_at: datetime | None = None, closes_at: datetime | None = None) -> None:
    """Open a draft for responses; from now on its definition is frozen."""
    if q.status != "draft":
        raise QuestionnaireError("Alleen een concept kan gepubliceerd worden.", conflict=True)
    opens_at, closes_at = _utc(opens_at), _utc(closes_at)
    errors: dict[str, list[str]] = {}
    if closes_at is not None and closes_at <= (opens_at or utcnow()):
        errors["closes_at"] = ["De sluitdatum moet na de openingsdatum (en in de toekomst) liggen."]
    if errors:
        raise QuestionnaireError("De datums zijn niet geldig.", errors)
    definition = definition_of(q)  # checks the stored definition once more
    q.fingerprint = definition.fingerprint()
    q.status = "open"
    q.opens_at = opens_at
    q.closes_at = closes_at
    q.published_at = utcnow()
    audit.record("questionnaire.published", obj=q, traject_id=q.traject_id, fingerprint=q.fingerprint,
                 opens_at=opens_at.isoformat() if opens_at else None,
                 closes_at=closes_at.isoformat() if closes_at else None)


def close(q: Questionnaire) -> None:
    if q.status != "open":
        raise QuestionnaireError("Alleen een geopende vragenlijst kan gesloten worden.", conflict=True)
    q.status = "closed"
    q.closed_at = utcnow()
    audit.record("questionnaire.closed", obj=q, traject_id=q.traject_id)
    # Closing allows the release of every response (analysis/disclosure.py): recompute.
    from app.services.indicators import mark_stale

    mark_stale(q.traject_id)


def after_close(q: Questionnaire) -> None:
    """After the close is committed: ask for the recompute that makes the closing release."""
    from app.jobs import recompute_quietly

    try:
        recompute_quietly(q.traject_id)
    except Exception:  # noqa: BLE001 - broker down: the stale flag makes the sweep do it
        db.session.rollback()


def next_version(q: Questionnaire) -> Questionnaire | None:
    """The version made from this one, if any."""
    return db.session.scalar(select(Questionnaire).where(Questionnaire.previous_id == q.id)
                             .order_by(Questionnaire.id.desc()).limit(1))


def new_version(q: Questionnaire) -> Questionnaire:
    """A draft copy of a published or closed questionnaire with version + 1, to edit."""
    if q.status == "draft":
        raise QuestionnaireError("Dit is al een concept: bewerk het direct.", conflict=True)
    existing = next_version(q)
    if existing is not None:
        raise QuestionnaireError(f"Er bestaat al een versie {existing.version} van deze vragenlijst.",
                                 conflict=True)
    data = definition_of(q).to_dict()
    data["version"] = q.version + 1
    traject = db.session.get(Traject, q.traject_id)
    copy_ = _new(traject, _checked(data), template_key=q.template_key, previous=q)
    audit.record("questionnaire.versioned", obj=copy_, traject_id=q.traject_id, previous=q.id,
                 version=copy_.version)
    return copy_


def duplicate(q: Questionnaire) -> Questionnaire:
    """An independent draft copy (version 1), e.g. to start a similar questionnaire."""
    data = definition_of(q).to_dict()
    data["version"] = 1
    data["title"] = {"nl": f"{data['title']['nl']} (kopie)", "en": f"{data['title']['en']} (copy)"}
    traject = db.session.get(Traject, q.traject_id)
    copy_ = _new(traject, _checked(data), template_key=q.template_key)
    audit.record("questionnaire.duplicated", obj=copy_, traject_id=q.traject_id, source=q.id)
    return copy_


def delete_draft(q: Questionnaire) -> None:
    """Delete a draft that was never published."""
    require_draft(q)
    audit.record("questionnaire.deleted", obj=q, traject_id=q.traject_id, key=q.key)
    db.session.delete(q)


def for_traject(traject: Traject) -> list[Questionnaire]:
    return list(db.session.scalars(select(Questionnaire).where(Questionnaire.traject_id == traject.id)
                                   .order_by(Questionnaire.created_at, Questionnaire.id)))
