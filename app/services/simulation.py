"""Seeded synthetic responses for the demo traject: all five instruments, in the proportions of the case, for demos and tests.

`simulate(traject, respondents, seed)` treats ``respondents`` as the schools' staff (the case has
470): per school its share of them answers the ICT-users questionnaire, and a small ICT team in
proportion to the school's ICT-foto fte (1–5 people at the case's size, one of them the school's
Hoofd ICT) answers the ICT-staff and motives questionnaires; each school's board signs one
statement (with its motives) and its Hoofd ICT fills in the ICT-foto. So per-school ICT-staff
groups are small, as in the real case. ``ict_staff=N`` instead spreads N ICT-staff responses over
the schools by size (large groups for tests of the statistics). The questionnaires are created (or
reused) open, their responses and simulated invitations replaced; the same seed gives the same
rows, ids included, so a second run changes nothing and the recompute reports "unchanged".
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import delete, insert, select

from analysis import simulate_responses
from app.extensions import db
from app.models import Participant, Questionnaire, ReleaseBatch, Response, Traject, User
from app.models.packed_answers import likert_layout, pack
from app.services import questionnaires as questionnaire_service
from surveys.templates import TEMPLATE_KEYS, expand_for_traject, load_template
from surveys.types.likert import scale_bounds

SIM_DOMAIN = "simulatie.draagvlak.invalid"
RESPONSE_RATE = 0.85  # ICT staff and boards
USER_RESPONSE_RATE = 0.7  # all staff as ICT users: a staff survey rarely reaches more
# The case: about 12.4 ICT fte for 4,150 pupils; a team member works about 0.9 fte on ICT.
ICT_FTE_PER_PUPIL = 0.003
FTE_PER_PERSON = 0.9
MAX_TEAM = 5
# How much each motive weighs, on top of a person's own level (scale points): the case names
# quality, vulnerability and cost as the boards' motives; ICT staff care less about cost and more
# about their profession. So the demo shows shared drivers and a divergent one.
BOARD_MOTIVES = {
    "quality": 1.2,
    "vulnerability": 1.3,
    "cost": 1.1,
    "continuity": 0.5,
    "innovation": 0.0,
    "professionalisation": 0.2,
    "procurement": 0.4,
}
STAFF_MOTIVES = {
    "quality": 1.0,
    "vulnerability": 1.1,
    "cost": -0.6,
    "continuity": 0.4,
    "innovation": 0.3,
    "professionalisation": 0.9,
    "procurement": -0.2,
}
IMPROVEMENTS = [
    "Een wifi-netwerk dat in elk lokaal werkt.",
    "Een helpdesk die ook na schooltijd bereikbaar is.",
    "Eén inlog voor alle programma's.",
    "Snellere laptops voor docenten.",
    "Uitleg bij nieuwe programma's voordat ze worden ingevoerd.",
]
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
    existing = db.session.scalar(
        select(Questionnaire)
        .where(
            Questionnaire.traject_id == traject.id, Questionnaire.template_key == key, Questionnaire.status == "open"
        )
        .order_by(Questionnaire.version.desc(), Questionnaire.id.desc())
        .limit(1)
    )
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
            rows.append(
                {
                    "question": q.key,
                    "construct": q.construct or q.key,
                    "reverse": q.reverse,
                    "min": low,
                    "max": high,
                    "domain": q.domain,
                    "partner": q.partner,
                }
            )
        elif q.type == "single_choice":
            rows.append(
                {
                    "question": q.key,
                    "construct": q.construct or q.key,
                    "reverse": False,
                    "domain": q.domain,
                    "partner": q.partner,
                    "options": [o["value"] for o in q.options],
                }
            )
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


def ict_fte(organisation) -> float:
    """The school's ICT fte in the simulated ICT-foto: proportional to its pupils, as in the case."""
    return max(0.5, round(int(organisation.students or 500) * ICT_FTE_PER_PUPIL, 1))


def ict_team(organisation) -> int:
    """People in the school's ICT team (the Hoofd ICT included): 1–5, from its ICT fte."""
    return int(min(MAX_TEAM, max(1, math.ceil(ict_fte(organisation) / FTE_PER_PERSON - 1e-9))))


def _staff_size(organisation) -> int:
    return int(organisation.staff or max(10, round((organisation.students or 500) / 9)))


