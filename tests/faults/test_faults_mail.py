"""Faults during invitation and reminder runs, against real processes: a Celery worker (solo pool)
on a private redis-server, PostgreSQL, and an aiosmtpd server that can be down, slow, or answer
421/451/550. Every figure is counted at the SMTP server, never from the database.

Each test prints one line "fault: sent=… received=… duplicates=… lost=…" (run with -s to see it).
"""

from __future__ import annotations

import signal
import time
from types import SimpleNamespace

import pytest
from builders import gen_traject, gen_user
from builders_distribution import gen_participant, gen_questionnaire
from celery_worker import pool_children, start_worker, stop_worker
from fault_smtp import FaultSMTP, wait_for
from sqlalchemy import func, select

from app.extensions import db
from app.jobs import enqueue
from app.models import Job, OutboxMessage, Participant
from app.services.tokens import token_for

pytestmark = pytest.mark.slow

INVITE = "worker.tasks.mail.send_invitations"
REMIND = "worker.tasks.mail.send_reminders"


@pytest.fixture
def rig(app, database_url, private_redis, tmp_path):
    app.extensions["celery"].conf.update(
        broker_url=private_redis.url,
        task_always_eager=False,
        broker_connection_timeout=1,
        broker_connection_max_retries=1,
    )
    smtp = FaultSMTP()
    log_path = tmp_path / "worker.log"
    workers = []

    def worker(**env):
        settings = dict(
            SECRET_KEY="testing-not-secret",
            CELERY_VISIBILITY_TIMEOUT="4",
            MAIL_CLAIM_LEASE="3",
            MAIL_RETRY_BACKOFF="1,1,2",
            MAIL_SERVER_DOWN_RETRY="2,2,3",
            MAIL_MAX_ATTEMPTS="4",
            **smtp.env(),
        )
        settings.update(env)
        pool = settings.pop("pool", "solo")
        process, log = start_worker(database_url, private_redis.url, log_path, pool=pool, **settings)
        workers.append((process, log))
        return process

    yield SimpleNamespace(smtp=smtp, worker=worker, log=log_path, redis=private_redis)
    for process, log in workers:
        stop_worker(process, log)
    smtp.stop()


def _questionnaire(n: int, **participant_kwargs):
    owner = gen_user("regisseur", name="Rita Regisseur")
    questionnaire = gen_questionnaire(gen_traject(owner, name="Storing mail"))
    participants = [gen_participant(questionnaire, **participant_kwargs)[0] for _ in range(n)]
    return questionnaire, participants


def _job(job_id: str) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def _finished(job_id: str):
    job = _job(job_id)
    return job if job.state in ("done", "failed") else None


def _figures(name: str, inbox, expected: set[str]) -> dict:
    received = set(inbox.received)
    duplicates = sum(count - 1 for count in inbox.received.values() if count > 1)
    lost = len(expected - received)
    sent = db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status.in_(("sent", "unconfirmed")))
    )
    figures = {
        "sent": sent,
        "received": inbox.total(),
        "duplicates": duplicates,
        "lost": lost,
        "extra": len(received - expected),
    }
    print(f"\n{name}: " + " ".join(f"{k}={v}" for k, v in figures.items()))
    return figures


def _enqueue(task, questionnaire):
    return enqueue(
        task,
        kind="invitations" if task == INVITE else "reminders",
        traject_id=questionnaire.traject_id,
        task_kwargs={"questionnaire_id": questionnaire.id},
    )


def test_worker_killed_mid_batch_mails_everyone_exactly_once(app, rig):
    questionnaire, participants = _questionnaire(100)
    expected = {p.email for p in participants}
    rig.smtp.start()
    first = rig.worker(MAIL_TEST_DELAY="0.03")
    job = _enqueue(INVITE, questionnaire)
    wait_for(lambda: rig.smtp.inbox.total() >= 30, 60, "30 mails aangekomen", rig.log, interval=0.02)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    at_kill = rig.smtp.inbox.total()
    assert at_kill < len(expected), "de worker moest midden in de batch sterven"
    assert _job(job.id).state == "running"
    rig.worker()  # Redis hands the unacknowledged task out again after the visibility timeout
    done = wait_for(lambda: _finished(job.id), 60, "job klaar na herlevering", rig.log)
    figures = _figures("worker kill -9 mid-batch", rig.smtp.inbox, expected)
    assert figures["duplicates"] == 0 and figures["lost"] == 0 and figures["extra"] == 0
    assert done.state == "done", done.message
    assert done.result["sent"] + done.result["unconfirmed"] <= len(expected)
    statuses = dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    print(f"killed after {at_kill} received; outbox afterwards: {statuses}")
    assert set(statuses) <= {"sent", "unconfirmed"} and sum(statuses.values()) == len(expected)
    # The links work: derived at sending time from each participant's token; none stored.
    for participant in participants[:5]:
        assert token_for(participant) in rig.smtp.inbox.bodies[participant.email][0]
    assert not db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.body.like("%/v/%"))
    )


