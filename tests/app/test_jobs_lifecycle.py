"""One job lifecycle: the registry, stuck jobs, the sweep, the retry button, jobs per questionnaire,
and a mail job's true status (eager Celery; the real-process versions are in tests/faults/)."""

from datetime import UTC, datetime, timedelta

from builders import gen_traject, gen_user, login
from builders_distribution import gen_questionnaire

from app.distribution.routes import job_message
from app.extensions import db
from app.jobs import JOB_KINDS, MAX_SWEEP_RESENDS, enqueue, enqueue_recompute, stuck, sweep_jobs
from app.models import Job

PING = "worker.tasks.ping"


def _ago(seconds):
    return datetime.now(UTC) - timedelta(seconds=seconds)


def _job(traject, **values):
    values.setdefault("attempts", 0)
    job = Job(kind="ping", traject_id=traject.id, state="queued", task_name=PING, task_kwargs={}, **values)
    db.session.add(job)
    db.session.commit()
    return job


def test_every_kind_has_a_task_and_limits():
    from celery import current_app as celery

    import worker.tasks  # noqa: F401  (registers every task)

    for kind, spec in JOB_KINDS.items():
        assert spec.task in celery.tasks, kind
        assert 0 < spec.queued_limit <= spec.running_limit
    assert JOB_KINDS["recompute"].queued_limit <= 60  # catch-up after a broker outage within a minute


def test_stuck_jobs_by_state_and_age(app):
    traject = gen_traject(gen_user())
    assert not stuck(_job(traject, sent_at=_ago(5), created_at=_ago(5)))
    assert stuck(_job(traject, sent_at=None, created_at=_ago(30)))  # never reached the broker
    assert not stuck(_job(traject, sent_at=None, created_at=_ago(1)))  # the enqueue may still be under way
    assert stuck(_job(traject, sent_at=_ago(400), created_at=_ago(400)))  # default limit 300 s
    assert not stuck(_job(traject, sent_at=_ago(400), retry_at=datetime.now(UTC) + timedelta(seconds=60)))
    running = _job(traject, sent_at=_ago(4000))
    running.state, running.updated_at = "running", _ago(4000)
    db.session.commit()
    assert stuck(running)


def test_the_sweep_resends_stuck_jobs_and_gives_up_after_the_limit(app):
    traject = gen_traject(gen_user())
    lost = _job(traject, sent_at=None, created_at=_ago(30))
    fresh = _job(traject, sent_at=_ago(5))
    hopeless = _job(traject, sent_at=_ago(400), created_at=_ago(400), attempts=MAX_SWEEP_RESENDS + 1)
    result = sweep_jobs()
    assert result == {"resent": [lost.id], "failed": [hopeless.id]}
    db.session.expire_all()
    assert db.session.get(Job, lost.id).state == "done"  # eager: the ping ran
    assert db.session.get(Job, fresh.id).state == "queued"
    assert db.session.get(Job, hopeless.id).state == "failed"


def test_a_stuck_queued_job_never_blocks_a_new_request(app):
    traject = gen_traject(gen_user())
    old = Job(
        kind="recompute",
        traject_id=traject.id,
        state="queued",
        created_at=_ago(600),
        sent_at=_ago(600),
        task_name="worker.tasks.indicators.recompute_indicators",
        task_kwargs={"traject_id": traject.id},
    )
    db.session.add(old)
    db.session.commit()
    job = enqueue_recompute(traject.id)
    assert job.id == old.id and job.state in ("done", "failed")  # handed over again and run (eager)


def test_not_queued_job_shows_and_the_retry_button_runs_it(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner)
    job = _job(
        traject,
        sent_at=None,
        created_by=owner.id,
        message="Niet in de wachtrij gekomen (wachtrij onbereikbaar); wordt binnen een minuut opnieuw geprobeerd.",
    )
    assert job.not_queued
    login(client, owner)
    page = client.get(f"/trajecten/{traject.id}/taken").get_data(as_text=True)
    assert "Niet in de wachtrij gekomen" in page and "Opnieuw proberen" in page
    assert client.get(f"/trajecten/{traject.id}/taken/{job.id}.json").get_json()["can_retry"] is True
    response = client.post(f"/trajecten/{traject.id}/taken/{job.id}/opnieuw")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Job, job.id).state == "done" and db.session.get(Job, job.id).attempts == 1
    page = client.get(f"/trajecten/{traject.id}/taken").get_data(as_text=True)
    assert "Opnieuw proberen" not in page


