"""The recompute after submissions is debounced (app/pending_recompute.py), against a real worker, Redis and
database: a burst of submissions makes one or two runs, not one per submission, and a submission during a run
makes exactly one follow-up run, so the last response always reaches a release."""

import re
import time
from pathlib import Path

import pytest
from builders import gen_traject
from celery_worker import start_worker, stop_worker
from respond_builders import VALID_SMALL, gen_participant, gen_questionnaire

from app import pending_recompute
from app.extensions import db
from app.models import Traject
from app.services import simulation

pytestmark = pytest.mark.slow

SUCCEEDED = re.compile(r"recompute_indicators\[[0-9a-f-]+\] succeeded")


def _runs(log_path) -> int:
    """Finished recompute runs, as the worker logged them (a retry for a busy traject is not one)."""
    return len(SUCCEEDED.findall(Path(log_path).read_text(errors="replace")))


def _setup(app, redis_url, tokens: int):
    app.extensions["celery"].conf.update(broker_url=redis_url, task_always_eager=False)
    traject = gen_traject(organisations=("AA", "BB", "CC"))
    simulation.simulate(traject, 40, seed=31)
    questionnaire = gen_questionnaire(traject)
    participants = [gen_participant(questionnaire)[1] for _ in range(tokens)]
    db.session.commit()
    return traject, participants


def _submit(client, token) -> None:
    response = client.post("/api/v1/responses", json={"token": token, "answers": VALID_SMALL})
    assert response.status_code == 201, response.get_data(as_text=True)


def _wait_until_released(traject_id, timeout, log_path) -> None:
    """No run pending and the stale flag cleared: a run read every committed submission."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        db.session.expire_all()
        if not pending_recompute.is_pending(traject_id) and not db.session.get(Traject, traject_id).indicators_stale:
            return
        time.sleep(0.3)
    raise AssertionError(f"not recomputed within {timeout}s:\n{Path(log_path).read_text()[-4000:]}")


def test_a_burst_of_submissions_makes_one_recompute_not_one_per_submission(
    app, client, database_url, redis_url, tmp_path
):
    app.config["RECOMPUTE_DEBOUNCE"] = 3
    traject, tokens = _setup(app, redis_url, 12)
    log_path = tmp_path / "worker.log"
    worker, log = start_worker(database_url, redis_url, log_path)
    try:
        for token in tokens:
            _submit(client, token)
        _wait_until_released(traject.id, 90, log_path)
        time.sleep(5)  # longer than the debounce: a run sent late would have finished by now
        runs = _runs(log_path)
        assert 1 <= runs <= 2, f"{runs} runs for 12 submissions"
        db.session.expire_all()
        assert db.session.get(Traject, traject.id).indicators_stale is False
    finally:
        stop_worker(worker, log)


def test_a_submission_during_a_run_gets_exactly_one_follow_up_run(app, client, database_url, redis_url, tmp_path):
    app.config["RECOMPUTE_DEBOUNCE"] = 2
    traject, tokens = _setup(app, redis_url, 3)
    log_path = tmp_path / "worker.log"
    # Every stage of a run sleeps 1 s, so the later submissions land while it runs.
    worker, log = start_worker(database_url, redis_url, log_path, RECOMPUTE_TEST_DELAY="1")
    try:
        _submit(client, tokens[0])
        assert pending_recompute.is_pending(traject.id)
        deadline = time.time() + 60
        while pending_recompute.is_pending(traject.id):  # the run deletes the marker when it starts
            assert time.time() < deadline, Path(log_path).read_text()[-4000:]
            time.sleep(0.1)
        assert _runs(log_path) == 0, "the run is still going"
        _submit(client, tokens[1])
        _submit(client, tokens[2])
        assert pending_recompute.is_pending(traject.id)  # one follow-up for both
        _wait_until_released(traject.id, 120, log_path)
        time.sleep(4)
        assert _runs(log_path) == 2
        db.session.expire_all()
        assert db.session.get(Traject, traject.id).indicators_stale is False
    finally:
        stop_worker(worker, log)
