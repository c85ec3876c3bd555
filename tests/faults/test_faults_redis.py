"""Fault: Redis (the broker) dies while respondents submit.

Submissions must not depend on the queue: every POST /api/v1/responses answers 201 and is saved,
the traject stays marked stale (the outbox flag), and once Redis is back the beat sweep hands the
lost recompute to a real worker, which writes a snapshot.
"""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import IndicatorSnapshot, Job, Participant, Response, Traject
from builders import gen_traject
from celery_worker import start_worker, stop_worker
from config import Config
from respond_builders import VALID_SMALL, gen_participant, gen_questionnaire

pytestmark = pytest.mark.slow


def _broker_app(make_app, broker_url: str):
    return make_app(CELERY=dict(Config.CELERY, broker_url=broker_url, task_always_eager=False,
                                task_eager_propagates=False, broker_connection_timeout=1,
                                broker_connection_max_retries=1),
                    RECOMPUTE_REQUEUE_AFTER=0)


def test_submissions_survive_a_redis_outage_and_the_sweep_catches_up(app, make_app, database_url,
                                                                     private_redis, tmp_path):
    broker_app = _broker_app(make_app, private_redis.url)
    with broker_app.app_context():
        traject = gen_traject(name="Storing Redis")
        traject_id = traject.id
        questionnaire = gen_questionnaire(traject)
        tokens = [gen_participant(questionnaire, organisation=code)[1]
                  for code in ("AA", "BB") for _ in range(3)]
        client = broker_app.test_client()

        private_redis.stop()
        started = time.monotonic()
        codes = [client.post("/api/v1/responses", json={"token": t, "answers": VALID_SMALL}).status_code
                 for t in tokens]
        assert codes == [201] * len(tokens)
        assert time.monotonic() - started < 30, "a dead broker must not stall submissions"
        db.session.expire_all()
        assert db.session.scalar(select(func.count()).select_from(Response)
                                 .where(Response.questionnaire_id == questionnaire.id)) == len(tokens)
        assert db.session.scalar(select(func.count()).select_from(Participant)
                                 .where(Participant.questionnaire_id == questionnaire.id,
                                        Participant.completed.is_(True))) == len(tokens)
        assert db.session.get(Traject, traject_id).indicators_stale is True
        queued = db.session.scalars(select(Job).where(Job.traject_id == traject_id)).all()
        assert [j.state for j in queued] == ["queued"]  # coalesced into one job, never sent
        assert db.session.scalar(select(func.count()).select_from(IndicatorSnapshot)
                                 .where(IndicatorSnapshot.traject_id == traject_id)) == 0
        health = client.get("/api/v1/health").get_json()
        assert health["broker"] == "down" and health["database"] == "ok"

        private_redis.start()
        assert client.get("/api/v1/health").get_json()["broker"] == "ok"
        worker, log = start_worker(database_url, private_redis.url, tmp_path / "worker.log",
                                   SECRET_KEY="testing-not-secret")
        try:
            from worker.tasks.indicators import sweep_stale_trajects

            result = sweep_stale_trajects.apply().get()
            assert traject_id in result["stale"]
            deadline = time.monotonic() + 45
            snapshot = None
            while time.monotonic() < deadline and snapshot is None:
                db.session.expire_all()
                snapshot = db.session.scalar(select(IndicatorSnapshot)
                                             .where(IndicatorSnapshot.traject_id == traject_id))
                if snapshot is None:
                    time.sleep(0.3)
            assert snapshot is not None, (tmp_path / "worker.log").read_text()
            assert snapshot.responses == len(tokens)
            db.session.expire_all()
            assert db.session.get(Traject, traject_id).indicators_stale is False
        finally:
            stop_worker(worker, log)
