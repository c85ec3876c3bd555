"""API: POST /api/v1/trajects/{tid}/members — account without a password, 409 for a member."""

from builders import api_token, gen_traject, gen_user

from app.extensions import db
from app.models import AuditEvent, TrajectMember, User


def test_members_creates_the_account_without_a_password_and_adds_it(client, app):
    regisseur = gen_user("regisseur")
    traject = gen_traject(regisseur)
    headers = api_token(regisseur)
    response = client.post(
        f"/api/v1/trajects/{traject.id}/members",
        headers=headers,
        json={"email": "Bestuur@School.nl", "name": "B. Stuur", "role": "bestuurder", "organisation": "AA"},
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body == {"id": body["id"], "email": "bestuur@school.nl", "role": "bestuurder", "organisation": "AA"}
    user = db.session.get(User, body["id"])
    assert not user.check_password("") and not user.check_password(user.password_hash)
    assert db.session.query(TrajectMember).filter_by(traject_id=traject.id, user_id=user.id).count() == 1
    again = client.post(
        f"/api/v1/trajects/{traject.id}/members",
        headers=headers,
        json={"email": "bestuur@school.nl", "name": "B", "role": "bestuurder", "organisation": "AA"},
    )
    assert again.status_code == 409
    event = db.session.query(AuditEvent).filter_by(action="member.added").one()
    assert event.actor_id == regisseur.id


def test_members_an_existing_account_is_added(client, app):
    regisseur = gen_user("regisseur")
    traject = gen_traject(regisseur)
    colleague = gen_user("regisseur")
    response = client.post(
        f"/api/v1/trajects/{traject.id}/members",
        headers=api_token(regisseur),
        json={"email": colleague.email, "name": "x", "role": "regisseur"},
    )
    assert response.status_code == 201
    assert response.get_json()["organisation"] is None


def test_members_validation(client, app):
    regisseur = gen_user("regisseur")
    traject = gen_traject(regisseur)
    headers = api_token(regisseur)
    url = f"/api/v1/trajects/{traject.id}/members"
    bad = client.post(url, headers=headers, json={"email": "geen-adres", "name": "", "role": "admin"})
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"email", "name", "role"}
    no_org = client.post(url, headers=headers, json={"email": "a@b.nl", "name": "A", "role": "ict_lead"})
    assert no_org.status_code == 422 and "organisation" in no_org.get_json()["errors"]
    unknown = client.post(
        url, headers=headers, json={"email": "a@b.nl", "name": "A", "role": "ict_lead", "organisation": "ZZ"}
    )
    assert unknown.status_code == 422
    bidi = client.post(url, headers=headers, json={"email": "a@b.nl", "name": "Jan\u202eredeeb", "role": "regisseur"})
    assert bidi.status_code == 422
    assert db.session.query(User).filter_by(email="a@b.nl").count() == 0
