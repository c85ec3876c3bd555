"""Mails in the recipient's language (issue 16): a participant's invitation and reminders, a
bestuurder's advice notices and a password reset follow the language chosen for them, and the outbox
marks each message with it."""

from __future__ import annotations

import io

from builders import add_member, gen_traject, gen_user, login
from builders_distribution import gen_participant, gen_questionnaire
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage, Participant, User
from app.services import advice_versions, invitations


def _messages(kind: str) -> dict[str, OutboxMessage]:
    return {m.recipient: m for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind))}


def test_invitations_are_written_in_each_participants_language(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("ZL",))
    questionnaire = gen_questionnaire(traject)
    login(client, owner)
    people = (
        "naam;e-mail;rol;organisatie;taal\nAnna;anna@zl.nl;ict-medewerker;ZL;nl\n"
        "Bob;bob@zl.nl;ict-medewerker;ZL;English\nCor;cor@zl.nl;ict-medewerker;ZL;\n"
    )
    response = client.post(
        f"/vragenlijsten/{questionnaire.id}/deelnemers/import",
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(people.encode()), "deelnemers.csv")},
    )
    assert response.status_code == 302
    languages = {p.email: p.language for p in db.session.scalars(select(Participant))}
    assert languages == {"anna@zl.nl": "nl", "bob@zl.nl": "en", "cor@zl.nl": None}
    with app.test_request_context("/"):
        invitations.send_invitations(questionnaire.id)
    sent = _messages("invitation")
    assert sent["bob@zl.nl"].language == "en" and sent["bob@zl.nl"].subject.startswith("Invitation: ")
    assert (
        sent["bob@zl.nl"].body.startswith("Dear Bob,")
        and "Your personal link (do not forward it)" in sent["bob@zl.nl"].body
    )
    minutes = invitations.minutes_needed(questionnaire)
    assert f"About {minutes} minutes." in sent["bob@zl.nl"].body
    for dutch in ("anna@zl.nl", "cor@zl.nl"):
        assert sent[dutch].language == "nl" and sent[dutch].subject.startswith("Uitnodiging: ")
        assert "Uw persoonlijke link (stuur deze niet door)" in sent[dutch].body
    outbox = client.get(f"/trajecten/{traject.id}/outbox").get_data(as_text=True)
    assert '<pre lang="en">' in outbox and '<pre lang="nl">' in outbox


def test_a_wrong_language_in_the_list_is_refused_and_nothing_is_added(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("ZL",))
    questionnaire = gen_questionnaire(traject)
    login(client, owner)
    people = "naam;e-mail;rol;organisatie;taal\nAnna;anna@zl.nl;ict-medewerker;ZL;fr\n"
    html = client.post(
        f"/vragenlijsten/{questionnaire.id}/deelnemers/import",
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(people.encode()), "deelnemers.csv")},
    ).get_data(as_text=True)
    assert "Onbekende taal" in html
    assert db.session.scalar(select(Participant)) is None


def test_reminders_and_the_review_sample_follow_the_language(app):
    traject = gen_traject()
    questionnaire = gen_questionnaire(traject, max_reminders=2, reminder_interval_days=7)
    english, _ = gen_participant(questionnaire, email="en@zl.nl", invited_days_ago=8)
    english.language = "en"
    db.session.commit()
    with app.test_request_context("/"):
        subject, body = invitations.sample_invitation(questionnaire, english)
        assert subject.startswith("Invitation: ") and "(personal link)" in body and "[[" not in body
        subject_nl, body_nl = invitations.sample_invitation(questionnaire, english, lang="nl")
        assert subject_nl.startswith("Uitnodiging: ") and "(persoonlijke link)" in body_nl
        invitations.send_reminders(questionnaire.id)
    reminder = _messages("reminder")["en@zl.nl"]
    assert reminder.language == "en" and reminder.subject.startswith("Reminder: ")
    assert "Have you filled in the questionnaire in the meantime?" in reminder.body


def test_a_users_chosen_language_is_remembered_and_their_mails_follow_it(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("AA", "BB"))
    english_board = gen_user("bestuurder", email="board.en@aa.nl", organisation=traject.organisation_by_code("AA"))
    dutch_board = gen_user("bestuurder", email="board.nl@bb.nl", organisation=traject.organisation_by_code("BB"))
    for board in (english_board, dutch_board):
        add_member(traject, board)
    client.get("/taal/en")  # chosen on the login page
    login(client, english_board)
    assert db.session.get(User, english_board.id).language == "en"
    client.get("/taal/nl")
    assert db.session.get(User, english_board.id).language == "nl"
    client.get("/taal/en")
    assert db.session.get(User, english_board.id).language == "en"
    advice_versions.publish(traject, owner, confirm_gaps=True)
    db.session.commit()
    notices = _messages("advice_version")
    assert notices["board.en@aa.nl"].language == "en"
    assert notices["board.en@aa.nl"].subject.startswith("Advice version 1 published")
    assert notices["board.en@aa.nl"].body.startswith("Dear ")
    assert notices["board.nl@bb.nl"].language == "nl"
    assert notices["board.nl@bb.nl"].subject.startswith("Adviesversie 1 gepubliceerd")
    client.post("/logout")
    client.post("/wachtwoord-vergeten", data={"email": "board.en@aa.nl"})
    reset = _messages("password_reset")["board.en@aa.nl"]
    assert reset.language == "en" and reset.subject == "Draagvlak: set a new password"
    assert "[herstellink" in reset.body  # the link itself is never stored
