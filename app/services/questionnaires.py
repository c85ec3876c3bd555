"""Questionnaire services: create (template, blank, import), export, publish, close, version.

Editing a draft (settings, sections, questions) is in ``questionnaire_editor``.

Every change loads the stored definition, changes a copy, checks the whole questionnaire with
``surveys.model.Questionnaire.from_dict`` and only then stores ``to_dict()`` and
``fingerprint()``: a refused change leaves nothing half-saved. A published questionnaire is
frozen; editing it means making a new version. No function here commits.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import Questionnaire, Traject
from app.models.base import utcnow
from app.services import audit
from app.services.errors import N_, ServiceError
from surveys import io as survey_io
from surveys import templates as survey_templates
from surveys.model import AUDIENCES
from surveys.model import Questionnaire as Definition

FROZEN = N_("Een gepubliceerde vragenlijst ligt vast; maak een nieuwe versie.")
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
        raise QuestionnaireError(
            N_("De wijziging maakt de vragenlijst ongeldig: %(reason)s", reason=str(exc))
        ) from None


def _store(q: Questionnaire, definition: Definition) -> None:
    q.definition = definition.to_dict()
    q.fingerprint = definition.fingerprint()
    q.key = definition.key
    q.title = copy.deepcopy(definition.title)
    q.audience = definition.audience
    q.anonymous = definition.anonymous


def _new(
    traject: Traject, definition: Definition, *, template_key: str | None = None, previous: Questionnaire | None = None
) -> Questionnaire:
    q = Questionnaire(
        traject_id=traject.id,
        template_key=template_key,
        version=definition.version,
        status="draft",
        previous_id=previous.id if previous else None,
    )
    _store(q, definition)
    db.session.add(q)
    db.session.flush()
    return q


def require_draft(q: Questionnaire) -> None:
    if q.status != "draft":
        raise QuestionnaireError(FROZEN, conflict=True)


def edit_definition(q: Questionnaire, action: str, change: Callable[[dict], Any], **detail) -> Any:
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


def question_keys(data: dict) -> set[str]:
    return {q["key"] for s in data["sections"] for q in s["questions"]}


def placeholder_question(taken: set[str]) -> dict:
    return {
        "key": _unique_key("vraag_1", taken),
        "type": "text",
        "required": False,
        "text": {"nl": "Nieuwe vraag", "en": "New question"},
    }


def find_section(data: dict, section_key: str) -> tuple[int, dict]:
    for i, section in enumerate(data["sections"]):
        if section["key"] == section_key:
            return i, section
    raise QuestionnaireError(N_("Onbekende sectie ‘%(key)s’.", key=section_key))


def find_question(data: dict, key: str) -> tuple[dict, int, dict]:
    for section in data["sections"]:
        for i, question in enumerate(section["questions"]):
            if question["key"] == key:
                return section, i, question
    raise QuestionnaireError(N_("Onbekende vraag ‘%(key)s’.", key=key))


# -- creating ---------------------------------------------------------------------------------


def partners_of(traject: Traject) -> list[tuple[str, str]]:
    """(code, name) per organisation; '-' in a code becomes '_' because keys allow no '-'."""
    return [(o.code.replace("-", "_"), o.name) for o in traject.organisations]


def create_from_template(traject: Traject, key: str) -> Questionnaire:
    """A draft from a built-in instrument; board_commitment gets a trust row per partner."""
    if key not in survey_templates.TEMPLATE_KEYS:
        choices = ", ".join(survey_templates.TEMPLATE_KEYS)
        raise QuestionnaireError(
            N_("Onbekend sjabloon ‘%(key)s’; kies uit %(choices)s.", key=key, choices=choices),
            {"template": [N_("Kies uit %(choices)s.", choices=choices)]},
        )
    definition = survey_templates.load_template(key)
    if any(q.repeat == "partners" for q in definition.questions()):
        definition = survey_templates.expand_for_traject(definition, partners_of(traject))
    q = _new(traject, definition, template_key=key)
    audit.record("questionnaire.created", obj=q, traject_id=traject.id, template=key)
    return q


def create_blank(
    traject: Traject, title: str, *, title_en: str | None = None, audience: str = "all", anonymous: bool = True
) -> Questionnaire:
    """A draft with one section and one placeholder question, to build from scratch."""
    title = (title or "").strip()
    if not title:
        raise QuestionnaireError(N_("Vul een titel in."), {"title": [N_("Vul een titel in.")]})
    if len(title) > 200:
        raise QuestionnaireError(N_("De titel is te lang."), {"title": [N_("Hoogstens 200 tekens.")]})
    if audience not in AUDIENCES:
        raise QuestionnaireError(N_("Onbekende doelgroep."), {"audience": [N_("Kies een doelgroep.")]})
    data = {
        "key": _slug(title),
        "version": 1,
        "title": {"nl": title, "en": (title_en or "").strip() or title},
        "audience": audience,
        "anonymous": bool(anonymous),
        "sections": [
            {
                "key": "sectie_1",
                "title": {"nl": "Sectie 1", "en": "Section 1"},
                "questions": [placeholder_question(set())],
            }
        ],
    }
    q = _new(traject, _checked(data))
    audit.record("questionnaire.created", obj=q, traject_id=traject.id, template=None)
    return q


def _invalid(exc: ValueError) -> str:
    """The refusal of an unreadable definition; the reason (from surveys.io) is the domain's Dutch."""
    reason = str(exc).removeprefix("Ongeldige vragenlijst").removeprefix(":").strip()
    return N_("Ongeldige vragenlijst: %(reason)s", reason=reason)


