"""Invitations: queued as a task in batches with progress, idempotent, the outbox, and the links CSV."""

import csv
import io
from datetime import UTC

from builders import gen_traject, gen_user, login
from builders_distribution import gen_participant, gen_questionnaire
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Job, OutboxMessage, Participant
from app.services.tokens import token_for


def _setup(client=None, **kwargs):
    owner = gen_user("regisseur", name="Rita Regisseur")
    traject = gen_traject(owner, name="Samen ICT", organisations=("ZL", "BM"))
    questionnaire = gen_questionnaire(traject, **kwargs)
    if client is not None:
        login(client, owner)
    return owner, traject, questionnaire


def _outbox(kind="invitation"):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)).all()


def test_adding_sends_nothing_until_the_review_step_is_confirmed(client, app):
    _, traject, questionnaire = _setup(client)
    added = client.post(
        f"/vragenlijsten/{questionnaire.id}/deelnemers",
        data={"name": "Anna", "email": "anna@zl.nl", "role": "ict_staff", "organisation": "ZL"},
    )
    assert added.status_code == 302 and added.headers["Location"].endswith(
        f"/vragenlijsten/{questionnaire.id}/deelnemers/versturen"
    )
    assert _outbox() == [] and db.session.scalar(select(func.count(Job.id))) == 0
    review = client.get(added.headers["Location"]).get_data(as_text=True)
    assert "anna@zl.nl" in review and "Uitnodigingen versturen" in review
    assert "Beste Anna" in review and "(persoonlijke link)" in review and "/v/" not in review  # a sample
    client.post(f"/vragenlijsten/{questionnaire.id}/deelnemers/uitnodigen")
    (message,) = _outbox()
    assert message.recipient == "anna@zl.nl" and message.status == "outbox"
    assert message.traject_id == traject.id
    body = message.body
    assert "Beste Anna" in body and "Rita Regisseur" in body and "Samen ICT" in body  # who asks
    assert "Waarom?" in body and "minuten" in body and "anoniem" in body  # why, how long, anonymity
    assert "[[link:" in body and "[[afmelden:" in body  # placeholders, never the token
    job = db.session.scalar(select(Job).where(Job.kind == "invitations"))
    assert job.state == "done" and job.progress == 1.0 and job.result["queued"] == 1
    participant = db.session.scalar(select(Participant))
    assert participant.invited_at is not None
    # The outbox page does not show the personal link of an anonymous questionnaire ...
    token = token_for(participant)
    page = client.get(f"/trajecten/{traject.id}/outbox").get_data(as_text=True)
    assert token not in page and "alleen in de mail aan de deelnemer" in page
    # ... but does in a self-distribution traject (no SMTP), for forwarding.
    traject.self_distribution = True
    db.session.commit()
    page = client.get(f"/trajecten/{traject.id}/outbox").get_data(as_text=True)
    assert f"http://localhost/v/{token}" in page and f"http://localhost/afmelden/{token}" in page


