"""Tests for the questionnaire model: construction checks, round trips, conditions, validation."""

import copy

import pytest

from surveys.model import Condition, Question, Questionnaire, Section

T = {"nl": "Tekst", "en": "Text"}


def opt(*values):
    return [{"value": v, "label": {"nl": v.title(), "en": v.title()}} for v in values]


def gen_definition(**overrides):
    """A small questionnaire with conditions on a question and on a section."""
    d = {
        "format": "draagvlak-questionnaire/1",
        "key": "demo",
        "version": 1,
        "title": {"nl": "Demo", "en": "Demo"},
        "audience": "ict_staff",
        "anonymous": True,
        "sections": [
            {
                "key": "intro",
                "title": T,
                "questions": [
                    {"key": "server_model", "type": "single_choice", "text": T, "options": opt("on_premise", "cloud")},
                    {
                        "key": "cloud_happy",
                        "type": "likert",
                        "text": T,
                        "construct": "sat",
                        "scale": {"min": 1, "max": 5},
                        "condition": {"question": "server_model", "equals": "cloud"},
                    },
                    {
                        "key": "needs",
                        "type": "multiple_choice",
                        "text": T,
                        "required": False,
                        "options": opt("scholing", "tijd", "anders"),
                    },
                    {
                        "key": "needs_other",
                        "type": "text",
                        "text": T,
                        "max_length": 50,
                        "condition": {"question": "needs", "contains": "anders"},
                    },
                ],
            },
            {
                "key": "scholing",
                "title": T,
                "condition": {"question": "needs", "contains": "scholing"},
                "questions": [
                    {"key": "course", "type": "text", "text": T},
                    {
                        "key": "hard",
                        "type": "likert",
                        "text": T,
                        "construct": "eff",
                        "reverse": True,
                        "scale": {"min": 1, "max": 5},
                        "matrix": "m1",
                    },
                ],
            },
            {"key": "end", "title": T, "questions": [{"key": "ok", "type": "yes_no", "text": T, "required": False}]},
        ],
    }
    d.update(overrides)
    return d


def test_round_trip_exact():
    d = gen_definition()
    q = Questionnaire.from_dict(d)
    assert q.to_dict() == d
    assert Questionnaire.from_dict(q.to_dict()) == q


def test_from_dict_does_not_share_state():
    d = gen_definition()
    q = Questionnaire.from_dict(d)
    d["sections"][0]["questions"][0]["options"].append({"value": "x", "label": T})
    assert len(q.question("server_model").options) == 2


def test_lookups():
    q = Questionnaire.from_dict(gen_definition())
    assert [x.key for x in q.questions()] == [
        "server_model",
        "cloud_happy",
        "needs",
        "needs_other",
        "course",
        "hard",
        "ok",
    ]
    assert q.question("hard").reverse is True
    assert q.constructs() == ["eff", "sat"]
    with pytest.raises(KeyError):
        q.question("nope")
    with pytest.raises(ValueError, match="onbekende vraag 'nope'"):
        q.question("nope")
    with pytest.raises(ValueError):
        q.validate_section("nope", {})


def test_fingerprint_changes_with_content():
    a = Questionnaire.from_dict(gen_definition())
    b = Questionnaire.from_dict(gen_definition())
    assert a.fingerprint() == b.fingerprint() and len(a.fingerprint()) == 64
    b.question("course").text = {"nl": "Anders", "en": "Other"}
    assert a.fingerprint() != b.fingerprint()


def test_api_questions_shape():
    q = Questionnaire.from_dict(gen_definition())
    api = {x["key"]: x for x in q.api_questions()}
    assert set(api["hard"]) == {"key", "type", "construct", "domain", "reverse", "required", "scale", "options", "text"}
    assert api["hard"]["scale"] == {"min": 1, "max": 5} and api["hard"]["options"] is None
    assert api["server_model"]["options"] == [
        {"value": "on_premise", "label": "On_Premise"},
        {"value": "cloud", "label": "Cloud"},
    ]
    assert api["server_model"]["scale"] is None
    assert api["course"]["text"] == T and api["ok"]["required"] is False


def test_condition_equals():
    q = Questionnaire.from_dict(gen_definition())
    keys = [x.key for x in q.visible_questions({"server_model": "on_premise"})]
    assert "cloud_happy" not in keys
    keys = [x.key for x in q.visible_questions({"server_model": "cloud"})]
    assert "cloud_happy" in keys


def test_condition_contains_and_hidden_section():
    q = Questionnaire.from_dict(gen_definition())
    assert [s.key for s in q.visible_sections({})] == ["intro", "end"]
    assert [s.key for s in q.visible_sections({"needs": ["scholing"]})] == ["intro", "scholing", "end"]
    assert "needs_other" in [x.key for x in q.visible_questions({"needs": "tijd|anders"})]
    assert q.validate_section("scholing", {"needs": ["tijd"], "course": "x"}) == ({}, {})