def import_definition(traject: Traject, text: str) -> Questionnaire:
    """A draft from a YAML or JSON definition; nothing is created when the text is refused."""
    try:
        # Always text with a newline: surveys.io reads a one-line "*.yaml" string as a path.
        definition = survey_io.load_definition(text + "\n")
    except ValueError as exc:
        message = _invalid(exc)
        raise QuestionnaireError(message, {"file": [message]}) from None
    except (TypeError, RecursionError):
        message = N_("Ongeldige vragenlijst: het bestand kan niet gelezen worden.")
        raise QuestionnaireError(message, {"file": [message]}) from None
    if any(q.repeat == "partners" for q in definition.questions()):
        try:
            definition = survey_templates.expand_for_traject(definition, partners_of(traject))
        except ValueError as exc:
            message = _invalid(exc)
            raise QuestionnaireError(message, {"file": [message]}) from None
    template_key = definition.key if definition.key in survey_templates.TEMPLATE_KEYS else None
    q = _new(traject, definition, template_key=template_key)
    audit.record("questionnaire.imported", obj=q, traject_id=traject.id, key=definition.key)
    return q


def export(q: Questionnaire, fmt: str = "yaml") -> str:
    """The definition as YAML or JSON text (loading it again gives the same fingerprint)."""
    if fmt not in FORMATS:
        raise QuestionnaireError(N_("Kies YAML of JSON."))
    return survey_io.dump_definition(definition_of(q), fmt)


def export_filename(q: Questionnaire, fmt: str) -> str:
    return f"{q.key}-v{q.version}.{FORMATS[fmt][1]}"


# -- life cycle ---------------------------------------------------------------------------------


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise QuestionnaireError(N_("Een tijdstip heeft een tijdzone nodig."))
    return value.astimezone(UTC)


def publish(q: Questionnaire, opens_at: datetime | None = None, closes_at: datetime | None = None) -> None:
    """Open a draft for responses; from now on its definition is frozen."""
    if q.status != "draft":
        raise QuestionnaireError(N_("Alleen een concept kan gepubliceerd worden."), conflict=True)
    opens_at, closes_at = _utc(opens_at), _utc(closes_at)
    errors: dict[str, list[str]] = {}
    if closes_at is not None and closes_at <= (opens_at or utcnow()):
        errors["closes_at"] = [N_("De sluitdatum moet na de openingsdatum (en in de toekomst) liggen.")]
    if errors:
        raise QuestionnaireError(N_("De datums zijn niet geldig."), errors)
    definition = definition_of(q)  # checks the stored definition once more
    q.fingerprint = definition.fingerprint()
    q.status = "open"
    q.opens_at = opens_at
    q.closes_at = closes_at
    q.published_at = utcnow()
    audit.record(
        "questionnaire.published",
        obj=q,
        traject_id=q.traject_id,
        fingerprint=q.fingerprint,
        opens_at=opens_at.isoformat() if opens_at else None,
        closes_at=closes_at.isoformat() if closes_at else None,
    )


def close(q: Questionnaire) -> None:
    if q.status != "open":
        raise QuestionnaireError(N_("Alleen een geopende vragenlijst kan gesloten worden."), conflict=True)
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
    return db.session.scalar(
        select(Questionnaire).where(Questionnaire.previous_id == q.id).order_by(Questionnaire.id.desc()).limit(1)
    )


def new_version(q: Questionnaire) -> Questionnaire:
    """A draft copy of a published or closed questionnaire with version + 1, to edit."""
    if q.status == "draft":
        raise QuestionnaireError(N_("Dit is al een concept: bewerk het direct."), conflict=True)
    existing = next_version(q)
    if existing is not None:
        raise QuestionnaireError(
            N_("Er bestaat al een versie %(version)s van deze vragenlijst.", version=existing.version), conflict=True
        )
    data = definition_of(q).to_dict()
    data["version"] = q.version + 1
    traject = db.session.get(Traject, q.traject_id)
    copy_ = _new(traject, _checked(data), template_key=q.template_key, previous=q)
    audit.record("questionnaire.versioned", obj=copy_, traject_id=q.traject_id, previous=q.id, version=copy_.version)
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
    return list(
        db.session.scalars(
            select(Questionnaire)
            .where(Questionnaire.traject_id == traject.id)
            .order_by(Questionnaire.created_at, Questionnaire.id)
        )
    )
