"""The questionnaire services' refusals are message ids translated at the edge: an English
regisseur reads them in English (pages and API), a Dutch one in Dutch; nothing is saved."""

from __future__ import annotations

import io

from builders import api_token, gen_traject, gen_user, login
from respond_builders import gen_questionnaire
from sqlalchemy import func, select

from app.extensions import db
from app.models import Questionnaire
from app.services import questionnaires as service

FROZEN_EN = "A published questionnaire is frozen; make a new version."


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Questionnaire))


def _regisseur(client):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("AA",))
    login(client, owner)
    return owner, traject


def test_editing_a_frozen_questionnaire_is_refused_in_english(client, app):
    _owner, traject = _regisseur(client)
    q = gen_questionnaire(traject)  # published
    first = q.definition["sections"][0]["questions"][0]["key"]
    client.get("/taal/en")
    settings = client.get(f"/vragenlijsten/{q.id}/instellingen", follow_redirects=True).get_data(as_text=True)
    assert FROZEN_EN in settings and service.FROZEN not in settings
    edit = client.post(f"/vragenlijsten/{q.id}/vragen/{first}/bewerken", data={}, follow_redirects=True)
    assert FROZEN_EN in edit.get_data(as_text=True)
    # Deleting a published one: the service refuses and show_refusal flashes it.
    deleted = client.post(f"/vragenlijsten/{q.id}/verwijderen", follow_redirects=True).get_data(as_text=True)
    assert FROZEN_EN in deleted and service.FROZEN not in deleted
    db.session.expire_all()
    assert db.session.get(Questionnaire, q.id).status == "open"  # nothing changed
    client.get("/taal/nl")
    dutch = client.get(f"/vragenlijsten/{q.id}/instellingen", follow_redirects=True).get_data(as_text=True)
    assert service.FROZEN in dutch and FROZEN_EN not in dutch


def test_importing_a_bad_definition_is_refused_in_english(client, app):
    _owner, traject = _regisseur(client)
    before = _count()
    client.get("/taal/en")
    bad = client.post(
        f"/trajecten/{traject.id}/vragenlijsten/import",
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(b"key: x\n"), "kapot.yaml")},
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Invalid questionnaire: " in page and "Ongeldige vragenlijst" not in page
    assert _count() == before
    client.get("/taal/nl")
    dutch = client.post(
        f"/trajecten/{traject.id}/vragenlijsten/import",
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(b"key: x\n"), "kapot.yaml")},
    ).get_data(as_text=True)
    assert "Ongeldige vragenlijst: " in dutch and "Invalid questionnaire" not in dutch


def test_the_api_answers_publishing_a_published_questionnaire_in_english(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner)
    q = gen_questionnaire(traject)  # already open
    response = client.post(
        f"/api/v1/questionnaires/{q.id}/publish", json={}, headers={**api_token(owner), "Accept-Language": "en"}
    )
    assert response.status_code == 409
    problem = response.get_json()
    assert problem["detail"] == "Only a draft can be published."
    assert problem["message_id"] == "Alleen een concept kan gepubliceerd worden."


def test_a_parametrised_refusal_keeps_its_parameters_in_english(app):
    from flask_babel import force_locale

    from app.i18n import translate

    owner = gen_user("regisseur")
    traject = gen_traject(owner)
    q = gen_questionnaire(traject, status="closed")
    service.new_version(q)
    try:
        service.new_version(q)
    except service.QuestionnaireError as exc:
        refusal = exc
    else:  # pragma: no cover - the second version must be refused
        raise AssertionError("a second new version was not refused")
    assert refusal.message_id == "Er bestaat al een versie %(version)s van deze vragenlijst."
    assert str(refusal) == "Er bestaat al een versie 2 van deze vragenlijst."
    with app.test_request_context("/"), force_locale("en"):
        assert translate(refusal.message) == "A version 2 of this questionnaire already exists."
