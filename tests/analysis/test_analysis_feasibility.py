"""Feasibility model: weights, knock-outs, overrides and recommendations on reference inputs."""
import dataclasses

import pytest

from analysis.feasibility import FEASIBILITY_MODEL, FORMS, feasibility_inputs, feasibility_matrix


def _criteria(**changes):
    base = {"draagvlak": 70.0, "domain_support": 70.0, "autonomy": 70.0, "trust": 70.0, "standardisation": 70.0,
            "scale": 70.0, "vulnerability": 70.0, "savings": 70.0,
            "commitment": {f: 70.0 for f in FORMS}, "preference": {f: 70.0 for f in FORMS},
            "centre_party": 100.0}
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
    # projectbasis without preference: (.2·80 + .2·60 + .15·100 + .05·40 + .1·50 + .05·100 + .05·20 + .05·0) / .85
    criteria = _criteria(draagvlak=80.0, domain_support=60.0, autonomy=40.0, trust=50.0, standardisation=None,
                         scale=100.0, vulnerability=20.0, savings=0.0, preference=None,
                         commitment={f: 100.0 for f in FORMS})
    cell = _cell(feasibility_matrix({"domains": {"inkoop": criteria}}), "inkoop", "projectbasis")
    assert cell["score"] == pytest.approx((16 + 12 + 15 + 2 + 5 + 5 + 1 + 0) / 0.85)
    assert cell["coverage"] == pytest.approx(0.85)
    assert set(cell["missing"]) == {"preference"}  # standardisation weighs 0 for projectbasis


def test_ssc_knock_outs_from_autonomy_and_draagvlak():
    result = feasibility_matrix({"domains": {"a": _criteria(autonomy=59.9), "b": _criteria(draagvlak=49.0),
                                             "c": _criteria(autonomy=60.0, draagvlak=50.0)}})
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
    result = feasibility_matrix({"domains": {"personeel": _criteria(domain_support=45.0),
                                             "inkoop": _criteria(domain_support=45.0)}})
    assert _cell(result, "personeel", "ssc")["knockouts"] and not _cell(result, "inkoop", "ssc")["knockouts"]


def test_threshold_and_unmet_preconditions():
    # Everything 56: netwerkmodel (55) passes, centrummodel (60) does not; trust 56 < 60 blocks it too.
    result = feasibility_matrix({"domains": {"ibp": _criteria(**{k: 56.0 for k in (
        "draagvlak", "domain_support", "autonomy", "trust", "standardisation", "scale", "vulnerability", "savings")},
        commitment={f: 56.0 for f in FORMS}, preference={f: 56.0 for f in FORMS})}})
    rec = result["recommendations"][0]
    assert rec["form"] == "netwerkmodel" and rec["score"] == pytest.approx(56.0)
    assert rec["preconditions"] == []
    blockers = {b["criterion"] for b in rec["next"]["blockers"]}
    assert rec["next"]["form"] == "centrummodel" and {"score", "trust", "commitment"} <= blockers


def test_low_coverage_gives_no_score_and_geen():
    result = feasibility_matrix({"domains": {"netwerk": {"draagvlak": 80.0}}})
    assert all(c["score"] is None for c in result["cells"])
    assert result["recommendations"][0]["form"] == "geen"


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
