"""Motives per party, ICT users' satisfaction, their SWOT rules and the service-quality criterion."""

import pandas as pd
import pytest

from analysis.feasibility import feasibility_inputs
from analysis.ict_users import improvement_by_domain, location_scores, service_quality
from analysis.motives import board_motives, by_party, drivers
from analysis.swot import derive_items


def _staff(construct, score, organisation=None, suppressed=False, n=14):
    return {
        "questionnaire": "motives",
        "construct": f"motive_{construct}",
        "organisation": organisation,
        "role": None,
        "n": None if suppressed else n,
        "score": None if suppressed else score,
        "suppressed": suppressed,
    }


def _board(motive, score, organisation=None, n=5):
    return {"motive": motive, "organisation": organisation, "n": 1 if organisation else n, "score": score}


def _users(construct, score, organisation=None, suppressed=False, n=40):
    return {
        "questionnaire": "ict_users",
        "construct": construct,
        "organisation": organisation,
        "role": None,
        "n": None if suppressed else n,
        "score": None if suppressed else score,
        "suppressed": suppressed,
    }


def test_board_motives_are_per_school_without_threshold_and_hand_computed():
    # Two items per motive would average; here one item per motive, 1–5 → (x − 1)/4·100.
    items = [
        {"question": f"board_motive_{m}", "construct": "motive_weight", "domain": m, "min": 1, "max": 5}
        for m in ("quality", "cost")
    ]
    answers = pd.DataFrame(
        [
            {"respondent": "b1", "question": "board_motive_quality", "value": 5, "organisation": "ZL", "role": "board"},
            {"respondent": "b1", "question": "board_motive_cost", "value": 2, "organisation": "ZL", "role": "board"},
            {"respondent": "b2", "question": "board_motive_quality", "value": 4, "organisation": "BM", "role": "board"},
            {"respondent": "b2", "question": "board_motive_cost", "value": 4, "organisation": "BM", "role": "board"},
        ]
    )
    rows = {(r["motive"], r["organisation"]): r for r in board_motives(answers, items)}
    assert rows[("quality", "ZL")] == {"motive": "quality", "organisation": "ZL", "n": 1, "score": 100.0}
    assert rows[("cost", "ZL")]["score"] == 25.0 and rows[("cost", "BM")]["score"] == 75.0
    assert rows[("quality", None)] == {"motive": "quality", "organisation": None, "n": 2, "score": 87.5}
    assert board_motives(answers.iloc[:0], items) == []
    # An older statement without the motives section gives no rows (not an error).
    older = [{"question": "aw_inkoop", "construct": "autonomy_willingness", "domain": "inkoop", "min": 1, "max": 5}]
    assert board_motives(answers.assign(question="aw_inkoop"), older) == []


def test_by_party_never_fills_in_a_hidden_staff_group():
    payload = {
        "board": {"motives": [_board("quality", 90.0), _board("quality", 95.0, "ZL"), _board("quality", 60.0, "BM")]},
        "motives": [
            _staff("quality", 72.0),
            _staff("quality", None, "ZL", suppressed=True),
            _staff("quality", 80.0, "BM", n=6),
        ],
    }
    row = by_party(payload, ["ZL", "BM", "EC"])[0]
    assert row["motive"] == "quality" and row["gap"] == pytest.approx(18.0)
    schools = {s["organisation"]: s for s in row["schools"]}
    assert schools["ZL"]["staff"] == {"score": None, "n": None, "suppressed": True}
    assert schools["ZL"]["board"] == {"score": 95.0, "n": 1}
    assert schools["BM"]["staff"]["score"] == 80.0 and schools["EC"]["board"] is None


def test_drivers_shared_divergent_and_the_school_falls_back_to_all_staff():
    payload = {
        "board": {
            "motives": [
                _board("quality", 85.0),
                _board("cost", 90.0),
                _board("innovation", 40.0),
                _board("quality", 80.0, "ZL"),
            ]
        },
        "motives": [
            _staff("quality", 75.0),
            _staff("cost", 45.0),
            _staff("innovation", 80.0),
            _staff("quality", None, "ZL", suppressed=True),
        ],
    }
    kinds = {d["motive"]: d["kind"] for d in drivers(payload)}
    assert kinds == {"quality": "shared", "cost": "board_only", "innovation": "staff_only"}
    school = drivers(payload, "ZL")
    assert [(d["motive"], d["kind"], d["staff_scope"], d["staff"]) for d in school] == [
        ("quality", "shared", "all", 75.0)
    ]
    items = derive_items(payload, "ZL")
    shared = [i for i in items if i["rule"] == "motief.gedeeld"]
    assert len(shared) == 1 and "ICT-medewerkers van alle scholen 75" in shared[0]["text_nl"]
    assert "bestuur 80" in shared[0]["text_nl"]
    overall = {i["rule"]: i for i in derive_items(payload)}
    assert "motief.verschil" in overall and overall["motief.verschil"]["quadrant"] == "W"


