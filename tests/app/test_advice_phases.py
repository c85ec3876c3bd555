"""Steps with gates: what each step lacks, going on with a written (audited) reason, the uitwerking plan."""

from builders import add_member, gen_user, login
from builders_results import gen_case_traject, gen_snapshot
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from app.models.advice import RoadmapAction
from app.services import advice, advice_phases, advice_versions


def test_gates_name_what_each_step_lacks_and_going_on_needs_a_reason(client, app):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    state = advice_phases.steps(traject)
    by = {s["step"]: s for s in state["steps"]}
    assert state["current"] == "ict_foto" and len(by["ict_foto"]["lacking"]) == 5
    assert any("vrijgegeven" in x["text_nl"] for x in by["analyse"]["lacking"])
    login(client, owner)
    r = client.post(f"/trajecten/{traject.id}/voortgang/ict_foto/doorgaan", data={"reason": " "}, follow_redirects=True)
    assert "Geef een schriftelijke reden" in r.get_data(as_text=True)
    client.post(f"/trajecten/{traject.id}/voortgang/ict_foto/doorgaan", data={"reason": "Foto's volgen in maart"})
    assert advice_phases.steps(traject)["current"] == "analyse"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "phase.gate_passed"))
    assert event is not None and event.detail["reason"] == "Foto's volgen in maart"
    page = client.get(f"/trajecten/{traject.id}/voortgang").get_data(as_text=True)
    assert "Foto&#39;s volgen in maart" in page and "Toch doorgaan" in page


def test_with_data_the_steps_fill_and_the_agreed_actions_become_the_plan(client, app):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    gen_snapshot(traject)
    advice.sync_swot(traject)
    advice.generate_proposals(traject, "2027-K1")
    db.session.commit()
    by = {s["step"]: s for s in advice_phases.steps(traject)["steps"]}
    assert by["ict_foto"]["met"]
    assert advice_phases.steps(traject)["current"] in ("analyse", "voorstellen")
    boards = {}
    for code in ("ZL", "BM", "EC", "VN", "BC"):
        boards[code] = gen_user("bestuurder", organisation=traject.organisation_by_code(code))
        add_member(traject, boards[code])
    version = advice_versions.publish(traject, owner, confirm_gaps=True)
    db.session.commit()
    for code, decision in (("ZL", "yes"), ("BM", "yes"), ("EC", "no"), ("VN", "yes"), ("BC", "deferred")):
        advice_versions.record_decision(version, boards[code], decision=decision)
    advice_versions.close_round(version, owner)
    db.session.commit()
    plan = advice_phases.uitwerking_plan(traject)
    assert plan["version"].id == version.id and plan["actions"]
    assert set(plan["domains"]) == {r["domain"] for r in version.document["recommendations"]}  # 3 of 5 agree
    by = {s["step"]: s for s in advice_phases.steps(traject)["steps"]}
    assert any("medezeggenschap" in x["text_nl"] for x in by["besluit"]["lacking"])
    assert any("eigenaar of kwartaal" in x["text_nl"] for x in by["uitwerking"]["lacking"])
    for action in db.session.scalars(select(RoadmapAction).where(RoadmapAction.traject_id == traject.id)):
        action.owner, action.quarter = "Hoofd ICT", action.quarter or "2027-K2"
    db.session.commit()
    assert advice_phases.steps(traject)["steps"][-1]["met"]
