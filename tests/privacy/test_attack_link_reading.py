"""Attack 4: "reading by link" — as the regisseur, get hold of a person's personal link, read their
unsent draft and answer in their name.

The attacker holds the participant list, adds participants, sends the invitations and reads every
page, download and API answer open to a regisseur: the links CSV, the outbox, the participants and
review pages, the API's answers, the privacy export. None of them may show a usable link or token
of an anonymous questionnaire. The links reach the participants only through a real SMTP server
(aiosmtpd); the victim opens theirs and saves a draft. A second browser with the same link — the
attacker who got it anyway — sees "Deze link is al in gebruik op een ander apparaat", no draft,
and can neither submit nor overwrite; asking for a fresh link voids the old one and mails the new
one to the victim's own address.
"""

from __future__ import annotations

import json

from builders import api_token, gen_traject, gen_user, login
from respond_builders import gen_questionnaire
from smtp_inbox import smtp_server  # noqa: F401 - the fixture
from sqlalchemy import func, select

from app.extensions import db
from app.models import OutboxMessage, Participant, Response, ResponseDraft

SECRET = "GEHEIM-concept-van-anna-7319"
VICTIM = "anna@school.nl"
ROWS = [
    {"email": VICTIM, "name": "Anna de Vries", "role": "ict_staff", "organisation": "AA"},
    {"email": "bram@school.nl", "name": "Bram", "role": "ict_staff", "organisation": "AA"},
    {"email": "cor@school.nl", "name": "Cor", "role": "ict_lead", "organisation": "BB"},
]


def _world(client, app, smtp_server):
    inbox = smtp_server()
    regisseur = gen_user("regisseur", name="Rita Regisseur")
    traject = gen_traject(regisseur, organisations=("AA", "BB"))
    questionnaire = gen_questionnaire(traject)  # anonymous, open
    headers = api_token(regisseur)
    added = client.post(
        f"/api/v1/questionnaires/{questionnaire.id}/participants", json={"participants": ROWS}, headers=headers
    )
    assert added.status_code == 201, added.get_json()
    assert inbox.messages == []  # adding sends nothing
    sent = client.post(f"/api/v1/questionnaires/{questionnaire.id}/invitations", json={}, headers=headers)
    assert sent.status_code == 202, sent.get_json()
    token = inbox.latest_token(VICTIM)
    return inbox, regisseur, traject, questionnaire, headers, token, [added, sent]


def _victim_saves_a_draft(app, token):
    victim = app.test_client()
    assert victim.get(f"/v/{token}").status_code == 200
    saved = victim.post(f"/v/{token}/open", data={"opmerking": SECRET, "actie": "opslaan"})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:500]
    assert db.session.scalar(select(ResponseDraft.answers)) == {"opmerking": SECRET}
    return victim


def _texts(responses) -> list[str]:
    return [r.get_data(as_text=True) for r in responses]


def test_no_page_download_or_api_answer_shows_an_anonymous_link(client, app, smtp_server):
    inbox, regisseur, traject, questionnaire, headers, token, answers = _world(client, app, smtp_server)
    _victim_saves_a_draft(app, token)
    tokens = {t for m in inbox.messages for t in inbox.tokens_for(m["to"])}
    assert len(tokens) == 3
    login(client, regisseur)
    job = answers[1].get_json()["job"]
    seen = answers + [
        client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers/links.csv", follow_redirects=True),
        client.get(f"/trajecten/{traject.id}/outbox"),
        client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers"),
        client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers/versturen"),
        client.get(f"/vragenlijsten/{questionnaire.id}/respons"),
        client.get(f"/trajecten/{traject.id}/verspreiding"),
        client.get(f"/trajecten/{traject.id}/logboek"),
        client.get(f"/trajecten/{traject.id}/taken"),
        client.get(f"/api/v1/questionnaires/{questionnaire.id}", headers=headers),
        client.get(f"/api/v1/questionnaires/{questionnaire.id}/response-rate", headers=headers),
        client.get(f"/api/v1/jobs/{job}", headers=headers),
        client.post(f"/trajecten/{traject.id}/privacy/export", data={"email": VICTIM}),
    ]
    for text in _texts(seen):
        for leaked in tokens:
            assert leaked not in text
        assert SECRET not in text
    # The links CSV is refused outright, and nothing is recorded as exported.
    csv = client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers/links.csv")
    assert csv.status_code == 302 and csv.mimetype != "text/csv"
    # The privacy export names the invitation but holds no draft and no completion.
    export = json.loads(seen[-1].get_data(as_text=True))
    (row,) = export["participants"]
    assert "completed" not in row["invitation"] and SECRET not in json.dumps(export)
    # The database holds hashes only: no stored mail body carries a token either.
    for message in db.session.scalars(select(OutboxMessage)):
        assert not any(t in message.body for t in tokens)
    assert not db.session.scalar(select(func.count(Participant.id)).where(Participant.token_hash.in_(tokens)))


