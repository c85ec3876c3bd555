"""Question macros (templates/questions/_render.html) and reading a posted form back (formdata)."""

import re

import pytest
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from app.questionnaires.formdata import question_blocks, raw_answers_from_form, shown_questions
from surveys.model import Questionnaire
from surveys.templates import load_template


def _t(nl, en=None):
    return {"nl": nl, "en": en or nl + " (en)"}


OPTIONS = [
    {"value": "a", "label": _t("Optie A")},
    {"value": "b", "label": _t("Optie B")},
    {"value": "c", "label": _t("Optie C")},
]

DEFINITION = {
    "key": "demo",
    "version": 1,
    "title": _t("Demo"),
    "audience": "all",
    "anonymous": True,
    "sections": [
        {
            "key": "s1",
            "title": _t("Een"),
            "intro": _t("Inleiding"),
            "questions": [
                {
                    "key": "m1",
                    "type": "likert",
                    "matrix": "mx",
                    "text": _t("Stelling een"),
                    "labels": {"nl": ["Oneens", "Eens"], "en": ["Disagree", "Agree"]},
                },
                {"key": "m2", "type": "likert", "matrix": "mx", "text": _t("Stelling twee"), "reverse": True},
                {
                    "key": "lik",
                    "type": "likert",
                    "text": _t("Losse stelling"),
                    "help": _t("Uitleg bij de stelling"),
                    "scale": {"min": 1, "max": 4},
                },
                {"key": "single", "type": "single_choice", "text": _t("Kies er een"), "options": OPTIONS},
                {
                    "key": "multi",
                    "type": "multiple_choice",
                    "text": _t("Kies er meer"),
                    "options": OPTIONS,
                    "max": 2,
                    "required": False,
                },
                {"key": "num", "type": "number", "text": _t("Aantal"), "unit": _t("fte"), "min": 0},
                {"key": "money", "type": "currency", "text": _t("Bedrag")},
                {"key": "open", "type": "text", "text": _t("Toelichting"), "max_length": 500, "required": False},
                {"key": "rank", "type": "ranking", "text": _t("Rangorde"), "options": OPTIONS},
                {"key": "yn", "type": "yes_no", "text": _t("Akkoord?")},
                {
                    "key": "cond",
                    "type": "text",
                    "text": _t("Waarom niet?"),
                    "required": False,
                    "condition": {"question": "yn", "equals": "nee"},
                },
            ],
        }
    ],
}


@pytest.fixture
def questionnaire():
    return Questionnaire.from_dict(DEFINITION)


def render(section, answers=None, errors=None, lang="nl", visible=None):
    return render_template_string(
        '{% from "questions/_render.html" import render_section %}'
        "{{ render_section(section, answers, errors, lang, visible=visible) }}",
        section=section,
        answers=answers or {},
        errors=errors or {},
        lang=lang,
        visible=visible,
    )


def _tag(html, pattern):
    match = re.search(pattern, html, re.S)
    assert match, pattern
    return match.group(0)


def test_every_type_renders_with_labels_and_names(app, questionnaire):
    with app.test_request_context():
        html = render(questionnaire.sections[0])
    # Scales are fieldsets with a legend; every radio has its label.
    assert '<fieldset class="q q-likert' in html and "<legend" in html
    assert html.count('name="lik"') == 4
    for key in ("m1", "m2", "lik", "single", "yn"):
        for radio_id in re.findall(rf'id="(q-{key}-[a-z0-9]+)"', html):
            if radio_id.endswith(("-help", "-error", "-cond")):
                continue
            assert f'for="{radio_id}"' in html, radio_id
    assert html.count('name="multi"') == 3 and 'type="checkbox"' in html
    assert 'inputmode="decimal"' in _tag(html, r'<input[^>]*name="num"[^>]*>')
    assert ">fte<" in html and "€" in html
    assert 'maxlength="500"' in _tag(html, r'<textarea[^>]*name="open"[^>]*>')
    for value in ("a", "b", "c"):
        assert f'<select name="rank__{value}"' in html
    assert ">Ja<" in html and ">Nee<" in html
    assert html.count("(verplicht)") == 8 and html.count("(niet verplicht)") == 3
    assert "Uitleg bij de stelling" in html and 'aria-describedby="q-lik-help"' in html
    assert "Inleiding" in html


def test_matrix_is_one_block_with_a_fieldset_per_item(app, questionnaire):
    section = questionnaire.sections[0]
    blocks = question_blocks(section.questions)
    assert blocks[0][0] == "matrix" and [q.key for q in blocks[0][1]] == ["m1", "m2"]
    with app.test_request_context():
        html = render(section)
    matrix = _tag(html, r'<div class="q-matrix .*?</fieldset>\s*<fieldset.*?</fieldset>\s*</div>')
    assert matrix.count("<fieldset") == 2 and matrix.count("<legend") == 2
    assert 'aria-hidden="true"' in matrix  # the visual column header only
    assert "Stelling een" in matrix and "1 Oneens" in matrix and "5 Eens" in matrix