def test_pool_process_killed_mid_batch_mails_everyone_exactly_once(app, rig):
    """A prefork worker whose pool process is SIGKILLed: the task comes back at once
    (reject_on_worker_lost), finds the dead process's claim still leased, waits for the lease
    and finishes; nobody twice, nobody missing."""
    questionnaire, participants = _questionnaire(100)
    expected = {p.email for p in participants}
    rig.smtp.start()
    worker = rig.worker(pool="prefork", MAIL_TEST_DELAY="0.03")
    job = _enqueue(INVITE, questionnaire)
    wait_for(lambda: rig.smtp.inbox.total() >= 30, 60, "30 mails aangekomen", rig.log, interval=0.02)
    children = pool_children(worker)
    assert len(children) == 1
    import os

    os.kill(children[0], signal.SIGKILL)
    at_kill = rig.smtp.inbox.total()
    assert at_kill < len(expected)
    done = wait_for(lambda: _finished(job.id), 60, "job klaar na het doden van het poolproces", rig.log)
    figures = _figures("pool process kill -9 mid-batch", rig.smtp.inbox, expected)
    statuses = dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    print(f"pool process killed after {at_kill} received; outbox afterwards: {statuses}")
    assert figures["duplicates"] == 0 and figures["lost"] == 0 and figures["extra"] == 0
    assert done.state == "done", done.message


def test_smtp_down_then_up_is_retried_and_everyone_gets_one_mail(app, rig):
    questionnaire, participants = _questionnaire(30)
    expected = {p.email for p in participants}
    rig.worker()  # the SMTP server is not started: nothing listens on its port
    job = _enqueue(INVITE, questionnaire)
    waiting = wait_for(
        lambda: (lambda j: j if j.state == "queued" and j.retry_at else None)(_job(job.id)),
        30,
        "job wacht op een nieuwe poging",
        rig.log,
    )
    assert "Mailserver onbereikbaar" in waiting.message and "nieuwe poging om" in waiting.message
    assert rig.smtp.inbox.total() == 0
    started = time.monotonic()
    rig.smtp.start()
    done = wait_for(lambda: _finished(job.id), 60, "job klaar nadat SMTP terug is", rig.log)
    print(f"\nSMTP terug -> klaar in {time.monotonic() - started:.1f} s")
    figures = _figures("SMTP down then up", rig.smtp.inbox, expected)
    assert figures["duplicates"] == 0 and figures["lost"] == 0
    assert done.state == "done" and done.result["sent"] == len(expected)
    assert done.message.startswith(f"{len(expected)} uitnodigingen verstuurd")


def test_421_and_451_for_a_share_every_recipient_once_and_a_true_status(app, rig):
    questionnaire, participants = _questionnaire(100)
    addresses = [p.email for p in participants]
    inbox = rig.smtp.inbox
    for address in addresses[::10]:  # 10%: 451 once
        inbox.temporary[address] = [451, 1]
    for address in addresses[5::25]:  # 4%: 421 (connection closed) once
        inbox.temporary[address] = [421, 1]
    inbox.permanent = {addresses[-1]}  # one mailbox that does not exist
    expected = set(addresses) - inbox.permanent
    rig.smtp.start()
    rig.worker()
    job = _enqueue(INVITE, questionnaire)
    # The first run leaves the refused ones for a retry and says when.
    first = wait_for(
        lambda: (lambda j: j if j.retry_at or j.state in ("done", "failed") else None)(_job(job.id)),
        60,
        "eerste ronde",
        rig.log,
        interval=0.05,
    )
    assert first.state == "queued" and "worden opnieuw geprobeerd" in first.message, first.message
    assert "nieuwe poging om" in first.message
    done = wait_for(lambda: _finished(job.id), 60, "job klaar", rig.log)
    figures = _figures("SMTP 421 (4%) / 451 (10%) / 550 (1)", inbox, expected)
    assert figures["duplicates"] == 0 and figures["lost"] == 0 and figures["extra"] == 0
    assert done.state == "done"
    assert done.result["sent"] == len(expected) and done.result["failed"] == 1
    assert done.message == f"{len(expected)} uitnodigingen verstuurd, 1 mislukt."
    assert inbox.sessions >= 5  # a new connection after every 421
    refused = db.session.scalar(select(Participant).where(Participant.email == addresses[-1]))
    assert refused.invited_at is None  # not counted as invited; a later run may try again


