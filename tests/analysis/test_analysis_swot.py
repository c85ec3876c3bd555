"""SWOT rules: reference cases per rule, sector suggestions, selection limit and the confrontatiematrix."""

import pytest

from analysis import suggestions
from analysis.swot import THRESHOLDS, check_selection, confrontation, derive_items, pooled_foto, standardisation


def _index(index, value, organisation=None, suppressed=False):
    return {"index": index, "organisation": organisation, "role": None, "value": value, "suppressed": suppressed}


def _foto(code, students=1000, fte=2.0, retiring=0.0, single=0, cost=200_000, **answers):
    return {
        "organisation": code,
        "answers": dict(
            users_students=students, fte_ict=fte, fte_retiring_5y=retiring, single_person_dependencies=single, **answers
        ),
        "derived": {
            "cost_total": cost,
            "cost_per_pupil": cost / students,
            "retiring_share": retiring / fte if fte else None,
        },
    }


def _rules(items):
    return [(i["quadrant"], i["rule"]) for i in items]


@pytest.mark.parametrize(
    "value, expected", [(65.0, [("S", "index.sterk")]), (64.9, []), (50.0, []), (49.9, [("W", "index.knelpunt")])]
)
def test_index_bounds(value, expected):
    assert _rules(derive_items({"indices": [_index("draagvlak", value)]})) == expected


def test_resistance_is_judged_reversed():
    assert _rules(derive_items({"indices": [_index("weerstand", 30.0)]})) == [("S", "index.sterk")]
    assert _rules(derive_items({"indices": [_index("weerstand", 55.0)]})) == [("W", "index.knelpunt")]


def test_suppressed_and_other_scopes_give_no_items():
    payload = {
        "indices": [
            _index("draagvlak", None, suppressed=True),
            _index("kun", 20.0, organisation="A"),
            {**_index("wil", 20.0), "role": "ict_staff"},
        ]
    }
    assert derive_items(payload) == []
    assert _rules(derive_items(payload, "A")) == [("W", "index.knelpunt")]


def test_evidence_names_kind_ref_and_value():
    item = derive_items({"indices": [_index("kun", 40.0, organisation="A")]}, "A")[0]
    assert item["evidence"] == {"kind": "index", "ref": "kun:A", "value": 40.0}
    assert item["key"] == "index.knelpunt:kun:A" and item["organisation"] == "A"
    assert item["text_en"] == "Bottleneck: ability (KUN) scores 40 out of 100."


def test_retiring_share_and_single_person_dependencies():
    foto = [_foto("A", fte=2.0, retiring=0.5, single=2), _foto("B", fte=2.0, retiring=0.49, single=1)]
    assert ("W", "foto.pensionering") in _rules(derive_items({"ict_foto": foto}, "A"))  # 0.25 exactly
    assert ("W", "foto.eenpitter") in _rules(derive_items({"ict_foto": foto}, "A"))
    b = _rules(derive_items({"ict_foto": foto}, "B"))
    assert ("W", "foto.pensionering") not in b and ("W", "foto.eenpitter") not in b
    # Traject: pooled 0.99 / 4 fte = 0.2475 < 0.25; single-person 3 < 2 per school × 2 schools.
    assert _rules(derive_items({"ict_foto": foto})) == []


def test_cost_per_pupil_against_the_median():
    # Costs per pupil 100, 200, 250: median 200; A is 50% below, C 25% above, B on the median.
    foto = [_foto("A", cost=100_000), _foto("B", cost=200_000), _foto("C", cost=250_000)]
    assert ("S", "foto.kosten_laag") in _rules(derive_items({"ict_foto": foto}, "A"))
    assert ("W", "foto.kosten_hoog") in _rules(derive_items({"ict_foto": foto}, "C"))
    assert not {r for _, r in _rules(derive_items({"ict_foto": foto}, "B"))} & {"foto.kosten_laag", "foto.kosten_hoog"}
    # 230 is 15% above 200 exactly: not above the band.
    foto[2] = _foto("C", cost=230_000)
    assert ("W", "foto.kosten_hoog") not in _rules(derive_items({"ict_foto": foto}, "C"))
    spread = derive_items({"ict_foto": [_foto("A", cost=100_000), _foto("B", cost=130_000)]})
    assert ("O", "foto.kostenverschil") in _rules(spread)


def test_standardisation_is_an_opportunity():
    same = dict(admin_system="magister", elo="itslearning", office_suite="microsoft365", identity="entra_id")
    foto = [_foto("A", **same), _foto("B", **dict(same, identity="google"))]
    assert standardisation(foto)["share"] == 0.75
    assert ("O", "foto.standaardisatie") in _rules(derive_items({"ict_foto": foto}))
    foto[1]["answers"]["elo"] = "magister_elo"
    assert ("O", "foto.standaardisatie") not in _rules(derive_items({"ict_foto": foto}))


def test_weak_trust_link_is_a_threat_for_the_parties_involved():
    board = {
        "trust": {
            "cells": [
                {"from": "A", "to": "B", "n": 1, "mean": 2.5, "score": 37.5},
                {"from": "B", "to": "A", "n": 1, "mean": 4.0, "score": 75.0},
            ],
            "weakest_link": {"from": "A", "to": "B", "mean": 2.5},
        }
    }
    assert _rules(derive_items({"board": board})) == [("T", "bestuur.vertrouwen")]
    assert _rules(derive_items({"board": board}, "B")) == [("T", "bestuur.vertrouwen")]
    assert derive_items({"board": board}, "C") == []
    board["trust"]["cells"][0].update(mean=3.0, score=50.0)
    board["trust"]["weakest_link"]["mean"] = 3.0
    assert derive_items({"board": board}) == []


