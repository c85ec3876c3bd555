"""Reminders go to non-responders only, within the maximum and interval, never after closing; opt-out."""

from datetime import timedelta

from builders import gen_traject, gen_user, login
from builders_distribution import days_ago, gen_participant, gen_questionnaire
from sqlalchemy import select

from app.extensions import db
from app.models import Job, OutboxMessage
from app.services.invitations import send_reminders


def _questionnaire(**kwargs):
    owner = gen_user("regisseur")
    return owner, gen_questionnaire(gen_traject(owner), max_reminders=2, reminder_interval_days=7, **kwargs)


def _reminded():
    return sorted(
        m.recipient for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))
    )


def test_only_non_responders_due_and_below_the_maximum_are_reminded(app):
    _, questionnaire = _questionnaire()
    due, _ = gen_participant(questionnaire, email="due@zl.nl", invited_days_ago=8)
    gen_participant(questionnaire, email="done@zl.nl", invited_days_ago=8, completed=True)
    gen_participant(questionnaire, email="optout@zl.nl", invited_days_ago=8, opted_out=True)
    gen_participant(questionnaire, email="recent@zl.nl", invited_days_ago=3)
    gen_participant(questionnaire, email="never@zl.nl")  # not invited yet: no reminder
    gen_participant(
        questionnaire, email="max@zl.nl", invited_days_ago=30, reminders_sent=2, last_reminded_at=days_ago(8)
    )
    gen_participant(
        questionnaire, email="lastweek@zl.nl", invited_days_ago=30, reminders_sent=1, last_reminded_at=days_ago(2)
    )
    second, _ = gen_participant(
        questionnaire,
        email="second@zl.nl",
        invited_days_ago=30,
        reminders_sent=1,
        last_reminded_at=days_ago(7) - timedelta(minutes=1),
    )
    result = send_reminders(questionnaire.id)
    assert _reminded() == ["due@zl.nl", "second@zl.nl"] and result.queued == 2
    db.session.refresh(due)
    db.session.refresh(second)
    assert (due.reminders_sent, second.reminders_sent) == (1, 2)
    assert due.last_reminded_at is not None
    body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.recipient == "due@zl.nl"))
    assert "nog niet gedaan" in body and "[[afmelden:" in body
    # Straight away again: nobody is due (interval), so nobody gets a second mail.
    assert send_reminders(questionnaire.id).queued == 0 and len(_reminded()) == 2


def test_no_reminders_after_the_close_date_or_when_closed(app):
    _, closing = _questionnaire(closes_at=days_ago(0.01))
    gen_participant(closing, invited_days_ago=10)
    _, closed = _questionnaire(status="closed")
    gen_participant(closed, invited_days_ago=10)
    assert send_reminders(closing.id).queued == 0
    assert send_reminders(closed.id).queued == 0
    assert send_reminders(None).queued == 0
    assert _reminded() == []


def test_the_scheduled_run_covers_every_open_questionnaire(app):
    _, first = _questionnaire()
    _, second = _questionnaire()
    _, draft = _questionnaire(status="draft")
    for questionnaire in (first, second, draft):
        gen_participant(questionnaire, invited_days_ago=10)
    assert send_reminders(None).queued == 2


def test_button_enqueues_the_reminder_task(client, app):
    owner, questionnaire = _questionnaire()
    gen_participant(questionnaire, invited_days_ago=10)
    login(client, owner)
    page = client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers").get_data(as_text=True)
    # Anonymous: how many reminders are due would tell how many have not answered.
    assert "Herinnering nu mogelijk voor" not in page and "toont Draagvlak bij een anonieme vragenlijst" in page
    response = client.post(f"/vragenlijsten/{questionnaire.id}/deelnemers/herinneren")
    assert response.status_code == 302
    job = db.session.scalar(select(Job).where(Job.kind == "reminders"))
    assert job.state == "done" and job.result["queued"] == 1 and len(_reminded()) == 1
    page = client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers").get_data(as_text=True)
    assert "1 herinnering verstuurd" not in page and "Herinneringen verstuurd aan wie nog niet" in page
    # Identified: the regisseur sees the count.
    questionnaire.anonymous = False
    db.session.commit()
    page = client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers").get_data(as_text=True)
    assert "Herinnering nu mogelijk voor: 0" in page


def test_beat_schedule_runs_reminders_and_pending_invitations(app):
    schedule = app.extensions["celery"].conf.beat_schedule
    tasks = {entry["task"] for entry in schedule.values()}
    assert {"worker.tasks.mail.send_reminders", "worker.tasks.mail.send_invitations"} <= tasks


def test_opt_out_link_asks_then_confirms_and_stops_reminders(client, app):
    _, questionnaire = _questionnaire()
    participant, token = gen_participant(questionnaire, invited_days_ago=10)
    asked = client.get(f"/afmelden/{token}")
    assert asked.status_code == 200 and "meld mij af" in asked.get_data(as_text=True)
    db.session.refresh(participant)
    assert participant.opted_out is False  # a GET (a mail scanner) changes nothing
    done = client.post(f"/afmelden/{token}")
    assert done.status_code == 200 and "U bent afgemeld" in done.get_data(as_text=True)
    db.session.refresh(participant)
    assert participant.opted_out is True
    assert send_reminders(questionnaire.id).queued == 0
    assert client.get("/afmelden/onbekend-token").status_code == 404


def test_opt_out_is_rate_limited(app, make_app):
    _, questionnaire = _questionnaire()
    _, token = gen_participant(questionnaire)
    limited = make_app(RATELIMIT_ENABLED=True, OPTOUT_RATE_LIMIT="3 per minute")
    client = limited.test_client()
    codes = [client.get(f"/afmelden/{token}").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
