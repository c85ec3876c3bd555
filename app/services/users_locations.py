"""ICT users' satisfaction per location: read from the released responses of a closed ICT-users questionnaire."""

from __future__ import annotations

from sqlalchemy import func, select

from analysis.ict_users import LOCATION, QUESTIONNAIRE, by_location
from app.extensions import db
from app.models import IndicatorSnapshot, Questionnaire, Response, Traject
from app.services import releases
from app.services.responses import questionnaire_state
from surveys.model import Questionnaire as Definition
from surveys.types.likert import scale_bounds


def location_figures(traject: Traject, snapshot: IndicatorSnapshot | None) -> list[dict]:
    """Aspect scores per location, or [] unless the questionnaire is closed and the latest release holds all of it.

    Only responses that release included are read, and its hidden groups stay hidden (see
    :func:`analysis.ict_users.by_location` for why only a closed questionnaire shows locations).
    A release that closing did not change (same figures) is not rewritten, so "closed" is read
    from the questionnaires, and "all of it" from the responses' release numbers.
    """
    if snapshot is None:
        return []
    state = ((snapshot.counts or {}).get("disclosure") or {}).get(QUESTIONNAIRE)
    if not state or state.get("held"):
        return []
    questionnaires = db.session.scalars(
        select(Questionnaire).where(Questionnaire.traject_id == traject.id, Questionnaire.template_key == QUESTIONNAIRE)
    ).all()
    if not questionnaires or any(questionnaire_state(q) != "closed" for q in questionnaires):
        return []
    unreleased = db.session.scalar(
        select(func.count(Response.id)).where(
            Response.questionnaire_id.in_([q.id for q in questionnaires]),
            Response.is_latest.is_(True),
            ~releases.released(snapshot.number),
        )
    )
    if unreleased:
        return []
    items = []
    for questionnaire in questionnaires:
        for q in Definition.from_dict(questionnaire.definition).questions():
            if q.question_type.analysis == "likert" and q.construct:
                low, high = scale_bounds(q)
                items.append({"question": q.key, "construct": q.construct, "min": float(low), "max": float(high)})
    keys = {i["question"] for i in items} | {LOCATION}
    rows = []
    for rid, org, role, answers in db.session.execute(
        select(Response.id, Response.organisation_code, Response.role, Response.answers).where(
            Response.questionnaire_id.in_([q.id for q in questionnaires]),
            Response.is_latest.is_(True),
            releases.released(snapshot.number),
        )
    ):
        for key, value in (answers or {}).items():
            if key in keys and value not in (None, ""):
                rows.append({"respondent": rid, "question": key, "value": value, "organisation": org, "role": role})
    if not rows:
        return []
    import pandas as pd  # only here: a web process loads pandas for this page alone (tests/app/test_lean_web.py)

    hidden = releases.hidden_groups_of(snapshot, QUESTIONNAIRE) or set()
    return by_location(
        pd.DataFrame(rows),
        pd.DataFrame(items).drop_duplicates("question"),
        traject.anonymity_threshold,
        closed=True,
        hidden=hidden,
    )