def test_board_staff_gap_is_one_item_and_ignores_suppressed_staff():
    gap = [
        {"organisation": "A", "domain": "inkoop", "board": 80.0, "staff": 50.0, "staff_suppressed": False, "gap": 30.0},
        {"organisation": "A", "domain": "ibp", "board": 20.0, "staff": 60.0, "staff_suppressed": False, "gap": -40.0},
        {"organisation": "B", "domain": "ibp", "board": 90.0, "staff": None, "staff_suppressed": True, "gap": None},
    ]
    items = derive_items({"board": {"gap": gap}})
    assert _rules(items) == [("W", "bestuur.kloof")]
    assert items[0]["evidence"]["value"] == -40.0 and "in 2 domeinen (bij 1 school)" in items[0]["text_nl"]


def test_board_staff_gap_counts_domains_not_school_domain_pairs():
    """Issue 16: with a gap in the same domains at several schools the item said "16 domein(en)"
    for 8 domains; it counts distinct domains, and names the schools apart."""
    domains = ["overleg", "inkoop", "werkplek", "netwerk", "applicaties", "servicedesk", "ibp", "personeel"]
    gap = [
        {"organisation": school, "domain": d, "board": 90.0, "staff": 40.0, "staff_suppressed": False, "gap": 50.0}
        for school in ("A", "B")
        for d in domains
    ]
    item = derive_items({"board": {"gap": gap}})[0]
    assert "in 8 domeinen (bij 2 scholen)" in item["text_nl"] and "16" not in item["text_nl"]
    assert "in 8 domains (at 2 schools)" in item["text_en"]
    own = derive_items({"board": {"gap": gap}}, "A")[0]
    assert "in 8 domeinen;" in own["text_nl"]
    one = derive_items({"board": {"gap": gap[:1]}}, "A")[0]
    assert "in 1 domein;" in one["text_nl"] and "in 1 domain;" in one["text_en"]


def test_pooled_foto():
    pooled = pooled_foto(
        [
            _foto("A", students=400, fte=1.0, retiring=1.0, cost=100_000),
            _foto("B", students=600, fte=3.0, retiring=0.0, cost=150_000),
        ]
    )
    assert pooled["retiring_share"] == 0.25 and pooled["cost_per_pupil"] == 250.0 and pooled["pupils"] == 1000.0


def test_sector_suggestions_are_generic_and_name_their_source():
    offered = suggestions.offered()
    assert len({s["key"] for s in offered}) == len(offered) >= 6
    assert all(s["quadrant"] in "OT" and s["source_nl"] and s["source_en"] and s["text_en"] for s in offered)
    # No fact of the SSVO case: no school, no joint head of ICT already appointed, no "casus".
    text = " ".join(s["text_nl"] + " " + s["text_en"] for s in offered).lower()
    for fact in ("hoofd ict", "head of ict", "casus", "zuyderzee", "noordoostpolder", "ssvo"):
        assert fact not in text
    assert [s["key"] for s in suggestions.offered(["krimp", "ibp"])] == [
        s["key"] for s in offered if s["key"] not in {"krimp", "ibp"}
    ]
    item = suggestions.as_item("cooperatie")
    assert item["rule"] == item["key"] == "suggestie.cooperatie" and item["evidence"]["source_nl"].startswith("SIVON")
    with pytest.raises(ValueError):
        suggestions.as_item("hoofd_ict")


def test_check_selection_allows_five_per_quadrant():
    assert check_selection([{"quadrant": "S", "selected": True}] * 5 + [{"quadrant": "S", "selected": False}]) == {}
    assert check_selection([{"quadrant": "T", "selected": True}] * 6) == {"T": 6}


def test_confrontation_reference_case():
    # Hand-worked 2×2 + 1×2 example: rows and columns are plain sums of the scores.
    scores = {("s1", "o1"): 2, ("s1", "t1"): 1, ("s2", "o1"): 1, ("w1", "o1"): -1, ("w1", "t1"): -2, ("s2", "t1"): 0}
    result = confrontation(["s1", "s2"], ["w1"], ["o1"], ["t1"], scores)
    assert result["rows"] == {"s1": 3, "s2": 1, "w1": -3}
    assert result["columns"] == {"o1": 2, "t1": -1}
    assert result["quadrants"] == {"SO": 3, "ST": 1, "WO": -1, "WT": -2}
    assert result["total"] == 1
    assert [a["item"] for a in result["attention"]] == ["o1", "s1", "w1", "t1", "s2"]
    assert result["attention"][0] == {"item": "o1", "side": "extern", "quadrant": "O", "sum": 2, "impact": 4}


def test_confrontation_bounds_and_validation():
    many = {(f"s{i}", "o1"): 1 for i in range(8)}
    result = confrontation([f"s{i}" for i in range(8)], [], ["o1"], [], many)
    assert len(result["attention"]) == 5
    assert confrontation(["s"], [], ["o"], [], {})["attention"] == []
    with pytest.raises(ValueError):
        confrontation(["s"], [], ["o"], [], {("s", "o"): 3})
    with pytest.raises(ValueError):
        confrontation(["x"], [], ["x"], [], {})
    # Scores of items that left the matrix are ignored.
    assert confrontation(["s"], [], ["o"], [], {("gone", "o"): 2})["total"] == 0


def test_thresholds_are_documented():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs/advice.md").read_text(encoding="utf-8")
    for rule in (
        "index.sterk",
        "index.knelpunt",
        "foto.pensionering",
        "foto.eenpitter",
        "foto.kosten_hoog",
        "foto.standaardisatie",
        "bestuur.vertrouwen",
        "bestuur.kloof",
    ):
        assert f"`{rule}`" in doc
    assert THRESHOLDS["retiring_share"] == 0.25
