"""API: /trajects/{tid}/stakeholders, /engagements and /concerns — create, list, errors, access, OpenAPI."""

from __future__ import annotations

from builders import add_member, api_token, gen_traject, gen_user
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent
from app.models.stakeholders import Engagement, Stakeholder


def _setup():
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("AA", "BB"))
    return owner, traject


def _post(client, user, traject, what, body):
    return client.post(f"/api/v1/trajects/{traject.id}/{what}", json=body, headers=api_token(user))


def test_create_stakeholder_answers_its_quadrant_and_lists_with_paging(client, app):
    owner, traject = _setup()
    expected = {
        (5, 5): "manage_closely",
        (4, 1): "keep_satisfied",
        (2, 3): "keep_informed",
        (1, 2): "monitor",
        (3, 3): "manage_closely",
    }
    for n, ((influence, interest), quadrant) in enumerate(expected.items()):
        response = _post(
            client,
            owner,
            traject,
            "stakeholders",
            {
                "name": f"Partij {n}",
                "kind": "group",
                "organisation": "aa" if n == 0 else None,
                "influence": influence,
                "interest": interest,
                "attitude": "neutral",
                "engagement": "consult",
            },
        )
        assert response.status_code == 201, response.json
        assert response.json["quadrant"] == quadrant and isinstance(response.json["id"], int)
    assert response.json["measured"] is None
    first = client.get(f"/api/v1/trajects/{traject.id}/stakeholders?limit=2", headers=api_token(owner)).json
    assert len(first["items"]) == 2 and first["next"]
    rest = client.get(
        f"/api/v1/trajects/{traject.id}/stakeholders?limit=10&cursor={first['next']}", headers=api_token(owner)
    ).json
    assert len(rest["items"]) == 3 and rest["next"] is None
    assert {s["name"] for s in first["items"] + rest["items"]} == {f"Partij {n}" for n in range(5)}
    assert (first["items"][0]["organisation"]) == "AA"
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "stakeholder.created")) == 5


def test_bad_stakeholder_answers_422_keyed_by_field_and_saves_nothing(client, app):
    owner, traject = _setup()
    response = _post(
        client,
        owner,
        traject,
        "stakeholders",
        {
            "name": "",
            "kind": "team",
            "influence": 6,
            "interest": "veel",
            "attitude": "boos",
            "engagement": "informing",
            "organisation": "ZZ",
        },
    )
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert set(response.json["errors"]) == {
        "name",
        "kind",
        "influence",
        "interest",
        "attitude",
        "engagement",
        "organisation",
    }
    assert _post(
        client, owner, traject, "stakeholders", {"name": "X", "kind": "group", "influence": True, "interest": 3}
    ).json["errors"].keys() == {"influence"}
    assert _post(client, owner, traject, "stakeholders", []).status_code == 422
    assert db.session.scalar(select(func.count(Stakeholder.id))) == 0


def test_bestuurder_reads_but_does_not_write_and_another_traject_answers_404(client, app):
    owner, traject = _setup()
    board = gen_user("bestuurder")
    add_member(traject, board)
    stranger = gen_user("regisseur")
    body = {"name": "Bestuur", "kind": "group", "influence": 5, "interest": 5}
    for what in ("stakeholders", "engagements", "concerns"):
        assert client.get(f"/api/v1/trajects/{traject.id}/{what}", headers=api_token(board)).status_code == 200
        assert _post(client, board, traject, what, body).status_code == 403
        assert client.get(f"/api/v1/trajects/{traject.id}/{what}", headers=api_token(stranger)).status_code == 404
        assert _post(client, stranger, traject, what, body).status_code == 404
        assert client.get(f"/api/v1/trajects/{traject.id}/{what}").status_code == 401


def test_engagement_with_another_trajects_stakeholder_answers_422(client, app):
    owner, traject = _setup()
    other = gen_traject(owner, name="Ander", organisations=("ZZ",))
    mine = _post(
        client, owner, traject, "stakeholders", {"name": "ICT AA", "kind": "group", "influence": 2, "interest": 5}
    ).json["id"]
    foreign = _post(
        client, owner, other, "stakeholders", {"name": "ICT ZZ", "kind": "group", "influence": 2, "interest": 5}
    ).json["id"]
    bad = _post(
        client,
        owner,
        traject,
        "engagements",
        {"date": "2027-03-01", "kind": "workshop", "topic": "Sessie", "stakeholders": [mine, foreign]},
    )
    assert bad.status_code == 422 and "stakeholders" in bad.json["errors"]
    wrong = _post(
        client,
        owner,
        traject,
        "engagements",
        {"date": "1 maart", "kind": "feest", "topic": "", "attendees": -3, "domains": ["koffie"]},
    )
    assert wrong.status_code == 422
    assert set(wrong.json["errors"]) == {"date", "kind", "topic", "attendees", "domains"}
    assert db.session.scalar(select(func.count(Engagement.id))) == 0
    good = _post(
        client,
        owner,
        traject,
        "engagements",
        {
            "date": "2027-03-01",
            "kind": "workshop",
            "topic": "Sessie",
            "stakeholders": [mine],
            "attendees": 8,
            "outcome": "Goed",
            "domains": ["servicedesk"],
        },
    )
    assert good.status_code == 201
    assert good.json["stakeholders"] == [mine] and good.json["attendees"] == 8 and good.json["phase"] == "ict_foto"
    listed = client.get(f"/api/v1/trajects/{traject.id}/engagements", headers=api_token(owner)).json
    assert [e["id"] for e in listed["items"]] == [good.json["id"]]


def test_concerns_need_an_answer_when_answered_and_refuse_foreign_ids(client, app):
    owner, traject = _setup()
    other = gen_traject(owner, name="Ander", organisations=("ZZ",))
    foreign = _post(
        client, owner, other, "stakeholders", {"name": "ICT ZZ", "kind": "group", "influence": 2, "interest": 5}
    ).json["id"]
    for status in ("answered", "resolved"):
        response = _post(client, owner, traject, "concerns", {"text": "Zorg", "status": status})
        assert response.status_code == 422 and "answer" in response.json["errors"]
    assert _post(client, owner, traject, "concerns", {"text": "Zorg", "stakeholder": foreign}).json[
        "errors"
    ].keys() == {"stakeholder"}
    assert _post(client, owner, traject, "concerns", {"text": "Zorg", "status": "gesloten"}).status_code == 422
    ok = _post(
        client, owner, traject, "concerns", {"text": "Zorg over werkdruk", "status": "declined", "domain": "personeel"}
    )
    assert ok.status_code == 201 and ok.json["status"] == "declined" and ok.json["anonymous"] is False
    listed = client.get(f"/api/v1/trajects/{traject.id}/concerns", headers=api_token(owner)).json
    assert [c["id"] for c in listed["items"]] == [ok.json["id"]]


def test_openapi_documents_the_three_endpoints(client, app):
    spec = client.get("/api/v1/openapi.json").json
    for what, schema in (("stakeholders", "Stakeholder"), ("engagements", "Engagement"), ("concerns", "Concern")):
        path = spec["paths"][f"/api/v1/trajects/{{tid}}/{what}"]
        assert set(path) == {"get", "post"}
        assert {"201", "403", "404", "422"} <= set(path["post"]["responses"])
        assert schema in spec["components"]["schemas"] and f"{schema}Create" in spec["components"]["schemas"]
