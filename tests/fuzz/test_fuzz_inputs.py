"""Property-based fuzzing of the inputs people type or upload: answers to every question type of
the four templates, the organisation and participant CSV imports, and the respondent forms.

Bounded and seeded (derandomize) so CI stays fast and repeatable. Invariants: nothing raises but
the documented errors, nothing answers 5xx, and nothing invalid or half is stored.
"""

from __future__ import annotations

import io
import json

import pytest
from builders import gen_traject, gen_user, login
from fuzz_strategies import JSON_SCALARS, JSON_VALUES, valid_answers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from respond_builders import gen_participant, gen_questionnaire
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.models import Organisation, Participant, Response, ResponseDraft
from app.services import responses as response_service
from app.services.trajects import read_csv
from surveys.model import UnknownKey
from surveys.templates import load_template
from surveys.types import AnswerError

TEMPLATES = ("ict_foto", "ict_staff", "board_commitment", "motives")
FUZZ = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
FEW = settings(FUZZ, max_examples=40)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _raw_answers(definition) -> st.SearchStrategy:
    """Raw answers: known keys (and some unknown ones) with junk, valid values or a mix."""
    keys = [q.key for q in definition.questions()]
    junk = st.dictionaries(st.one_of(st.sampled_from(keys), st.text(max_size=8)), JSON_VALUES, max_size=12)
    return st.one_of(
        junk,
        valid_answers(definition),
        st.tuples(valid_answers(definition), junk).map(lambda pair: {**pair[0], **pair[1]}),
    )


# -- (a) answer validation ------------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_question_type_refuses_junk_only_with_answer_error(template):
    definition = load_template(template)

    @FUZZ
    @given(data=st.data())
    def run(data):
        question = data.draw(st.sampled_from(definition.questions()))
        raw = data.draw(JSON_VALUES)
        try:
            value = question.question_type.validate(question, raw)
        except AnswerError as exc:
            assert isinstance(exc.message, str) and exc.message
            return
        # Accepted: the clean value is of the documented shape, and stays valid as it is.
        assert question.question_type.validate(question, value) == value
        json.dumps(value, allow_nan=False)

    run()


@pytest.mark.parametrize("template", TEMPLATES)
def test_validate_all_and_sections_never_raise_on_junk(template):
    definition = load_template(template)
    sections = [s.key for s in definition.sections]

    @FUZZ
    @given(raw=_raw_answers(definition), section=st.one_of(st.sampled_from(sections), st.text(max_size=6)))
    def run(raw, section):
        clean, errors = definition.validate_all(raw)
        assert set(clean).isdisjoint(errors)
        assert all(isinstance(m, str) for messages in errors.values() for m in messages)
        json.dumps(clean, allow_nan=False)
        # Clean answers are a fixed point: validating them again changes nothing.
        again, again_errors = definition.validate_all(clean)
        assert again == clean
        assert set(again_errors) <= set(errors)
        try:
            section_clean, section_errors = definition.validate_section(section, raw)
        except UnknownKey:
            assert section not in sections
        else:
            assert section_clean.items() <= clean.items()

    run()


@pytest.mark.parametrize("template", TEMPLATES)
def test_valid_answers_validate_without_errors(template):
    definition = load_template(template)

    @FEW
    @given(answers=valid_answers(definition))
    def run(answers):
        _, errors = definition.validate_all(answers)
        assert errors == {}

    run()


def test_validate_all_refuses_a_non_object_with_value_error():
    definition = load_template("ict_staff")

    @FEW
    @given(raw=JSON_SCALARS | st.lists(JSON_SCALARS, max_size=3))
    def run(raw):
        with pytest.raises(ValueError):
            definition.validate_all(raw)

    run()


# -- (b) the CSV imports through the HTML routes ---------------------------------------------------

