"""Feasibility model: weights, knock-outs, overrides and recommendations on reference inputs."""

import dataclasses

import pytest

from analysis.feasibility import (
    DOMAINS,
    FEASIBILITY_MODEL,
    FORM_NAMES,
    FORMS,
    UNKNOWN,
    feasibility_inputs,
    feasibility_matrix,
)


def _criteria(**changes):
    base = {
        "draagvlak": 70.0,
        "domain_support": 70.0,
        "autonomy": 70.0,
        "trust": 70.0,
        "standardisation": 70.0,
        "scale": 70.0,
        "vulnerability": 70.0,
        "savings": 70.0,
        "service_quality": 70.0,
        "commitment": {f: 70.0 for f in FORMS},
        "preference": {f: 70.0 for f in FORMS},
        "centre_party": 100.0,
    }
    base.update(changes)
    return base


def _cell(result, domain, form):
    return next(c for c in result["cells"] if c["domain"] == domain and c["form"] == form)


def test_every_form_weighs_to_one_and_deeper_forms_weigh_governance_more():
    w = FEASIBILITY_MODEL.weights
    for form in FORMS:
        assert sum(w[form].values()) == pytest.approx(1.0)
    assert w["ssc"]["standardisation"] > w["netwerkmodel"]["standardisation"] > w["projectbasis"]["standardisation"]
    assert w["ssc"]["autonomy"] > w["centrummodel"]["autonomy"] > w["projectbasis"]["autonomy"]
    with pytest.raises(ValueError):
        dataclasses.replace(FEASIBILITY_MODEL, weights={**w, "ssc": {"draagvlak": 0.5}}).check()


def test_uniform_inputs_give_that_score_and_ssc_is_recommended():
    result = feasibility_matrix({"domains": {"inkoop": _criteria()}})
    for form in FORMS:
        assert _cell(result, "inkoop", form)["score"] == pytest.approx(70.0)
    rec = result["recommendations"][0]
    assert rec["form"] == "ssc" and rec["next"] is None
    # contributions add up to the score
    cell = _cell(result, "inkoop", "ssc")
    assert sum(c["contribution"] for c in cell["contributions"]) == pytest.approx(cell["score"])


def test_hand_computed_score():
    # projectbasis without preference and without users' data: the base weights scaled by .95, so
    # (.95·(.2·80 + .2·60 + .15·100 + .05·40 + .1·50 + .05·100 + .05·20 + .05·0)) / (.95·.85)
    criteria = _criteria(
        draagvlak=80.0,
        domain_support=60.0,
        autonomy=40.0,
        trust=50.0,
        standardisation=None,
        scale=100.0,
        vulnerability=20.0,
        savings=0.0,
        preference=None,
        service_quality=None,
        commitment={f: 100.0 for f in FORMS},
    )
    cell = _cell(feasibility_matrix({"domains": {"inkoop": criteria}}), "inkoop", "projectbasis")
    assert cell["score"] == pytest.approx((16 + 12 + 15 + 2 + 5 + 5 + 1 + 0) / 0.85)
    # An optional criterion without data is no gap: coverage and missing are those of the base weights.
    assert cell["coverage"] == pytest.approx(0.85)
    assert set(cell["missing"]) == {"preference"}  # standardisation weighs 0 for projectbasis
    # With users seeing room for improvement of 80 the service criterion adds .05·80:
    # (.95·(16 + 12 + 15 + 2 + 5 + 5 + 1 + 0) + .05·80) / (.95·.85 + .05), coverage .95·.85 + .05
    with_users = _cell(
        feasibility_matrix({"domains": {"inkoop": dict(criteria, service_quality=80.0)}}), "inkoop", "projectbasis"
    )
    assert with_users["score"] == pytest.approx((0.95 * 56 + 0.05 * 80) / (0.95 * 0.85 + 0.05))
    assert with_users["coverage"] == pytest.approx(0.95 * 0.85 + 0.05)


def test_ssc_knock_outs_from_autonomy_and_draagvlak():
    result = feasibility_matrix(
        {
            "domains": {
                "a": _criteria(autonomy=59.9),
                "b": _criteria(draagvlak=49.0),
                "c": _criteria(autonomy=60.0, draagvlak=50.0),
            }
        }
    )
    assert [k["criterion"] for k in _cell(result, "a", "ssc")["knockouts"]] == ["autonomy"]
    assert not _cell(result, "a", "ssc")["feasible"]
    assert [k["criterion"] for k in _cell(result, "b", "ssc")["knockouts"]] == ["draagvlak"]
    assert _cell(result, "c", "ssc")["knockouts"] == []
    recs = {r["domain"]: r["form"] for r in result["recommendations"]}
    assert recs["a"] == "centrummodel" and recs["b"] == "centrummodel"