def test_without_board_motives_the_anonymous_total_decides_as_before():
    payload = {"motives": [_staff("cost", 74.0), _staff("quality", 60.0)]}
    items = [i for i in derive_items(payload) if i["rule"].startswith("motief")]
    assert [(i["rule"], i["text_nl"]) for i in items] == [
        ("motief.gedeeld", "Gedeelde drijfveer: lagere kosten (74 van 100).")
    ]


def test_user_satisfaction_rules_skip_hidden_groups():
    payload = {
        "constructs": [
            _users("user_network", 38.0),
            _users("user_devices", 70.0),
            _users("user_servicedesk", 20.0, "BM", suppressed=True),
            _users("user_servicedesk", 55.0),
        ]
    }
    items = {i["rule"]: i for i in derive_items(payload)}
    assert (
        items["gebruikers.ontevreden"]["text_nl"]
        == "Ontevreden ICT-gebruikers over netwerk en wifi: 38 van 100 (n = 40)."
    )
    assert items["gebruikers.tevreden"]["quadrant"] == "S"
    assert not [i for i in derive_items(payload, "BM") if i["rule"].startswith("gebruikers")]
    assert service_quality(payload) == pytest.approx((38 + 70 + 55) / 3)


def test_service_quality_feeds_the_feasibility_inputs():
    payload = {
        "constructs": [
            _users("user_network", 30.0),
            _users("user_devices", 70.0),
            _users("user_servicedesk", 50.0),
            _users("user_support", 70.0),
        ]
    }
    room = improvement_by_domain(payload, ["netwerk", "werkplek", "servicedesk", "inkoop"])
    assert room == {
        "netwerk": 70.0,
        "werkplek": 30.0,
        "servicedesk": pytest.approx(40.0),
        "inkoop": pytest.approx(100 - (30 + 70 + 50 + 70) / 4),
    }
    inputs = feasibility_inputs(payload)["domains"]
    assert inputs["netwerk"]["service_quality"] == 70.0
    assert feasibility_inputs({})["domains"]["netwerk"]["service_quality"] is None


def _location_answers(sizes, value_of=lambda loc: 5):
    rows, n = [], 0
    for (org, loc), count in sizes.items():
        for _ in range(count):
            n += 1
            if loc is not None:
                rows.append(
                    {"respondent": f"r{n}", "question": "location", "value": loc, "organisation": org, "role": "staff"}
                )
            rows.append(
                {
                    "respondent": f"r{n}",
                    "question": "network_wifi",
                    "value": value_of(loc),
                    "organisation": org,
                    "role": "staff",
                }
            )
    return pd.DataFrame(rows)


ITEMS = [{"question": "network_wifi", "construct": "user_network", "min": 1, "max": 5}]


def by_location(answers, threshold, closed, hidden=()):
    """The location rows a release shows: the release plan's location groups (analysis.locations), then
    their scores (analysis.ict_users.location_scores), as the recompute does."""
    from analysis.coded import prepare
    from analysis.disclosure import measures_of, members, plan
    from analysis.locations import admit, coarse, fine_atoms

    likert = answers.loc[answers["question"] != "location"]
    prepared = prepare(likert, ITEMS)
    found = members(answers[["respondent", "organisation", "role"]], prepared)
    where = answers.loc[answers["question"] == "location"]
    location_of = dict(zip(where["respondent"], where["value"]))
    fine = fine_atoms(found, {}, 1, location_of)
    if hidden:  # a release that hides these groups (for whatever reason): locations are decided beside it
        visible = {m: [c for c in ns if c not in hidden] for m, ns in measures_of(coarse(fine)).items()}
        groups = admit(fine, threshold, number=1, visible=visible, hidden=hidden)
    else:
        groups = plan(coarse(fine), threshold, number=1, closed=closed, locations=fine).locations
    return location_scores(prepared, location_of, groups)


def test_locations_only_at_close_and_only_without_a_small_remainder():
    answers = _location_answers(
        {("A", "hoofd"): 6, ("A", "neven"): 5, ("B", "hoofd"): 8, ("B", "neven"): 2},
        value_of=lambda loc: 5 if loc == "hoofd" else 2,
    )
    assert by_location(answers, 5, closed=False) == []
    rows = by_location(answers, 5, closed=True)
    # A qualifies (6 and 5); B does not (2 at its branch); the pooled scope is not shown beside A.
    assert [(r["organisation"], r["location"], r["n"], r["score"]) for r in rows] == [
        ("A", "hoofd", 6, 100.0),
        ("A", "neven", 5, 25.0),
    ]
    # A school whose total the release hides shows no locations (here all schools together do instead).
    assert {r["organisation"] for r in by_location(answers, 5, closed=True, hidden={("A", None)})} == {None}
    # Three respondents without a location at A: total − locations would show them, so A is out.
    unknown = _location_answers({("A", "hoofd"): 6, ("A", "neven"): 5, ("A", None): 3})
    assert by_location(unknown, 5, closed=True) == []
    # No school qualifies alone, all schools together do.
    pooled = _location_answers({("A", "hoofd"): 3, ("A", "neven"): 3, ("B", "hoofd"): 3, ("B", "neven"): 3})
    assert {(r["organisation"], r["location"], r["n"]) for r in by_location(pooled, 5, closed=True)} == {
        (None, "hoofd", 6),
        (None, "neven", 6),
    }
