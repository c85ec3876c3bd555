"""API base: bearer tokens, problem+json, cursor pagination, health, trajects, organisations."""

from builders import add_member, api_token, gen_traject, gen_user

from app.extensions import db
from app.models import ApiToken


def test_health_needs_no_token(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "broker": "eager", "rate_limits": "off"}


def test_missing_or_bad_token_is_a_401_problem(client, app):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/trajects", headers=headers)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        assert set(response.json) >= {"type", "title", "status", "detail"}


def test_token_is_stored_only_as_a_hash(app):
    user = gen_user("regisseur")
    headers = api_token(user)
    secret = headers["Authorization"].split()[1]
    stored = db.session.query(ApiToken).one()
    assert stored.token_hash != secret and secret not in stored.token_hash
    assert len(stored.token_hash) == 64


def test_create_and_list_trajects(client, app):
    user = gen_user("regisseur")
    headers = api_token(user)
    created = client.post("/api/v1/trajects", json={"name": "Verkenning"}, headers=headers)
    assert created.status_code == 201
    assert created.json["anonymity_threshold"] == 5 and created.json["comment_threshold"] == 10
    assert created.json["phase"] == "ict_foto"
    listed = client.get("/api/v1/trajects", headers=headers).json
    assert [t["name"] for t in listed["items"]] == ["Verkenning"] and listed["next"] is None


def test_threshold_below_three_is_422_with_field_errors(client, app):
    headers = api_token(gen_user("regisseur"))
    response = client.post("/api/v1/trajects", json={"name": "X", "anonymity_threshold": 2}, headers=headers)
    assert response.status_code == 422
    assert "anonymity_threshold" in response.json["errors"]


def test_bad_json_is_400(client, app):
    headers = api_token(gen_user("regisseur"))
    response = client.post("/api/v1/trajects", data="{", headers=dict(headers, **{"Content-Type": "application/json"}))
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


def test_bestuurder_cannot_create(client, app):
    headers = api_token(gen_user("bestuurder"))
    assert client.post("/api/v1/trajects", json={"name": "X"}, headers=headers).status_code == 403


def test_cursor_pagination_walks_every_item_once(client, app):
    user = gen_user("regisseur")
    for i in range(7):
        gen_traject(user, name=f"T{i}", organisations=())
    headers = api_token(user)
    seen, cursor = [], None
    while True:
        url = "/api/v1/trajects?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=headers).json
        seen += [t["name"] for t in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert sorted(seen) == [f"T{i}" for i in range(7)] and len(seen) == 7
    assert client.get("/api/v1/trajects?limit=501", headers=headers).status_code == 422
    assert client.get("/api/v1/trajects?limit=0", headers=headers).status_code == 422
    assert client.get("/api/v1/trajects?cursor=%%%", headers=headers).status_code == 422


def test_organisations_duplicate_code_is_409(client, app):
    user = gen_user("regisseur")
    traject = gen_traject(user, organisations=("ZL",))
    headers = api_token(user)
    ok = client.post(
        f"/api/v1/trajects/{traject.id}/organisations",
        json={"code": "BM", "name": "Bonifatius Mavo", "staff": 45},
        headers=headers,
    )
    assert ok.status_code == 201 and ok.json["code"] == "BM" and ok.json["staff"] == 45
    dup = client.post(
        f"/api/v1/trajects/{traject.id}/organisations", json={"code": "ZL", "name": "Dubbel"}, headers=headers
    )
    assert dup.status_code == 409 and dup.mimetype == "application/problem+json"
    bad = client.post(
        f"/api/v1/trajects/{traject.id}/organisations", json={"code": "X", "name": "Y", "staff": -1}, headers=headers
    )
    assert bad.status_code == 422 and "staff" in bad.json["errors"]
    listed = client.get(f"/api/v1/trajects/{traject.id}/organisations", headers=headers).json
    assert [o["code"] for o in listed["items"]] == ["ZL", "BM"]


def test_another_trajects_ids_answer_404(client, app):
    traject = gen_traject()
    headers = api_token(gen_user("regisseur"))
    assert client.get(f"/api/v1/trajects/{traject.id}", headers=headers).status_code == 404
    response = client.post(
        f"/api/v1/trajects/{traject.id}/organisations", json={"code": "X", "name": "Y"}, headers=headers
    )
    assert response.status_code == 404


def test_bestuurder_reads_but_cannot_add_organisations(client, app):
    traject = gen_traject()
    board = gen_user("bestuurder")
    add_member(traject, board)
    headers = api_token(board)
    assert client.get(f"/api/v1/trajects/{traject.id}/organisations", headers=headers).status_code == 200
    assert (
        client.post(
            f"/api/v1/trajects/{traject.id}/organisations", json={"code": "X", "name": "Y"}, headers=headers
        ).status_code
        == 403
    )


def test_openapi_lists_exactly_the_api_routes(client, app):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    actual = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                actual.add((path, method))
    assert documented == actual
