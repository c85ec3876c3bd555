"""Question types as plugins: the ninth type (nps) end to end — rendered accessibly, validated,
answered through the respondent flow, exported in the CSV, offered in the editor — and a type
registered at run time reaching every place without any other edit."""

from __future__ import annotations

import csv
import io
import re

import pytest
from builders import api_token, gen_traject, gen_user, login
from flask import render_template_string
from flask_babel import force_locale
from respond_builders import close_and_release, gen_participant, gen_questionnaire
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.models import Questionnaire, Response
from app.questionnaires.formdata import raw_answers_from_form
from app.respond.display import answer_text
from app.services import questionnaires as service
from surveys.model import Questionnaire as Definition
from surveys.types import QUESTION_TYPES, register
from surveys.types.likert import parse_point, point_labels


def _t(nl):
    return {"nl": nl, "en": nl + " (en)"}


def nps_definition() -> dict:
    return Definition.from_dict(
        {
            "key": "aanbeveling",
            "version": 1,
            "title": _t("Aanbeveling"),
            "audience": "ict_staff",
            "anonymous": True,
            "sections": [
                {
                    "key": "score",
                    "title": _t("Score"),
                    "questions": [
                        {"key": "aanbevelen", "type": "nps", "text": _t("Zou u de samenwerking aanbevelen?")},
                        {"key": "waarom", "type": "text", "required": False, "text": _t("Waarom?")},
                    ],
                }
            ],
        }
    ).to_dict()


def _render(section, answers=None, errors=None, lang="nl"):
    return render_template_string(
        '{% from "questions/_render.html" import render_section %}{{ render_section(section, answers, errors, lang) }}',
        section=section,
        answers=answers or {},
        errors=errors or {},
        lang=lang,
    )


def test_nps_renders_as_a_fieldset_of_eleven_labelled_radio_buttons(app):
    section = Definition.from_dict(nps_definition()).sections[0]
    with app.test_request_context():
        html = _render(section)
        fieldset = re.search(r'<fieldset class="q q-nps" id="q-aanbevelen".*?</fieldset>', html, re.S).group(0)
        assert '<legend class="q-text">Zou u de samenwerking aanbevelen? <span class="q-required">' in fieldset
        radios = re.findall(r'<input type="radio" name="aanbevelen" id="q-aanbevelen-(\d+)" value="(\d+)"', fieldset)
        assert [int(v) for _, v in radios] == list(range(11)) and all(i == v for i, v in radios)
        # Every radio has its own label (clickable, read by a screen reader); the ends say what they mean.
        for value in range(11):
            assert f'<label class="q-point" for="q-aanbevelen-{value}">' in fieldset
        assert "Zeer onwaarschijnlijk" in fieldset and "Zeer waarschijnlijk" in fieldset
        english = _render(section, lang="en")
        assert "Very unlikely" in english and "Very likely" in english
        again = _render(
            section, answers={"aanbevelen": 7}, errors={"aanbevelen": ["Kies een waarde van 0 tot en met 10."]}
        )
        assert re.search(r'id="q-aanbevelen-7" value="7" checked', again)
        assert 'aria-describedby="q-aanbevelen-error"' in again and 'aria-invalid="true"' in again


def test_nps_is_answered_through_the_respondent_flow_and_exported_in_the_csv(app, client):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, anonymity_threshold=3, comment_threshold=3)
    questionnaire = gen_questionnaire(traject, definition=nps_definition())
    tokens = [gen_participant(questionnaire)[1] for _ in range(3)]
    intro = client.get(f"/v/{tokens[0]}").get_data(as_text=True)
    assert re.search(r"Ongeveer \d+ minu", intro)
    refused = client.post(f"/v/{tokens[0]}/score", data={"aanbevelen": "11", "actie": "volgende"})
    assert refused.status_code == 422
    assert "Kies een waarde van 0 tot en met 10." in refused.get_data(as_text=True)
    for token, score in zip(tokens, ("9", "6", "10")):
        response = client.post(f"/v/{token}/score", data={"aanbevelen": score, "actie": "volgende"})
        assert response.status_code == 302 and response.location.endswith("/_controle")
        review = client.get(response.location).get_data(as_text=True)
        assert re.search(rf"<dd>{score}</dd>", review)
        assert client.post(f"/v/{token}/_verzenden").status_code == 302
    db.session.expire_all()
    assert sorted(r.answers["aanbevelen"] for r in db.session.scalars(select(Response))) == [6, 9, 10]
    close_and_release(client, owner, questionnaire)
    export = client.get(f"/api/v1/questionnaires/{questionnaire.id}/responses.csv", headers=api_token(owner))
    assert export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert sorted(int(row["aanbevelen"]) for row in rows) == [6, 9, 10]


