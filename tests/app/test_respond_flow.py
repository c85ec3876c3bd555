"""The respondent's personal-link flow: intro, sections saved per page, resume, review, submit."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

from builders import gen_traject
from respond_builders import gen_participant, gen_questionnaire, small_definition
from sqlalchemy import func, select

from app.extensions import db
from app.models import Participant, Response, ResponseDraft, Traject
from app.respond.logging import TokenRedactingFilter, redact


def _setup(**kwargs):
    traject = gen_traject(**kwargs)
    questionnaire = gen_questionnaire(traject)
    participant, token = gen_participant(questionnaire)
    return traject, questionnaire, participant, token


def _answer_all(client, token):
    client.post(f"/v/{token}/houding", data={"wil_1": "4", "wil_2": "5", "actie": "volgende"})
    client.post(f"/v/{token}/keuzes", data={"samen": "ja", "domeinen": ["inkoop"], "fte": "2,5", "actie": "volgende"})
    return client.post(f"/v/{token}/open", data={"opmerking": "Goed plan", "actie": "volgende"})


def _responses() -> int:
    return db.session.scalar(select(func.count()).select_from(Response))


def test_intro_names_the_asker_the_time_and_the_anonymity_promise(app, client):
    regisseur_org_traject = gen_traject(name="Verkenning SSVO", description="Samen sterker.")
    questionnaire = gen_questionnaire(regisseur_org_traject)
    _, token = gen_participant(questionnaire)
    html = client.get(f"/v/{token}").get_data(as_text=True)
    assert "Verkenning SSVO" in html and "Samen sterker." in html
    assert "Uw antwoorden worden zonder uw naam opgeslagen" in html
    assert "groepen kleiner dan 5 worden nooit getoond" in html
    assert re.search(r"Ongeveer \d+ minu", html)
    assert "Beginnen" in html and "Verder waar u was" not in html


def test_identified_questionnaire_says_answers_are_recorded_with_the_name(app, client):
    traject = gen_traject()
    questionnaire = gen_questionnaire(traject, definition=small_definition(anonymous=False))
    _, token = gen_participant(questionnaire, role="ict_lead")
    html = client.get(f"/v/{token}").get_data(as_text=True)
    assert "met uw naam vastgelegd" in html
    assert "zonder uw naam" not in html


def test_sections_have_progress_and_fieldsets(app, client):
    _, _, _, token = _setup()
    html = client.get(f"/v/{token}/houding").get_data(as_text=True)
    assert "Stap 1 van 4" in html and "<progress" in html
    assert "<fieldset" in html and "<legend" in html
    assert "Opslaan en later verder" in html
    assert "style=" not in html and "<script>" not in html


def test_answers_are_saved_per_page_and_resumable(app, client):
    _, _, participant, token = _setup()
    response = client.post(f"/v/{token}/houding", data={"wil_1": "4", "wil_2": "5", "actie": "volgende"})
    assert response.status_code == 302 and response.location.endswith(f"/v/{token}/keuzes")
    draft = db.session.scalar(select(ResponseDraft).where(ResponseDraft.participant_id == participant.id))
    assert draft.answers == {"wil_1": 4, "wil_2": 5}
    # "Opslaan en later verder" keeps a half-filled page without complaining
    response = client.post(f"/v/{token}/keuzes", data={"samen": "ja", "actie": "opslaan"})
    assert response.location.endswith(f"/v/{token}/_opgeslagen")
    assert "Uw antwoorden zijn opgeslagen" in client.get(response.location).get_data(as_text=True)
    # coming back with the same link offers to continue
    html = client.get(f"/v/{token}").get_data(as_text=True)
    assert "Verder waar u was" in html and f"/v/{token}/keuzes" in html
    html = client.get(f"/v/{token}/keuzes").get_data(as_text=True)
    assert 'value="ja" checked' in html or "checked" in html
    assert _responses() == 0  # a draft is never a submitted response


def test_dutch_validation_messages_beside_the_field_and_in_a_summary(app, client):
    _, _, _, token = _setup()
    response = client.post(f"/v/{token}/houding", data={"wil_1": "4", "actie": "volgende"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Deze vraag is verplicht." in html
    assert 'class="error-summary"' in html and 'href="#q-wil_2"' in html and "autofocus" in html
    assert 'id="q-wil_2-error"' in html
    response = client.post(f"/v/{token}/houding", data={"wil_1": "4", "wil_2": "5", "actie": "volgende"})
    response = client.post(f"/v/{token}/keuzes", data={"samen": "ja", "fte": "veel", "actie": "volgende"})
    assert response.status_code == 422 and "Vul een getal in." in response.get_data(as_text=True)
    # the typed value is kept so the respondent can correct it
    assert 'value="veel"' in response.get_data(as_text=True)


def test_previous_goes_back_without_validation(app, client):
    _, _, _, token = _setup()
    response = client.post(f"/v/{token}/houding", data={"actie": "vorige"})
    assert response.location.endswith(f"/v/{token}")
    client.post(f"/v/{token}/houding", data={"wil_1": "4", "wil_2": "5", "actie": "volgende"})
    response = client.post(f"/v/{token}/keuzes", data={"actie": "vorige"})
    assert response.location.endswith(f"/v/{token}/houding")


def test_review_lists_answers_with_edit_links_and_submit_once(app, client, monkeypatch):
    traject, questionnaire, participant, token = _setup()
    enqueued = []
    monkeypatch.setattr("app.jobs.recompute_quietly", lambda traject_id, **kw: enqueued.append(traject_id))
    response = _answer_all(client, token)
    assert response.location.endswith(f"/v/{token}/_controle")
    html = client.get(response.location).get_data(as_text=True)
    assert "Stap 4 van 4" in html
    assert "4 — Eens" in html and "Ja" in html and "Inkoop" in html and "Goed plan" in html
    for key in ("houding", "keuzes", "open"):
        assert f"/v/{token}/{key}" in html
    assert _responses() == 0
    response = client.post(f"/v/{token}/_verzenden")
    assert response.status_code == 302 and response.location.endswith("/_bedankt")
    assert "Dank u wel" in client.get(response.location).get_data(as_text=True)
    assert _responses() == 1
    row = db.session.scalar(select(Response))
    assert row.answers == {
        "wil_1": 4,
        "wil_2": 5,
        "samen": True,
        "domeinen": ["inkoop"],
        "fte": 2.5,
        "opmerking": "Goed plan",
    }
    assert row.participant_id is None and row.user_id is None and row.signed_at is None
    assert row.organisation_code == "AA" and row.role == "ict_staff"
    db.session.expire_all()
    assert db.session.get(Participant, participant.id).completed is True
    assert db.session.get(Traject, traject.id).indicators_stale is True
    assert enqueued == [traject.id]  # after the commit, without a job row; the worker clears the flag
    assert db.session.scalar(select(func.count()).select_from(ResponseDraft)) == 0
    # the link is used now
    html = client.get(f"/v/{token}").get_data(as_text=True)
    assert "U heeft deze vragenlijst al ingevuld — dank u" in html
    second = client.post(f"/v/{token}/_verzenden")
    assert second.status_code == 409 and _responses() == 1
    assert "al ingevuld" in client.get(f"/v/{token}/houding").get_data(as_text=True)


def test_review_with_missing_answers_cannot_submit(app, client):
    _, _, _, token = _setup()
    client.post(f"/v/{token}/houding", data={"wil_1": "4", "actie": "opslaan"})
    html = client.get(f"/v/{token}/_controle").get_data(as_text=True)
    assert "Nog niet alles is goed ingevuld" in html
    assert f"/v/{token}/houding?controle=1" in html
    assert "Verzenden</button>" not in html
    response = client.post(f"/v/{token}/_verzenden")
    assert response.location.endswith("/_controle")
    assert _responses() == 0
    html = client.get(f"/v/{token}/keuzes?controle=1").get_data(as_text=True)
    assert "Deze vraag is verplicht." in html


def test_unknown_token_is_a_dutch_404_without_hints(app, client):
    response = client.get("/v/bestaat-niet")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Deze link werkt niet" in html
    _, _, participant, token = _setup()
    participant.token_hash = None  # erased
    db.session.commit()
    erased = client.get(f"/v/{token}")
    assert erased.status_code == 404 and erased.get_data(as_text=True) == html.replace("bestaat-niet", token)
    assert client.get(f"/v/{'x' * 200}").status_code == 404


def test_unknown_section_is_404_and_hidden_or_later_sections_redirect(app, client):
    _, _, _, token = _setup()
    assert client.get(f"/v/{token}/bestaat_niet").status_code == 404


def test_closed_not_open_and_opted_out_pages(app, client):
    traject = gen_traject()
    closed = gen_questionnaire(traject, status="closed")
    _, closed_token = gen_participant(closed)
    assert "Deze vragenlijst is gesloten" in client.get(f"/v/{closed_token}").get_data(as_text=True)
    later = gen_questionnaire(traject, opens_at=datetime(2031, 3, 2, 9, 0, tzinfo=UTC))
    _, later_token = gen_participant(later)
    html = client.get(f"/v/{later_token}").get_data(as_text=True)
    assert "nog niet open" in html and "2031" in html
    draft = gen_questionnaire(traject, status="draft")
    _, draft_token = gen_participant(draft)
    assert "nog niet open" in client.get(f"/v/{draft_token}").get_data(as_text=True)
    past = gen_questionnaire(traject, closes_at=datetime.now(UTC) - timedelta(hours=1))
    _, past_token = gen_participant(past)
    assert "gesloten" in client.get(f"/v/{past_token}/houding").get_data(as_text=True)
    opened = gen_questionnaire(traject)
    participant, token = gen_participant(opened)
    participant.opted_out = True
    db.session.commit()
    assert "U heeft zich afgemeld" in client.get(f"/v/{token}").get_data(as_text=True)
    assert client.post(f"/v/{token}/_verzenden").status_code == 410
    assert _responses() == 0


def test_identified_submission_records_the_participant(app, client):
    traject = gen_traject()
    questionnaire = gen_questionnaire(traject, definition=small_definition(anonymous=False))
    participant, token = gen_participant(questionnaire, role="ict_lead")
    _answer_all(client, token)
    client.post(f"/v/{token}/_verzenden")
    row = db.session.scalar(select(Response))
    assert row.participant_id == participant.id and row.revision == 1 and row.is_latest
    assert client.post(f"/v/{token}/_verzenden").status_code == 409


def test_log_filter_redacts_tokens_in_access_logs(app, client):
    assert any(isinstance(f, TokenRedactingFilter) for f in logging.getLogger("werkzeug").filters)
    assert any(isinstance(f, TokenRedactingFilter) for f in logging.getLogger("gunicorn.access").filters)
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '%s - - [%s] "%s" %s %s',
        ("127.0.0.1", "now", "GET /v/geheim123/open HTTP/1.1", "200", "-"),
        None,
    )
    TokenRedactingFilter().filter(record)
    assert "geheim123" not in record.getMessage() and "/v/[verborgen]/open" in record.getMessage()
    gunicorn = logging.LogRecord(
        "gunicorn.access",
        logging.INFO,
        __file__,
        1,
        "%(r)s %(s)s",
        ({"r": "POST /afmelden/geheim456 HTTP/1.1", "s": "200"},),
        None,
    )
    TokenRedactingFilter().filter(gunicorn)
    assert gunicorn.getMessage() == "POST /afmelden/[verborgen] HTTP/1.1 200"
    assert redact("/api/v1/responses") == "/api/v1/responses"


def test_a_blank_section_kept_per_process_is_the_page_rendered_afresh_and_never_shows_anyones_answer(app, client):
    """The first view of a section comes from app/respond/section_html.py's per-process copy: it
    must equal the page rendered without the copy, and once a respondent has answered (or erred in)
    the section, their page is rendered from their answers, not from the copy."""
    from app.respond import section_html

    traject = gen_traject()
    questionnaire = gen_questionnaire(traject)
    _, first = gen_participant(questionnaire)
    _, second = gen_participant(questionnaire)
    db.session.commit()

    def page(token):  # the CSRF value carries the second it was signed in: not part of the copy
        html = client.get(f"/v/{token}/houding").get_data(as_text=True).replace(token, "[token]")
        return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', html)

    section_html._blank.clear()
    fresh = page(first)  # renders and keeps the copy
    assert len(section_html._blank) == 1
    assert page(second) == fresh  # served from the copy
    section_html._blank.clear()
    assert page(second) == fresh  # rendered afresh again

    # An answer of the first respondent shows on their page only, checked.
    client.post(f"/v/{first}/houding", data={"wil_1": "4", "actie": "opslaan"})
    mine = client.get(f"/v/{first}/houding").get_data(as_text=True)
    assert re.search(r'name="wil_1"[^>]*value="4"[^>]* checked', mine)
    other = gen_participant(questionnaire)[1]
    db.session.commit()
    theirs = client.get(f"/v/{other}/houding").get_data(as_text=True)
    assert " checked" not in theirs