def test_a_second_browser_sees_no_draft_and_cannot_submit_or_overwrite(client, app, smtp_server):
    inbox, regisseur, traject, questionnaire, headers, token, _ = _world(client, app, smtp_server)
    victim = _victim_saves_a_draft(app, token)
    login(client, regisseur)  # the attacker's own browser, with the victim's link
    for url in (
        f"/v/{token}",
        f"/v/{token}/houding",
        f"/v/{token}/open",
        f"/v/{token}/_controle",
        f"/v/{token}/_opgeslagen",
    ):
        page = client.get(url)
        text = page.get_data(as_text=True)
        assert page.status_code == 409, url
        assert "Deze link is al in gebruik op een ander apparaat" in text and SECRET not in text
    # Submitting, or overwriting the draft, from here does nothing.
    assert client.post(f"/v/{token}/_verzenden").status_code == 409
    assert (
        client.post(f"/v/{token}/open", data={"opmerking": "van de regisseur", "actie": "opslaan"}).status_code == 409
    )
    for attempt in ({"token": token, "answers": {"wil_1": 1, "wil_2": 1, "samen": False}},):
        assert client.post("/api/v1/responses", json=attempt).status_code == 409
    # A forged cookie does not help either.
    client.set_cookie("draagvlak_apparaat", "geraden-geheim", path="/v/")
    assert client.get(f"/v/{token}").status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    assert db.session.scalar(select(ResponseDraft.answers)) == {"opmerking": SECRET}
    # The victim's own browser still reads the draft.
    resumed = victim.get(f"/v/{token}/open").get_data(as_text=True)
    assert SECRET in resumed


def test_a_fresh_link_voids_the_old_one_and_goes_to_the_victims_mailbox_only(client, app, smtp_server):
    inbox, regisseur, traject, questionnaire, headers, token, _ = _world(client, app, smtp_server)
    _victim_saves_a_draft(app, token)
    attacker = app.test_client()
    before = len(inbox.to(VICTIM))
    asked = attacker.post(f"/v/{token}/_nieuwe-link")
    assert asked.status_code == 200
    assert len(inbox.to(VICTIM)) == before + 1  # the invitation again, over the normal mail path
    fresh = inbox.latest_token(VICTIM)
    assert fresh != token and fresh not in asked.get_data(as_text=True)
    # The old link is dead everywhere; the new one is in no outbox row the regisseur could read.
    assert attacker.get(f"/v/{token}").status_code == 404
    assert app.test_client().get(f"/v/{token}").status_code == 404
    login(client, regisseur)
    assert fresh not in client.get(f"/trajecten/{traject.id}/outbox").get_data(as_text=True)
    # The victim continues on the new link in their own (new) browser: the draft was kept.
    victim = app.test_client()
    assert SECRET in victim.get(f"/v/{fresh}/open").get_data(as_text=True)
    answered = {"wil_1": 4, "wil_2": 5, "samen": True}
    for section, data in (("houding", {"wil_1": "4", "wil_2": "5"}), ("keuzes", {"samen": "ja"})):
        assert victim.post(f"/v/{fresh}/{section}", data={**data, "actie": "opslaan"}).status_code == 302
    assert victim.post(f"/v/{fresh}/_verzenden").status_code == 302
    (response,) = db.session.scalars(select(Response)).all()
    assert {k: response.answers[k] for k in answered} == answered and response.answers["opmerking"] == SECRET


