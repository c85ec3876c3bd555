"""Roadmap proposals: horizons, quarters, preparations and dependencies."""

import pytest

from analysis.feasibility import feasibility_matrix
from analysis.roadmap import HORIZONS, propose_actions, quarter_add


def _rec(domain, form, nxt=None, blockers=()):
    return {
        "domain": domain,
        "form": form,
        "next": {"form": nxt, "blockers": [{"criterion": c} for c in blockers]} if nxt else None,
    }


def test_quarters():
    assert quarter_add("2026-K1", 0) == "2026-K1"
    assert quarter_add("2026-K4", 5) == "2028-K1"
    with pytest.raises(ValueError):
        quarter_add("2026-Q1", 1)


def test_short_term_consultation_and_procurement_long_term_staff():
    actions = propose_actions(
        {
            "recommendations": [
                _rec("inkoop", "netwerkmodel"),
                _rec("personeel", "netwerkmodel"),
                _rec("werkplek", "ssc"),
            ]
        },
        "2027-K1",
    )
    by_key = {a["key"]: a for a in actions}
    assert by_key["overleg"]["horizon"] == "kort" and by_key["overleg"]["quarter"] == "2027-K1"
    assert by_key["inkoop:netwerkmodel"]["horizon"] == "kort"
    assert by_key["personeel:netwerkmodel"]["horizon"] == "lang"
    assert by_key["werkplek:ssc"]["horizon"] == "lang"
    assert "prep:intentiebesluit" in by_key["werkplek:ssc"]["depends_on"]
    assert [a["horizon"] for a in actions] == sorted((a["horizon"] for a in actions), key=HORIZONS.index)


def test_fixable_blockers_give_preparations_and_a_long_term_step():
    actions = propose_actions(
        {
            "recommendations": [
                _rec("applicaties", "netwerkmodel", "centrummodel", ("score", "standardisation", "trust")),
                _rec("servicedesk", "netwerkmodel", "centrummodel", ("score", "unknown_thing")),
            ]
        }
    )
    keys = [a["key"] for a in actions]
    assert "prep:standaardisatie" in keys and "prep:governance" in keys
    step = next(a for a in actions if a["key"] == "applicaties:centrummodel")
    assert step["horizon"] == "lang"
    assert set(step["depends_on"]) == {"prep:standaardisatie", "prep:governance", "applicaties:netwerkmodel"}
    assert "servicedesk:centrummodel" not in keys


def test_no_duplicates_and_dependencies_exist():
    criteria = {
        "draagvlak": 70.0,
        "domain_support": 70.0,
        "autonomy": 45.0,
        "trust": 55.0,
        "standardisation": 50.0,
        "scale": 70.0,
        "vulnerability": 70.0,
        "savings": 70.0,
        "commitment": None,
        "preference": None,
        "centre_party": 100.0,
    }
    feas = feasibility_matrix({"domains": {d: dict(criteria) for d in ("overleg", "inkoop", "werkplek", "personeel")}})
    actions = propose_actions(feas)
    keys = [a["key"] for a in actions]
    assert len(keys) == len(set(keys))
    for action in actions:
        assert set(action["depends_on"]) <= set(keys)
        assert action["title_nl"] and action["title_en"]
    assert propose_actions(feas) == actions  # deterministic


def test_geen_gives_only_the_basics():
    assert [a["key"] for a in propose_actions({"recommendations": [_rec("ibp", "geen", "projectbasis")]})] == [
        "overleg",
        "prep:intentiebesluit",
    ]
