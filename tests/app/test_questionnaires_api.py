"""API: templates and questionnaires (create from template, read, publish, close) with status codes."""

from builders import add_member, api_token, gen_traject, gen_user

from app.extensions import db
from app.models import Questionnaire

KEYS = {"ict_foto", "ict_staff", "board_commitment", "motives"}


def test_templates_lists_the_four_with_constructs(client, app):
    headers = api_token(gen_user("regisseur"))
    response = client.get("/api/v1/templates", headers=headers)
    assert response.status_code == 200
    by_key = {t["key"]: t for t in response.json}
    assert KEYS <= set(by_key)
    for t in response.json:
        assert set(t) >= {"key", "title", "audience", "anonymous", "constructs"}
        assert isinstance(t["title"], str) and t["constructs"]
    assert "trust" in by_key["board_commitment"]["constructs"]
    assert by_key["ict_staff"]["anonymous"] is True and by_key["ict_foto"]["anonymous"] is False
    assert client.get("/api/v1/templates").status_code == 401


def test_create_get_publish_close(client, app):
    user = gen_user("regisseur")
    traject = gen_traject(user, organisations=("ZL", "BM"))
    headers = api_token(user)
    created = client.post(
        f"/api/v1/trajects/{traject.id}/questionnaires", json={"template": "board_commitment"}, headers=headers
    )
    assert created.status_code == 201
    body = created.json
    assert set(body) >= {"id", "traject", "template", "title", "status", "anonymous", "questions"}
    assert (body["traject"], body["template"], body["status"], body["anonymous"]) == (
        traject.id,
        "board_commitment",
        "draft",
        False,
    )
    assert isinstance(body["title"], str)
    trust = [q for q in body["questions"] if q["construct"] == "trust"]
    assert {q["key"] for q in trust} == {"trust_zl", "trust_bm"}
    question = body["questions"][0]
    assert set(question) == {"key", "type", "construct", "domain", "reverse", "required", "scale", "options", "text"}
    qid = body["id"]
    assert client.get(f"/api/v1/questionnaires/{qid}", headers=headers).json == body

    published = client.post(
        f"/api/v1/questionnaires/{qid}/publish",
        json={"opens_at": "2030-03-01T08:00:00Z", "closes_at": "2030-03-15T17:00:00+01:00"},
        headers=headers,
    )
    assert published.status_code == 200 and published.json["status"] == "open"
    assert published.json["opens_at"] == "2030-03-01T08:00:00Z"
    assert published.json["closes_at"] == "2030-03-15T16:00:00Z"
    assert client.post(f"/api/v1/questionnaires/{qid}/publish", headers=headers).status_code == 409
    closed = client.post(f"/api/v1/questionnaires/{qid}/close", headers=headers)
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    again = client.post(f"/api/v1/questionnaires/{qid}/close", headers=headers)
    assert again.status_code == 409 and again.mimetype == "application/problem+json"


def test_publish_without_body_and_with_bad_dates(client, app):
    user = gen_user("regisseur")
    traject = gen_traject(user)
    headers = api_token(user)
    qid = client.post(
        f"/api/v1/trajects/{traject.id}/questionnaires", json={"template": "motives"}, headers=headers
    ).json["id"]
    bad = client.post(f"/api/v1/questionnaires/{qid}/publish", json={"opens_at": "morgen"}, headers=headers)
    assert bad.status_code == 422 and "opens_at" in bad.json["errors"]
    naive = client.post(
        f"/api/v1/questionnaires/{qid}/publish", json={"closes_at": "2030-01-01T00:00:00"}, headers=headers
    )
    assert naive.status_code == 422
    order = client.post(
        f"/api/v1/questionnaires/{qid}/publish",
        json={"opens_at": "2030-03-02T00:00:00Z", "closes_at": "2030-03-01T00:00:00Z"},
        headers=headers,
    )
    assert order.status_code == 422 and "closes_at" in order.json["errors"]
    ok = client.post(f"/api/v1/questionnaires/{qid}/publish", headers=headers)
    assert ok.status_code == 200 and ok.json["status"] == "open"


