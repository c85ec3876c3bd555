"""responses.likert: every writer packs the likert answers, the reader falls back to the JSON, marks follow their response."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest
from builders import gen_traject
from respond_builders import VALID_SMALL, gen_participant, gen_questionnaire
from sqlalchemy import select, text

from app.extensions import db
from app.models import Questionnaire, ReleaseBatch, Response
from app.models.packed_answers import likert_layout, pack
from app.services import indicator_reading, indicators, releases, simulation
from app.services import responses as response_service
from app.services.demo import load_demo


def _expected(response: Response) -> bytes | None:
    questionnaire = db.session.get(Questionnaire, response.questionnaire_id)
    return pack(likert_layout(questionnaire.definition), response.answers)


def test_pack_is_a_flag_then_one_signed_byte_per_likert_question():
    layout = ["a", "b", "c"]
    assert pack(layout, {"a": 1, "c": -3}) == bytes([0, 1, 0x80, 0xFD])
    assert pack(layout, {"a": 5, "b": 127, "c": 0, "open": "tekst"}) == bytes([1, 5, 127, 0])
    assert pack(layout, {"a": 5, "b": None}) == bytes([1, 5, 0x80, 0x80])  # a null is more than the bytes say
    for unfit in (True, 4.5, "4", 128, -128, [1]):
        assert pack(layout, {"a": unfit}) is None, unfit
    assert pack([], {"x": "y"}) == bytes([1]) and pack([], {}) == bytes([0])


def test_the_layout_is_the_definitions_likert_questions_in_order():
    questionnaire_definition = {
        "sections": [
            {"questions": [{"key": "q1", "type": "likert"}, {"key": "t", "type": "text"}]},
            {"questions": [{"key": "q2", "type": "likert"}, {"key": "c", "type": "single_choice"}]},
        ]
    }
    assert likert_layout(questionnaire_definition) == ["q1", "q2"]


def test_api_and_respond_flow_submissions_are_packed(app, client):
    questionnaire = gen_questionnaire(gen_traject())
    _, token = gen_participant(questionnaire)
    assert client.post("/api/v1/responses", json={"token": token, "answers": VALID_SMALL}).status_code == 201
    participant, _ = gen_participant(questionnaire)
    response_service.submit(participant, {**VALID_SMALL, "wil_2": 1})  # what the respond pages call
    db.session.commit()
    rows = db.session.scalars(select(Response).order_by(Response.id)).all()
    assert len(rows) == 2
    for row in rows:
        db.session.refresh(row)
        # wil_1, wil_2 are likert; yes/no, choices, number and text set the flag
        assert row.likert == bytes([1, row.answers["wil_1"], row.answers["wil_2"]]) == _expected(row)


def test_an_orm_insert_without_likert_is_packed_and_a_given_one_kept(app):
    questionnaire = gen_questionnaire(gen_traject())
    plain = Response(
        questionnaire_id=questionnaire.id, role="ict_staff", submitted_on=date.today(), answers={"wil_1": 2}
    )
    given = Response(
        questionnaire_id=questionnaire.id, role="ict_staff", submitted_on=date.today(), answers={}, likert=b"\x00"
    )
    db.session.add_all([plain, given])
    db.session.commit()
    assert plain.likert == bytes([0, 2, 0x80]) and given.likert == b"\x00"


def test_simulation_and_demo_pack_every_response(app):
    traject, _ = load_demo()
    simulation.simulate(traject, 120, seed=3, ict_staff=40)
    db.session.commit()
    rows = db.session.scalars(select(Response)).all()
    assert len(rows) > 100
    assert all(row.likert is not None and row.likert == _expected(row) for row in rows)


def test_the_benchmark_seeding_packs_every_response(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the benchmark writes with COPY (PostgreSQL)")
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import aggregate

    aggregate.fill(60, seed=2)
    rows = db.session.scalars(select(Response)).all()
    assert len(rows) == 60 and all(row.likert is not None and row.likert == _expected(row) for row in rows)


@pytest.fixture
def demo(app):
    traject, _ = load_demo()
    simulation.simulate(traject, 300, seed=11, ict_staff=120)
    db.session.commit()
    return traject


def _frames(traject, monkeypatch, minimum):
    monkeypatch.setattr(indicator_reading, "PARALLEL_READ_MIN_ROWS", minimum)
    frames = indicators.read_frames(traject)
    db.session.rollback()
    return frames


def test_rows_without_packed_answers_are_read_from_their_json_alike(demo, monkeypatch):
    packed = _frames(demo, monkeypatch, 10**9)
    # Every third response loses its bytes (a writer that left them out): the same frames, in the same order.
    db.session.execute(
        text("UPDATE responses SET likert = NULL WHERE id IN (SELECT id FROM responses ORDER BY id LIMIT 200)")
    )
    db.session.commit()
    assert db.session.scalar(text("SELECT count(*) FROM responses WHERE likert IS NULL")) == 200
    for minimum in (2, 10**9):
        mixed = _frames(demo, monkeypatch, minimum)
        # The UPDATE moved the rows (new row versions), so compare per respondent and question.
        for name in ("likert", "choices", "texts"):
            a, b = getattr(packed, name), getattr(mixed, name)
            key = ["respondent", "question"]
            a = a.astype({c: object for c in a.columns if c != "value"}).sort_values(key).reset_index(drop=True)
            b = b.astype({c: object for c in b.columns if c != "value"}).sort_values(key).reset_index(drop=True)
            assert a.equals(b), name
        assert mixed.counts == packed.counts
        if db.engine.dialect.name == "postgresql":
            # The same content (these rows hold texts and choices: each hashes its JSON either
            # way), moved by the UPDATE: the digest does not depend on the rows' order.
            assert mixed.digest is not None and mixed.digest == packed.digest


def test_the_packed_read_equals_the_json_read_value_for_value(demo, monkeypatch):
    packed = _frames(demo, monkeypatch, 10**9)
    expected = []
    rows = db.session.execute(
        select(Response.id, Response.answers, Questionnaire.template_key)
        .join(Questionnaire)
        .where(Response.is_latest.is_(True))
    ).all()
    keys = set(packed.likert["question"].astype(str))
    for rid, answers, _template in rows:
        for key, value in answers.items():
            if key in keys and value is not None:
                expected.append((rid, key, float(value)))
    got = sorted(
        zip(
            packed.likert["respondent"].astype(str),
            packed.likert["question"].astype(str),
            packed.likert["value"].astype(float),
        )
    )
    assert got == sorted(expected) and len(got) > 1000
    assert np.isfinite(packed.likert["value"]).all()


def test_a_changed_answers_json_drops_its_packed_copy(demo):
    row = db.session.scalar(select(Response).where(Response.likert.is_not(None)).limit(1))
    value = "CAST(:a AS json)" if db.engine.dialect.name == "postgresql" else ":a"
    db.session.execute(
        text(f"UPDATE responses SET answers = {value} WHERE id = :id"),
        {"a": json.dumps({**row.answers, "extra": 1}), "id": row.id},
    )
    db.session.execute(text("UPDATE responses SET role = role WHERE id = :id"), {"id": row.id})
    db.session.commit()
    db.session.refresh(row)
    assert row.likert is None
    other = db.session.scalar(select(Response).where(Response.likert.is_not(None)).limit(1))
    db.session.execute(text("UPDATE responses SET role = role WHERE id = :id"), {"id": other.id})
    db.session.commit()
    db.session.refresh(other)
    assert other.likert is not None  # only a change of the answers drops it


def test_a_deleted_response_takes_its_release_mark_along(demo):
    ids = db.session.scalars(select(Response.id).order_by(Response.id).limit(5)).all()
    releases.mark_released(ids, 1)
    db.session.commit()
    assert db.session.scalar(select(db.func.count()).select_from(ReleaseBatch)) == 5
    db.session.execute(Response.__table__.delete().where(Response.id.in_(ids[:3])))
    db.session.commit()
    assert sorted(db.session.scalars(select(ReleaseBatch.response_id))) == sorted(ids[3:])


def test_the_digest_follows_any_change_of_a_row_and_not_its_order(demo, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the digest comes with PostgreSQL's COPY")
    first = _frames(demo, monkeypatch, 10**9).digest
    assert _frames(demo, monkeypatch, 2).digest == first  # the two halves alike
    row = db.session.scalar(select(Response).where(Response.likert.is_not(None)).limit(1))
    db.session.execute(text("UPDATE responses SET role = role WHERE id = :id"), {"id": row.id})  # moved only
    db.session.commit()
    assert _frames(demo, monkeypatch, 10**9).digest == first
    key = next(k for k, v in row.answers.items() if isinstance(v, str))  # an answer outside the likert bytes
    db.session.execute(
        text("UPDATE responses SET answers = CAST(:a AS json) WHERE id = :id"),
        {"a": json.dumps({**row.answers, key: row.answers[key] + "!"}), "id": row.id},
    )
    db.session.commit()
    changed = _frames(demo, monkeypatch, 10**9).digest
    assert changed != first
    # whole-likert rows hash their bytes: a changed byte is a changed digest
    blank = _expected(Response(questionnaire_id=row.questionnaire_id, answers={}))
    for likert in (blank, blank[:1] + b"\x01" + blank[2:]):
        db.session.execute(
            text("UPDATE responses SET answers = CAST('{}' AS json), likert = :b WHERE id = :id"),
            {"b": likert, "id": row.id},
        )
        db.session.commit()
        assert db.session.scalar(text("SELECT likert FROM responses WHERE id = :id"), {"id": row.id}) == likert
        digest = _frames(demo, monkeypatch, 10**9).digest
        assert digest is not None and digest not in (first, changed)
        changed = digest