def test_errors_are_beside_the_field_and_marked_invalid(app, questionnaire):
    errors = {"num": ["Vul een getal in."], "single": ["Deze vraag is verplicht."]}
    with app.test_request_context():
        html = render(questionnaire.sections[0], answers={"num": "abc"}, errors=errors)
    num = _tag(html, r'<input[^>]*name="num"[^>]*>')
    assert 'aria-invalid="true"' in num and 'aria-describedby="q-num-error"' in num and 'value="abc"' in num
    assert '<p class="q-error error" id="q-num-error">' in html and "Vul een getal in." in html
    assert 'aria-describedby="q-single-error"' in _tag(html, r'<fieldset[^>]*id="q-single"[^>]*>')
    assert 'aria-invalid="true"' in _tag(html, r'<input[^>]*name="single"[^>]*>')


def test_answers_are_shown_again(app, questionnaire):
    answers = {
        "m1": 4,
        "single": "b",
        "multi": ["a", "c"],
        "rank": ["c", "a", "b"],
        "yn": True,
        "money": 1234.5,
        "open": "Tekst",
    }
    with app.test_request_context():
        html = render(questionnaire.sections[0], answers=answers)
    assert "checked" in _tag(html, r'<input[^>]*id="q-m1-4"[^>]*>')
    assert "checked" in _tag(html, r'<input[^>]*id="q-single-b"[^>]*>')
    assert "checked" in _tag(html, r'<input[^>]*id="q-multi-c"[^>]*>')
    assert "checked" not in _tag(html, r'<input[^>]*id="q-multi-b"[^>]*>')
    assert "checked" in _tag(html, r'<input[^>]*id="q-yn-ja"[^>]*>')
    assert 'value="1234,5"' in html and ">Tekst</textarea>" in html
    assert '<option value="1" selected>' in _tag(html, r'<select name="rank__c".*?</select>')


def test_english_texts(app, questionnaire):
    with app.test_request_context():
        html = render(questionnaire.sections[0], lang="en")
    assert "Stelling een (en)" in html and "Agree" in html


def test_visible_hides_false_conditions_but_keeps_same_section_ones(questionnaire):
    section = questionnaire.sections[0]
    assert [q.key for q in shown_questions(section, None)] == [q.key for q in section.questions]
    assert "cond" in [q.key for q in shown_questions(section, {"m1"})]  # same-section condition


def test_raw_answers_from_form_for_every_type(questionnaire):
    form = MultiDict(
        [
            ("m1", "4"),
            ("m2", "2"),
            ("lik", "3"),
            ("single", "a"),
            ("multi", "a"),
            ("multi", "c"),
            ("num", "1,5"),
            ("money", "€ 1.234,50"),
            ("open", " tekst "),
            ("rank__a", "2"),
            ("rank__b", "3"),
            ("rank__c", "1"),
            ("yn", "nee"),
            ("cond", "Daarom"),
            ("other", "x"),
        ]
    )
    raw = raw_answers_from_form(questionnaire.sections[0], form)
    assert raw["multi"] == ["a", "c"] and raw["rank"] == ["c", "a", "b"] and "other" not in raw
    clean, errors = questionnaire.validate_section("s1", raw)
    assert errors == {}
    assert clean == {
        "m1": 4,
        "m2": 2,
        "lik": 3,
        "single": "a",
        "multi": ["a", "c"],
        "num": 1.5,
        "money": 1234.5,
        "open": "tekst",
        "rank": ["c", "a", "b"],
        "yn": False,
        "cond": "Daarom",
    }


def test_raw_answers_from_an_empty_form_give_required_errors(questionnaire):
    raw = raw_answers_from_form(questionnaire.sections[0].questions, MultiDict())
    clean, errors = questionnaire.validate_section("s1", raw)
    assert clean == {}
    assert set(errors) == {"m1", "m2", "lik", "single", "num", "money", "rank", "yn"}
    assert errors["yn"] == ["Deze vraag is verplicht."]


def test_ranking_with_two_options_on_one_place_is_refused(questionnaire):
    form = MultiDict([("rank__a", "1"), ("rank__b", "1"), ("rank__c", "2")])
    raw = raw_answers_from_form([questionnaire.question("rank")], form)
    _, errors = questionnaire.validate_section("s1", raw)
    assert errors["rank"] == ["Geef elke optie hoogstens één plaats."]
    bad = raw_answers_from_form([questionnaire.question("rank")], MultiDict([("rank__a", "x")]))
    assert questionnaire.validate_section("s1", bad)[1]["rank"] == ["Rangschik alleen de genoemde opties."]


def test_raw_answers_accept_a_whole_questionnaire():
    q = load_template("motives")
    raw = raw_answers_from_form(q, MultiDict([("motive_quality", "5")]))
    assert raw["motive_quality"] == "5" and set(raw) == {x.key for x in q.questions()}


@pytest.mark.parametrize("key", ["ict_foto", "ict_staff", "board_commitment", "motives"])
def test_every_template_section_renders(app, key):
    q = load_template(key)
    with app.test_request_context():
        for section in q.sections:
            html = render(section)
            for question in section.questions:
                assert f'name="{question.key}' in html
