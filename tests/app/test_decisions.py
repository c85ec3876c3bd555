"""The decision round on a published version: who may decide, revisions, closing, outcome, MR advice."""

from builders import add_member, api_token, gen_user, login
from builders_results import gen_case_traject, gen_snapshot
from sqlalchemy import func, select

from app.extensions import db
from app.models import OutboxMessage
from app.models.advice import BoardDecision
from app.services import advice, advice_versions


def _world():
    owner = gen_user("regisseur", name="Anne Regisseur")
    traject = gen_case_traject(owner)
    gen_snapshot(traject)
    advice.sync_swot(traject)
    db.session.commit()
    boards = {}
    for code in ("ZL", "BM", "EC", "VN", "BC"):
        boards[code] = gen_user(
            "bestuurder", name=f"Bestuurder {code}", organisation=traject.organisation_by_code(code)
        )
        add_member(traject, boards[code])
    lead = gen_user("ict_lead", organisation=traject.organisation_by_code("ZL"))
    add_member(traject, lead)
    version = advice_versions.publish(traject, owner, confirm_gaps=True)
    db.session.commit()
    return owner, traject, boards, lead, version


def _post(client, vid, user, body):
    return client.post(f"/api/v1/advice-versions/{vid}/decisions", json=body, headers=api_token(user))


def test_only_a_bestuurder_of_the_traject_records_and_conditions_are_required(client, app):
    owner, traject, boards, lead, version = _world()
    body = {"decision": "yes"}
    assert _post(client, version.id, owner, body).status_code == 403  # a regisseur never decides for a board
    assert _post(client, version.id, lead, body).status_code == 403
    other_board = gen_user("bestuurder")
    assert _post(client, version.id, other_board, body).status_code in (403, 404)  # not of this traject
    r = _post(client, version.id, boards["ZL"], {"decision": "yes_with_conditions"})
    assert r.status_code == 422 and "conditions" in r.get_json()["errors"]
    r = _post(client, version.id, boards["ZL"], {"decision": "yes_with_conditions", "conditions": "   "})
    assert r.status_code == 422
    r = _post(client, version.id, boards["ZL"], {"decision": "maybe"})
    assert r.status_code == 422 and "decision" in r.get_json()["errors"]
    r = _post(
        client,
        version.id,
        boards["ZL"],
        {
            "decision": "yes_with_conditions",
            "conditions": "Eerst een gezamenlijke aanbesteding",
            "motivation": "Past bij ons beleid",
            "function": "Voorzitter CvB",
        },
    )
    assert r.status_code == 201
    body = r.get_json()
    assert body["organisation"] == "ZL" and body["decision"] == "yes_with_conditions" and body["revision"] == 1
    assert body["signed_by"] == "Bestuurder ZL" and body["function"] == "Voorzitter CvB" and body["signed_at"]
    assert db.session.scalar(select(func.count(BoardDecision.id))) == 1


