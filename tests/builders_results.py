"""Builders for results tests: a realistic snapshot payload from `analysis` on simulated responses.

Until `app.services.indicators.compute_snapshot` exists, results pages are tested on payloads
built here with the same analysis functions and the same shape (the snapshot contract).
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

import analysis
from surveys.templates import expand_for_traject, load_template

ORGANISATIONS = {
    "ZL": "Zuyderzee Lyceum",
    "BM": "Bonifatius Mavo",
    "EC": "Emelwerda College",
    "VN": "Vakcollege Noordoostpolder",
    "BC": "Berechja College",
}
DOMAINS = ("overleg", "inkoop", "werkplek", "netwerk", "applicaties", "servicedesk", "ibp", "personeel")

ICT_FOTO = {
    "ZL": dict(
        users_staff=160,
        users_students=1450,
        devices_staff=170,
        devices_students=900,
        fte_ict=3.0,
        fte_retiring_5y=1.0,
        single_person_dependencies=2,
        servicedesk_hours_week=40,
        service_satisfaction=4,
        network_state=4,
        server_model="hybride",
        admin_system="magister",
        elo="itslearning",
        office_suite="microsoft365",
        identity="entra_id",
        cost_personnel=210000,
        cost_hardware=160000,
        cost_licences=70000,
        cost_external=30000,
        cost_connectivity=15000,
    ),
    "BM": dict(
        users_staff=60,
        users_students=520,
        devices_staff=60,
        devices_students=300,
        fte_ict=1.0,
        fte_retiring_5y=0.8,
        single_person_dependencies=5,
        servicedesk_hours_week=20,
        service_satisfaction=3,
        network_state=2,
        server_model="on_premise",
        admin_system="magister",
        elo="itslearning",
        office_suite="microsoft365",
        identity="entra_id",
        cost_personnel=70000,
        cost_hardware=60000,
        cost_licences=26000,
        cost_external=30000,
        cost_connectivity=8000,
    ),
    "EC": dict(
        users_staff=120,
        users_students=1100,
        devices_staff=125,
        devices_students=700,
        fte_ict=2.4,
        fte_retiring_5y=0.0,
        single_person_dependencies=1,
        servicedesk_hours_week=38,
        service_satisfaction=4,
        network_state=4,
        server_model="cloud",
        admin_system="magister",
        elo="itslearning",
        office_suite="microsoft365",
        identity="entra_id",
        cost_personnel=150000,
        cost_hardware=110000,
        cost_licences=52000,
        cost_external=10000,
        cost_connectivity=12000,
    ),
    "VN": dict(
        users_staff=80,
        users_students=650,
        devices_staff=85,
        devices_students=500,
        fte_ict=1.5,
        fte_retiring_5y=0.5,
        single_person_dependencies=3,
        servicedesk_hours_week=24,
        service_satisfaction=3,
        network_state=3,
        server_model="on_premise",
        admin_system="somtoday",
        elo="itslearning",
        office_suite="microsoft365",
        identity="entra_id",
        cost_personnel=95000,
        cost_hardware=80000,
        cost_licences=30000,
        cost_external=20000,
        cost_connectivity=9000,
    ),
    "BC": dict(
        users_staff=50,
        users_students=430,
        devices_staff=50,
        devices_students=250,
        fte_ict=0.8,
        fte_retiring_5y=0.0,
        single_person_dependencies=2,
        servicedesk_hours_week=16,
        service_satisfaction=2,
        network_state=3,
        server_model="on_premise",
        admin_system="magister",
        elo="itslearning",
        office_suite="microsoft365",
        identity="entra_id",
        cost_personnel=55000,
        cost_hardware=45000,
        cost_licences=20000,
        cost_external=15000,
        cost_connectivity=6000,
    ),
}
COST_KEYS = ("cost_personnel", "cost_hardware", "cost_licences", "cost_external", "cost_connectivity")


def _items(questionnaire, key: str) -> list[dict]:
    rows = []
    for q in questionnaire.questions():
        if not q.construct:
            continue
        row = {
            "question": q.key,
            "construct": q.construct,
            "reverse": q.reverse,
            "domain": q.domain,
            "partner": q.partner,
            "questionnaire": key,
        }
        if q.type == "likert":
            row.update(min=q.scale["min"], max=q.scale["max"])
        elif q.type == "single_choice":
            row.update(options=[o["value"] for o in q.options])
        else:
            continue
        if key == "motives" and q.construct == "motive_weight":
            row["construct"] = f"motive_{q.domain}"
        rows.append(row)
    return rows


def foto_rows(codes=tuple(ICT_FOTO)) -> list[dict]:
    rows = []
    for code in codes:
        a = dict(ICT_FOTO[code])
        cost = sum(a[k] for k in COST_KEYS)
        pupils = a["users_students"]
        rows.append(
            {
                "organisation": code,
                "answers": a,
                "derived": {
                    "cost_total": cost,
                    "cost_per_pupil": cost / pupils,
                    "fte_per_1000_pupils": a["fte_ict"] / pupils * 1000,
                    "retiring_share": a["fte_retiring_5y"] / a["fte_ict"] if a["fte_ict"] else None,
                    "devices_per_pupil": a["devices_students"] / pupils,
                },
            }
        )
    return rows


def _preferences(responses: pd.DataFrame, threshold: int) -> list[dict]:
    pref = responses.loc[responses["question"].str.startswith("preferred_form_") & responses["value"].notna()]
    rows = []
    for domain in DOMAINS:
        sub = pref.loc[pref["question"] == f"preferred_form_{domain}"]
        groups = [(None, sub)] + [(code, s) for code, s in sub.groupby("organisation", sort=True)]
        for organisation, group in groups:
            n = int(group["respondent"].nunique())
            hidden = n < threshold
            counts = group["value"].value_counts()
            for form in ("geen", "projectbasis", "netwerkmodel", "centrummodel", "ssc"):
                rows.append(
                    {
                        "domain": domain,
                        "form": form,
                        "organisation": organisation,
                        "n": None if hidden else n,
                        "share": None if hidden or not n else float(counts.get(form, 0)) / n,
                        "suppressed": hidden,
                    }
                )
    return rows


@lru_cache(maxsize=8)
def _payload(seed: int, threshold: int, staff_n: int) -> dict:
    partners = list(ORGANISATIONS.items())
    board_q = expand_for_traject(load_template("board_commitment"), partners)
    items = {
        "ict_staff": _items(load_template("ict_staff"), "ict_staff"),
        "board_commitment": _items(board_q, "board_commitment"),
        "motives": _items(load_template("motives"), "motives"),
    }
    sizes = {"ZL": 0.36, "BM": 0.14, "EC": 0.28, "VN": 0.17, "BC": 0.05}
    responses = analysis.simulate_responses(
        items, sizes, {"ict_staff": staff_n, "board_commitment": 10, "motives": 40}, seed=seed
    )
    frames = {k: pd.DataFrame(v) for k, v in items.items()}
    all_items = pd.concat(frames.values(), ignore_index=True)
    likert = all_items.loc[all_items["min"].notna()].drop(columns=["options"])
    staff_resp = responses.loc[responses["questionnaire"] == "ict_staff"]
    constructs = analysis.construct_indicators(responses, likert, threshold)
    indices = analysis.index_indicators(
        staff_resp, frames["ict_staff"].loc[frames["ict_staff"]["min"].notna()], threshold
    )
    board_resp = responses.loc[responses["questionnaire"] == "board_commitment"]
    board_items = frames["board_commitment"]
    board = {
        "trust": analysis.trust_matrix(board_resp, board_items.loc[board_items["min"].notna()]),
        "autonomy": analysis.autonomy_willingness(board_resp, board_items.loc[board_items["min"].notna()]),
        "commit_forms": analysis.commit_forms(board_resp, board_items),
        "gap": analysis.board_staff_gap(responses.loc[responses["questionnaire"] != "motives"], likert, threshold),
    }
    invited = {"ZL": 24, "BM": 10, "EC": 18, "VN": 12, "BC": 5}
    rates = []
    for code in ORGANISATIONS:
        for role in ("ict_staff", "ict_lead"):
            done = int(
                staff_resp.loc[
                    (staff_resp["organisation"] == code) & (staff_resp["role"] == role), "respondent"
                ].nunique()
            )
            rates.append(
                {
                    "questionnaire": "ict_staff",
                    "organisation": code,
                    "role": role,
                    "invited": max(done, invited[code] if role == "ict_staff" else 1),
                    "completed": done,
                }
            )
    return {
        "constructs": constructs,
        "indices": indices,
        "motives": [r for r in constructs if str(r["construct"]).startswith("motive_")],
        "comparisons": [],
        "board": board,
        "ict_foto": foto_rows(),
        "preferences": _preferences(staff_resp, threshold),
        "comments": [
            {
                "questionnaire": "ict_staff",
                "question": "open_hopes",
                "organisation": None,
                "role": "ict_staff",
                "text": "Ik hoop dat we elkaar kunnen vervangen in de vakanties.",
            }
        ],
        "response_rates": rates,
    }


def build_payload(seed: int = 7, threshold: int = 5, staff_n: int = 70) -> dict:
    """A full snapshot payload (a deep copy, so tests may change it)."""
    import copy

    return copy.deepcopy(_payload(seed, threshold, staff_n))


def gen_snapshot(traject, payload: dict | None = None, *, commit: bool = True):
    """An IndicatorSnapshot row for `traject` with `payload` (default: build_payload())."""
    from app.extensions import db
    from app.models import IndicatorSnapshot
    from app.services import released_comments

    payload = build_payload(threshold=traject.anonymity_threshold or 5) if payload is None else dict(payload)
    # As a release stores them: the comments in their table, their digest per instrument in the payload.
    comments = payload.pop("comments", None) or []
    rows = released_comments.derived(comments)
    by_key: dict = {}
    for row in rows:
        by_key.setdefault(row[0], []).append(row)
    payload.setdefault("comments_released", {k: released_comments.digest(v) for k, v in by_key.items()})
    snapshot = IndicatorSnapshot(
        traject_id=traject.id,
        input_fingerprint="test",
        code_version="test",
        responses=100,
        anonymity_threshold=traject.anonymity_threshold or 5,
        payload=payload,
    )
    db.session.add(snapshot)
    db.session.flush()
    released_comments.store(snapshot.id, [released_comments.Part(k, rows=v) for k, v in by_key.items()], None)
    if commit:
        db.session.commit()
    return snapshot


def gen_case_traject(owner=None, **kwargs):
    """A traject with the five schools of the client case."""
    from builders import gen_traject

    from app.extensions import db

    traject = gen_traject(owner, name=kwargs.pop("name", "Verkenning SSVO"), organisations=(), **kwargs)
    from app.models import Organisation

    for code, name in ORGANISATIONS.items():
        a = ICT_FOTO[code]
        db.session.add(
            Organisation(
                traject=traject, code=code, name=name, staff=a["users_staff"], students=a["users_students"], locations=2
            )
        )
    db.session.commit()
    return traject