def _shares(total: int, sizes: dict[str, int]) -> dict[str, int]:
    """`total` split over the schools in proportion to `sizes` (largest remainder, ties by code)."""
    whole = sum(sizes.values())
    exact = {c: total * n / whole for c, n in sizes.items()}
    result = {c: int(math.floor(v)) for c, v in exact.items()}
    for c in sorted(exact, key=lambda c: (-(exact[c] - result[c]), c))[: total - sum(result.values())]:
        result[c] += 1
    return result


def population(organisations: dict, respondents: int) -> dict[str, dict[str, int]]:
    """Per school the simulated staff: ``{"team": ICT team incl. the Hoofd ICT, "users": other staff}``.

    ``respondents`` is the schools' staff together; each school gets its share, and its ICT team
    scales with it (at least one person: every school has its Hoofd ICT).
    """
    sizes = {code: _staff_size(o) for code, o in organisations.items()}
    shares = _shares(respondents, sizes)
    result = {}
    for code, organisation in organisations.items():
        team = max(1, int(round(ict_team(organisation) * shares[code] / sizes[code])))
        result[code] = {"team": team, "users": max(shares[code] - team, 0)}
    return result


def simulate(traject: Traject, respondents: int, seed: int = 0, *, ict_staff: int | None = None) -> SimulationResult:
    """Fill the traject with synthetic responses; see the module docstring. Does not commit."""
    if respondents < 1:
        raise ValueError("respondents moet minstens 1 zijn")
    if ict_staff is not None and ict_staff < 1:
        raise ValueError("ict_staff moet minstens 1 zijn")
    rng = np.random.default_rng(seed)
    new_id = _Ids(seed)
    organisations = {o.code: o for o in sorted(traject.organisations, key=lambda o: o.code)}
    if not organisations:
        raise ValueError("het traject heeft nog geen organisaties")
    questionnaires = {key: _questionnaire(traject, key) for key in TEMPLATE_KEYS}
    ids = [q.id for q in questionnaires.values()]
    # The release marks too (SQLite does not cascade): the same seed gives these ids again.
    db.session.execute(
        delete(ReleaseBatch).where(
            ReleaseBatch.response_id.in_(select(Response.id).where(Response.questionnaire_id.in_(ids)))
        )
    )
    db.session.execute(delete(Response).where(Response.questionnaire_id.in_(ids)))
    db.session.execute(
        delete(Participant).where(Participant.questionnaire_id.in_(ids), Participant.email.like(f"%@{SIM_DOMAIN}"))
    )
    today = date.today()
    codes = sorted(organisations)
    people = population(organisations, respondents)
    responses: list[dict] = []
    participants: list[dict] = []
    counts: dict[str, int] = {}
    serial: dict[str, int] = {}

    def invite(questionnaire, key, role, code, completed, user_id=None):
        n = serial[key] = serial.get(key, -1) + 1
        participants.append(
            {
                "user_id": user_id,
                "questionnaire_id": questionnaire.id,
                "email": f"{key}-{n:05d}@{SIM_DOMAIN}",
                "name": f"Gesimuleerd {n}",
                "role": role,
                "organisation_id": organisations[code].id,
                "invited_at": datetime.now(UTC) - timedelta(days=21),
                "completed": completed,
                "reminders_sent": 0,
                "opted_out": False,
                "created_at": datetime.now(UTC),
                # All simulated participants are on the list before any response (padding rule).
                "early": True,
            }
        )
        return n

    def invited(groups: dict[tuple[str, str], int], rate: float):
        """(responders, non-responders) as lists of (school, role), each invitee answering with `rate`."""
        answer, silent = [], []
        for (code, role), n in sorted(groups.items()):
            for _ in range(n):
                (answer if rng.random() < rate else silent).append((code, role))
        return answer, silent

    def anonymous(key, frame, silent, extra=None):
        questionnaire = questionnaires[key]
        answers = _answers(frame)
        who = _people(frame)
        for respondent, values in answers.items():
            code, role = who[respondent]
            if extra:
                values.update(extra(values))
            responses.append(
                {
                    "id": new_id(),
                    "questionnaire_id": questionnaire.id,
                    "organisation_code": code,
                    "role": role,
                    "submitted_on": today - timedelta(days=int(rng.integers(0, 14))),
                    "answers": values,
                    "participant_id": None,
                    "user_id": None,
                    "revision": 1,
                    "is_latest": True,
                    "signed_at": None,
                }
            )
            invite(questionnaire, key, role, code, True)
        # Those who did not respond: invitations without completion (anonymous: no link either way).
        for code, role in silent:
            invite(questionnaire, key, role, code, False)
        counts[key] = len(answers)

    # ICT staff: per school its team, the first of them its Hoofd ICT (or, with ict_staff=N, N
    # responses spread over the schools by size, about 8% of them heads of ICT).
    if ict_staff is None:
        team = {}
        for code in codes:
            team[(code, "ict_lead")] = 1
            if people[code]["team"] > 1:
                team[(code, "ict_staff")] = people[code]["team"] - 1
        staff_people, staff_silent = invited(team, RESPONSE_RATE)
    else:
        staff_people, staff_silent = None, []
    weights = {code: float(_staff_size(o)) for code, o in organisations.items()}
    staff_def = expand_for_traject(load_template("ict_staff"), [])
    staff = simulate_responses(
        {"ict_staff": _items(staff_def)},
        weights,
        ict_staff or 1,
        seed=seed,
        people={"ict_staff": staff_people} if staff_people is not None else None,
    )
    needs = [o["value"] for o in staff_def.question("needs_support").options]

    def staff_extra(values):
        extra = {"needs_support": sorted(rng.choice(needs, size=int(rng.integers(1, 4)), replace=False).tolist())}
        if rng.random() < 0.4:
            extra["worries"] = WORRIES[int(rng.integers(0, len(WORRIES)))]
        if rng.random() < 0.3:
            extra["conditions"] = CONDITIONS[int(rng.integers(0, len(CONDITIONS)))]
        return extra

    anonymous("ict_staff", staff, staff_silent, staff_extra)

    # Motives: the same ICT staff (anonymous); the boards give theirs in their signed statement.
    motives_def = load_template("motives")
    motive_people = list(
        zip(staff.drop_duplicates("respondent")["organisation"], staff.drop_duplicates("respondent")["role"])
    )
    motive_staff = simulate_responses(
        {"motives": _items(motives_def)}, weights, len(motive_people), seed=seed + 1, people={"motives": motive_people}
    )
    options = [o["value"] for o in motives_def.question("motive_ranking").options]

    def ranking(values):
        _weigh(values, "motive_", STAFF_MOTIVES, rng)
        weight = {o: values.get(f"motive_{o}", 0) + rng.random() for o in options}
        return {"motive_ranking": sorted(options, key=lambda o: -weight[o])}

    anonymous("motives", motive_staff, staff_silent, ranking)

    # ICT users: every other member of staff of every school, anonymous.
    users = {(code, "staff"): people[code]["users"] for code in codes if people[code]["users"]}
    user_people, user_silent = invited(users, USER_RESPONSE_RATE)
    if user_people:
        users_def = load_template("ict_users")
        user_frame = simulate_responses(
            {"ict_users": _items(users_def)},
            weights,
            len(user_people),
            seed=seed + 4,
            people={"ict_users": user_people},
        )

        def improve(values):
            extra = {}
            if rng.random() < 0.25:
                extra["users_improve"] = IMPROVEMENTS[int(rng.integers(0, len(IMPROVEMENTS)))]
            return extra

        def located(frame):
            """The location answer is required: one per user; a school with one location has only its main one."""
            frame = frame.loc[frame["question"] != "location"].copy()
            first = frame.drop_duplicates("respondent")
            rows = first.assign(
                question="location",
                value=[
                    "nevenlocatie"
                    if int(organisations[o].locations or 1) > 1 and rng.random() < 0.35
                    else "hoofdlocatie"
                    for o in first["organisation"]
                ],
            )
            return pd.concat([frame, rows], ignore_index=True)

        anonymous("ict_users", located(user_frame), user_silent, improve)
    else:
        counts["ict_users"] = 0

    # Board commitment (with the board's motives): one identified statement per school
    board_q = questionnaires["board_commitment"]
    board_def = expand_for_traject(
        load_template("board_commitment"), [(o.code, o.name) for o in organisations.values()]
    )
    board = simulate_responses(
        {"board_commitment": _items(board_def)},
        codes,
        len(codes),
        seed=seed + 3,
        missing=0.0,
        people={"board_commitment": [(code, "board") for code in codes]},
    )
    board_answers = _answers(board)
    for n, (_respondent, values) in enumerate(sorted(board_answers.items())):
        code = codes[n % len(codes)]
        values.pop(f"trust_{code.lower()}", None)  # no trust question about one's own school
        _weigh(values, "board_motive_", BOARD_MOTIVES, rng)
        user = db.session.scalar(
            select(User)
            .where(User.role == "bestuurder", User.organisation_id == organisations[code].id)
            .order_by(User.id)
            .limit(1)
        )
        values.update(
            board_conditions=CONDITIONS[n % len(CONDITIONS)],
            signature_name=user.name if user else f"Bestuurder {organisations[code].name}",
            signature_agree=True,
        )
        # Linked to the demo bestuurder's account, so their statement page shows it and a
        # revision continues it instead of adding a second statement for the school.
        number = invite(board_q, "board_commitment", "board", code, True, user.id if user else None)
        responses.append(
            {
                "id": new_id(),
                "questionnaire_id": board_q.id,
                "organisation_code": code,
                "role": "board",
                "submitted_on": today - timedelta(days=2),
                "answers": values,
                "participant_id": ("board_commitment", number),
                "user_id": user.id if user else None,
                "revision": 1,
                "is_latest": True,
                "signed_at": datetime.now(UTC).replace(microsecond=0) - timedelta(days=2),
            }
        )
    counts["board_commitment"] = len(board_answers)

    # ICT-foto: one per school, filled in by its Hoofd ICT
    foto_q = questionnaires["ict_foto"]
    for code in codes:
        number = invite(foto_q, "ict_foto", "ict_lead", code, True)
        responses.append(
            {
                "id": new_id(),
                "questionnaire_id": foto_q.id,
                "organisation_code": code,
                "role": "ict_lead",
                "submitted_on": today - timedelta(days=7),
                "answers": _foto(organisations[code], rng),
                "participant_id": ("ict_foto", number),
                "user_id": None,
                "revision": 1,
                "is_latest": True,
                "signed_at": None,
            }
        )
    counts["ict_foto"] = len(codes)

    db.session.execute(insert(Participant), participants)
    db.session.flush()
    # Identified responses link to their participant; anonymous ones never do.
    linked = dict(
        ((email.split("@")[0].rsplit("-", 1)[0], int(email.split("@")[0].rsplit("-", 1)[1])), pid)
        for pid, email in db.session.execute(
            select(Participant.id, Participant.email).where(
                Participant.questionnaire_id.in_([board_q.id, foto_q.id]), Participant.email.like(f"%@{SIM_DOMAIN}")
            )
        )
    )
    layouts = {q.id: likert_layout(q.definition, q.fingerprint) for q in questionnaires.values()}
    for row in responses:
        if row["participant_id"] is not None:
            row["participant_id"] = linked[row["participant_id"]]
        row["likert"] = pack(layouts[row["questionnaire_id"]], row["answers"])  # a bulk insert skips the ORM's packing
    db.session.execute(insert(Response), responses)
    db.session.flush()
    return SimulationResult(questionnaires={k: q.id for k, q in questionnaires.items()}, responses=counts)


