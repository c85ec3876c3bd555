"""Consultation on the proposals of a published version.

The regisseur opens it from a version: an anonymous questionnaire is drafted with, per domain
recommendation, a support item (1–5, construct ``consult_<domain>``) and an optional concern (open
text, shown only under the comment threshold rules). It is published and distributed like any
other questionnaire (ICT staff and boards as participants), so the same disclosure rules hold: the
result per proposal comes from the released snapshot, with its n, and is suppressed below the
anonymity threshold. It stands beside each proposal on the outcome page and is frozen into the
next version.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from analysis.feasibility import FORM_NAMES
from analysis.swot import DOMAIN_NAMES
from app.extensions import db
from app.models import Questionnaire, Traject
from app.models.advice import AdviceVersion, Consultation
from app.services import advice, audit
from app.services.advice import AdviceError
from app.services.errors import N_

SUPPORT = {
    "nl": ["Helemaal niet", "Niet", "Neutraal", "Wel", "Helemaal wel"],
    "en": ["Not at all", "No", "Neutral", "Yes", "Fully"],
}
PREFIX = "consult_"


def key_of(version: AdviceVersion) -> str:
    return f"consultatie_v{version.number}"


def definition_for(version: AdviceVersion) -> dict:
    questions = []
    for rec in version.document.get("recommendations", []):
        dnl, den = DOMAIN_NAMES.get(rec["domain"], (rec["domain"], rec["domain"]))
        fnl, fen = FORM_NAMES.get(rec["form"], (rec["form"], rec["form"]))
        questions.append(
            {
                "key": f"steun_{rec['domain']}",
                "type": "likert",
                "construct": f"{PREFIX}{rec['domain']}",
                "domain": rec["domain"],
                "scale": {"min": 1, "max": 5},
                "labels": SUPPORT,
                "matrix": "voorstellen",
                "text": {
                    "nl": f"{dnl[0].upper()}{dnl[1:]}: {fnl}. Steunt u dit voorstel?",
                    "en": f"{den[0].upper()}{den[1:]}: {fen}. Do you support this proposal?",
                },
            }
        )
    concern = {
        "key": "zorg",
        "type": "text",
        "required": False,
        "max_length": 1000,
        "construct": "open_text",
        "text": {
            "nl": "Heeft u een zorg over een van de voorstellen? (optioneel)",
            "en": "Do you have a concern about one of the proposals? (optional)",
        },
    }
    for q in questions:
        q["required"] = False
    return {
        "key": key_of(version),
        "version": 1,
        "audience": "all",
        "anonymous": True,
        "title": {
            "nl": f"Consultatie op de voorstellen van adviesversie {version.number}",
            "en": f"Consultation on the proposals of advice version {version.number}",
        },
        "description": {
            "nl": "Geef per voorstel aan hoe sterk u het steunt. Uw antwoorden zijn anoniem en "
            "worden alleen per groep getoond.",
            "en": "Say for each proposal how strongly you support it. Your answers are anonymous "
            "and shown per group only.",
        },
        "sections": [
            {"key": "voorstellen", "title": {"nl": "De voorstellen", "en": "The proposals"}, "questions": questions},
            {"key": "zorgen", "title": {"nl": "Zorgen", "en": "Concerns"}, "questions": [concern]},
        ],
    }


def consultation_of(version: AdviceVersion) -> Consultation | None:
    return db.session.scalar(select(Consultation).where(Consultation.version_id == version.id))


def open_consultation(version: AdviceVersion, user) -> Consultation:
    """Draft the consultation questionnaire of `version` (once); the regisseur publishes and distributes it."""
    from app.services import questionnaires

    if consultation_of(version) is not None:
        raise AdviceError(N_("Voor deze versie is al een consultatie geopend."))
    traject = db.session.get(Traject, version.traject_id)
    from surveys.model import Questionnaire as Definition

    text = json.dumps(Definition.from_dict(definition_for(version)).to_dict())  # with its format marker
    questionnaire = questionnaires.import_definition(traject, text)
    row = Consultation(version_id=version.id, questionnaire_id=questionnaire.id, opened_by=user.id)
    db.session.add(row)
    db.session.flush()
    audit.record(
        "advice.consultation_opened",
        obj=row,
        traject_id=traject.id,
        version=version.number,
        questionnaire=questionnaire.id,
    )
    return row


def results(version: AdviceVersion) -> dict | None:
    """Support per proposal (0–100 and mean 1–5, with n; suppressed below the threshold), from the
    released snapshot: all respondents, ICT staff, and boards."""
    row = consultation_of(version)
    if row is None:
        return None
    traject = db.session.get(Traject, version.traject_id)
    questionnaire = db.session.get(Questionnaire, row.questionnaire_id) if row.questionnaire_id else None
    snapshot = advice.latest_snapshot(traject)
    payload = dict(snapshot.payload or {}) if snapshot is not None else {}
    key = questionnaire.template_key or questionnaire.key if questionnaire else key_of(version)
    rows = [
        r
        for r in payload.get("constructs") or []
        if r.get("questionnaire") == key
        and str(r.get("construct", "")).startswith(PREFIX)
        and r.get("organisation") is None
    ]
    by = {(r["construct"][len(PREFIX) :], r.get("role")): r for r in rows}

    def cell(domain, role):
        r = by.get((domain, role))
        if r is None:
            return {"n": 0, "mean": None, "score": None, "suppressed": True}
        return {
            "n": r.get("n"),
            "mean": r.get("mean"),
            "score": r.get("score"),
            "suppressed": bool(r.get("suppressed")),
        }

    proposals = [
        {
            "domain": rec["domain"],
            "form": rec["form"],
            "all": cell(rec["domain"], None),
            "ict_staff": cell(rec["domain"], "ict_staff"),
            "board": cell(rec["domain"], "board"),
        }
        for rec in version.document.get("recommendations", [])
    ]
    return {
        "version": version.number,
        "questionnaire": questionnaire.id if questionnaire else None,
        "status": questionnaire.status if questionnaire else None,
        "snapshot": snapshot.id if snapshot is not None else None,
        "threshold": traject.anonymity_threshold,
        "proposals": proposals,
    }