def test_self_distribution_is_explicit_audited_and_told_to_respondents(client, app):
    regisseur = gen_user("regisseur")
    traject = gen_traject(regisseur, organisations=("AA",))
    questionnaire = gen_questionnaire(traject)
    headers = api_token(regisseur)
    client.post(
        f"/api/v1/questionnaires/{questionnaire.id}/participants", json={"participants": ROWS[:1]}, headers=headers
    )
    from app.services.tokens import token_for

    token = token_for(db.session.scalar(select(Participant)))
    intro = app.test_client().get(f"/v/{token}").get_data(as_text=True)
    assert "zelf verspreiden" not in intro
    login(client, regisseur)
    client.post(f"/trajecten/{traject.id}/verspreiding/zelf-verspreiden", data={"enabled": "y"})
    from app.models import AuditEvent
    from app.services.participants import self_distribution_statement

    assert (
        db.session.scalar(select(AuditEvent.action).where(AuditEvent.action.like("traject.self_distribution%")))
        == "traject.self_distribution_on"
    )
    links = client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers/links.csv").get_data(as_text=True)
    assert token in links  # explicitly allowed now ...
    intro = app.test_client().get(f"/v/{token}").get_data(as_text=True)
    assert "zelf verspreiden" in intro and "De regisseur heeft uw link dus in handen gehad" in intro  # ... and told
    db.session.refresh(traject)
    assert traject.self_distribution and "zelf verspreid" in self_distribution_statement(traject)
    # Even now the API never answers a token of an anonymous questionnaire.
    more = client.post(
        f"/api/v1/questionnaires/{questionnaire.id}/participants", json={"participants": ROWS[1:2]}, headers=headers
    ).get_json()
    assert more == {"invitations": [{"email": "bram@school.nl"}]}


def test_identified_questionnaires_still_answer_their_token(client, app):
    regisseur = gen_user("regisseur")
    traject = gen_traject(regisseur, organisations=("AA",))
    foto = gen_questionnaire(traject, "ict_foto")
    answer = client.post(
        f"/api/v1/questionnaires/{foto.id}/participants",
        headers=api_token(regisseur),
        json={"participants": [{"email": "lead@school.nl", "name": "L", "role": "ict_lead", "organisation": "AA"}]},
    ).get_json()
    (invitation,) = answer["invitations"]
    assert invitation["url"].endswith(f"/v/{invitation['token']}")


def test_without_smtp_a_fresh_link_waits_in_the_outbox_hidden_and_the_draft_is_gone(client, app):
    """Without a mail server the new link would pass through the regisseur's outbox: it is shown
    there hidden (no self-distribution), and the draft does not survive the hand-over."""
    from builders_distribution import gen_participant

    regisseur = gen_user("regisseur")
    traject = gen_traject(regisseur, organisations=("AA",))
    questionnaire = gen_questionnaire(traject)
    participant, token = gen_participant(questionnaire, email=VICTIM, organisation="AA")
    _victim_saves_a_draft(app, token)
    assert app.test_client().post(f"/v/{token}/_nieuwe-link").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(ResponseDraft)) == 0
    (message,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == VICTIM)).all()
    login(client, regisseur)
    outbox = client.get(f"/trajecten/{traject.id}/outbox").get_data(as_text=True)
    assert "/v/" not in outbox and "alleen in de mail aan de deelnemer" in outbox
    assert app.test_client().get(f"/v/{token}").status_code == 404  # the old link is void