ORG_COLUMNS = [
    "code",
    "name",
    "naam",
    "staff",
    "medewerkers",
    "students",
    "locations",
    "region",
    "regio",
    "",
    "Code ",
    "NAME",
    "x",
]
PARTICIPANT_COLUMNS = ["email", "e-mail", "name", "naam", "role", "rol", "organisation", "school", "", "x"]
CELLS = st.one_of(
    st.sampled_from(
        [
            "AA",
            "BB",
            "ZL",
            "zl",
            "School",
            "12",
            "1.350",
            "-3",
            "99999999999",
            "",
            " ",
            "veel",
            "a@school.nl",
            "b@school.nl",
            "ict_staff",
            "ICT-medewerker",
            "bestuurder",
            "board",
            "=cmd()",
            "x\x00y",
            "\x07",
            "\u202e",
            "ß",
            "\ufeff",
            '"',
            "a;b",
            "a,b",
            "a\nb",
        ]
    ),
    st.text(max_size=30),
    st.integers(140_000, 150_000).map(lambda n: "x" * n),  # over csv's field size limit
)


@st.composite
def csv_texts(draw, columns):
    header = draw(st.lists(st.sampled_from(columns), min_size=1, max_size=7))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=len(header) + 2), max_size=6))
    delimiter = draw(st.sampled_from([";", ",", "\t", "|"]))
    out = io.StringIO()
    quoting = draw(st.sampled_from([0, 1, 3]))  # minimal, all, none (escape below)
    import csv as csvmod

    writer = csvmod.writer(
        out, delimiter=delimiter, quoting=quoting, escapechar="\\", lineterminator=draw(st.sampled_from(["\n", "\r\n"]))
    )
    writer.writerow(header)
    for row in rows:
        if draw(st.integers(0, 5)) == 0:
            out.write("\n")  # a blank line
        writer.writerow(row)
    # Under werkzeug's 500 kB spool limit: the test client leaves bigger uploads' temp files open.
    text = out.getvalue()[:400_000]
    if draw(st.booleans()):
        text = "\ufeff" + text
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "cp1252", "junk"]))
    if encoding == "junk":
        return text.encode("utf-8", "surrogatepass")[: draw(st.integers(0, 200))] + draw(st.binary(max_size=40))
    return text.encode(encoding, errors="replace") if encoding == "cp1252" else text.encode("utf-8", "surrogatepass")


def _decoded(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _rows_in(raw: bytes) -> int | None:
    try:
        return len(read_csv(_decoded(raw))[1])
    except Exception:  # noqa: BLE001 - an unreadable file imports nothing
        return None


def test_organisation_import_never_fails_or_half_stores(app, client):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("AA",))
    login(client, owner)
    traject_id = traject.id

    @FUZZ
    @given(raw=csv_texts(ORG_COLUMNS))
    def run(raw):
        before = _count(Organisation)
        response = client.post(
            f"/trajecten/{traject_id}/organisaties/import",
            data={"file": (io.BytesIO(raw), "scholen.csv")},
            content_type="multipart/form-data",
        )
        db.session.rollback()
        assert response.status_code in (200, 302, 413, 422), response.status_code
        added = _count(Organisation) - before
        if response.status_code == 302:
            assert added == _rows_in(raw) and added > 0
        else:
            assert added == 0

    run()


def test_participant_import_never_fails_or_half_stores(app, client):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("AA", "BB"))
    questionnaire = gen_questionnaire(traject, "ict_staff")
    login(client, owner)
    qid = questionnaire.id

    @FUZZ
    @given(raw=csv_texts(PARTICIPANT_COLUMNS))
    def run(raw):
        before = _count(Participant)
        response = client.post(
            f"/vragenlijsten/{qid}/deelnemers/import",
            data={"file": (io.BytesIO(raw), "deelnemers.csv")},
            content_type="multipart/form-data",
        )
        db.session.rollback()
        assert response.status_code in (200, 302, 413, 422), response.status_code
        added = _count(Participant) - before
        if response.status_code == 302:
            assert added == _rows_in(raw) and added > 0
        else:
            assert added == 0

    run()


