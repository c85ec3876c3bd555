"""The bestuurder's signed, revisable commitment statement at /trajecten/<id>/verklaring."""

from __future__ import annotations

from builders import add_member, gen_traject, gen_user, login
from respond_builders import gen_questionnaire
from sqlalchemy import select

from app.extensions import db
from app.models import Participant, Response
from app.services.responses import definition


def _form(questionnaire, **overrides) -> dict:
    data = {}
    for q in definition(questionnaire).questions():
        if q.type == "likert":
            data[q.key] = "4"
        elif q.type == "single_choice":
            data[q.key] = q.options[0]["value"]
    data.update(signature_name="B. Stuurder", signature_agree="ja", board_conditions="Heldere afspraken")
    data.update(overrides)
    return data


def _board(traject, code="AA"):
    user = gen_user("bestuurder", organisation=traject.organisation_by_code(code))
    add_member(traject, user)
    return user


def test_bestuurder_signs_and_revises_keeping_every_revision(app, client):
    traject = gen_traject()
    questionnaire = gen_questionnaire(traject, "board_commitment")
    board = _board(traject)
    login(client, board)
    html = client.get(f"/trajecten/{traject.id}/verklaring").get_data(as_text=True)
    assert "Verklaring invullen" in html and "<fieldset" in html
    response = client.post(f"/trajecten/{traject.id}/verklaring", data=_form(questionnaire))
    assert response.status_code == 302
    participant = db.session.scalar(select(Participant).where(Participant.user_id == board.id))
    assert participant.role == "board" and participant.organisation.code == "AA"
    html = client.get(f"/trajecten/{traject.id}/verklaring").get_data(as_text=True)
    assert "Uw huidige verklaring" in html and "versie 1" in html
    assert "Heldere afspraken" in html  # prefilled with the latest answers
    client.post(f"/trajecten/{traject.id}/verklaring", data=_form(questionnaire, board_conditions="Eerst de inkoop"))
    rows = db.session.scalars(
        select(Response).where(Response.participant_id == participant.id).order_by(Response.revision)
    ).all()
    assert [(r.revision, r.is_latest) for r in rows] == [(1, False), (2, True)]
    assert all(r.signed_at is not None and r.user_id == board.id for r in rows)
    assert rows[1].answers["board_conditions"] == "Eerst de inkoop"
    html = client.get(f"/trajecten/{traject.id}/verklaring").get_data(as_text=True)
    assert "Eerdere versies" in html and "Versie 1" in html


def test_signature_is_required(app, client):
    traject = gen_traject()
    questionnaire = gen_questionnaire(traject, "board_commitment")
    login(client, _board(traject))
    response = client.post(f"/trajecten/{traject.id}/verklaring", data=_form(questionnaire, signature_agree="nee"))
    assert response.status_code == 422
    assert "namens uw organisatie ondertekent" in response.get_data(as_text=True)
    assert db.session.scalar(select(Response)) is None


def test_only_bestuurders_who_are_members(app, client):
    traject = gen_traject()
    gen_questionnaire(traject, "board_commitment")
    outsider = gen_user("bestuurder")
    login(client, outsider)
    assert client.get(f"/trajecten/{traject.id}/verklaring").status_code == 404
    regisseur_client = app.test_client()
    login(regisseur_client, traject.members[0])
    assert regisseur_client.get(f"/trajecten/{traject.id}/verklaring").status_code == 403


def test_without_open_statement_a_clear_message(app, client):
    traject = gen_traject()
    login(client, _board(traject))
    html = client.get(f"/trajecten/{traject.id}/verklaring").get_data(as_text=True)
    assert "geen commitmentverklaring open" in html


def test_traject_page_links(app, client):
    traject = gen_traject()
    login(client, _board(traject))
    html = client.get(f"/trajecten/{traject.id}").get_data(as_text=True)
    assert f"/trajecten/{traject.id}/verklaring" in html
    assert f"/trajecten/{traject.id}/antwoorden" not in html
    owner = app.test_client()
    login(owner, traject.members[0])
    html = owner.get(f"/trajecten/{traject.id}").get_data(as_text=True)
    assert f"/trajecten/{traject.id}/antwoorden" in html


def test_regisseur_downloads_csv_from_the_ui_bestuurder_cannot(app, client):
    traject = gen_traject()
    questionnaire = gen_questionnaire(traject)
    login(client, traject.members[0])
    html = client.get(f"/trajecten/{traject.id}/antwoorden").get_data(as_text=True)
    url = f"/trajecten/{traject.id}/vragenlijsten/{questionnaire.id}/antwoorden.csv"
    assert url in html
    assert client.get(url).status_code == 302  # anonymous and still open: refused with a message
    questionnaire.status = "closed"
    db.session.commit()
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.get_data(as_text=True).startswith("response_id,organisation,role,submitted_on,wil_1")
    board_client = app.test_client()
    login(board_client, _board(traject))
    assert board_client.get(url).status_code == 403
    assert board_client.get(f"/trajecten/{traject.id}/antwoorden").status_code == 403