def test_mail_jobs_belong_to_their_questionnaire(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner)
    first, second = gen_questionnaire(traject), gen_questionnaire(traject)
    job = enqueue(
        "worker.tasks.mail.send_invitations",
        kind="invitations",
        traject_id=traject.id,
        task_kwargs={"questionnaire_id": first.id},
    )
    assert job.questionnaire_id == first.id
    login(client, owner)
    own = client.get(f"/vragenlijsten/{first.id}/deelnemers").get_data(as_text=True)
    other = client.get(f"/vragenlijsten/{second.id}/deelnemers").get_data(as_text=True)
    assert "Geen uitnodigingen te versturen." in own
    assert "Geen uitnodigingen te versturen." not in other


def test_a_mail_job_says_how_many_were_sent_failed_and_when_the_rest_is_retried(app):
    with app.test_request_context("/"):
        _texts()


def _texts():
    job = Job(
        kind="invitations",
        state="queued",
        retry_at=datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
        result={"queued": 500, "sent": 450, "failed": 2, "retry": 48, "pending": 0, "unconfirmed": 0},
    )
    assert job_message(job) == ("450 uitnodigingen verstuurd, 2 mislukt, 48 worden opnieuw geprobeerd om 10:30:00.")
    job.state, job.retry_at = "done", None
    job.result = {"queued": 500, "sent": 498, "failed": 2, "retry": 0, "pending": 0, "unconfirmed": 0}
    assert job_message(job) == "498 uitnodigingen verstuurd, 2 mislukt."
    job.state, job.retry_at = "queued", datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    job.result = {"queued": 30, "sent": 0, "failed": 0, "retry": 0, "pending": 30, "unconfirmed": 0}
    assert job_message(job).startswith("Mailserver onbereikbaar. 0 uitnodigingen verstuurd, 30 worden opnieuw")


def test_a_stuck_report_job_does_not_block_a_new_build(app, monkeypatch):
    from app.results import report as report_service

    traject = gen_traject(gen_user())
    fresh = Job(
        kind="report",
        traject_id=traject.id,
        state="queued",
        task_name="worker.tasks.reports.build_report",
        task_kwargs={"traject_id": traject.id},
        sent_at=_ago(5),
        attempts=1,
    )
    db.session.add(fresh)
    db.session.commit()
    retried = []
    monkeypatch.setattr(report_service, "retry_job", lambda job: retried.append(job.id) or True)
    assert report_service.request_build(traject).id == fresh.id and retried == []  # still fine: reused
    fresh.sent_at = fresh.created_at = _ago(600)  # lost while the broker was down
    db.session.commit()
    assert report_service.request_build(traject).id == fresh.id and retried == [fresh.id]  # handed over again


def test_a_beat_run_that_leaves_mail_waiting_gets_a_job_with_a_planned_retry(app):
    import socket

    from builders_distribution import gen_participant

    from worker.tasks.mail import send_invitations

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)  # nothing listens there
    questionnaire = gen_questionnaire(gen_traject(gen_user("regisseur")))
    gen_participant(questionnaire)
    send_invitations.apply(kwargs={"questionnaire_id": None})  # what beat runs, without a job
    job = db.session.scalar(db.select(Job).where(Job.kind == "invitations"))
    assert job is not None and job.state == "queued" and job.retry_at is not None
    assert job.task_kwargs["deliver_only"] is True and "Mailserver onbereikbaar" in job.message


def test_the_report_page_says_a_request_did_not_reach_the_queue_and_offers_a_retry(client, app):
    from builders_results import gen_case_traject, gen_snapshot

    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    gen_snapshot(traject)
    db.session.add(
        Job(
            kind="report",
            traject_id=traject.id,
            state="queued",
            created_by=owner.id,
            task_name="worker.tasks.reports.build_report",
            task_kwargs={"traject_id": traject.id},
        )
    )
    db.session.commit()
    login(client, owner)
    page = client.get(f"/trajecten/{traject.id}/rapport").get_data(as_text=True)
    assert "de wachtrij was onbereikbaar" in page and "Rapport bouwen" in page