def test_no_centre_model_without_a_party_with_capacity():
    result = feasibility_matrix({"domains": {"werkplek": _criteria(centre_party=0.0, autonomy=50.0)}})
    assert [k["criterion"] for k in _cell(result, "werkplek", "centrummodel")["knockouts"]] == ["centre_party"]
    assert result["recommendations"][0]["form"] == "netwerkmodel"


def test_personeel_needs_staff_support_for_deep_forms():
    result = feasibility_matrix(
        {"domains": {"personeel": _criteria(domain_support=45.0), "inkoop": _criteria(domain_support=45.0)}}
    )
    assert _cell(result, "personeel", "ssc")["knockouts"] and not _cell(result, "inkoop", "ssc")["knockouts"]


def test_threshold_and_unmet_preconditions():
    # Everything 56: netwerkmodel (55) passes, centrummodel (60) does not; trust 56 < 60 blocks it too.
    result = feasibility_matrix(
        {
            "domains": {
                "ibp": _criteria(
                    **{
                        k: 56.0
                        for k in (
                            "draagvlak",
                            "domain_support",
                            "autonomy",
                            "trust",
                            "standardisation",
                            "scale",
                            "vulnerability",
                            "savings",
                            "service_quality",
                        )
                    },
                    commitment={f: 56.0 for f in FORMS},
                    preference={f: 56.0 for f in FORMS},
                )
            }
        }
    )
    rec = result["recommendations"][0]
    assert rec["form"] == "netwerkmodel" and rec["score"] == pytest.approx(56.0)
    assert rec["preconditions"] == []
    blockers = {b["criterion"] for b in rec["next"]["blockers"]}
    assert rec["next"]["form"] == "centrummodel" and {"score", "trust", "commitment"} <= blockers


def test_low_coverage_gives_no_score_and_says_insufficient_data_not_geen():
    # draagvlak alone backs .20 of the projectbasis weight (< .5): no form has a score, so "geen"
    # cannot be concluded either: the domain says "onvoldoende gegevens".
    result = feasibility_matrix({"domains": {"netwerk": {"draagvlak": 80.0}}})
    assert all(c["score"] is None for c in result["cells"])
    rec = result["recommendations"][0]
    assert rec["form"] == UNKNOWN and rec["status"] == "insufficient" and rec["score"] is None
    assert FORM_NAMES[rec["form"]][0] == "onvoldoende gegevens"
    missing = {p["criterion"] for p in rec["preconditions"]}
    assert {"domain_support", "commitment", "trust", "preference"} <= missing and "draagvlak" not in missing


def test_a_traject_without_any_response_gets_no_geen_samenwerking():
    result = feasibility_matrix(feasibility_inputs({}))
    assert len(result["recommendations"]) == len(DOMAINS)
    assert {r["form"] for r in result["recommendations"]} == {UNKNOWN}
    assert all(r["score"] is None and r["preconditions"] for r in result["recommendations"])


def test_geen_only_when_every_form_is_scored_or_knocked_out():
    # every criterion 30: all forms scored below their thresholds → a real "geen"
    low = {
        k: 30.0
        for k in (
            "draagvlak",
            "domain_support",
            "autonomy",
            "trust",
            "standardisation",
            "scale",
            "vulnerability",
            "savings",
        )
    }
    result = feasibility_matrix(
        {
            "domains": {
                "inkoop": _criteria(**low, commitment={f: 30.0 for f in FORMS}, preference={f: 30.0 for f in FORMS})
            }
        }
    )
    rec = result["recommendations"][0]
    assert rec["form"] == "geen" and rec["status"] == "none"