def test_draft_cannot_be_closed(client, app):
    user = gen_user("regisseur")
    traject = gen_traject(user)
    headers = api_token(user)
    qid = client.post(
        f"/api/v1/trajects/{traject.id}/questionnaires", json={"template": "ict_foto"}, headers=headers
    ).json["id"]
    assert client.post(f"/api/v1/questionnaires/{qid}/close", headers=headers).status_code == 409


def test_unknown_template_is_422_and_creates_nothing(client, app):
    user = gen_user("regisseur")
    traject = gen_traject(user)
    headers = api_token(user)
    for body in ({"template": "nope"}, {}, {"template": 3}):
        response = client.post(f"/api/v1/trajects/{traject.id}/questionnaires", json=body, headers=headers)
        assert response.status_code == 422 and "template" in response.json["errors"]
    assert db.session.query(Questionnaire).count() == 0


def test_other_traject_is_404_and_bestuurder_403(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner)
    owner_headers = api_token(owner)
    qid = client.post(
        f"/api/v1/trajects/{traject.id}/questionnaires", json={"template": "ict_staff"}, headers=owner_headers
    ).json["id"]
    stranger = api_token(gen_user("regisseur"))
    assert (
        client.post(
            f"/api/v1/trajects/{traject.id}/questionnaires", json={"template": "ict_staff"}, headers=stranger
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/questionnaires/{qid}", headers=stranger).status_code == 404
    assert client.post(f"/api/v1/questionnaires/{qid}/publish", headers=stranger).status_code == 404
    assert client.get("/api/v1/questionnaires/999999", headers=stranger).status_code == 404
    board = gen_user("bestuurder")
    add_member(traject, board)
    board_headers = api_token(board)
    assert client.get(f"/api/v1/questionnaires/{qid}", headers=board_headers).status_code == 200
    assert (
        client.post(
            f"/api/v1/trajects/{traject.id}/questionnaires", json={"template": "ict_staff"}, headers=board_headers
        ).status_code
        == 403
    )
    assert client.post(f"/api/v1/questionnaires/{qid}/publish", headers=board_headers).status_code == 403
    assert client.post(f"/api/v1/questionnaires/{qid}/close", headers=board_headers).status_code == 403


def test_openapi_documents_the_questionnaire_paths(client, app):
    spec = client.get("/api/v1/openapi.json").json
    for path in (
        "/api/v1/templates",
        "/api/v1/trajects/{tid}/questionnaires",
        "/api/v1/questionnaires/{qid}",
        "/api/v1/questionnaires/{qid}/publish",
        "/api/v1/questionnaires/{qid}/close",
    ):
        assert path in spec["paths"]
    assert "Questionnaire" in spec["components"]["schemas"]


def test_archived_traject_questionnaires_are_read_only_on_every_api_path(client, app):
    """One object-level check (api_questionnaire) for questionnaires, participants and the CSV:
    an archived traject's questionnaire can be read but not published, closed or given participants."""
    from app.models.base import utcnow
    from app.services import questionnaires as service

    user = gen_user("regisseur")
    traject = gen_traject(user)
    headers = api_token(user)
    draft = service.create_from_template(traject, "ict_staff")
    traject.archived_at = utcnow()
    db.session.commit()
    assert client.get(f"/api/v1/questionnaires/{draft.id}", headers=headers).status_code == 200
    for path, body in (
        (f"/api/v1/questionnaires/{draft.id}/publish", None),
        (f"/api/v1/questionnaires/{draft.id}/close", None),
        (
            f"/api/v1/questionnaires/{draft.id}/participants",
            {"participants": [{"email": "a@school.nl", "role": "ict_staff"}]},
        ),
    ):
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 409, path
        assert response.mimetype == "application/problem+json" and "gearchiveerd" in response.json["detail"]
    db.session.expire_all()
    assert db.session.get(Questionnaire, draft.id).status == "draft"