def test_the_editor_offers_nps_with_only_its_own_fields(app, client):
    owner = gen_user("regisseur")
    traject = gen_traject(owner)
    login(client, owner)
    q = service.create_blank(traject, "Peiling")
    db.session.commit()
    form = client.get(f"/vragenlijsten/{q.id}/secties/sectie_1/vragen/nieuw").get_data(as_text=True)
    assert '<option value="nps">Aanbevelingsvraag (NPS, 0–10)</option>' in form
    # The scale labels serve likert and nps; the fieldset says so from the registry.
    assert "Alleen voor: Stelling op een schaal (likert), Aanbevelingsvraag (NPS, 0–10)" in form
    base = {
        "key": "aanbevelen",
        "type": "nps",
        "text_nl": "Aanbevelen?",
        "text_en": "Recommend?",
        "required": "y",
        "condition_operator": "equals",
    }
    refused = client.post(f"/vragenlijsten/{q.id}/secties/sectie_1/vragen/nieuw", data={**base, "reverse": "y"})
    assert refused.status_code == 200 and "omgekeerd" in refused.get_data(as_text=True)
    added = client.post(
        f"/vragenlijsten/{q.id}/secties/sectie_1/vragen/nieuw",
        data={
            **base,
            "labels_nl": "Nooit\nZeker",
            "labels_en": "Never\nSurely",
            "scale_min": "3",
            "options": "a | A | A\nb | B | B",
            "max_length": "5",
        },
    )  # other types' inputs
    assert added.status_code == 302
    db.session.expire_all()
    stored = Definition.from_dict(db.session.get(Questionnaire, q.id).definition).question("aanbevelen")
    assert stored.to_dict() == {
        "key": "aanbevelen",
        "type": "nps",
        "text": {"nl": "Aanbevelen?", "en": "Recommend?"},
        "labels": {"nl": ["Nooit", "Zeker"], "en": ["Never", "Surely"]},
    }
    edit = client.get(f"/vragenlijsten/{q.id}/vragen/aanbevelen/bewerken").get_data(as_text=True)
    assert "Nooit\nZeker</textarea>" in edit
    overview = client.get(f"/vragenlijsten/{q.id}").get_data(as_text=True)
    assert "Aanbevelingsvraag (NPS, 0–10)" in overview
    api = client.get(f"/api/v1/questionnaires/{q.id}", headers=api_token(owner)).get_json()
    assert [x for x in api["questions"] if x["key"] == "aanbevelen"][0]["scale"] == {"min": 0, "max": 10}


class _Stars:
    """A tenth type that exists only in this test: one to three stars."""

    @staticmethod
    def build():
        from surveys.types.base import QuestionType

        class StarsType(QuestionType):
            name = "stars_test"
            label = {"nl": "Sterren", "en": "Stars"}
            macro = "questions/types/likert.html"  # a row of points, as likert; a real type names its own file
            schema = {}
            seconds = 5

            def clean(self, question, raw):
                return parse_point(raw, 1, 3)

            def points(self, question, lang):
                return point_labels([1, 2, 3], {"nl": ["Matig", "Top"], "en": ["Poor", "Great"]}, lang)

            def display(self, question, value, lang):
                return "★" * int(value)

        return StarsType()


@pytest.fixture
def stars():
    from surveys.io import schema

    question_type = register(_Stars.build())
    schema.cache_clear()
    yield question_type
    del QUESTION_TYPES[question_type.name]
    schema.cache_clear()


def test_a_type_registered_at_run_time_reaches_every_place(app, stars):
    from surveys.io import load_definition

    definition = load_definition(
        {  # the schema is assembled with the new type
            "format": "draagvlak-questionnaire/1",
            "key": "ster",
            "version": 1,
            "title": _t("Ster"),
            "audience": "all",
            "anonymous": True,
            "sections": [
                {
                    "key": "s",
                    "title": _t("S"),
                    "questions": [{"key": "sterren", "type": "stars_test", "text": _t("Hoeveel sterren?")}],
                }
            ],
        }
    )
    question = definition.question("sterren")
    raw = raw_answers_from_form(definition.sections[0], MultiDict({"sterren": "2"}))
    assert definition.validate_all(raw) == ({"sterren": 2}, {})
    with app.test_request_context():
        html = _render(definition.sections[0])
        assert '<fieldset class="q q-stars-test"' in html and html.count('type="radio"') == 3
        assert answer_text(question, 3) == "★★★"
        from app.questionnaires.forms import type_choices

        assert ("stars_test", "Sterren") in type_choices()
        with force_locale("en"):
            assert "Great" in _render(definition.sections[0], lang="en")


SAMPLES = {  # one definition per type with every own field set, for the contract tests below
    "likert": {
        "scale": {"min": 1, "max": 7},
        "labels": {"nl": ["Oneens", "Eens"], "en": ["No", "Yes"]},
        "matrix": "m1",
    },
    "single_choice": {"options": [{"value": "a", "label": _t("A")}, {"value": "b", "label": _t("B")}]},
    "multiple_choice": {
        "options": [{"value": "a", "label": _t("A")}, {"value": "b", "label": _t("B")}],
        "min": 1,
        "max": 2,
    },
    "ranking": {"options": [{"value": "a", "label": _t("A")}, {"value": "b", "label": _t("B")}], "min": 1, "max": 2},
    "number": {"min": 0, "max": 12.5, "unit": _t("fte"), "integer": True},
    "currency": {"min": 0, "max": 1000},
    "text": {"max_length": 300},
    "yes_no": {},
    "nps": {"labels": {"nl": ["Nooit", "Zeker"], "en": ["Never", "Surely"]}},
}


@pytest.mark.parametrize("name", list(QUESTION_TYPES))
def test_every_type_carries_its_whole_plugin(app, name):
    """Label, macro file, editor fields the form has, a doc row, a schema fragment for exactly its
    own fields, and an editor round trip (to_editor then from_editor gives the same definition)."""
    from pathlib import Path

    from app.questionnaires.forms import TYPE_FIELDS
    from surveys.model import Question

    question_type = QUESTION_TYPES[name]
    assert name in SAMPLES, f"add a sample definition of {name!r} to SAMPLES"
    assert question_type.label["nl"] and question_type.label["en"]
    assert (Path(app.root_path) / "templates" / question_type.macro).is_file()
    assert set(question_type.editor_fields) <= set(TYPE_FIELDS)
    assert all(question_type.doc)
    assert set(question_type.schema) == set(question_type.allowed_fields)
    own = SAMPLES[name]
    Question.from_dict({"key": "q", "type": name, "text": _t("Vraag"), **own}).check("q")
    errors: dict = {}
    assert question_type.from_editor(question_type.to_editor(own), errors) == own and errors == {}
