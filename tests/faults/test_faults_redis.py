"""Fault: Redis (the broker) dies while respondents submit.

Submissions must not depend on the queue: every POST /api/v1/responses answers 201 and is saved,
the traject stays marked stale (the outbox flag), and once Redis is back the beat sweep hands the
lost recompute to a real worker, which writes a snapshot.
"""

from __future__ import annotations

import time

import pytest
from builders import gen_traject
from celery_worker import start_worker, stop_worker
from respond_builders import VALID_SMALL, gen_participant, gen_questionnaire
from sqlalchemy import func, select

from app.extensions import db
from app.models import IndicatorSnapshot, Job, Participant, Response, Traject
from config import Config

pytestmark = pytest.mark.slow


def _broker_app(make_app, broker_url: str):
    return make_app(
        CELERY=dict(
            Config.CELERY,
            broker_url=broker_url,
            task_always_eager=False,
            task_eager_propagates=False,
            broker_connection_timeout=1,
            broker_connection_max_retries=1,
        ),
        RECOMPUTE_REQUEUE_AFTER=0,
        JOB_NOT_QUEUED_GRACE=0,
        BROKER_RETRY_AFTER=0,
    )


def test_submissions_survive_a_redis_outage_and_the_sweep_catches_up(
    app, make_app, database_url, private_redis, tmp_path
):
    broker_app = _broker_app(make_app, private_redis.url)
    with broker_app.app_context():
        traject = gen_traject(name="Storing Redis")
        traject_id = traject.id
        questionnaire = gen_questionnaire(traject)
        tokens = [gen_participant(questionnaire, organisation=code)[1] for code in ("AA", "BB") for _ in range(3)]
        client = broker_app.test_client()

        private_redis.stop()
        started = time.monotonic()
        codes = [
            client.post("/api/v1/responses", json={"token": t, "answers": VALID_SMALL}).status_code for t in tokens
        ]
        assert codes == [201] * len(tokens)
        assert time.monotonic() - started < 30, "a dead broker must not stall submissions"
        db.session.expire_all()
        assert db.session.scalar(
            select(func.count()).select_from(Response).where(Response.questionnaire_id == questionnaire.id)
        ) == len(tokens)
        assert db.session.scalar(
            select(func.count())
            .select_from(Participant)
            .where(Participant.questionnaire_id == questionnaire.id, Participant.completed.is_(True))
        ) == len(tokens)
        assert db.session.get(Traject, traject_id).indicators_stale is True
        # A submission leaves no job row (docs/privacy.md); the stale flag is the outbox.
        assert db.session.scalars(select(Job).where(Job.traject_id == traject_id)).all() == []
        assert (
            db.session.scalar(
                select(func.count()).select_from(IndicatorSnapshot).where(IndicatorSnapshot.traject_id == traject_id)
            )
            == 0
        )
        health = client.get("/api/v1/health").get_json()
        assert health["broker"] == "down" and health["database"] == "ok"
        from worker.tasks.indicators import sweep_stale_trajects

        # A beat sweep during the outage makes a recompute job that cannot reach the broker …
        during = sweep_stale_trajects.apply().get()
        lost = db.session.get(Job, during["enqueued"][0])
        assert lost.state == "queued" and lost.sent_at is None and lost.not_queued

        private_redis.start()
        assert client.get("/api/v1/health").get_json()["broker"] == "ok"
        worker, log = start_worker(
            database_url, private_redis.url, tmp_path / "worker.log", SECRET_KEY="testing-not-secret"
        )
        try:
            back = time.monotonic()
            result = sweep_stale_trajects.apply().get()  # … the first sweep after the outage sends it
            assert traject_id in result["stale"]
            db.session.expire_all()
            assert db.session.get(Job, lost.id).sent_at is not None
            deadline = time.monotonic() + 45
            snapshot = None
            while time.monotonic() < deadline and snapshot is None:
                db.session.expire_all()
                snapshot = db.session.scalar(
                    select(IndicatorSnapshot).where(IndicatorSnapshot.traject_id == traject_id)
                )
                if snapshot is None:
                    time.sleep(0.3)
            assert snapshot is not None, (tmp_path / "worker.log").read_text()
            print(f"\nbroker back -> snapshot in {time.monotonic() - back:.1f} s after the first sweep")
            assert snapshot.responses == len(tokens)
            db.session.expire_all()
            assert db.session.get(Traject, traject_id).indicators_stale is False
        finally:
            stop_worker(worker, log)