# -- (c) the respondent forms and the response API -------------------------------------------------

FORM_VALUES = st.one_of(
    st.sampled_from(
        ["", "1", "3", "5", "9", "-1", "²", "ja", "nee", "on", "x\x00y", "\x00", "1,5", "€ 12.500", "a|b", "1" * 3000]
    ),
    st.text(max_size=20),
)


@st.composite
def form_posts(draw, definition, section):
    """A posted section form: the real field names (ranking as key__option) and junk ones."""
    names = []
    for question in section.questions:
        names.append(question.key)
        names += [f"{question.key}__{o['value']}" for o in (question.options or [])]
    fields = draw(st.lists(st.tuples(st.one_of(st.sampled_from(names), st.text(max_size=6)), FORM_VALUES), max_size=14))
    if draw(st.booleans()):
        fields.append(("actie", draw(st.sampled_from(["volgende", "vorige", "opslaan", "x"]))))
    return fields


def _storable(value) -> bool:
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, list):
        return all(_storable(v) for v in value)
    return True


@pytest.mark.parametrize("template", ["ict_staff", "motives"])
def test_section_posts_never_fail_and_store_no_response(app, client, template):
    traject = gen_traject(gen_user("regisseur"), organisations=("AA",))
    questionnaire = gen_questionnaire(traject, template)
    definition = response_service.definition(questionnaire)
    participant, token = gen_participant(questionnaire)
    participant_id = participant.id

    @FEW
    @given(data=st.data())
    def run(data):
        section = data.draw(st.sampled_from(definition.sections))
        fields = data.draw(form_posts(definition, section))
        response = client.post(f"/v/{token}/{section.key}", data=MultiDict(fields))
        db.session.rollback()
        assert response.status_code in (200, 302, 422), response.status_code
        assert _count(Response) == 0
        draft = db.session.scalar(select(ResponseDraft).where(ResponseDraft.participant_id == participant_id))
        if draft is not None:
            known = {q.key for q in definition.questions()}
            assert set(draft.answers) <= known
            assert all(_storable(v) for v in draft.answers.values())

    run()
    # Submitting whatever the draft holds stores a response only when it is valid as a whole.
    db.session.expire_all()
    participant = db.session.get(Participant, participant_id)
    _, errors = response_service.validate(questionnaire, response_service.draft_answers(participant))
    response = client.post(f"/v/{token}/_verzenden")
    db.session.rollback()
    assert response.status_code in (302, 409, 410)
    assert _count(Response) == (0 if errors else 1)


@pytest.mark.parametrize("template", ["ict_staff", "board_commitment"])
def test_response_api_stores_only_valid_complete_answers(app, client, template):
    traject = gen_traject(gen_user("regisseur"), organisations=("AA", "BB"))
    questionnaire = gen_questionnaire(traject, template)
    definition = response_service.definition(questionnaire)
    role = "board" if template == "board_commitment" else "ict_staff"

    @FEW
    @given(answers=st.one_of(_raw_answers(definition), JSON_VALUES), body_kind=st.integers(0, 9))
    def run(answers, body_kind):
        _, token = gen_participant(questionnaire, role=role)
        before = _count(Response)
        body = {"token": token, "answers": answers}
        if body_kind == 0:
            body = answers  # not even the right envelope
        response = client.post("/api/v1/responses", json=body)
        db.session.rollback()
        # json=None sends no body at all: that is a malformed request (400), not a refused answer.
        allowed = (201, 404, 409, 410, 422) + ((400,) if body is None else ())
        assert response.status_code in allowed, response.status_code
        if response.status_code == 201:
            _, errors = response_service.validate(questionnaire, answers)
            assert errors == {}
            assert _count(Response) == before + 1
        else:
            assert response.mimetype == "application/problem+json"
            assert _count(Response) == before

    run()
