"""Attack 5: "the promise changes afterwards" — lower the anonymity threshold after the answers are in.

As a curious regisseur: publish a questionnaire with threshold 10, let answers come in, then lower
the threshold to 3 so that small groups become visible. Through the API and through the edit form
this must answer 409 and change nothing; raising stays allowed, and before publishing a threshold
may still go either way.
"""

from builders import api_token, gen_traject, gen_user, login

from app.extensions import db
from app.models import Traject


def _setup(client, *, anonymity=10, comment=12, publish=True):
    regisseur = gen_user("regisseur")
    headers = api_token(regisseur)
    created = client.post(
        "/api/v1/trajects",
        json={"name": "Verkenning", "anonymity_threshold": anonymity, "comment_threshold": comment},
        headers=headers,
    )
    assert created.status_code == 201, created.get_json()
    tid = created.get_json()["id"]
    q = client.post(f"/api/v1/trajects/{tid}/questionnaires", json={"template": "ict_staff"}, headers=headers)
    assert q.status_code == 201, q.get_json()
    if publish:
        assert (
            client.post(f"/api/v1/questionnaires/{q.get_json()['id']}/publish", json={}, headers=headers).status_code
            == 200
        )
    return regisseur, headers, tid, q.get_json()["id"]


def _thresholds(tid):
    db.session.expire_all()
    traject = db.session.get(Traject, tid)
    return traject.anonymity_threshold, traject.comment_threshold


def test_api_lowering_after_publish_is_refused_and_changes_nothing(client, app):
    _, headers, tid, _ = _setup(client)
    for body in (
        {"anonymity_threshold": 3},
        {"comment_threshold": 10},
        {"anonymity_threshold": 3, "comment_threshold": 3},
        {"name": "Nieuwe naam", "anonymity_threshold": 9},
    ):
        response = client.patch(f"/api/v1/trajects/{tid}", json=body, headers=headers)
        assert response.status_code == 409, (body, response.get_json())
        assert response.mimetype == "application/problem+json"
        assert "beloofd" in response.get_json()["detail"]
        assert _thresholds(tid) == (10, 12)
    assert client.get(f"/api/v1/trajects/{tid}", headers=headers).get_json()["name"] == "Verkenning"


def test_api_lowering_after_close_is_refused_too(client, app):
    _, headers, tid, qid = _setup(client)
    assert client.post(f"/api/v1/questionnaires/{qid}/close", json={}, headers=headers).status_code == 200
    assert client.patch(f"/api/v1/trajects/{tid}", json={"anonymity_threshold": 5}, headers=headers).status_code == 409
    assert _thresholds(tid) == (10, 12)


def test_api_raising_after_publish_is_allowed(client, app):
    _, headers, tid, _ = _setup(client)
    response = client.patch(
        f"/api/v1/trajects/{tid}", json={"anonymity_threshold": 12, "comment_threshold": 15}, headers=headers
    )
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["anonymity_threshold"], response.get_json()["comment_threshold"]) == (12, 15)
    assert _thresholds(tid) == (12, 15)
    # the same value again is not a lowering
    assert (
        client.patch(
            f"/api/v1/trajects/{tid}", json={"anonymity_threshold": 12, "phase": "analyse"}, headers=headers
        ).status_code
        == 200
    )


def test_api_lowering_before_publish_is_allowed(client, app):
    _, headers, tid, _ = _setup(client, publish=False)
    response = client.patch(
        f"/api/v1/trajects/{tid}", json={"anonymity_threshold": 3, "comment_threshold": 3}, headers=headers
    )
    assert response.status_code == 200, response.get_json()
    assert _thresholds(tid) == (3, 3)


def test_api_patch_validates_and_is_for_the_regisseur_only(client, app):
    regisseur, headers, tid, _ = _setup(client, publish=False)
    bad = client.patch(
        f"/api/v1/trajects/{tid}", json={"deadline": "morgen", "name": "", "anonymity_threshold": "3"}, headers=headers
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]) == {"anonymity_threshold", "deadline", "name"}
    bad = client.patch(f"/api/v1/trajects/{tid}", json={"anonymity_threshold": 2, "phase": "x"}, headers=headers)
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]) == {"anonymity_threshold", "phase"}
    ok = client.patch(f"/api/v1/trajects/{tid}", json={"deadline": "2027-03-01", "description": "x"}, headers=headers)
    assert ok.status_code == 200 and ok.get_json()["deadline"] == "2027-03-01"
    traject = db.session.get(Traject, tid)
    bestuurder = gen_user("bestuurder", organisation=None)
    from builders import add_member

    add_member(traject, bestuurder)
    assert (
        client.patch(
            f"/api/v1/trajects/{tid}", json={"anonymity_threshold": 20}, headers=api_token(bestuurder)
        ).status_code
        == 403
    )
    stranger = gen_user("regisseur")
    assert (
        client.patch(
            f"/api/v1/trajects/{tid}", json={"anonymity_threshold": 20}, headers=api_token(stranger)
        ).status_code
        == 404
    )


def _form(traject, **changes):
    data = {
        "name": traject.name,
        "description": traject.description or "",
        "phase": traject.phase,
        "anonymity_threshold": traject.anonymity_threshold,
        "comment_threshold": traject.comment_threshold,
        "deadline": "",
    }
    data.update(changes)
    return data


def test_ui_lowering_after_publish_answers_409_with_a_dutch_form_error(client, app):
    regisseur, _, tid, _ = _setup(client)
    login(client, regisseur)
    traject = db.session.get(Traject, tid)
    page = client.get(f"/trajecten/{tid}/bewerken").get_data(as_text=True)
    assert "niet meer omlaag" in page  # the form says so before anyone tries
    response = client.post(f"/trajecten/{tid}/bewerken", data=_form(traject, anonymity_threshold=3))
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "De drempel kan niet meer omlaag" in text and "Verhogen mag wel" in text
    assert _thresholds(tid) == (10, 12)
    raised = client.post(
        f"/trajecten/{tid}/bewerken", data=_form(traject, anonymity_threshold=11, comment_threshold=13)
    )
    assert raised.status_code == 302
    assert _thresholds(tid) == (11, 13)


def test_ui_lowering_before_publish_works(client, app):
    regisseur = gen_user("regisseur")
    traject = gen_traject(regisseur, anonymity_threshold=10, comment_threshold=12)
    login(client, regisseur)
    response = client.post(
        f"/trajecten/{traject.id}/bewerken", data=_form(traject, anonymity_threshold=4, comment_threshold=4)
    )
    assert response.status_code == 302
    assert _thresholds(traject.id) == (4, 4)