def test_redis_killed_under_a_loop_of_submissions_gives_no_5xx_and_loses_nothing(make_app, private_redis, tmp_path):
    """Redis is both the limiter's storage and the broker; it is SIGKILLed mid-loop and restarted.

    Every request — submissions, logins, the opt-out page, an API call with a bad token — answers
    as it would with Redis up (no 5xx), every submission is stored, and the health check says the
    rate limits fell back to memory and went back to Redis.
    """
    from builders import PASSWORD, gen_user

    broker_app = make_app(
        CELERY=dict(
            Config.CELERY,
            broker_url=private_redis.url,
            task_always_eager=False,
            task_eager_propagates=False,
            broker_connection_timeout=1,
            broker_connection_max_retries=1,
            task_publish_retry_policy={
                "max_retries": 1,
                "interval_start": 0,
                "interval_step": 0.2,
                "interval_max": 0.2,
            },
        ),
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=private_redis.url,
        SUBMIT_RATE_LIMIT="1000 per minute",
        LOGIN_RATE_LIMIT="1000 per minute",
    )
    from app.extensions import limiter

    with broker_app.app_context():
        limiter._storage_dead = False  # the limiter object is shared by every app of the test session
        user = gen_user("regisseur", email="rita@example.nl")
        traject = gen_traject(user, name="Storing Redis onder last")
        questionnaire = gen_questionnaire(traject)
        tokens = [gen_participant(questionnaire, organisation=code)[1] for code in ("AA", "BB") for _ in range(20)]
        client = broker_app.test_client()
        assert client.get("/api/v1/health").get_json()["rate_limits"] == "redis"

        statuses, kill_at, back_at = [], 8, 30
        started = time.monotonic()
        for index, token in enumerate(tokens):
            if index == kill_at:
                private_redis.stop()
            if index == back_at:
                private_redis.start()
            statuses.append(client.post("/api/v1/responses", json={"token": token, "answers": VALID_SMALL}).status_code)
            if kill_at <= index < back_at and index % 5 == 0:
                # While Redis is down: a login, the opt-out page and a bad API token behave normally.
                statuses.append(client.post("/login", data={"email": user.email, "password": "wrong"}).status_code)
                statuses.append(client.get("/afmelden/" + "x" * 43).status_code)
                statuses.append(client.get("/api/v1/trajects", headers={"Authorization": "Bearer nope"}).status_code)
                health = client.get("/api/v1/health").get_json()
                assert health["rate_limits"] == "memory" and health["broker"] == "down"
        login = client.post("/login", data={"email": user.email, "password": PASSWORD})
        statuses.append(login.status_code)
        elapsed = time.monotonic() - started

        server_errors = [code for code in statuses if code >= 500]
        print(
            f"redis fault: {len(tokens)} submissions, {len(statuses)} requests, "
            f"{len(server_errors)} 5xx, {elapsed:.1f} s"
        )
        assert server_errors == []
        assert statuses[:1] == [201] and statuses.count(201) == len(tokens)
        assert login.status_code == 302
        db.session.expire_all()
        stored = db.session.scalar(
            select(func.count()).select_from(Response).where(Response.questionnaire_id == questionnaire.id)
        )
        assert stored == len(tokens), "lost responses"
        assert db.session.get(Traject, traject.id).indicators_stale is True
        # Redis is back: the limiter returns to it by itself (it checks back after 1, 2, 4 … s).
        deadline = time.monotonic() + 20
        state = None
        while time.monotonic() < deadline:
            client.post("/login", data={"email": user.email, "password": "wrong"})
            state = client.get("/api/v1/health").get_json()["rate_limits"]
            if state == "redis" and not limiter._storage_dead:
                break
            time.sleep(1)
        assert state == "redis"


def test_a_hanging_redis_gives_no_5xx_and_no_long_requests(make_app, private_redis):
    """Redis stopped with SIGSTOP (the port open, nothing answers) during submissions, then resumed:
    the limiter's 1 s socket timeout makes it fall back to memory, and after one failed publish the
    broker is left alone for BROKER_RETRY_AFTER seconds (app.jobs.publish): no 5xx, nothing lost,
    only the first request of a stretch pays the timeouts."""
    from app.extensions import limiter

    broker_app = make_app(
        CELERY=dict(
            Config.CELERY,
            broker_url=private_redis.url,
            task_always_eager=False,
            task_eager_propagates=False,
            broker_connection_timeout=1,
            broker_connection_max_retries=1,
            broker_transport_options={"socket_timeout": 2, "socket_connect_timeout": 1},
            task_publish_retry_policy={
                "max_retries": 1,
                "interval_start": 0,
                "interval_step": 0.2,
                "interval_max": 0.2,
            },
        ),
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=private_redis.url,
        SUBMIT_RATE_LIMIT="1000 per minute",
    )
    with broker_app.app_context():
        limiter._storage_dead = False
        questionnaire = gen_questionnaire(gen_traject(name="Redis hangt"))
        tokens = [gen_participant(questionnaire)[1] for _ in range(24)]
        client = broker_app.test_client()
        statuses, slowest, durations = [], 0.0, []
        try:
            for index, token in enumerate(tokens):
                if index == 6:
                    private_redis.pause()
                if index == 18:
                    private_redis.resume()
                started = time.monotonic()
                statuses.append(
                    client.post("/api/v1/responses", json={"token": token, "answers": VALID_SMALL}).status_code
                )
                durations.append(round(time.monotonic() - started, 1))
                slowest = max(slowest, durations[-1])
        finally:
            private_redis.resume()
        print(
            f"\nhanging redis: {len(statuses)} submissions, {sum(c >= 500 for c in statuses)} 5xx, "
            f"slowest {slowest:.1f} s, per request {durations}"
        )
        assert [c for c in statuses if c >= 500] == [] and statuses.count(201) == len(tokens)
        assert slowest < 10
        assert sum(d > 1.5 for d in durations) <= 2, durations  # the breaker: not every request waits
        db.session.expire_all()
        assert db.session.scalar(
            select(func.count()).select_from(Response).where(Response.questionnaire_id == questionnaire.id)
        ) == len(tokens)
