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


def test_first_responses_of_a_group_posted_concurrently_all_succeed_and_mark_the_group_early(app, live_url):
    """The first responses of one group at the same moment: each marks the group's list early, and
    two such markings must not deadlock (each holds its own participant row and wanted the other's):
    every respondent gets 201, none a 503."""
    questionnaire = gen_questionnaire(gen_traject())
    tokens = [gen_participant(questionnaire)[1] for _ in range(CONCURRENT)]
    late_ids = []
    db.session.commit()
    sends = [
        lambda s, token=token: s.post(
            f"{live_url}/api/v1/responses", json={"token": token, "answers": VALID_SMALL}, timeout=30
        )
        for token in tokens
    ]
    results = _fire(sends)
    codes = [getattr(r, "status_code", r) for r in results]
    assert codes == [201] * CONCURRENT, codes
    assert _responses() == CONCURRENT
    # Everyone on the list at the group's first response is early; one added afterwards is not.
    late, _ = gen_participant(questionnaire)
    late_ids.append(late.id)
    db.session.commit()
    early = dict(db.session.execute(select(Participant.id, Participant.early)).all())
    assert [early[i] for i in early if i not in late_ids] == [True] * CONCURRENT
    assert early[late.id] is False