def test_revisions_are_kept_until_the_round_closes_then_409(client, app):
    owner, traject, boards, lead, version = _world()
    assert _post(client, version.id, boards["ZL"], {"decision": "deferred"}).status_code == 201
    assert _post(client, version.id, boards["ZL"], {"decision": "yes"}).get_json()["revision"] == 2
    assert _post(client, version.id, boards["BM"], {"decision": "no", "motivation": "Te vroeg"}).status_code == 201
    assert (
        _post(
            client,
            version.id,
            boards["EC"],
            {"decision": "yes_with_conditions", "conditions": "Personeel blijft in dienst"},
        ).status_code
        == 201
    )
    listing = client.get(f"/api/v1/advice-versions/{version.id}/decisions", headers=api_token(owner)).get_json()
    assert listing["status"] == "open" and listing["next"] is None
    assert [(i["organisation"], i["decision"], i["revision"]) for i in listing["items"]] == [
        ("BM", "no", 1),
        ("EC", "yes_with_conditions", 1),
        ("ZL", "yes", 2),
    ]
    assert listing["summary"] == {"yes": 1, "yes_with_conditions": 1, "no": 1, "deferred": 0, "pending": 2}
    # every revision stays viewable
    assert [r.decision for r in advice_versions.revisions(version) if r.organisation_code == "ZL"] == [
        "deferred",
        "yes",
    ]
    # only the regisseur closes
    assert (
        client.post(
            f"/api/v1/advice-versions/{version.id}/close-decisions", headers=api_token(boards["ZL"])
        ).status_code
        == 403
    )
    assert (
        client.post(f"/api/v1/advice-versions/{version.id}/close-decisions", headers=api_token(lead)).status_code == 403
    )
    r = client.post(f"/api/v1/advice-versions/{version.id}/close-decisions", headers=api_token(owner))
    assert r.status_code == 200 and r.get_json() == {"status": "closed", "summary": listing["summary"]}
    assert _post(client, version.id, boards["VN"], {"decision": "yes"}).status_code == 409
    assert (
        client.post(f"/api/v1/advice-versions/{version.id}/close-decisions", headers=api_token(owner)).status_code
        == 409
    )
    assert (
        client.get(f"/api/v1/advice-versions/{version.id}/decisions", headers=api_token(owner)).get_json()["status"]
        == "closed"
    )
    # bestuurders got a mail at publishing and at closing
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == boards["VN"].email)).all()
    assert sorted(m.kind for m in mails) == ["advice_version", "decision_round"]
    closing = next(m for m in mails if m.kind == "decision_round")
    assert "1 van 5 besturen akkoord, 1 onder voorwaarden, 1 nee, 2 nog geen besluit" in closing.body


def test_summary_line_reads_like_the_case():
    counts = {"yes": 3, "yes_with_conditions": 1, "no": 1, "deferred": 0, "pending": 0}
    assert advice_versions.summary_line(counts, 5) == "3 van 5 besturen akkoord, 1 onder voorwaarden, 1 nee"
    assert (
        advice_versions.summary_line({**counts, "yes": 2, "deferred": 1}, 5)
        == "2 van 5 besturen akkoord, 1 onder voorwaarden, 1 nee, 1 aangehouden"
    )
    assert advice_versions.summary_line(counts, 5, "en") == "3 of 5 boards agree, 1 under conditions, 1 no"