def test_import_sends_nothing_either(client, app):
    _, _, questionnaire = _setup(client)
    data = {"file": (io.BytesIO(b"naam;e-mail;rol;organisatie\nAnna;anna@zl.nl;ict_staff;ZL\n"), "lijst.csv")}
    response = client.post(
        f"/vragenlijsten/{questionnaire.id}/deelnemers/import", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/deelnemers/versturen")
    assert _outbox() == [] and db.session.scalar(select(func.count(Participant.id))) == 1


def test_identified_questionnaire_says_it_is_not_anonymous_and_gives_the_deadline(app):
    from datetime import datetime

    from app.services.invitations import send_invitations

    _, _, questionnaire = _setup(template="board_commitment", closes_at=datetime(2099, 3, 1, 16, 0, tzinfo=UTC))
    gen_participant(questionnaire, role="board")
    send_invitations(questionnaire.id)
    body = _outbox()[0].body
    assert "niet anoniem" in body and "1 maart 2099 om 17:00" in body


def test_task_sends_in_batches_updates_progress_and_is_idempotent(app, monkeypatch):
    from app.jobs import enqueue
    from app.services import invitations

    app.config["MAIL_BATCH_SIZE"] = 2
    _, _, questionnaire = _setup()
    for _ in range(5):
        gen_participant(questionnaire)
    batches, progress = [], []
    real_batch = invitations._send_batch

    def spy(kind, q, ids, *args, **kwargs):
        batches.append(len(ids))
        return real_batch(kind, q, ids, *args, **kwargs)

    monkeypatch.setattr(invitations, "_send_batch", spy)
    real_progress = __import__("worker.tasks.mail", fromlist=["_progress"])._progress

    def record_progress(task, job_id):
        update = real_progress(task, job_id)

        def wrapped(done, total):
            progress.append((done, total))
            update(done, total)

        return wrapped

    monkeypatch.setattr("worker.tasks.mail._progress", record_progress)
    job = enqueue(
        "worker.tasks.mail.send_invitations",
        kind="invitations",
        traject_id=questionnaire.traject_id,
        task_kwargs={"questionnaire_id": questionnaire.id},
    )
    assert batches == [2, 2, 1] and progress == [(2, 5), (4, 5), (5, 5)]
    assert job.state == "done" and job.progress == 1.0 and job.result["queued"] == 5
    assert len(_outbox()) == 5
    again = enqueue(
        "worker.tasks.mail.send_invitations",
        kind="invitations",
        traject_id=questionnaire.traject_id,
        task_kwargs={"questionnaire_id": questionnaire.id},
    )
    assert again.state == "done" and again.result["queued"] == 0 and len(_outbox()) == 5


def test_resend_to_one_participant_only_when_asked(client, app):
    _, _, questionnaire = _setup(client, template="ict_foto")  # identified: per-person resend
    first, _ = gen_participant(questionnaire, invited_days_ago=1)
    gen_participant(questionnaire, invited_days_ago=1)
    client.post(f"/vragenlijsten/{questionnaire.id}/deelnemers/uitnodigen")
    assert _outbox() == []  # both were invited already
    client.post(f"/vragenlijsten/{questionnaire.id}/deelnemers/{first.id}/opnieuw")
    assert [m.recipient for m in _outbox()] == [first.email]


def test_no_per_person_resend_for_an_anonymous_questionnaire(client, app):
    _, _, questionnaire = _setup(client)
    first, _ = gen_participant(questionnaire, invited_days_ago=1, completed=True)
    page = client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers").get_data(as_text=True)
    assert "Opnieuw uitnodigen" not in page
    client.post(f"/vragenlijsten/{questionnaire.id}/deelnemers/{first.id}/opnieuw")
    assert _outbox() == []


def test_no_invitations_for_a_draft_until_it_opens(client, app):
    from app.services.invitations import send_invitations

    _, _, questionnaire = _setup(client, status="draft")
    gen_participant(questionnaire)
    response = client.post(f"/vragenlijsten/{questionnaire.id}/deelnemers/uitnodigen", follow_redirects=True)
    assert "niet open" in response.get_data(as_text=True) and _outbox() == []
    questionnaire.status = "open"
    db.session.commit()
    # The beat sweep (no questionnaire id) picks up every open questionnaire's pending invitations.
    result = send_invitations(None)
    assert result.queued == 1 and len(_outbox()) == 1


def test_opted_out_and_completed_participants_get_no_invitation(app):
    from app.services.invitations import send_invitations

    _, _, questionnaire = _setup()
    gen_participant(questionnaire, opted_out=True)
    gen_participant(questionnaire, completed=True)
    wanted, _ = gen_participant(questionnaire)
    send_invitations(questionnaire.id)
    assert [m.recipient for m in _outbox()] == [wanted.email]


def test_links_csv_for_a_mail_merge_lists_only_non_completed(client, app):
    _, traject, questionnaire = _setup(client, template="ict_foto")  # identified
    open_one, token = gen_participant(questionnaire, name="=HYPERLINK(1)", organisation="BM")
    gen_participant(questionnaire, completed=True)
    response = client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers/links.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["name", "email", "role", "organisation", "link"]
    assert rows[1:] == [["'=HYPERLINK(1)", open_one.email, "ict_lead", "BM", f"http://localhost/v/{token}"]]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export.links"))
    assert event.traject_id == traject.id and event.detail["count"] == 1


def test_links_csv_of_an_anonymous_questionnaire_only_with_self_distribution(client, app):
    _, traject, questionnaire = _setup(client)
    first, token = gen_participant(questionnaire)
    done, done_token = gen_participant(questionnaire, completed=True)
    refused = client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers/links.csv")
    assert refused.status_code == 302 and token not in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "export.links")) == 0
    switched = client.post(f"/trajecten/{traject.id}/verspreiding/zelf-verspreiden", data={"enabled": "y"})
    assert switched.status_code == 302
    assert db.session.get(type(traject), traject.id).self_distribution is True
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "traject.self_distribution_on")).traject_id
        == traject.id
    )
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers/links.csv")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            ),
            delimiter=";",
        )
    )
    # Everyone is listed, completed or not: the list does not tell who answered.
    assert sorted(r[4] for r in rows[1:]) == sorted(f"http://localhost/v/{t}" for t in (token, done_token))
    client.post(f"/trajecten/{traject.id}/verspreiding/zelf-verspreiden", data={})
    assert db.session.get(type(traject), traject.id).self_distribution is False
    assert client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers/links.csv").status_code == 302


def test_self_distribution_cannot_be_switched_on_with_a_mail_server(client, app):
    _, traject, _ = _setup(client)
    app.config["MAIL_SERVER"] = "127.0.0.1"
    try:
        page = client.post(
            f"/trajecten/{traject.id}/verspreiding/zelf-verspreiden", data={"enabled": "y"}, follow_redirects=True
        ).get_data(as_text=True)
    finally:
        app.config["MAIL_SERVER"] = None
    assert "mailserver ingesteld" in page and db.session.get(type(traject), traject.id).self_distribution is False


def test_bestuurder_cannot_download_links(client, app):
    from builders import add_member

    _, traject, questionnaire = _setup()
    board = gen_user("bestuurder")
    add_member(traject, board)
    login(client, board)
    assert client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers/links.csv").status_code == 403
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "export.links")) == 0


def test_the_beat_run_invites_nobody_new(app):
    """Nothing is sent by surprise: the 15-minute beat entry only delivers what already waits."""
    from app.jobs import celery_app

    questionnaire = gen_questionnaire(gen_traject())
    participant = gen_participant(questionnaire)[0]
    entry = app.config["CELERY"]["beat_schedule"]["send-pending-invitations"]
    celery = celery_app()
    celery.loader.import_default_modules()
    celery.tasks[entry["task"]].apply(kwargs=entry.get("kwargs", {}))
    db.session.expire_all()
    assert db.session.get(Participant, participant.id).invited_at is None
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
