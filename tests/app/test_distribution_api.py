"""API: POST /api/v1/questionnaires/{qid}/participants — 201 (tokens only for identified questionnaires,
nothing sent), 422, 409, 404, 403; POST .../invitations — 202 with a job, 409 when not open."""

from builders import add_member, api_token, gen_traject, gen_user
from builders_distribution import gen_participant, gen_questionnaire
from sqlalchemy import func, select

from app.extensions import db
from app.models import OutboxMessage, Participant
from app.services.tokens import participant_for_token


def _setup(template="ict_staff", **kwargs):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("ZL", "BM"))
    return owner, traject, gen_questionnaire(traject, template, **kwargs), api_token(owner)


def _count():
    return db.session.scalar(select(func.count(Participant.id)))


def _url(questionnaire):
    return f"/api/v1/questionnaires/{questionnaire.id}/participants"


ROWS = [
    {"email": "Anna@ZL.nl", "name": "Anna", "role": "ict_staff", "organisation": "ZL"},
    {"email": "bram@bm.nl", "name": "Bram", "role": "ict_lead", "organisation": "bm"},
]


def test_anonymous_questionnaire_answers_no_token_and_sends_nothing(client, app):
    _, _, questionnaire, headers = _setup()
    assert questionnaire.anonymous
    response = client.post(_url(questionnaire), json={"participants": ROWS}, headers=headers)
    assert response.status_code == 201, response.json
    assert response.json == {"invitations": [{"email": "anna@zl.nl"}, {"email": "bram@bm.nl"}]}
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert all(p.token_hash for p in db.session.scalars(select(Participant)))


def test_identified_questionnaire_answers_each_token_once_and_sends_nothing(client, app):
    _, _, questionnaire, headers = _setup("ict_foto")
    assert not questionnaire.anonymous
    rows = [dict(row, role="ict_lead") for row in ROWS]
    response = client.post(_url(questionnaire), json={"participants": rows}, headers=headers)
    assert response.status_code == 201, response.json
    invitations = response.json["invitations"]
    assert [i["email"] for i in invitations] == ["anna@zl.nl", "bram@bm.nl"]
    for invitation in invitations:
        assert invitation["url"] == f"http://localhost/v/{invitation['token']}"
        participant = participant_for_token(invitation["token"])
        assert participant is not None and participant.token_hash != invitation["token"]
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_invitations_endpoint_queues_the_mails_once_and_refuses_a_closed_questionnaire(client, app):
    _, _, questionnaire, headers = _setup()
    client.post(_url(questionnaire), json={"participants": ROWS}, headers=headers)
    url = f"/api/v1/questionnaires/{questionnaire.id}/invitations"
    response = client.post(url, json={}, headers=headers)
    assert response.status_code == 202 and set(response.json) == {"job"}
    assert client.get(f"/api/v1/jobs/{response.json['job']}", headers=headers).status_code == 200
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "invitation")) == 2
    assert client.post(url, json={}, headers=headers).status_code == 202
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 2  # nobody twice
    assert client.post(url, json=[1], headers=headers).status_code == 422
    questionnaire.status = "closed"
    db.session.commit()
    assert client.post(url, json={}, headers=headers).status_code == 409
    _, _, draft, draft_headers = _setup(status="draft")
    assert (
        client.post(f"/api/v1/questionnaires/{draft.id}/invitations", json={}, headers=draft_headers).status_code == 409
    )


def test_any_bad_row_is_422_keyed_by_row_and_field_and_nothing_is_created(client, app):
    _, _, questionnaire, headers = _setup()
    rows = [ROWS[0], {"email": "geen-adres", "role": "board", "organisation": "XX", "name": 5}]
    response = client.post(_url(questionnaire), json={"participants": rows}, headers=headers)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    errors = response.json["errors"]
    assert set(errors) == {
        "participants[1].email",
        "participants[1].role",
        "participants[1].organisation",
        "participants[1].name",
    }
    assert _count() == 0
    for body in ({}, {"participants": []}, {"participants": "x"}, {"participants": [17]}):
        bad = client.post(_url(questionnaire), json=body, headers=headers)
        assert bad.status_code == 422, body
    duplicate_inside = client.post(_url(questionnaire), json={"participants": [ROWS[0], ROWS[0]]}, headers=headers)
    assert duplicate_inside.status_code == 422 and "participants[1].email" in duplicate_inside.json["errors"]
    assert _count() == 0


def test_already_invited_email_is_409_and_nothing_is_created(client, app):
    _, _, questionnaire, headers = _setup()
    gen_participant(questionnaire, email="anna@zl.nl")
    response = client.post(_url(questionnaire), json={"participants": ROWS}, headers=headers)
    assert response.status_code == 409 and "participants[0].email" in response.json["errors"]
    assert _count() == 1


def test_other_traject_is_404_and_bestuurder_is_403(client, app):
    _, traject, questionnaire, _ = _setup()
    stranger = api_token(gen_user("regisseur"))
    assert client.post(_url(questionnaire), json={"participants": ROWS}, headers=stranger).status_code == 404
    assert (
        client.post(
            "/api/v1/questionnaires/999999/participants", json={"participants": ROWS}, headers=stranger
        ).status_code
        == 404
    )
    board = gen_user("bestuurder")
    add_member(traject, board)
    response = client.post(_url(questionnaire), json={"participants": ROWS}, headers=api_token(board))
    assert response.status_code == 403 and _count() == 0
    assert client.post(_url(questionnaire), json={"participants": ROWS}).status_code == 401


def test_roles_must_fit_and_closed_questionnaires_refuse(client, app):
    _, _, board_q, headers = _setup("board_commitment")
    response = client.post(_url(board_q), json={"participants": ROWS[:1]}, headers=headers)
    assert response.status_code == 422 and "participants[0].role" in response.json["errors"]
    _, _, closed, headers = _setup(status="closed")
    assert client.post(_url(closed), json={"participants": ROWS}, headers=headers).status_code == 409
    assert _count() == 0


def test_response_rate_endpoint(client, app):
    _, _, questionnaire, headers = _setup()
    gen_participant(questionnaire, organisation="ZL", completed=True)
    gen_participant(questionnaire, organisation="ZL")
    body = client.get(f"/api/v1/questionnaires/{questionnaire.id}/response-rate", headers=headers).json
    # Anonymous, one completed of a threshold of 5: every count is suppressed, `invited` stays.
    assert body["total"] == {
        "organisation": None,
        "role": None,
        "invited": 2,
        "completed": None,
        "opted_out": None,
        "response_rate": None,
        "suppressed": True,
    }
    assert body["groups"][0]["organisation"] == "ZL" and body["groups"][0]["role"] == "ict_staff"
