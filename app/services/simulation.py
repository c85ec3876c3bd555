"""Seeded synthetic responses for the demo traject: all four instruments, for demos, tests and benchmarks.

`simulate(traject, respondents, seed)` creates (or reuses) an open questionnaire per template,
replaces every response of those questionnaires and the simulated invitations, and writes new
ones: ICT staff (anonymous), motives (staff and boards, anonymous), one ICT-foto per school and one
board commitment per school (identified). The same seed gives the same rows, ids included, so a
second run changes nothing and the recompute reports "unchanged".
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
from sqlalchemy import delete, insert, select

from analysis import simulate_responses
from app.extensions import db
from app.models import Participant, Questionnaire, Response, Traject, User
from app.services import questionnaires as questionnaire_service
from surveys.templates import TEMPLATE_KEYS, expand_for_traject, load_template
from surveys.types.likert import scale_bounds

SIM_DOMAIN = "simulatie.draagvlak.invalid"
RESPONSE_RATE = 0.85
# Free text a few staff members write; above the comment threshold some of it shows.
WORRIES = [
    "Ik maak me zorgen over de werkdruk tijdens de overgang.",
    "Wat gebeurt er met mijn eigen taken op school?",
    "Ik vrees dat de servicedesk verder weg komt te staan van de docenten.",
    "Goed idee, als de afspraken duidelijk zijn.",
    "Onduidelijk wie straks beslist over nieuwe apparatuur.",
]
CONDITIONS = [
    "Eerst samen kleine projecten doen, dan pas de organisatie veranderen.",
    "Behoud van een vast aanspreekpunt per locatie.",
    "Duidelijke afspraken over budget per school.",
    "Scholing voor iedereen voordat systemen veranderen.",
]


@dataclass
class SimulationResult:
    questionnaires: dict[str, int]
    responses: dict[str, int]


def _questionnaire(traject: Traject, key: str) -> Questionnaire:
    """The traject's latest open questionnaire of a template, or a new published one."""
    existing = db.session.scalar(select(Questionnaire).where(
        Questionnaire.traject_id == traject.id, Questionnaire.template_key == key, Questionnaire.status == "open")
        .order_by(Questionnaire.version.desc(), Questionnaire.id.desc()).limit(1))
    if existing is not None:
        return existing
    questionnaire = questionnaire_service.create_from_template(traject, key)
    questionnaire_service.publish(questionnaire)
    db.session.flush()
    return questionnaire


def _items(definition) -> list[dict]:
    rows = []
    for q in definition.questions():
        if q.type == "likert":
            low, high = scale_bounds(q)
            rows.append({"question": q.key, "construct": q.construct or q.key, "reverse": q.reverse,
                         "min": low, "max": high, "domain": q.domain, "partner": q.partner})
        elif q.type == "single_choice":
            rows.append({"question": q.key, "construct": q.construct or q.key, "reverse": False, "domain": q.domain,
                         "partner": q.partner, "options": [o["value"] for o in q.options]})
    return rows


def _answers(frame: pd.DataFrame) -> dict[str, dict]:
    """{respondent: {question: value}} with likert answers as ints."""
    result: dict[str, dict] = {}
    for respondent, question, value in zip(frame["respondent"], frame["question"], frame["value"]):
        if isinstance(value, float):
            value = int(value)
        result.setdefault(respondent, {})[question] = value
    return result


def _people(frame: pd.DataFrame) -> dict[str, tuple[str, str]]:
    first = frame.drop_duplicates("respondent")
    return {r: (o, role) for r, o, role in zip(first["respondent"], first["organisation"], first["role"])}


class _Ids:
    """Seeded response ids: random-looking (not a sequence), but the same for the same seed."""

    def __init__(self, seed: int):
        self.rng = np.random.default_rng([seed, 7])

    def __call__(self) -> str:
        return uuid.UUID(bytes=self.rng.bytes(16), version=4).hex