def test_two_reminder_runs_at_once_remind_nobody_twice(app, rig):
    questionnaire, participants = _questionnaire(80, invited_days_ago=8)
    expected = {p.email for p in participants}
    rig.smtp.start()
    rig.worker(MAIL_TEST_DELAY="0.01")
    rig.worker(MAIL_TEST_DELAY="0.01")
    jobs = [_enqueue(REMIND, questionnaire), _enqueue(REMIND, questionnaire)]
    for job in jobs:
        wait_for(lambda: _finished(job.id), 60, "herinneringsjob klaar", rig.log)
    figures = _figures("two reminder runs at once", rig.smtp.inbox, expected)
    assert figures["duplicates"] == 0 and figures["lost"] == 0
    assert all(_job(j.id).state == "done" for j in jobs)
    db.session.expire_all()
    assert set(db.session.scalars(select(Participant.reminders_sent))) == {1}


def test_report_requested_while_the_broker_is_down_is_built_once_it_returns(app, database_url, private_redis, tmp_path):
    from builders_results import gen_case_traject, gen_snapshot

    from app.jobs import sweep_jobs
    from app.models.advice import Report
    from app.results import report as report_service

    app.extensions["celery"].conf.update(
        broker_url=private_redis.url,
        task_always_eager=False,
        broker_connection_timeout=1,
        broker_connection_max_retries=1,
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2},
    )
    app.config.update(JOB_NOT_QUEUED_GRACE=1, BROKER_RETRY_AFTER=0)
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    gen_snapshot(traject)
    private_redis.stop()
    job = report_service.request_build(traject, owner)
    assert job.state == "queued" and job.sent_at is None and job.not_queued
    assert job.message.startswith("Niet in de wachtrij gekomen")
    private_redis.start()
    log_path = tmp_path / "worker.log"
    worker, log = start_worker(
        database_url, private_redis.url, log_path, SECRET_KEY="testing-not-secret", REPORT_DIR=str(tmp_path / "reports")
    )
    try:
        time.sleep(1.1)
        assert job.id in sweep_jobs()["resent"]  # what beat runs every minute
        done = wait_for(lambda: _finished(job.id), 90, "rapport gebouwd", log_path)
        assert done.state == "done", done.message
        reports = db.session.scalars(select(Report).where(Report.traject_id == traject.id)).all()
        assert [r.state for r in reports] == ["done"]  # built once
        # The next request is not blocked by anything stale: a new build starts.
        again = report_service.request_build(traject, owner)
        assert again.id != job.id
    finally:
        stop_worker(worker, log)


def test_database_outage_mid_batch_mails_everyone_exactly_once(private_postgres, private_redis, tmp_path):
    """PostgreSQL crashes (pg_ctl stop -m immediate) while the worker sends, and comes back: the
    task retries, a message whose hand-over was not recorded is sent again only if the server
    never got its final ".", and everyone gets exactly one mail."""
    from app import create_app
    from config import Config

    private_postgres.create_database("draagvlak")
    url = private_postgres.url("draagvlak")
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "connect_args": {"connect_timeout": 2}},
            "CELERY": dict(
                Config.CELERY,
                broker_url=private_redis.url,
                task_always_eager=False,
                broker_connection_timeout=1,
                broker_connection_max_retries=1,
            ),
        },
    )
    smtp = FaultSMTP()
    smtp.start()
    log_path = tmp_path / "worker.log"
    worker = log = None
    with app.app_context():
        db.create_all()
        try:
            questionnaire, participants = _questionnaire(80)
            expected = {p.email for p in participants}
            worker, log = start_worker(
                url,
                private_redis.url,
                log_path,
                SECRET_KEY="testing-not-secret",
                CELERY_VISIBILITY_TIMEOUT="4",
                MAIL_CLAIM_LEASE="3",
                MAIL_TEST_DELAY="0.03",
                **smtp.env(),
            )
            job = _enqueue(INVITE, questionnaire)
            job_id = job.id
            wait_for(lambda: smtp.inbox.total() >= 20, 60, "20 mails aangekomen", log_path, interval=0.02)
            db.session.remove()
            private_postgres.stop("immediate")
            during = smtp.inbox.total()
            time.sleep(3)
            private_postgres.start()
            done = wait_for(
                lambda: (lambda j: j if j and j.state in ("done", "failed") else None)(_safe_job(job_id)),
                90,
                "job klaar na de storing",
                log_path,
            )
            figures = _figures("database outage mid-batch", smtp.inbox, expected)
            statuses = dict(
                db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
            )
            print(f"PostgreSQL down after {during} received; outbox afterwards: {statuses}")
            assert during < len(expected)
            assert figures["duplicates"] == 0 and figures["lost"] == 0 and figures["extra"] == 0
            assert done.state == "done", done.message
        finally:
            if worker is not None:
                stop_worker(worker, log)
            smtp.stop()
            db.session.remove()
            db.engine.dispose()


def _safe_job(job_id):
    try:
        return _job(job_id)
    except Exception:  # the database may still be starting
        db.session.rollback()
        return None