def _weigh(values: dict, prefix: str, shifts: dict, rng) -> None:
    """Give each motive answered its own weight: the person's mean level plus the motive's shift."""
    keys = [prefix + m for m in shifts if prefix + m in values]
    if not keys:
        return
    level = sum(values[k] for k in keys) / len(keys) - 3  # the person's own level, around the midpoint
    for motive, shift in shifts.items():
        key = prefix + motive
        if key in values:
            values[key] = int(min(5, max(1, round(3 + 0.5 * level + shift + float(rng.normal(0, 0.7))))))


def _foto(organisation, rng) -> dict:
    """Plausible ICT-foto numbers: staff and costs roughly proportional to pupils."""
    pupils = int(organisation.students or 500)
    staff = int(organisation.staff or 50)
    locations = int(organisation.locations or 1)
    fte = ict_fte(organisation)

    def noise(low=0.85, high=1.15):
        return float(rng.uniform(low, high))

    return {
        "users_staff": staff,
        "users_students": pupils,
        "devices_staff": int(staff * noise(1.0, 1.3)),
        "devices_students": int(pupils * noise(0.7, 1.0)),
        "fte_ict": fte,
        "fte_retiring_5y": round(fte * float(rng.uniform(0.1, 0.45)), 1),
        "single_person_dependencies": int(rng.integers(1, 6)),
        "servicedesk_hours_week": int(rng.integers(20, 41)),
        "service_satisfaction": int(rng.integers(2, 6)),
        "network_state": int(rng.integers(2, 6)),
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