def test_unknown_evidence_is_left_out_and_renormalised_never_a_zero():
    # Hand-worked, netwerkmodel weights: draagvlak .20, domain_support .15, commitment .15,
    # autonomy .10, trust .15, standardisation .05, scale .05, vulnerability .05, savings .05,
    # preference .05. Unknown: domain_support, trust, preference (.15 + .15 + .05 = .35).
    # Known weight .65 (≥ .5, so the cell has a score):
    #   .20·80 + .15·60 + .10·70 + .05·40 + .05·100 + .05·50 + .05·20 = 16 + 9 + 7 + 2 + 5 + 2.5 + 1 = 42.5
    #   score = 42.5 / .65 = 65.3846…
    # Had the unknowns counted as 0, the score would be 42.5 / 1 = 42.5 (below the 55 threshold).
    criteria = _criteria(
        draagvlak=80.0,
        domain_support=None,
        commitment={f: 60.0 for f in FORMS},
        autonomy=70.0,
        trust=None,
        standardisation=40.0,
        scale=100.0,
        vulnerability=50.0,
        savings=20.0,
        preference=None,
        service_quality=None,
    )
    result = feasibility_matrix({"domains": {"inkoop": criteria}})
    cell = _cell(result, "inkoop", "netwerkmodel")
    # Without users' data every base weight above is scaled by .95 (service quality has the other
    # .05), which cancels out of the renormalised score; the optional criterion is no gap.
    assert cell["coverage"] == pytest.approx(0.65)
    assert cell["score"] == pytest.approx(42.5 / 0.65)
    assert cell["score"] == pytest.approx(65.3846, abs=1e-4)
    assert set(cell["missing"]) == {"domain_support", "trust", "preference"}
    # contributions use the renormalised weight: draagvlak .20/.65·80 = 24.615…
    draagvlak = next(c for c in cell["contributions"] if c["criterion"] == "draagvlak")
    assert draagvlak["contribution"] == pytest.approx(0.20 / 0.65 * 80)
    # trust is unknown: it knocks nothing out (a 0 would have: the trust knock-out is 40)
    assert cell["knockouts"] == []
    # centrummodel: commitment 60 ≥ 50, autonomy 70 ≥ 40, trust unknown, centre party 100 → no knock-out.
    # known weight: 1 − (.10 + .15 + .05) = .70;
    #   .15·80 + .15·60 + .15·70 + .10·40 + .05·100 + .05·50 + .05·20 = 12 + 9 + 10.5 + 4 + 5 + 2.5 + 1 = 44
    #   score = 44 / .70 = 62.857… ≥ 60 → centrummodel is recommended
    centre = _cell(result, "inkoop", "centrummodel")
    assert centre["score"] == pytest.approx(44 / 0.70)
    rec = result["recommendations"][0]
    assert rec["form"] == "centrummodel" and rec["status"] == "advice"
    # the unknowns are open preconditions of the advice, each said as missing data
    conditions = {p["criterion"]: p for p in rec["preconditions"]}
    assert {"domain_support", "trust", "preference"} <= set(conditions)
    assert conditions["trust"]["value"] is None and "ontbreken" in conditions["trust"]["text_nl"]
    assert "ontbreken" in conditions["domain_support"]["text_nl"]


def test_unknown_knock_out_criterion_is_an_open_precondition():
    # ssc: autonomy unknown (a knock-out criterion below 60) is no knock-out but an open precondition.
    # Known weight of ssc: 1 − .20 = .80, all other criteria 70 → score 70 ≥ 65.
    result = feasibility_matrix({"domains": {"inkoop": _criteria(autonomy=None)}})
    cell = _cell(result, "inkoop", "ssc")
    assert cell["score"] == pytest.approx(70 * 0.80 / 0.80) and cell["knockouts"] == []
    rec = result["recommendations"][0]
    assert rec["form"] == "ssc"
    assert any(p["criterion"] == "autonomy" and p["value"] is None for p in rec["preconditions"])


def test_override_replaces_the_score_and_keeps_knock_outs_visible():
    inputs = {"domains": {"inkoop": _criteria(autonomy=30.0)}}
    result = feasibility_matrix(inputs, overrides={("inkoop", "ssc"): 80})
    cell = _cell(result, "inkoop", "ssc")
    assert cell["override"] and cell["score"] == 80.0 and cell["computed"] != 80.0
    assert cell["knockouts"] and cell["feasible"]
    assert result["recommendations"][0]["form"] == "ssc"


def test_inputs_from_a_payload(tmp_path):
    from builders_results import build_payload

    inputs = feasibility_inputs(build_payload())
    inkoop = inputs["domains"]["inkoop"]
    assert 0 <= inkoop["draagvlak"] <= 100 and 0 <= inkoop["trust"] <= 100
    assert inkoop["standardisation"] == pytest.approx(60.0)  # 3 of the 5 systems alike everywhere
    assert inputs["centre_candidates"] == ["EC"]  # ZL retires 1/3 of its fte
    assert inkoop["commitment"]["projectbasis"] >= inkoop["commitment"]["ssc"]
    assert feasibility_inputs({})["domains"]["inkoop"]["trust"] is None
