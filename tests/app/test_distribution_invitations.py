"""Invitations: queued as a task in batches with progress, idempotent, the outbox, and the links CSV."""
import csv
import io

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Job, OutboxMessage, Participant
from app.services.tokens import token_for
from builders import gen_traject, gen_user, login
from builders_distribution import gen_participant, gen_questionnaire


def _setup(client=None, **kwargs):
    owner = gen_user("regisseur", name="Rita Regisseur")
    traject = gen_traject(owner, name="Samen ICT", organisations=("ZL", "BM"))
    questionnaire = gen_questionnaire(traject, **kwargs)
    if client is not None:
        login(client, owner)
    return owner, traject, questionnaire


def _outbox(kind="invitation"):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                              .order_by(OutboxMessage.id)).all()


def test_adding_on_an_open_questionnaire_queues_invitations_into_the_outbox(client, app):
    _, traject, questionnaire = _setup(client)
    client.post(f"/vragenlijsten/{questionnaire.id}/deelnemers",
                data={"name": "Anna", "email": "anna@zl.nl", "role": "ict_staff", "organisation": "ZL"})
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
    # The outbox page shows the real personal link and opt-out link for forwarding.
    page = client.get(f"/trajecten/{traject.id}/outbox").get_data(as_text=True)
    token = token_for(participant)
    assert f"http://localhost/v/{token}" in page and f"http://localhost/afmelden/{token}" in page


def test_identified_questionnaire_says_it_is_not_anonymous_and_gives_the_deadline(app):
    from datetime import datetime, timezone

    from app.services.invitations import send_invitations

    _, _, questionnaire = _setup(template="board_commitment",
                                 closes_at=datetime(2099, 3, 1, 16, 0, tzinfo=timezone.utc))
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

    def record_progress(job):
        update = real_progress(job)

        def wrapped(done, total):
            progress.append((done, total))
            update(done, total)
        return wrapped

    monkeypatch.setattr("worker.tasks.mail._progress", record_progress)
    job = enqueue("worker.tasks.mail.send_invitations", kind="invitations", traject_id=questionnaire.traject_id,
                  task_kwargs={"questionnaire_id": questionnaire.id})
    assert batches == [2, 2, 1] and progress == [(2, 5), (4, 5), (5, 5)]
    assert job.state == "done" and job.progress == 1.0 and job.result["queued"] == 5
    assert len(_outbox()) == 5
    again = enqueue("worker.tasks.mail.send_invitations", kind="invitations", traject_id=questionnaire.traject_id,
                    task_kwargs={"questionnaire_id": questionnaire.id})
    assert again.state == "done" and again.result["queued"] == 0 and len(_outbox()) == 5


def test_resend_to_one_participant_only_when_asked(client, app):
    _, _, questionnaire = _setup(client)
    first, _ = gen_participant(questionnaire, invited_days_ago=1)
    gen_participant(questionnaire, invited_days_ago=1)
    client.post(f"/vragenlijsten/{questionnaire.id}/deelnemers/uitnodigen")
    assert _outbox() == []  # both were invited already
    client.post(f"/vragenlijsten/{questionnaire.id}/deelnemers/{first.id}/opnieuw")
    assert [m.recipient for m in _outbox()] == [first.email]


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
    _, traject, questionnaire = _setup(client)
    open_one, token = gen_participant(questionnaire, name="=HYPERLINK(1)", organisation="BM")
    gen_participant(questionnaire, completed=True)
    response = client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers/links.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["name", "email", "role", "organisation", "link"]
    assert rows[1:] == [["'=HYPERLINK(1)", open_one.email, "ict_staff", "BM", f"http://localhost/v/{token}"]]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export.links"))
    assert event.traject_id == traject.id and event.detail["count"] == 1


def test_bestuurder_cannot_download_links(client, app):
    from builders import add_member

    _, traject, questionnaire = _setup()
    board = gen_user("bestuurder")
    add_member(traject, board)
    login(client, board)
    assert client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers/links.csv").status_code == 403
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "export.links")) == 0
