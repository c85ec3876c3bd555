"""The mail tasks against a real SMTP server (aiosmtpd on 127.0.0.1) and a real worker on Redis."""

import socket
import time

import pytest
from aiosmtpd.controller import Controller
from builders import gen_traject, gen_user
from builders_distribution import gen_participant, gen_questionnaire
from celery_worker import start_worker, stop_worker
from sqlalchemy import select

from app.extensions import db
from app.jobs import enqueue
from app.models import Job, OutboxMessage
from app.services.tokens import token_for

INVITE = "worker.tasks.mail.send_invitations"
REMIND = "worker.tasks.mail.send_reminders"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what arrived, per SMTP session; it can refuse addresses."""

    def __init__(self, refuse=()):
        self.messages, self.sessions, self.refuse = [], set(), set(refuse)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.sessions.add(id(session))
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append({"to": envelope.rcpt_tos, "subject": message["Subject"], "body": message.get_content()})
        return "250 Message accepted"


@pytest.fixture
def smtp(app):
    def start(refuse=()):
        inbox = Inbox(refuse)
        controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
        controller.start()
        started.append(controller)
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
        return inbox

    started = []
    yield start
    for controller in started:
        controller.stop()


def _questionnaire(**kwargs):
    owner = gen_user("regisseur", name="Rita Regisseur")
    return gen_questionnaire(gen_traject(owner, name="Samen ICT"), **kwargs)


def _enqueue(task, questionnaire):
    return enqueue(
        task,
        kind="invitations" if task == INVITE else "reminders",
        traject_id=questionnaire.traject_id,
        task_kwargs={"questionnaire_id": questionnaire.id},
    )


def test_invitations_are_delivered_over_smtp_in_batches(app, smtp):
    inbox = smtp()
    app.config["MAIL_BATCH_SIZE"] = 2
    questionnaire = _questionnaire()
    participants = [gen_participant(questionnaire)[0] for _ in range(5)]
    job = _enqueue(INVITE, questionnaire)
    assert job.state == "done" and job.progress == 1.0 and job.result["sent"] == 5
    assert len(inbox.messages) == 5 and len(inbox.sessions) == 1  # one SMTP connection for the run
    by_address = {m["to"][0]: m for m in inbox.messages}
    for participant in participants:
        mail = by_address[participant.email]
        token = token_for(participant)
        assert mail["subject"].startswith("Uitnodiging")
        assert f"http://localhost/v/{token}" in mail["body"]
        assert f"http://localhost/afmelden/{token}" in mail["body"]
        assert "[[" not in mail["body"] and "Rita Regisseur" in mail["body"]
    stored = db.session.scalars(select(OutboxMessage)).all()
    assert {m.status for m in stored} == {"sent"}
    assert all("[[link:" in m.body and "/v/" not in m.body for m in stored)  # no token in the database
    # Idempotent: a second run mails nobody.
    assert _enqueue(INVITE, questionnaire).result["sent"] == 0 and len(inbox.messages) == 5


def test_a_refused_recipient_is_not_marked_invited_and_is_retried(app, smtp):
    inbox = smtp(refuse={"weg@school.nl"})
    questionnaire = _questionnaire()
    refused, _ = gen_participant(questionnaire, email="weg@school.nl")
    gen_participant(questionnaire, email="er@school.nl")
    job = _enqueue(INVITE, questionnaire)
    assert {k: job.result[k] for k in ("queued", "sent", "failed", "skipped", "retry")} == {
        "queued": 2,
        "sent": 1,
        "failed": 1,
        "skipped": 0,
        "retry": 0,
    }
    assert job.state == "done" and "1 mislukt" in job.message
    assert [m["to"] for m in inbox.messages] == [["er@school.nl"]]
    db.session.refresh(refused)
    assert refused.invited_at is None
    inbox.refuse.clear()
    assert _enqueue(INVITE, questionnaire).result["sent"] == 1
    assert [m["to"][0] for m in inbox.messages] == ["er@school.nl", "weg@school.nl"]


def test_mail_server_down_plans_a_retry_and_the_page_says_when(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port())  # nothing listens there
    questionnaire = _questionnaire()
    gen_participant(questionnaire)
    job = _enqueue(INVITE, questionnaire)
    assert job.state == "queued" and job.retry_at is not None
    assert "Mailserver onbereikbaar" in job.message and "nieuwe poging om" in job.message
    # The message waits in the outbox, claimed for this participant; nothing was handed over.
    assert db.session.scalar(select(OutboxMessage.status)) == "pending"
    assert job.result["pending"] == 1 and job.result["sent"] == 0


def test_reminders_over_smtp_reach_only_non_responders(app, smtp):
    inbox = smtp()
    questionnaire = _questionnaire()
    waiting, _ = gen_participant(questionnaire, invited_days_ago=8)
    gen_participant(questionnaire, invited_days_ago=8, completed=True)
    gen_participant(questionnaire, invited_days_ago=8, opted_out=True)
    job = _enqueue(REMIND, questionnaire)
    assert job.state == "done" and job.result["sent"] == 1
    assert [m["to"] for m in inbox.messages] == [[waiting.email]]
    assert inbox.messages[0]["subject"].startswith("Herinnering")
    assert f"/afmelden/{token_for(waiting)}" in inbox.messages[0]["body"]


def test_without_smtp_the_mails_wait_in_the_outbox(app):
    questionnaire = _questionnaire()
    gen_participant(questionnaire)
    job = _enqueue(INVITE, questionnaire)
    assert job.state == "done" and job.result["queued"] == 1 and job.result["sent"] == 0
    assert db.session.scalar(select(OutboxMessage.status)) == "outbox"


def test_a_real_worker_sends_invitations_from_redis(app, database_url, redis_url, tmp_path):
    """A Celery worker process (no request context, the worker's own app) runs the task."""
    app.extensions["celery"].conf.update(broker_url=redis_url, task_always_eager=False)
    questionnaire = _questionnaire()
    for _ in range(3):
        gen_participant(questionnaire)
    worker, log = start_worker(database_url, redis_url, tmp_path / "worker.log")
    try:
        job = _enqueue(INVITE, questionnaire)
        deadline = time.time() + 60
        state = None
        while time.time() < deadline:
            db.session.expire_all()
            state = db.session.scalar(select(Job.state).where(Job.id == job.id))
            if state in ("done", "failed"):
                break
            time.sleep(0.3)
        assert state == "done", (tmp_path / "worker.log").read_text()
        assert db.session.get(Job, job.id).progress == 1.0
        assert len(db.session.scalars(select(OutboxMessage)).all()) == 3
    finally:
        stop_worker(worker, log)
