"""Consultation on the proposals: an anonymous questionnaire per version, results with n, suppressed
below the threshold, beside each proposal on the outcome page and frozen into the next version."""

import subprocess

from builders import login

from app.extensions import db
from app.models import Questionnaire
from app.services import advice_consultation, advice_versions, indicators, simulation
from app.services import questionnaires as questionnaire_service
from app.services.demo import load_demo


def test_consultation_results_follow_the_disclosure_rules_and_reach_the_next_version(client, app, tmp_path):
    traject, logins = load_demo()
    simulation.simulate(traject, 60, seed=5)
    db.session.commit()
    indicators.compute_snapshot(traject)
    db.session.commit()
    owner = next(u for u in traject.members if u.role == "regisseur")
    version = advice_versions.publish(traject, owner, confirm_gaps=True)
    db.session.commit()
    login(client, owner, next(p for e, p, role in logins if e == owner.email))
    r = client.post(f"/adviesversies/{version.id}/consultatie")
    assert r.status_code == 302 and "/vragenlijsten/" in r.headers["Location"]
    row = advice_consultation.consultation_of(version)
    questionnaire = db.session.get(Questionnaire, row.questionnaire_id)
    assert questionnaire.anonymous and questionnaire.status == "draft"
    assert client.post(f"/adviesversies/{version.id}/consultatie", follow_redirects=True).status_code == 200
    assert advice_consultation.consultation_of(version).id == row.id  # once per version
    questionnaire_service.publish(questionnaire)
    db.session.commit()
    from app.services import participants as participant_service

    people = [
        {
            "email": f"mw{k}@example.nl",
            "name": f"Medewerker {k}",
            "role": "ict_staff",
            "organisation": [o.code for o in traject.organisations][k % 5],
        }
        for k in range(12)
    ]
    people += [
        {
            "email": f"bestuur{k}@example.nl",
            "name": f"Bestuur {k}",
            "role": "board",
            "organisation": [o.code for o in traject.organisations][k],
        }
        for k in range(2)
    ]
    added = participant_service.add_participants(questionnaire, people)
    db.session.commit()
    domains = [rec["domain"] for rec in version.document["recommendations"]]
    # 12 ICT staff (anonymous) and 2 boards answer through their links: the boards stay below the threshold of 5
    client.post("/logout")
    for k, item in enumerate(added):
        value = 2 if people[k]["role"] == "board" else (4 if k % 2 else 5)
        r = client.post(
            "/api/v1/responses", json={"token": item.token, "answers": {f"steun_{d}": value for d in domains}}
        )
        assert r.status_code in (200, 201), r.get_json()
    indicators.compute_snapshot(traject)
    db.session.commit()
    result = advice_consultation.results(version)
    inkoop = next(p for p in result["proposals"] if p["domain"] == "inkoop")
    n = inkoop["ict_staff"]["n"]  # what the release shows (the disclosure rules may hold a few back)
    assert n is not None and n >= traject.anonymity_threshold and not inkoop["ict_staff"]["suppressed"]
    # answers alternate 5 and 4: mean 4.5 → (4.5 − 1) / 4 · 100 = 87.5
    assert abs(inkoop["ict_staff"]["score"] - 87.5) < 1e-9
    assert inkoop["board"]["suppressed"] and inkoop["board"]["score"] is None
    login(client, owner, next(p for e, p, role in logins if e == owner.email))
    html = client.get(f"/adviesversies/{version.id}/uitkomst").get_data(as_text=True)
    assert "Draagvlak per voorstel" in html and f"88 (n = {n})" in html and "te weinig respons" in html
    v2 = advice_versions.publish(traject, owner, confirm_gaps=True)
    db.session.commit()
    assert v2.document["previous_consultation"]["version"] == 1
    advice_versions.request_files(v2, owner)
    path = tmp_path / "v2.pdf"
    path.write_bytes(advice_versions.file_of(v2, "pdf").data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Consultatie op versie 1" in text and "Draagvlak per voorstel van versie 1" in text
    assert "consult_" not in text and "steun_" not in text
