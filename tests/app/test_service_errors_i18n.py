"""Service refusals carry a message id and parameters and are translated at the edge: a page
shows them in the reader's language, the API answers the translated detail plus the id; nothing
of a refused change is saved (run_action / api_action roll back)."""

from __future__ import annotations

from builders import api_token, gen_traject, gen_user, login
from flask_babel import force_locale
from sqlalchemy import func, select

from app.actions import run_action
from app.extensions import db
from app.models import Organisation
from app.services import trajects as traject_service
from app.services.errors import N_, ServiceError


def _organisations(traject_or_id) -> int:
    tid = getattr(traject_or_id, "id", traject_or_id)
    return db.session.scalar(select(func.count()).select_from(Organisation).where(Organisation.traject_id == tid))


def test_an_english_regisseur_reads_the_service_refusal_in_english(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("AA",))
    login(client, owner)
    url = f"/trajecten/{traject.id}/organisaties/nieuw"
    client.get("/taal/en")
    page = client.post(url, data={"code": "aa", "name": "Nog een school"}).get_data(as_text=True)
    assert "The code AA already exists in this project." in page
    assert "bestaat al in dit traject" not in page
    client.get("/taal/nl")
    page = client.post(url, data={"code": "aa", "name": "Nog een school"}).get_data(as_text=True)
    assert "De code AA bestaat al in dit traject." in page
    assert _organisations(traject) == 1


def test_the_api_answers_the_translated_detail_and_the_message_id(client, app):
    owner = gen_user("regisseur")
    headers = api_token(owner)
    body = {"name": "Verkenning", "anonymity_threshold": 5, "comment_threshold": 4}
    english = client.post("/api/v1/trajects", json=body, headers={**headers, "Accept-Language": "en"})
    assert english.status_code == 422 and english.mimetype == "application/problem+json"
    problem = english.get_json()
    assert problem["detail"] == "The project details are not valid."
    assert problem["message_id"] == "De traject-gegevens zijn niet geldig."
    assert problem["errors"]["comment_threshold"] == [
        "The threshold for open answers may not be lower than the anonymity threshold."
    ]
    dutch = client.post("/api/v1/trajects", json=body, headers=headers).get_json()  # no Accept-Language
    assert dutch["detail"] == "De traject-gegevens zijn niet geldig." == dutch["message_id"]


def test_a_frozen_threshold_is_409_with_its_id(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, anonymity_threshold=5, comment_threshold=10)
    from respond_builders import gen_questionnaire

    gen_questionnaire(traject)  # published: respondents were promised the threshold
    response = client.patch(
        f"/api/v1/trajects/{traject.id}",
        json={"anonymity_threshold": 4},
        headers={**api_token(owner), "Accept-Language": "en"},
    )
    assert response.status_code == 409
    problem = response.get_json()
    assert problem["message_id"] == traject_service.THRESHOLD_FROZEN_MESSAGE.msgid
    assert problem["detail"].startswith("The threshold can no longer be lowered")
    db.session.expire_all()
    assert db.session.get(type(traject), traject.id).anonymity_threshold == 5


def test_run_action_rolls_back_and_commits(app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=())
    tid = traject.id

    def half_then_refuse():
        traject_service.add_organisation(traject, {"code": "XX", "name": "Half"})
        raise ServiceError(N_("De organisatie is niet geldig."))

    with app.test_request_context("/"), force_locale("en"):
        refused = run_action(half_then_refuse)
        assert not refused.ok and refused.status == 422
        from flask import get_flashed_messages

        assert get_flashed_messages() == ["The organisation is not valid."]
        assert _organisations(traject) == 0  # nothing half-saved
        done = run_action(
            lambda: traject_service.add_organisation(traject, {"code": "YY", "name": "Heel"}),
            redirect_to=lambda organisation: f"/o/{organisation.code}",
        )
        assert done.ok and done.response.location == "/o/YY"
    db.session.remove()
    assert _organisations(tid) == 1  # committed, seen from a new session