def simulate(traject: Traject, respondents: int, seed: int = 0) -> SimulationResult:
    """Fill the traject with synthetic responses; see the module docstring. Does not commit."""
    if respondents < 1:
        raise ValueError("respondents moet minstens 1 zijn")
    rng = np.random.default_rng(seed)
    new_id = _Ids(seed)
    organisations = {o.code: o for o in sorted(traject.organisations, key=lambda o: o.code)}
    if not organisations:
        raise ValueError("het traject heeft nog geen organisaties")
    questionnaires = {key: _questionnaire(traject, key) for key in TEMPLATE_KEYS}
    ids = [q.id for q in questionnaires.values()]
    db.session.execute(delete(Response).where(Response.questionnaire_id.in_(ids)))
    db.session.execute(delete(Participant).where(Participant.questionnaire_id.in_(ids),
                                                 Participant.email.like(f"%@{SIM_DOMAIN}")))
    today = date.today()
    # Pupils as relative size, but the smallest school's weight halved so its groups stay small.
    weights = {code: float(o.students or 100) for code, o in organisations.items()}
    smallest = min(weights, key=weights.get)
    weights[smallest] /= 2
    codes = sorted(organisations)
    responses: list[dict] = []
    participants: list[dict] = []
    counts: dict[str, int] = {}

    def invite(questionnaire, key, role, code, completed, n, user_id=None):
        participants.append({"user_id": user_id,
            "questionnaire_id": questionnaire.id, "email": f"{key}-{n:05d}@{SIM_DOMAIN}",
            "name": f"Gesimuleerd {n}", "role": role, "organisation_id": organisations[code].id,
            "invited_at": datetime.now(timezone.utc) - timedelta(days=21), "completed": completed,
            "reminders_sent": 0, "opted_out": False, "created_at": datetime.now(timezone.utc),
            # All simulated participants are on the list before any response (padding rule).
            "early": True})

    def anonymous(key, frame, extra=None):
        questionnaire = questionnaires[key]
        answers = _answers(frame)
        people = _people(frame)
        for n, (respondent, values) in enumerate(answers.items()):
            code, role = people[respondent]
            if extra:
                values.update(extra(values))
            responses.append({"id": new_id(), "questionnaire_id": questionnaire.id, "organisation_code": code,
                              "role": role, "submitted_on": today - timedelta(days=int(rng.integers(0, 14))),
                              "answers": values, "participant_id": None, "user_id": None, "revision": 1,
                              "is_latest": True, "signed_at": None})
            invite(questionnaire, key, role, code, True, n)
        # Those who did not respond: invitations without completion (anonymous: no link either way).
        missing = int(round(len(answers) * (1 - RESPONSE_RATE) / RESPONSE_RATE))
        for n in range(missing):
            code = codes[int(rng.integers(0, len(codes)))]
            invite(questionnaire, key, "ict_staff", code, False, len(answers) + n)
        counts[key] = len(answers)

    # ICT staff
    staff_def = expand_for_traject(load_template("ict_staff"), [])
    staff = simulate_responses({"ict_staff": _items(staff_def)}, weights, respondents, seed=seed)
    needs = [o["value"] for o in staff_def.question("needs_support").options]

    def staff_extra(values):
        extra = {"needs_support": sorted(rng.choice(needs, size=int(rng.integers(1, 4)), replace=False).tolist())}
        if rng.random() < 0.4:
            extra["worries"] = WORRIES[int(rng.integers(0, len(WORRIES)))]
        if rng.random() < 0.3:
            extra["conditions"] = CONDITIONS[int(rng.integers(0, len(CONDITIONS)))]
        return extra

    anonymous("ict_staff", staff, staff_extra)

    # Motives: about half of the staff, and the boards (two per school)
    motives_def = load_template("motives")
    motive_items = _items(motives_def)
    motive_staff = simulate_responses({"motives": motive_items}, weights, max(respondents // 2, 1), seed=seed + 1)
    motive_board = simulate_responses({"motives_board": motive_items}, codes, 2 * len(codes), seed=seed + 2)
    motive_board["organisation"] = motive_board["respondent"].map(
        {r: codes[i % len(codes)] for i, r in enumerate(pd.unique(motive_board["respondent"]))})
    options = [o["value"] for o in motives_def.question("motive_ranking").options]

    def ranking(values):
        weight = {o: values.get(f"motive_{o}", 0) + rng.random() for o in options}
        return {"motive_ranking": sorted(options, key=lambda o: -weight[o])}

    anonymous("motives", pd.concat([motive_staff, motive_board.assign(questionnaire="motives")],
                                   ignore_index=True), ranking)

    # Board commitment: one identified statement per school
    board_q = questionnaires["board_commitment"]
    board_def = expand_for_traject(load_template("board_commitment"), [(o.code, o.name) for o in organisations.values()])
    board = simulate_responses({"board_commitment": _items(board_def)}, codes, len(codes), seed=seed + 3, missing=0.0)
    board_answers = _answers(board)
    for n, (_respondent, values) in enumerate(sorted(board_answers.items())):
        code = codes[n % len(codes)]
        values.pop(f"trust_{code.lower()}", None)  # no trust question about one's own school
        user = db.session.scalar(select(User).where(User.role == "bestuurder", User.organisation_id ==
                                                     organisations[code].id).limit(1))
        values.update(board_conditions=CONDITIONS[n % len(CONDITIONS)],
                      signature_name=user.name if user else f"Bestuurder {organisations[code].name}",
                      signature_agree=True)
        # Linked to the demo bestuurder's account, so their statement page shows it and a
        # revision continues it instead of adding a second statement for the school.
        invite(board_q, "board_commitment", "board", code, True, n, user.id if user else None)
        responses.append({"id": new_id(), "questionnaire_id": board_q.id, "organisation_code": code, "role": "board",
                          "submitted_on": today - timedelta(days=2), "answers": values,
                          "participant_id": ("board_commitment", n), "user_id": user.id if user else None,
                          "revision": 1, "is_latest": True,
                          "signed_at": datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=2)})
    counts["board_commitment"] = len(board_answers)

    # ICT-foto: one per school, filled in by its ICT coordinator
    foto_q = questionnaires["ict_foto"]
    for n, code in enumerate(codes):
        invite(foto_q, "ict_foto", "ict_lead", code, True, n)
        responses.append({"id": new_id(), "questionnaire_id": foto_q.id, "organisation_code": code, "role": "ict_lead",
                          "submitted_on": today - timedelta(days=7), "answers": _foto(organisations[code], rng),
                          "participant_id": ("ict_foto", n), "user_id": None, "revision": 1, "is_latest": True,
                          "signed_at": None})
    counts["ict_foto"] = len(codes)

    db.session.execute(insert(Participant), participants)
    db.session.flush()
    # Identified responses link to their participant; anonymous ones never do.
    linked = dict(((email.split("@")[0].rsplit("-", 1)[0], int(email.split("@")[0].rsplit("-", 1)[1])), pid)
                  for pid, email in db.session.execute(select(Participant.id, Participant.email).where(
                      Participant.questionnaire_id.in_([board_q.id, foto_q.id]),
                      Participant.email.like(f"%@{SIM_DOMAIN}"))))
    for row in responses:
        if row["participant_id"] is not None:
            row["participant_id"] = linked[row["participant_id"]]
    db.session.execute(insert(Response), responses)
    db.session.flush()
    return SimulationResult(questionnaires={k: q.id for k, q in questionnaires.items()}, responses=counts)


def _foto(organisation, rng) -> dict:
    """Plausible ICT-foto numbers: staff and costs roughly proportional to pupils."""
    pupils = int(organisation.students or 500)
    staff = int(organisation.staff or 50)
    locations = int(organisation.locations or 1)
    fte = round(pupils / 1000 * float(rng.uniform(2.2, 3.6)), 1)

    def noise(low=0.85, high=1.15):
        return float(rng.uniform(low, high))

    return {
        "users_staff": staff, "users_students": pupils,
        "devices_staff": int(staff * noise(1.0, 1.3)), "devices_students": int(pupils * noise(0.7, 1.0)),
        "fte_ict": fte, "fte_retiring_5y": round(fte * float(rng.uniform(0.1, 0.45)), 1),
        "single_person_dependencies": int(rng.integers(1, 6)),
        "servicedesk_hours_week": int(rng.integers(20, 41)),
        "service_satisfaction": int(rng.integers(2, 6)), "network_state": int(rng.integers(2, 6)),
        "server_model": ["on_premise", "hybride", "cloud"][int(rng.integers(0, 3))],
        "admin_system": ["magister", "somtoday"][int(rng.integers(0, 2))],
        "elo": ["itslearning", "magister_elo", "teams"][int(rng.integers(0, 3))],
        "office_suite": ["microsoft365", "google_workspace"][int(rng.integers(0, 2))],
        "identity": ["entra_id", "entree"][int(rng.integers(0, 2))],
        "cost_personnel": round(fte * 68_000 * noise()),
        "cost_hardware": round(pupils * 140 * noise()),
        "cost_licences": round(pupils * 45 * noise()),
        "cost_external": round(pupils * 22 * noise(0.5, 1.5)),
        "cost_connectivity": round(locations * 9_500 * noise()),
        "remarks": "Gesimuleerde ICT-foto.",
    }
