"""The production topology (gunicorn with 4 workers, two Celery workers, beat; PostgreSQL and Redis as separate
processes): a submission through the web reaches a worker, two trajects recompute at the same time on the two
workers, and one traject never recomputes twice at once (the advisory lock, app/services/indicator_jobs.py)."""

import time

import pytest
import requests
from builders import gen_traject
from respond_builders import VALID_SMALL, gen_participant, gen_questionnaire
from sqlalchemy import select
from topology import start, stop

from app.extensions import db
from app.jobs import RECOMPUTE_TASK, enqueue
from app.models import Job, Traject
from app.services import indicators, simulation

pytestmark = pytest.mark.slow

# Job messages a recompute shows only while it holds the traject's lock (after "gestart").
COMPUTING = {"gestart", "lezen", "gelezen", "constructen", "indices", "bestuur", "opslaan"}


def _traject(name, seed):
    traject = gen_traject(name=name, organisations=("AA", "BB", "CC"))
    simulation.simulate(traject, 40, seed=seed)  # seeds differ: the same seed gives the same response ids
    db.session.commit()
    return traject


def _recompute_job(traject_id):
    """A recompute job of its own (no coalescing), as two requests a moment apart can make."""
    return enqueue(RECOMPUTE_TASK, kind="recompute", traject_id=traject_id, task_kwargs={"traject_id": traject_id})


def _watch(job_ids, timeout, topology):
    """Poll the jobs until all are done; returns the set of jobs computing at each poll."""
    seen, deadline = [], time.time() + timeout
    while time.time() < deadline:
        db.session.expire_all()
        jobs = db.session.scalars(select(Job).where(Job.id.in_(job_ids))).all()
        seen.append({j.id for j in jobs if j.state == "running" and j.message in COMPUTING})
        if all(j.state in ("done", "failed") for j in jobs):
            return seen, jobs
        time.sleep(0.2)
    raise AssertionError(
        f"jobs not done within {timeout}s: {[(j.state, j.message) for j in jobs]}\n" + topology.log_tail()
    )


def test_the_production_topology_runs_two_trajects_at_once_and_one_traject_once_at_a_time(
    app, database_url, redis_url, tmp_path
):
    app.extensions["celery"].conf.update(broker_url=redis_url, task_always_eager=False)
    first, second = _traject("Eerste", 21), _traject("Tweede", 22)
    questionnaire = gen_questionnaire(first)
    token = gen_participant(questionnaire)[1]
    db.session.commit()
    # Each stage of a recompute sleeps 1 s, so two runs at once are seen, and so would an overlap.
    topology = start(database_url, redis_url, tmp_path, RECOMPUTE_TEST_DELAY="1")
    try:
        assert requests.get(f"{topology.base}/api/v1/health", timeout=10).json()["status"] == "ok"
        submitted = requests.post(
            f"{topology.base}/api/v1/responses", json={"token": token, "answers": VALID_SMALL}, timeout=30
        )
        assert submitted.status_code == 201, submitted.text
        # The submission's recompute (no Job row: its moment leaves no trace) reaches a worker.
        deadline = time.time() + 60
        while time.time() < deadline:
            db.session.expire_all()
            if not db.session.get(Traject, first.id).indicators_stale and indicators.latest_snapshot(first.id):
                break
            time.sleep(0.3)
        else:
            raise AssertionError("the submission's recompute did not run\n" + topology.log_tail())

        # Two trajects at once: at some moment both hold their lock, one on each worker.
        a, b = _recompute_job(first.id), _recompute_job(second.id)
        seen, jobs = _watch([a.id, b.id], 90, topology)
        assert all(j.state == "done" for j in jobs), [(j.state, j.message) for j in jobs]
        assert any(s == {a.id, b.id} for s in seen), "the two trajects never computed at the same time"

        # One traject, two jobs at once: never both computing; the second waits (or is merged).
        c, d = _recompute_job(second.id), _recompute_job(second.id)
        seen, jobs = _watch([c.id, d.id], 120, topology)
        assert all(j.state == "done" for j in jobs), [(j.state, j.message) for j in jobs]
        assert not any(len(s) > 1 for s in seen), "one traject computed twice at once"
        assert any(s for s in seen), "no run was observed"
        statuses = sorted(j.result["status"] for j in jobs)
        assert statuses in (
            ["computed", "unchanged"],
            ["merged", "unchanged"],
            ["merged", "computed"],
            ["unchanged", "unchanged"],
        ), statuses
        assert all(topology.alive().values()), topology.alive()
    finally:
        stop(topology)