def test_web_decision_form_outcome_page_and_mr_advice(client, app):
    owner, traject, boards, lead, version = _world()
    login(client, boards["ZL"])
    assert client.get(f"/adviesversies/{version.id}/besluit").status_code == 200
    r = client.post(f"/adviesversies/{version.id}/besluit", data={"decision": "yes_with_conditions", "conditions": ""})
    assert r.status_code == 422 and "Noem de voorwaarden" in r.get_data(as_text=True)
    r = client.post(
        f"/adviesversies/{version.id}/besluit",
        data={
            "decision": "yes_with_conditions",
            "conditions": "",
            "condition_personeel": "Geen gedwongen overplaatsing",
            "motivation": "Goed voorbereid",
            "signed_name": "Mr. A. de Vries",
            "signed_function": "Voorzitter CvB",
            "signed_on": "2027-01-15",
        },
    )
    assert r.status_code == 302
    row = advice_versions.latest_decisions(version)["ZL"]
    assert row.domain_conditions == {"personeel": "Geen gedwongen overplaatsing"}
    assert row.signed_name == "Mr. A. de Vries" and row.signed_on.isoformat() == "2027-01-15"
    client.post("/logout")
    login(client, boards["BM"])
    client.post(f"/adviesversies/{version.id}/besluit", data={"decision": "no", "motivation": "Niet nu"})
    client.post("/logout")
    # a regisseur cannot record a board's decision on the web either
    login(client, owner)
    assert client.get(f"/adviesversies/{version.id}/besluit").status_code == 403
    assert client.post(f"/adviesversies/{version.id}/besluit", data={"decision": "yes"}).status_code == 403
    zl = traject.organisation_by_code("ZL")
    # MR advice: an outcome needs its date
    client.post(f"/adviesversies/{version.id}/medezeggenschap/{zl.id}", data={"council": "mr", "outcome": "positief"})
    assert advice_versions.mr_advice(version).get("ZL") is None
    html = client.get(f"/adviesversies/{version.id}/uitkomst").get_data(as_text=True)
    assert "0 van 5 besturen akkoord, 1 onder voorwaarden, 1 nee, 3 nog geen besluit" in html
    assert "advies medezeggenschap ontbreekt" in html  # not final without the MR's advice
    client.post(
        f"/adviesversies/{version.id}/medezeggenschap/{zl.id}",
        data={
            "council": "gmr",
            "sent_on": "2027-01-16",
            "received_on": "2027-02-20",
            "outcome": "positief",
            "staff_move": "1",
            "pmr_sent_on": "2027-01-16",
            "pmr_outcome": "nog_niet_ontvangen",
        },
    )
    mr = advice_versions.mr_advice(version)["ZL"]
    assert mr.council == "gmr" and mr.outcome == "positief" and mr.staff_move
    result = advice_versions.outcome(version)
    assert not next(s for s in result["schools"] if s["organisation"].code == "ZL")["final"]  # PMR still pending
    client.post(
        f"/adviesversies/{version.id}/medezeggenschap/{zl.id}",
        data={
            "council": "gmr",
            "sent_on": "2027-01-16",
            "received_on": "2027-02-20",
            "outcome": "positief",
            "staff_move": "1",
            "pmr_sent_on": "2027-01-16",
            "pmr_received_on": "2027-03-01",
            "pmr_outcome": "onder_voorwaarden",
        },
    )
    result = advice_versions.outcome(version)
    assert next(s for s in result["schools"] if s["organisation"].code == "ZL")["final"]
    html = client.get(f"/adviesversies/{version.id}/uitkomst").get_data(as_text=True)
    assert "GMR: Positief" in html and "Onder voorwaarden" in html
    # per domain: ZL agrees under a condition on personeel only, BM does not agree
    domains = {a["domain"]: a for a in result["domains"]}
    assert domains["personeel"]["conditional"] == ["ZL"] and domains["inkoop"]["agree"] == ["ZL"]
    assert domains["inkoop"]["disagree"] == ["BM"]
    # the API shows the MR beside the decision and whether it is final
    items = client.get(f"/api/v1/advice-versions/{version.id}/decisions", headers=api_token(owner)).get_json()["items"]
    zl_item = next(i for i in items if i["organisation"] == "ZL")
    assert zl_item["final"] and zl_item["mr"]["outcome"] == "positief"
    # closing on the web
    assert client.post(f"/adviesversies/{version.id}/besluitronde-sluiten").status_code == 302
    assert client.post(f"/adviesversies/{version.id}/besluitronde-sluiten").status_code == 409


def test_the_next_version_carries_the_decisions_on_the_previous_one_in_its_report(client, app, tmp_path):
    import subprocess

    owner, traject, boards, lead, version = _world()
    _post(client, version.id, boards["ZL"], {"decision": "yes_with_conditions", "conditions": "Eerst de aanbesteding"})
    _post(client, version.id, boards["BM"], {"decision": "no"})
    advice_versions.save_mr_advice(
        version, "ZL", council="mr", sent_on="2027-01-10", received_on="2027-02-01", outcome="positief"
    )
    advice_versions.close_round(version, owner)
    db.session.commit()
    v2 = advice_versions.publish(traject, owner, confirm_gaps=True)
    db.session.commit()
    previous = v2.document["previous_outcome"]
    assert previous["number"] == 1 and previous["closed"]
    assert previous["line"] == "0 van 5 besturen akkoord, 1 onder voorwaarden, 1 nee, 3 nog geen besluit"
    advice_versions.request_files(v2, owner)
    path = tmp_path / "v2.pdf"
    path.write_bytes(advice_versions.file_of(v2, "pdf").data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Intentiebesluiten over versie 1" in text and "Eerst de aanbesteding" in text
    assert "0 van 5 besturen akkoord" in text
    # version 1's own document is untouched
    assert "previous_outcome" in version.document and version.document["previous_outcome"] is None
