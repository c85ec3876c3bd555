"""Integrity under concurrency, against the real PostgreSQL and a real threaded server: the same
token submitted at the same moment yields exactly one response."""

from __future__ import annotations

import threading

import pytest
import requests
from builders import gen_traject
from conftest import pg_available, require_service
from live_server import serve
from respond_builders import VALID_SMALL, gen_participant, gen_questionnaire, small_definition
from sqlalchemy import func, select

from app.extensions import db
from app.models import Participant, Response

pytestmark = pytest.mark.postgres
CONCURRENT = 10


@pytest.fixture
def live_url(app, make_app, database_url):
    require_service("PostgreSQL", database_url.startswith("postgresql") and pg_available())
    live = make_app("testing")
    with serve(live) as url:
        yield url


def _fire(requests_to_send):
    """Send all requests at the same moment (a barrier releases the threads together)."""
    barrier = threading.Barrier(len(requests_to_send))
    results: list = [None] * len(requests_to_send)

    def worker(i, send):
        session = requests.Session()
        barrier.wait()
        try:
            results[i] = send(session)
        except requests.RequestException as exc:  # a failure must show, not hang
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i, send)) for i, send in enumerate(requests_to_send)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _responses() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Response))


def test_same_token_posted_concurrently_to_the_api_stores_one_response(app, live_url):
    questionnaire = gen_questionnaire(gen_traject())
    participant, token = gen_participant(questionnaire)
    send = lambda s: s.post(
        f"{live_url}/api/v1/responses",
        json={"token": token, "answers": VALID_SMALL},  # noqa: E731
        timeout=30,
    )
    results = _fire([send] * CONCURRENT)
    codes = sorted(r.status_code for r in results)
    assert codes == [201] + [409] * (CONCURRENT - 1), codes
    assert all(r.json()["status"] == 409 for r in results if r.status_code == 409)
    assert _responses() == 1
    assert db.session.get(Participant, participant.id).completed is True


def test_same_token_submitted_concurrently_in_the_browser_flow_stores_one_response(app, live_url):
    questionnaire = gen_questionnaire(gen_traject())
    _, token = gen_participant(questionnaire)
    setup = requests.Session()
    for key, data in (("houding", {"wil_1": "4", "wil_2": "5"}), ("keuzes", {"samen": "ja"}), ("open", {})):
        reply = setup.post(f"{live_url}/v/{token}/{key}", data=dict(data, actie="volgende"), timeout=30)
        assert reply.status_code == 200
    # The same browser (its draft cookie) pressing "Verzenden" many times at once.
    send = lambda s: s.post(
        f"{live_url}/v/{token}/_verzenden",
        allow_redirects=False,  # noqa: E731
        cookies=setup.cookies.get_dict(),
        timeout=30,
    )
    results = _fire([send] * CONCURRENT)
    codes = sorted(r.status_code for r in results)
    assert codes == [302] + [409] * (CONCURRENT - 1), codes
    assert all("al ingevuld" in r.text for r in results if r.status_code == 409)
    assert _responses() == 1


def test_identified_concurrent_first_submissions_store_one_revision(app, live_url):
    questionnaire = gen_questionnaire(gen_traject(), definition=small_definition(anonymous=False))
    participant, token = gen_participant(questionnaire, role="ict_lead")
    send = lambda s: s.post(
        f"{live_url}/api/v1/responses",
        json={"token": token, "answers": VALID_SMALL},  # noqa: E731
        timeout=30,
    )
    results = _fire([send] * CONCURRENT)
    assert sorted(r.status_code for r in results) == [201] + [409] * (CONCURRENT - 1)
    rows = db.session.scalars(select(Response).where(Response.participant_id == participant.id)).all()
    assert [(r.revision, r.is_latest) for r in rows] == [(1, True)]


def test_a_draft_is_never_counted_as_submitted(app, client):
    questionnaire = gen_questionnaire(gen_traject())
    participant, token = gen_participant(questionnaire)
    client.post(f"/v/{token}/houding", data={"wil_1": "4", "wil_2": "5", "actie": "volgende"})
    client.post(f"/v/{token}/keuzes", data={"samen": "ja", "actie": "opslaan"})
    assert _responses() == 0
    db.session.refresh(participant)
    assert participant.completed is False
    from app.services.responses_csv import generate

    questionnaire.status = "closed"  # the export of an anonymous questionnaire exists after closing
    db.session.commit()
    lines = "".join(generate(questionnaire.id)).splitlines()
    assert len(lines) == 1  # the header only
