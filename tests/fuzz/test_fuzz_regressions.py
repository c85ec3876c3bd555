"""Regression tests for what the fuzzers found (docs/security.md, "Fuzzing")."""

from __future__ import annotations

import io

import pytest
from builders import api_token, gen_traject, gen_user, login
from respond_builders import gen_participant, gen_questionnaire, small_definition
from sqlalchemy import func, select

from app.extensions import db
from app.models import Organisation, Participant, ResponseDraft, Traject
from surveys.model import Questionnaire as Definition
from surveys.types import AnswerError


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_ids_beyond_the_integer_column_answer_404_not_a_database_error(app, client):
    user = gen_user("regisseur")
    headers = api_token(user)
    for tid in (2**31, 970629782619397):
        assert client.get(f"/api/v1/trajects/{tid}/organisations", headers=headers).status_code == 404
        # POST too: werkzeug checks the method before the converter, which once gave a 405.
        response = client.post(
            f"/api/v1/trajects/{tid}/organisations", json={"code": "X", "name": "Y"}, headers=headers
        )
        assert response.status_code == 404 and response.mimetype == "application/problem+json"
        assert client.get(f"/api/v1/questionnaires/{tid}", headers=headers).status_code == 404
    login(client, user)
    assert client.get(f"/trajecten/{2**40}").status_code == 404
    assert client.get(f"/api/v1/trajects/{2**31 - 1}", headers=headers).status_code == 404


def test_job_id_with_a_nul_answers_404(app, client):
    headers = api_token(gen_user("regisseur"))
    assert client.get("/api/v1/jobs/%00abc", headers=headers).status_code == 404


@pytest.mark.parametrize(
    "body", [{"name": "T", "comment_threshold": 130699451229757}, {"name": "T", "anonymity_threshold": 2**40}]
)
def test_huge_thresholds_are_422(app, client, body):
    headers = api_token(gen_user("regisseur"))
    response = client.post("/api/v1/trajects", json=body, headers=headers)
    assert response.status_code == 422 and set(response.json["errors"]) <= {"anonymity_threshold", "comment_threshold"}
    assert _count(Traject) == 0


@pytest.mark.parametrize(
    "body", [{"name": "a\x00b"}, {"name": "a\x02b"}, {"name": "ok", "description": "x\x00"}, {"name": "\udbb4"}]
)
def test_traject_text_with_control_characters_is_422(app, client, body):
    headers = api_token(gen_user("regisseur"))
    response = client.post("/api/v1/trajects", json=body, headers=headers)
    assert response.status_code == 422
    assert _count(Traject) == 0


@pytest.mark.parametrize(
    "body",
    [
        {"code": "NU", "name": "a\x00b"},
        {"code": "NU", "name": "Sch\x0bool"},
        {"code": "NU", "name": "S", "region": "x\x00"},
        {"code": "NU", "name": "S", "staff": 99_999_999_999},
    ],
)
def test_organisation_with_control_characters_or_huge_counts_is_422(app, client, body):
    user = gen_user("regisseur")
    traject = gen_traject(user, organisations=())
    response = client.post(f"/api/v1/trajects/{traject.id}/organisations", json=body, headers=api_token(user))
    assert response.status_code == 422
    assert _count(Organisation) == 0


@pytest.mark.parametrize("row", ["NU;Naam\x00;1", "NU;Naam;99999999999", "NU;Na\x07am;1"])
def test_organisation_csv_with_unstorable_cells_imports_nothing(app, client, row):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=())
    login(client, owner)
    response = client.post(
        f"/trajecten/{traject.id}/organisaties/import",
        data={"file": (io.BytesIO(f"code;name;staff\nOK;Goed;1\n{row}\n".encode()), "s.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert _count(Organisation) == 0


@pytest.mark.parametrize("field,value", [("email", "a\x00b@school.nl"), ("name", "Jan\x00"), ("name", "Jan\x1b")])
def test_participant_with_control_characters_is_422(app, client, field, value):
    user = gen_user("regisseur")
    traject = gen_traject(user, organisations=("AA",))
    questionnaire = gen_questionnaire(traject, "ict_staff")
    row = {"email": "jan@school.nl", "name": "Jan", "role": "ict_staff", "organisation": "AA", field: value}
    response = client.post(
        f"/api/v1/questionnaires/{questionnaire.id}/participants", json={"participants": [row]}, headers=api_token(user)
    )
    assert response.status_code == 422 and f"participants[0].{field}" in response.json["errors"]
    assert _count(Participant) == 0


@pytest.mark.parametrize("raw", ["--1", "-²", "²", "--0"])
def test_likert_refuses_digit_lookalikes_with_answer_error(raw):
    definition = Definition.from_dict(small_definition())
    question = definition.question("wil_1")
    with pytest.raises(AnswerError):
        question.question_type.validate(question, raw)
    _, errors = definition.validate_all({"wil_1": raw})
    assert "wil_1" in errors


def test_a_draft_never_keeps_a_nul_typed_answer(app, client):
    traject = gen_traject(gen_user("regisseur"), organisations=("AA",))
    questionnaire = gen_questionnaire(traject)
    participant, token = gen_participant(questionnaire)
    response = client.post(f"/v/{token}/houding", data={"wil_1": "4", "wil_2": "x\x00y"})
    assert response.status_code == 422
    draft = db.session.scalar(select(ResponseDraft).where(ResponseDraft.participant_id == participant.id))
    assert draft.answers == {"wil_1": 4}
    # An invalid answer without a NUL is still kept as typed, beside its message.
    client.post(f"/v/{token}/houding", data={"wil_1": "4", "wil_2": "zes"})
    db.session.expire_all()
    draft = db.session.scalar(select(ResponseDraft).where(ResponseDraft.participant_id == participant.id))
    assert draft.answers == {"wil_1": 4, "wil_2": "zes"}
