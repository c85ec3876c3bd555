"""Real Celery workers against the real Redis: a submission becomes a snapshot, and a killed worker's run converges."""

import signal
import time
from pathlib import Path

from builders import gen_traject
from celery_worker import start_worker, stop_worker
from sqlalchemy import func, select

from app.extensions import db
from app.jobs import enqueue_recompute
from app.models import IndicatorSnapshot, Job, Traject
from app.services import indicators, simulation


def _wait(predicate, timeout, what, log_path):
    deadline = time.time() + timeout
    while time.time() < deadline:
        db.session.expire_all()
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"{what} binnen {timeout}s niet gehaald:\n{Path(log_path).read_text()[-4000:]}")


def _stale_traject():
    traject = gen_traject(organisations=("AA", "BB", "CC"))
    simulation.simulate(traject, 40, seed=8)
    indicators.mark_stale(traject.id)  # what a submission does, in its own transaction
    db.session.commit()
    return traject


def test_a_real_worker_turns_a_submission_into_a_snapshot(app, database_url, redis_url, tmp_path):
    app.extensions["celery"].conf.update(broker_url=redis_url, task_always_eager=False)
    traject = _stale_traject()
    log_path = tmp_path / "worker.log"
    worker, log = start_worker(database_url, redis_url, log_path)
    try:
        job = enqueue_recompute(traject.id)
        assert job.state == "queued"
        _wait(lambda: db.session.get(Job, job.id).state == "done", 90, "job klaar", log_path)
        snapshot = indicators.latest_snapshot(traject.id)
        assert snapshot is not None and snapshot.payload["constructs"]
        assert db.session.get(Traject, traject.id).indicators_stale is False
        assert db.session.get(Job, job.id).result["status"] == "computed"
    finally:
        stop_worker(worker, log)


def test_a_worker_killed_mid_run_converges_on_a_new_worker(app, database_url, redis_url, tmp_path):
    app.extensions["celery"].conf.update(broker_url=redis_url, task_always_eager=False)
    traject = _stale_traject()
    log_path = tmp_path / "worker.log"
    # Slow stages, and Redis hands an unacknowledged task out again after 4 seconds.
    first, first_log = start_worker(
        database_url, redis_url, log_path, RECOMPUTE_TEST_DELAY="2", CELERY_VISIBILITY_TIMEOUT="4"
    )
    second = second_log = None
    try:
        job = enqueue_recompute(traject.id)
        _wait(
            lambda: db.session.get(Job, job.id).state == "running" and db.session.get(Job, job.id).progress >= 0.1,
            90,
            "job gestart",
            log_path,
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        db.session.expire_all()
        assert db.session.get(Job, job.id).state == "running"
        assert db.session.scalar(select(func.count(IndicatorSnapshot.id))) == 0
        second, second_log = start_worker(database_url, redis_url, log_path, CELERY_VISIBILITY_TIMEOUT="4")
        _wait(lambda: db.session.get(Job, job.id).state == "done", 120, "job na herlevering klaar", log_path)
        assert db.session.scalar(select(func.count(IndicatorSnapshot.id))) == 1
        assert db.session.get(Traject, traject.id).indicators_stale is False
    finally:
        stop_worker(first, first_log)
        if second is not None:
            stop_worker(second, second_log)
