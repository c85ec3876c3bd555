"""Fault: PostgreSQL crashes and restarts while respondents submit.

A private cluster (never the shared one) is killed with `pg_ctl stop -m immediate` while a
respondent thread keeps submitting. During the outage the API answers a clear 503
problem+json (no 500, no traceback); afterwards there are no partial rows (a response exists
exactly for every completed invitation) and the app recovers by itself (`pool_pre_ping`), without
a restart of the web process.
"""

from __future__ import annotations

import threading
import time

import pytest
from builders import gen_traject
from respond_builders import VALID_SMALL, gen_participant, gen_questionnaire, small_definition
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.models import Participant, Response
from config import Config

pytestmark = pytest.mark.slow


def _app_on(server):
    server.create_database("draagvlak")
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": server.url("draagvlak"),
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "connect_args": {"connect_timeout": 2}},
            # The queue is not under test here: a memory broker that nobody consumes.
            "CELERY": dict(Config.CELERY, broker_url="memory://", task_always_eager=False),
        },
    )
    with app.app_context():
        db.create_all()
    return app


def _submit(client, token):
    return client.post("/api/v1/responses", json={"token": token, "answers": VALID_SMALL})


def _assert_clean_503(response):
    assert response.status_code == 503, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 503 and "database" in body["detail"].lower()
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "psycopg" not in text and "OperationalError" not in text


def _no_partial_rows(anonymous_q, identified_q):
    db.session.expire_all()
    # Anonymous: no link by design, so the counts must match exactly.
    completed = db.session.scalar(
        select(func.count())
        .select_from(Participant)
        .where(Participant.questionnaire_id == anonymous_q, Participant.completed.is_(True))
    )
    responses = db.session.scalar(
        select(func.count()).select_from(Response).where(Response.questionnaire_id == anonymous_q)
    )
    assert completed == responses
    # Identified: every response has its participant completed, and vice versa.
    for response in db.session.scalars(select(Response).where(Response.questionnaire_id == identified_q)):
        assert db.session.get(Participant, response.participant_id).completed
    for participant in db.session.scalars(
        select(Participant).where(Participant.questionnaire_id == identified_q, Participant.completed.is_(True))
    ):
        assert (
            db.session.scalar(
                select(func.count()).select_from(Response).where(Response.participant_id == participant.id)
            )
            == 1
        )
    return responses


def test_postgres_restart_during_submissions(private_postgres):
    app = _app_on(private_postgres)
    try:
        with app.app_context():
            traject = gen_traject(name="Storing PostgreSQL")
            anonymous_q = gen_questionnaire(traject)
            identified_q = gen_questionnaire(traject, definition=small_definition(anonymous=False, key="foto"))
            tokens = [(gen_participant(anonymous_q)[1], "anon") for _ in range(30)]
            tokens += [(gen_participant(identified_q)[1], "ident") for _ in range(10)]
            anonymous_id, identified_id = anonymous_q.id, identified_q.id
            db.session.remove()

        results: dict[str, int] = {}
        started = threading.Event()

        def respondents():
            client = app.test_client()
            for i, (token, _) in enumerate(tokens):
                if i == 5:
                    started.set()
                results[token] = _submit(client, token).status_code
                time.sleep(0.05)

        thread = threading.Thread(target=respondents)
        thread.start()
        started.wait(timeout=20)
        private_postgres.stop("immediate")

        # A request while the database is down: a clear 503, for the API and the HTML pages.
        client = app.test_client()
        _assert_clean_503(_submit(client, tokens[-1][0]))
        page = client.get("/v/onbekend-token")
        assert page.status_code == 503 and "Traceback" not in page.get_data(as_text=True)
        assert "database" in page.get_data(as_text=True).lower()
        time.sleep(1.0)
        private_postgres.start()
        thread.join(timeout=40)
        assert not thread.is_alive()

        codes = set(results.values())
        assert codes <= {201, 503}, results
        assert 503 in codes and 201 in codes, results

        # Recovery by itself: the same app (same pool) serves again without a restart.
        with app.app_context():
            health = app.test_client().get("/api/v1/health")
            assert health.status_code == 200 and health.get_json()["database"] == "ok"
            for token, _ in tokens:
                if results[token] == 503:
                    again = _submit(client, token)
                    # 409 only if the commit did land before the connection died.
                    assert again.status_code in (201, 409), again.get_data(as_text=True)
            total = _no_partial_rows(anonymous_id, identified_id)
            assert total == 30
            assert (
                db.session.scalar(
                    select(func.count()).select_from(Response).where(Response.questionnaire_id == identified_id)
                )
                == 10
            )
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
