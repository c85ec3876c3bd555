"""API: POST /api/v1/responses and the streamed GET /api/v1/questionnaires/{qid}/responses.csv."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from builders import add_member, api_token, gen_traject, gen_user
from respond_builders import VALID_SMALL, close_and_release, gen_participant, gen_questionnaire, small_definition
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Response


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Response))


def _post(client, token, answers):
    return client.post("/api/v1/responses", json={"token": token, "answers": answers})


def test_submit_created_then_conflict(app, client):
    questionnaire = gen_questionnaire(gen_traject())
    _, token = gen_participant(questionnaire)
    response = _post(client, token, VALID_SMALL)
    assert response.status_code == 201 and response.get_json() == {"status": "submitted"}
    again = _post(client, token, VALID_SMALL)
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    assert _count() == 1


def test_submit_unknown_token_404_and_bad_body(app, client):
    assert _post(client, "nope", VALID_SMALL).status_code == 404
    bad = client.post("/api/v1/responses", json={"token": 5, "answers": []})
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"token", "answers"}
    assert client.post("/api/v1/responses", data="x", content_type="text/plain").status_code == 400


def test_submit_invalid_answers_422_keyed_by_question_nothing_stored(app, client):
    questionnaire = gen_questionnaire(gen_traject())
    participant, token = gen_participant(questionnaire)
    response = _post(client, token, {"wil_1": 9, "samen": "misschien", "bestaat": 1})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["wil_1"] == ["Kies een waarde van 1 tot en met 5."]
    assert errors["wil_2"] == ["Deze vraag is verplicht."]
    assert errors["samen"] == ["Kies ja of nee."]
    assert errors["bestaat"] == ["Onbekende vraag."]
    assert _count() == 0
    db.session.refresh(participant)
    assert participant.completed is False


def test_submit_not_open_410(app, client):
    traject = gen_traject()
    closed = gen_questionnaire(traject, status="closed")
    _, token = gen_participant(closed)
    assert _post(client, token, VALID_SMALL).status_code == 410
    draft = gen_questionnaire(traject, status="draft")
    _, token = gen_participant(draft)
    assert _post(client, token, VALID_SMALL).status_code == 410
    assert _count() == 0


def test_identified_second_post_is_409_too(app, client):
    questionnaire = gen_questionnaire(gen_traject(), definition=small_definition(anonymous=False))
    participant, token = gen_participant(questionnaire, role="ict_lead")
    assert _post(client, token, VALID_SMALL).status_code == 201
    assert _post(client, token, VALID_SMALL).status_code == 409
    row = db.session.scalar(select(Response))
    assert row.participant_id == participant.id and row.revision == 1


def test_board_commitment_requires_the_signature(app, client):
    traject = gen_traject()
    questionnaire = gen_questionnaire(traject, "board_commitment")
    _, token = gen_participant(questionnaire, role="board")
    from app.services.responses import definition

    answers = {}
    for q in definition(questionnaire).questions():
        if q.type == "likert":
            answers[q.key] = 4
        elif q.type == "single_choice":
            answers[q.key] = q.options[0]["value"]
    answers.update(signature_name="B. Stuurder", signature_agree=False)
    response = _post(client, token, answers)
    assert response.status_code == 422
    assert "ondertekent" in response.get_json()["errors"]["signature_agree"][0]
    answers["signature_agree"] = True
    assert _post(client, token, answers).status_code == 201
    assert db.session.scalar(select(Response)).signed_at is not None


def test_submit_is_rate_limited(make_app):
    app = make_app("testing", RATELIMIT_ENABLED=True, SUBMIT_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [client.post("/api/v1/responses", json={"token": "x", "answers": {}}).status_code for _ in range(5)]
    assert codes[:3] == [404, 404, 404] and codes[3:] == [429, 429]


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_csv_regisseur_gets_streamed_csv_with_columns_in_definition_order(app, client):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, anonymity_threshold=3, comment_threshold=3)
    questionnaire = gen_questionnaire(traject)
    # Everyone is on the list before the first response (the padding rule counts only them).
    for token in [gen_participant(questionnaire)[1] for _ in range(3)]:
        assert _post(client, token, VALID_SMALL).status_code == 201
    url = f"/api/v1/questionnaires/{questionnaire.id}/responses.csv"
    # While it is open an anonymous questionnaire's rows are not given out (two downloads around a
    # submission would differ by one row).
    refused = client.get(url, headers=api_token(owner))
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    close_and_release(client, owner, questionnaire)
    response = client.get(url, headers=api_token(owner))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed
    header = response.get_data(as_text=True).splitlines()[0]
    assert header == "response_id,organisation,role,submitted_on,wil_1,wil_2,samen,domeinen,fte,opmerking"
    rows = _csv(response)
    assert len(rows) == 3
    assert rows[0]["organisation"] == "AA" and rows[0]["samen"] == "ja" and rows[0]["domeinen"] == "inkoop"
    assert rows[0]["fte"] == "2" and rows[0]["opmerking"] == "Goed plan"
    assert rows[0]["submitted_on"] == datetime.now(UTC).date().isoformat() or len(rows[0]["submitted_on"]) == 10
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "export.responses_csv")
        )
        == 1
    )


def test_csv_access_bestuurder_403_other_regisseur_404_no_token_401(app, client):
    traject = gen_traject()
    questionnaire = gen_questionnaire(traject)
    board = gen_user("bestuurder")
    add_member(traject, board)
    url = f"/api/v1/questionnaires/{questionnaire.id}/responses.csv"
    assert client.get(url, headers=api_token(board)).status_code == 403
    assert client.get(url, headers=api_token(gen_user("regisseur"))).status_code == 404
    assert client.get(url).status_code == 401
    assert (
        client.get("/api/v1/questionnaires/999999/responses.csv", headers=api_token(gen_user("regisseur"))).status_code
        == 404
    )


def test_csv_small_groups_lose_organisation_and_text(app, client):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("AA", "BB", "CC"), anonymity_threshold=3, comment_threshold=4)
    questionnaire = gen_questionnaire(traject)
    invited = [
        (org, gen_participant(questionnaire, organisation=org)[1])
        for org, n in (("AA", 4), ("BB", 3), ("CC", 1))
        for _ in range(n)
    ]
    for org, token in invited:
        assert _post(client, token, dict(VALID_SMALL, opmerking=f"tekst {org}")).status_code == 201
    close_and_release(client, owner, questionnaire)
    rows = _csv(client.get(f"/api/v1/questionnaires/{questionnaire.id}/responses.csv", headers=api_token(owner)))
    by_org = {}
    for row in rows:
        by_org.setdefault(row["organisation"], []).append(row)
    # CC (1) is below 3; alone it would be recognisable, so BB (the next smallest) loses its labels too.
    assert sorted(by_org) == ["", "AA"]
    assert len(by_org["AA"]) == 4 and len(by_org[""]) == 4
    # text only for groups of at least 4 (the comment threshold)
    assert {r["opmerking"] for r in by_org["AA"]} == {"tekst AA"}
    assert {r["opmerking"] for r in by_org[""]} == {""}
    # likert answers stay
    assert {r["wil_1"] for r in rows} == {"4"}


def test_csv_rows_ordered_by_random_id_not_by_submission(app, client):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, anonymity_threshold=3, comment_threshold=3)
    questionnaire = gen_questionnaire(traject)
    for i, token in enumerate([gen_participant(questionnaire)[1] for _ in range(30)]):
        assert _post(client, token, dict(VALID_SMALL, fte=i)).status_code == 201
    close_and_release(client, owner, questionnaire)
    rows = _csv(client.get(f"/api/v1/questionnaires/{questionnaire.id}/responses.csv", headers=api_token(owner)))
    ids = [r["response_id"] for r in rows]
    assert ids == sorted(ids)
    assert [int(r["fte"]) for r in rows] != list(range(30))
    assert all(len(i) == 32 and not i.isdigit() for i in ids)


def test_openapi_documents_the_response_paths(app, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert paths["/api/v1/responses"]["post"]["security"] == []
    assert "/api/v1/questionnaires/{qid}/responses.csv" in paths


def test_csv_generator_streams_in_chunks(app, client):
    from app.services.responses_csv import generate

    owner = gen_user("regisseur")
    traject = gen_traject(owner, anonymity_threshold=3, comment_threshold=3)
    questionnaire = gen_questionnaire(traject)
    for token in [gen_participant(questionnaire)[1] for _ in range(5)]:
        assert _post(client, token, VALID_SMALL).status_code == 201
    close_and_release(client, owner, questionnaire)
    chunks = list(generate(questionnaire.id, chunk_size=2))
    assert len(chunks) == 4  # header, 2 + 2 rows, the last row
    assert sum(chunk.count("\r\n") for chunk in chunks) == 6


def test_csv_text_answers_cannot_start_a_formula(app):
    from app.services.responses_csv import format_value

    assert format_value("=HYPERLINK(1)", text=True) == "'=HYPERLINK(1)"
    assert format_value(-3) == "-3" and format_value(2.5) == "2.5" and format_value(False) == "nee"
    assert format_value(["a", "b"]) == "a|b" and format_value(None) == ""
