"""Test builders for the respondent flow: questionnaires from templates or a small definition,
and invited participants with their personal token."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from app.extensions import db
from app.models import Participant, Questionnaire, Traject
from app.services.tokens import issue_token
from surveys.model import Questionnaire as Definition
from surveys.templates import expand_for_traject, load_template

_seq = itertools.count(1)

AGREE = {
    "nl": ["Helemaal oneens", "Oneens", "Neutraal", "Eens", "Helemaal eens"],
    "en": ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"],
}


def _t(nl: str) -> dict:
    return {"nl": nl, "en": nl + " (en)"}


def small_definition(anonymous: bool = True, key: str = "mini") -> dict:
    """Three short sections: a likert matrix, choices, and open text."""
    likert = lambda k, c: {
        "key": k,
        "type": "likert",
        "construct": c,
        "matrix": "m1",  # noqa: E731
        "scale": {"min": 1, "max": 5},
        "labels": AGREE,
        "text": _t(f"Stelling {k}"),
    }
    return Definition.from_dict(
        {
            "key": key,
            "version": 1,
            "title": _t("Korte vragenlijst"),
            "audience": "ict_staff",
            "anonymous": anonymous,
            "description": _t("Een korte vragenlijst om te testen."),
            "sections": [
                {
                    "key": "houding",
                    "title": _t("Houding"),
                    "questions": [likert("wil_1", "appropriateness"), likert("wil_2", "appropriateness")],
                },
                {
                    "key": "keuzes",
                    "title": _t("Keuzes"),
                    "questions": [
                        {"key": "samen", "type": "yes_no", "text": _t("Wilt u samenwerken?")},
                        {
                            "key": "domeinen",
                            "type": "multiple_choice",
                            "required": False,
                            "options": [
                                {"value": "inkoop", "label": _t("Inkoop")},
                                {"value": "netwerk", "label": _t("Netwerk")},
                            ],
                            "text": _t("Welke domeinen?"),
                        },
                        {
                            "key": "fte",
                            "type": "number",
                            "required": False,
                            "min": 0,
                            "max": 100,
                            "text": _t("Hoeveel fte?"),
                        },
                    ],
                },
                {
                    "key": "open",
                    "title": _t("Open vraag"),
                    "questions": [
                        {
                            "key": "opmerking",
                            "type": "text",
                            "required": False,
                            "max_length": 500,
                            "text": _t("Wat wilt u nog kwijt?"),
                        }
                    ],
                },
            ],
        }
    ).to_dict()


def gen_questionnaire(
    traject: Traject, template: str | None = None, *, status: str = "open", definition: dict | None = None, **kwargs
) -> Questionnaire:
    if definition is None and template is not None:
        defn = load_template(template)
        if template == "board_commitment":
            defn = expand_for_traject(defn, [(o.code, o.name) for o in traject.organisations])
        definition = defn.to_dict()
    definition = definition or small_definition()
    defn = Definition.from_dict(definition)
    questionnaire = Questionnaire(
        traject_id=traject.id,
        template_key=template,
        key=defn.key,
        title=defn.title,
        status=status,
        anonymous=defn.anonymous,
        audience=defn.audience,
        definition=definition,
        fingerprint=defn.fingerprint(),
        published_at=datetime.now(UTC) if status != "draft" else None,
        **kwargs,
    )
    db.session.add(questionnaire)
    db.session.commit()
    return questionnaire


def gen_participant(
    questionnaire: Questionnaire,
    *,
    role: str = "ict_staff",
    organisation: str | None = "AA",
    email: str | None = None,
    name: str | None = None,
    user=None,
) -> tuple[Participant, str]:
    n = next(_seq)
    org = questionnaire.traject.organisation_by_code(organisation) if organisation else None
    participant = Participant(
        questionnaire_id=questionnaire.id,
        email=email or f"deelnemer{n}@school.nl",
        name=name or f"Deelnemer {n}",
        role=role,
        organisation_id=org.id if org else None,
        user_id=user.id if user else None,
        invited_at=datetime.now(UTC),
    )
    db.session.add(participant)
    db.session.flush()
    token = issue_token(participant)
    db.session.commit()
    return participant, token


VALID_SMALL = {"wil_1": 4, "wil_2": 5, "samen": True, "domeinen": ["inkoop"], "fte": 2, "opmerking": "Goed plan"}


def close_and_release(client, owner, questionnaire) -> None:
    """Close a questionnaire through the API; closing makes the release of all its responses."""
    from builders import api_token

    response = client.post(f"/api/v1/questionnaires/{questionnaire.id}/close", headers=api_token(owner))
    assert response.status_code == 200, response.get_data(as_text=True)
