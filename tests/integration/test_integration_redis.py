"""The real Redis: broker health, a real Celery worker consuming a task, and Redis-backed rate limits."""

import time

import redis
from celery_worker import start_worker, stop_worker
from sqlalchemy import select

from app.extensions import db
from app.models import Job


def test_health_reports_a_reachable_broker(make_app, redis_url):
    app = make_app(CELERY={"broker_url": redis_url, "task_always_eager": False, "imports": ()})
    assert app.test_client().get("/api/v1/health").json["broker"] == "ok"


def test_health_reports_a_broker_that_is_down(make_app):
    app = make_app(
        CELERY={
            "broker_url": "redis://127.0.0.1:1/0",
            "task_always_eager": False,
            "imports": (),
            "broker_connection_timeout": 1,
        }
    )
    assert app.test_client().get("/api/v1/health").json["broker"] == "down"


def test_rate_limits_are_stored_in_redis(make_app, redis_url):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_url, LOGIN_RATE_LIMIT="2 per minute")
    client = app.test_client()
    codes = [client.post("/login", data={"email": "a@b.nl", "password": "x"}).status_code for _ in range(3)]
    assert codes[-1] == 429
    assert any(b"LIMITER" in key for key in redis.Redis.from_url(redis_url).keys("*"))


def test_a_real_worker_consumes_a_task_from_redis(app, database_url, redis_url, tmp_path):
    """Start a Celery worker process against the real Redis and see it finish a queued job."""
    from app.jobs import enqueue

    app.extensions["celery"].conf.update(broker_url=redis_url, task_always_eager=False)
    worker, log = start_worker(database_url, redis_url, tmp_path / "worker.log")
    try:
        job = enqueue("worker.tasks.ping", kind="ping")
        deadline = time.time() + 60
        state = None
        while time.time() < deadline:
            db.session.expire_all()
            state = db.session.scalar(select(Job.state).where(Job.id == job.id))
            if state == "done":
                break
            time.sleep(0.3)
        assert state == "done", (tmp_path / "worker.log").read_text()
    finally:
        stop_worker(worker, log)