def test_validate_all_drops_hidden_and_flags_unknown():
    q = Questionnaire.from_dict(gen_definition())
    raw = {"server_model": "on_premise", "cloud_happy": "9", "needs": ["tijd"], "course": "Excel", "hard": 2, "wat": 1}
    clean, errors = q.validate_all(raw)
    assert clean == {"server_model": "on_premise", "needs": ["tijd"]}
    assert errors == {"wat": ["Onbekende vraag."]}


def test_validate_all_reports_errors_per_key():
    q = Questionnaire.from_dict(gen_definition())
    clean, errors = q.validate_all({"server_model": "cloud", "cloud_happy": "8", "needs": ["scholing"], "hard": "3"})
    assert errors == {"cloud_happy": ["Kies een waarde van 1 tot en met 5."], "course": ["Deze vraag is verplicht."]}
    assert clean == {"server_model": "cloud", "needs": ["scholing"], "hard": 3}


def test_validate_section_uses_earlier_answers():
    q = Questionnaire.from_dict(gen_definition())
    clean, errors = q.validate_section("scholing", {"needs": "scholing", "course": " Excel ", "hard": "5"})
    assert (clean, errors) == ({"course": "Excel", "hard": 5}, {})


def test_invalid_answer_does_not_open_condition():
    q = Questionnaire.from_dict(gen_definition())
    # "cloudy" is no option, so the question it would open stays hidden.
    assert "cloud_happy" not in [x.key for x in q.visible_questions({"server_model": "cloudy"})]


def test_encode():
    q = Questionnaire.from_dict(gen_definition())
    encoded = q.encode({"server_model": "cloud", "needs": ["scholing", "tijd"], "ok": True})
    assert encoded["needs"] == "scholing|tijd" and encoded["ok"] == 1 and encoded["course"] is None
    assert list(encoded) == [x.key for x in q.questions()]


def _broken(mutate):
    d = gen_definition()
    mutate(d)
    return d


@pytest.mark.parametrize(
    "mutate,fragment",
    [
        (
            lambda d: d["sections"][1]["questions"].append(copy.deepcopy(d["sections"][0]["questions"][0])),
            "komt twee keer voor",
        ),
        (
            lambda d: d["sections"][0]["questions"][1].update(condition={"question": "ok", "equals": True}),
            "eerdere vraag",
        ),
        (
            lambda d: d["sections"][0]["questions"][1].update(condition={"question": "cloud_happy", "equals": 3}),
            "eerdere vraag",
        ),
        (
            lambda d: d["sections"][0]["questions"][1].update(condition={"question": "server_model", "equals": "x"}),
            "equals",
        ),
        (
            lambda d: d["sections"][0]["questions"][3].update(condition={"question": "needs", "contains": "x"}),
            "geen optie",
        ),
        (lambda d: d["sections"][0]["questions"][3].update(condition={"question": "needs"}), "precies één"),
        (lambda d: d["sections"][0]["questions"][0].update(type="slider"), "onbekend vraagtype"),
        (lambda d: d["sections"][0]["questions"][0].update(key="Server"), "sleutel"),
        (lambda d: d["sections"][0]["questions"][0].update(options=opt("a")), "twee opties"),
        (lambda d: d["sections"][0]["questions"][0].update(reverse=True), "omgekeerd"),
        (lambda d: d["sections"][2].update(key="intro"), "sectie"),
        (lambda d: d["sections"][2].update(questions=[]), "minstens één vraag"),
        (lambda d: d.update(audience="teachers"), "audience"),
        (lambda d: d.update(version=0), "version"),
        (lambda d: d.update(sections=[]), "sections"),
        (lambda d: d.update(format="other/2"), "format"),
        (lambda d: d.update(extra=1), "onbekende velden"),
        (lambda d: d["sections"][0]["questions"][0].update(colour="red"), "onbekende velden"),
        (lambda d: d["sections"][0]["questions"][0].update(text={"nl": "Alleen Nederlands"}), "'nl' en 'en'"),
    ],
)
def test_bad_definitions_raise_value_error(mutate, fragment):
    with pytest.raises(ValueError, match=fragment):
        Questionnaire.from_dict(_broken(mutate))


def test_direct_construction_is_checked():
    question = Question(key="a", type="yes_no", text=T)
    Questionnaire(
        key="x",
        version=1,
        title=T,
        audience="all",
        anonymous=True,
        sections=[Section(key="s", title=T, questions=[question])],
    )
    with pytest.raises(ValueError):
        Questionnaire(
            key="x",
            version=1,
            title=T,
            audience="all",
            anonymous=True,
            sections=[Section(key="s", title=T, questions=[question, question])],
        )


def test_condition_round_trip():
    c = Condition(question="a", contains="b")
    assert Condition.from_dict(c.to_dict()) == c
    with pytest.raises(ValueError):
        Condition.from_dict({"question": "a", "is": 1})


def test_validate_all_rejects_non_dict():
    q = Questionnaire.from_dict(gen_definition())
    with pytest.raises(ValueError):
        q.validate_all(["server_model"])
