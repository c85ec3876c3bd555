"""Anonymity proof: after anonymous submissions nothing in the database or in any output ties a
response to its invitation (participant id, token, e-mail, name, or a time of day)."""

from __future__ import annotations

import csv
import io
import logging
from datetime import date, datetime

import pytest
import requests
from builders import api_token, gen_traject, gen_user
from conftest import pg_available, require_service
from live_server import serve
from respond_builders import VALID_SMALL, close_and_release, gen_participant, gen_questionnaire
from sqlalchemy import func, select

from app.extensions import db
from app.models import OutboxMessage, Participant, Questionnaire, ReleaseBatch, Response, ResponseDraft
from app.models.packed_answers import likert_layout, pack

pytestmark = pytest.mark.postgres
N = 24


@pytest.fixture
def live_url(app, make_app, database_url):
    require_service("PostgreSQL", database_url.startswith("postgresql") and pg_available())
    live = make_app("testing")
    with serve(live) as url:
        yield url


def _walk_flow(session, base, token, i):
    pages = [session.get(f"{base}/v/{token}", timeout=30)]
    for key, data in (
        ("houding", {"wil_1": "4", "wil_2": str(1 + i % 5)}),
        ("keuzes", {"samen": "ja", "fte": str(i)}),
        ("open", {"opmerking": f"Opmerking nummer {i}"}),
    ):
        pages.append(session.post(f"{base}/v/{token}/{key}", data=dict(data, actie="volgende"), timeout=30))
    pages.append(session.post(f"{base}/v/{token}/_verzenden", timeout=30))
    pages.append(session.get(f"{base}/v/{token}", timeout=30))
    return pages


def test_nothing_ties_an_anonymous_response_to_its_invitation(app, live_url, client, caplog):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("AA", "BB"), anonymity_threshold=3, comment_threshold=3)
    questionnaire = gen_questionnaire(traject)
    invited = []
    for i in range(N):
        participant, token = gen_participant(
            questionnaire,
            organisation="AA" if i % 2 else "BB",
            email=f"persoon{i}@school.nl",
            name=f"Persoon Nummer{i}",
        )
        invited.append((participant.id, token, participant.email, participant.name))
    secrets = (
        {token for _, token, _, _ in invited} | {email for *_, email, _ in invited} | {name for *_, name in invited}
    )

    outputs: list[str] = []
    caplog.set_level(logging.INFO)
    for i, (_, token, _, _) in enumerate(invited):
        with requests.Session() as session:
            if i % 3 == 0:  # some through the API, the rest through the pages
                reply = session.post(
                    f"{live_url}/api/v1/responses",
                    timeout=30,
                    json={"token": token, "answers": dict(VALID_SMALL, fte=i, opmerking=f"Opmerking nummer {i}")},
                )
                assert reply.status_code == 201
                outputs.append(reply.text)
            else:
                pages = _walk_flow(session, live_url, token, i)
                assert "al ingevuld" in pages[-1].text
                outputs += [p.text for p in pages[-2:]]  # thanks page and the used-link page

    db.session.expire_all()
    responses = db.session.scalars(select(Response)).all()
    assert len(responses) == N
    response_ids = {r.id for r in responses}
    participant_ids = {pid for pid, *_ in invited}

    # 1. the response rows: no participant, no user, a date only, a random id
    for r in responses:
        assert r.participant_id is None and r.user_id is None and r.signed_at is None
        assert type(r.submitted_on) is date and not isinstance(r.submitted_on, datetime)
        assert len(r.id) == 32 and not r.id.isdigit()
        assert not any(isinstance(v, str) and any(s in v for s in secrets) for v in r.answers.values())
    assert {c.name for c in Response.__table__.columns} == {
        "id",
        "questionnaire_id",
        "organisation_code",
        "role",
        "submitted_on",
        "answers",
        "participant_id",
        "user_id",
        "revision",
        "is_latest",
        "signed_at",
        "likert",
    }
    # the packed likert answers are the answers again, nothing more (app/models/packed_answers.py)
    for r in responses:
        questionnaire = db.session.get(Questionnaire, r.questionnaire_id)
        assert r.likert is not None and r.likert == pack(likert_layout(questionnaire.definition), r.answers)
    # the release that first included it (a narrow table of its own): a batch of at least k, never a moment
    assert {c.name for c in ReleaseBatch.__table__.columns} == {"response_id", "number"}

    # 2. every column of every table: no row outside `responses` mentions a response id, and no
    #    token is stored anywhere; the participant rows only say *that* they completed.
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                values = [str(v) for v in row._mapping.values() if v is not None]
                text = " ".join(values)
                assert not any(token in text for _, token, _, _ in invited), table.name
                if table.name == "release_batches":  # a response id and a batch number only
                    assert (
                        set(row._mapping) == {"response_id", "number"} and row._mapping["response_id"] in response_ids
                    )
                elif table.name != "responses":
                    assert not any(rid in text for rid in response_ids), table.name
                else:
                    assert not any(s in text for s in secrets), table.name
                    mapping = row._mapping
                    assert mapping["participant_id"] is None
                    assert not any(isinstance(v, datetime) for v in mapping.values())
    for participant in db.session.scalars(select(Participant).where(Participant.id.in_(participant_ids))):
        assert participant.completed is True
    assert db.session.scalar(select(func.count()).select_from(ResponseDraft)) == 0

    # 3. outputs: API answers, pages, the CSV, outbox mails and the captured log records
    close_and_release(client, owner, questionnaire)
    csv_text = client.get(
        f"/api/v1/questionnaires/{questionnaire.id}/responses.csv", headers=api_token(owner)
    ).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert len(rows) == N
    outputs += [m.body or "" for m in db.session.scalars(select(OutboxMessage))]
    for output in outputs:  # API answers, pages and mails never show a response id
        assert not any(rid in output for rid in response_ids)
    for output in outputs + [csv_text]:
        assert not any(s in output for s in secrets if "@" in s or " " in s)
    # CSV: not in submission order; no participant-ish columns; dates only
    assert [int(r["fte"]) for r in rows] != list(range(N))
    assert [r["response_id"] for r in rows] == sorted(r["response_id"] for r in rows)
    assert not any(r["response_id"] == str(pid) for r in rows for pid in participant_ids)
    assert set(rows[0]) == {
        "response_id",
        "organisation",
        "role",
        "submitted_on",
        "wil_1",
        "wil_2",
        "samen",
        "domeinen",
        "fte",
        "opmerking",
    }
    assert all(len(r["submitted_on"]) == 10 for r in rows)
    # logs: the live server logged every request, with the token redacted
    access = [rec.getMessage() for rec in caplog.records if rec.name == "werkzeug"]
    assert any("/v/[verborgen]" in line for line in access)
    for rec in caplog.records:
        message = rec.getMessage()
        assert not any(token in message for _, token, _, _ in invited), message
        assert not any(rid in message for rid in response_ids), message
