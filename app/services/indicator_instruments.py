"""A traject's questionnaires grouped into instruments (all versions of one template), and their item metadata."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import select

from app.extensions import db
from app.models import Questionnaire, Response, Traject
from surveys.model import Questionnaire as Definition
from surveys.types.likert import scale_bounds

STAFF = "ict_staff"
BOARD = "board_commitment"
MOTIVES = "motives"
FOTO = "ict_foto"
STAFF_ROLES = ("ict_staff", "ict_lead")
ROLES = ("ict_staff", "ict_lead", "board", "staff", "pupil")
RESPONSE_COLUMNS = ["respondent", "question", "value", "organisation", "role", "questionnaire"]
ITEM_COLUMNS = ["question", "construct", "reverse", "min", "max", "domain", "questionnaire", "partner"]
TEXT_CONSTRUCT = "open_text"


@dataclass
class Instrument:
    """All versions of one template (or questionnaire key) in a traject, mapped by question key."""

    key: str
    ids: list[int] = field(default_factory=list)
    anonymous: bool = True
    fingerprints: list[str] = field(default_factory=list)
    questions: dict = field(default_factory=dict)  # key -> surveys Question, newest version wins

    def keys_of(self, kind: str) -> list[str]:
        # kind is the role a question type declares for analysis (QuestionType.analysis).
        if kind not in ("likert", "choice", "text"):
            raise ValueError(kind)
        return [
            k
            for k, q in self.questions.items()
            if q.question_type.analysis == kind and q.construct and (kind != "text" or q.construct == TEXT_CONSTRUCT)
        ]


def instruments(traject: Traject) -> dict[str, Instrument]:
    """The traject's questionnaires grouped by template key, oldest version first."""
    rows = db.session.execute(
        select(
            Questionnaire.id,
            Questionnaire.template_key,
            Questionnaire.key,
            Questionnaire.anonymous,
            Questionnaire.definition,
            Questionnaire.fingerprint,
        )
        .where(Questionnaire.traject_id == traject.id)
        .order_by(Questionnaire.version, Questionnaire.id)
    ).all()
    result: dict[str, Instrument] = {}
    for qid, template_key, key, anonymous, definition, fingerprint in rows:
        name = template_key or key
        instrument = result.setdefault(name, Instrument(key=name))
        instrument.ids.append(qid)
        instrument.anonymous = bool(anonymous)
        instrument.fingerprints.append(fingerprint or "")
        for question in Definition.from_dict(definition).questions():
            instrument.questions[question.key] = question
    return result


def items_frame(groups: dict[str, Instrument]):
    """Item metadata of the likert and single-choice items that belong to a construct (a DataFrame)."""
    import pandas as pd

    rows = []
    for instrument in groups.values():
        for key, q in instrument.questions.items():
            if not q.construct or q.type not in ("likert", "single_choice"):
                continue
            low, high = scale_bounds(q) if q.type == "likert" else (math.nan, math.nan)
            rows.append(
                {
                    "question": key,
                    "construct": q.construct,
                    "reverse": bool(q.reverse),
                    "min": float(low),
                    "max": float(high),
                    "domain": q.domain,
                    "questionnaire": instrument.key,
                    "partner": q.partner,
                }
            )
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)


def response_filter(ids: list[int]):
    """The latest revision of every response of these questionnaires."""
    return (Response.questionnaire_id.in_(ids), Response.is_latest.is_(True))


def all_ids(groups: dict[str, Instrument]) -> list[int]:
    return [qid for g in groups.values() for qid in g.ids]
