"""Tests for the question-type registry: good, bad and form-style answers for every type."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.model import Question
from surveys.types import QUESTION_TYPES, AnswerError, get_type
from surveys.types.base import QuestionType, parse_decimal

TEXT = {"nl": "Vraag", "en": "Question"}


def gen_question(type_, **kw):
    """Build a sound question of ``type_`` with sensible defaults."""
    if type_ in ("single_choice", "multiple_choice", "ranking") and "options" not in kw:
        kw["options"] = [{"value": v, "label": {"nl": v, "en": v}} for v in ("a", "b", "c")]
    if type_ == "likert" and "scale" not in kw:
        kw["scale"] = {"min": 1, "max": 5}
    q = Question(key="q", type=type_, text=TEXT, **kw)
    q.check("q")
    return q


def test_registry_has_all_types():
    assert set(QUESTION_TYPES) == {
        "likert",
        "single_choice",
        "multiple_choice",
        "number",
        "currency",
        "text",
        "ranking",
        "yes_no",
        "nps",
    }
    assert all(isinstance(t, QuestionType) and t.name == n for n, t in QUESTION_TYPES.items())


@pytest.mark.parametrize("name", ["nope", "", None, ["likert"]])
def test_get_type_unknown(name):
    with pytest.raises(ValueError):
        get_type(name)


def test_answer_error_is_value_error():
    assert issubclass(AnswerError, ValueError)


GOOD = [
    ("likert", {}, 4, 4),
    ("likert", {}, "4", 4),
    ("likert", {}, " 1 ", 1),
    ("likert", {}, 5.0, 5),
    ("likert", {"scale": {"min": 0, "max": 10}}, "0", 0),
    ("single_choice", {}, "b", "b"),
    ("single_choice", {}, " c", "c"),
    ("multiple_choice", {}, ["c", "a"], ["a", "c"]),
    ("multiple_choice", {}, "b", ["b"]),
    ("multiple_choice", {}, "a|b", ["a", "b"]),
    ("multiple_choice", {"min": 2}, ["a", "b"], ["a", "b"]),
    ("ranking", {}, ["c", "a", "b"], ["c", "a", "b"]),
    ("ranking", {}, "b|a|c", ["b", "a", "c"]),
    ("ranking", {"min": 1, "max": 2}, ["c"], ["c"]),
    ("yes_no", {}, True, True),
    ("yes_no", {}, False, False),
    ("yes_no", {}, "ja", True),
    ("yes_no", {}, "Nee", False),
    ("yes_no", {}, "true", True),
    ("yes_no", {}, "false", False),
    ("yes_no", {}, "1", True),
    ("yes_no", {}, "0", False),
    ("yes_no", {}, 1, True),
    ("number", {}, 3, 3.0),
    ("number", {}, "1234,5", 1234.5),
    ("number", {}, "1234.5", 1234.5),
    ("number", {}, "1.234,50", 1234.5),
    ("number", {}, "-2", -2.0),
    ("number", {"min": 0}, "0", 0.0),
    ("number", {"integer": True}, "12", 12),
    ("number", {"integer": True}, 7.0, 7),
    ("number", {"integer": True}, "1.200", 1200),
    ("currency", {}, "1.234,50", 1234.5),
    ("currency", {}, "€ 250", 250.0),
    ("currency", {}, 0, 0.0),
    ("currency", {}, "1234,5", 1234.5),
    ("currency", {}, "1234.5", 1234.5),
    ("currency", {}, 19.99, 19.99),
    ("currency", {}, "12.500", 12500.0),
    ("currency", {}, "1,234.56", 1234.56),
    ("text", {}, "  Goed idee\r\nmaar  ", "Goed idee\nmaar"),
    ("text", {"max_length": 3}, "abc", "abc"),
]


@pytest.mark.parametrize("type_,kw,raw,expected", GOOD)
def test_good_values(type_, kw, raw, expected):
    q = gen_question(type_, **kw)
    value = q.question_type.validate(q, raw)
    assert value == expected and type(value) is type(expected)
    # Clean values are valid input again and do not change.
    assert q.question_type.validate(q, value) == value


BAD = [
    ("likert", {}, 6, "Kies een waarde van 1 tot en met 5."),
    ("likert", {}, "0", "Kies een waarde van 1 tot en met 5."),
    ("likert", {}, "vier", "Kies een waarde van 1 tot en met 5."),
    ("likert", {}, True, "Kies een waarde van 1 tot en met 5."),
    ("likert", {}, 3.5, "Kies een waarde van 1 tot en met 5."),
    ("likert", {}, [3], "Kies een waarde van 1 tot en met 5."),
    ("single_choice", {}, "d", "Kies een van de genoemde opties."),
    ("single_choice", {}, 1, "Kies een van de genoemde opties."),
    ("single_choice", {}, ["a"], "Kies een van de genoemde opties."),
    ("multiple_choice", {}, ["a", "x"], "Kies alleen uit de genoemde opties."),
    ("multiple_choice", {}, ["a", "a"], "Kies elke optie hoogstens één keer."),
    ("multiple_choice", {"min": 2}, ["a"], "Kies minstens 2 opties."),
    ("multiple_choice", {"max": 1}, ["a", "b"], "Kies hoogstens één optie."),
    ("multiple_choice", {}, [1], "Kies uit de genoemde opties."),
    ("multiple_choice", {}, 5, "Kies uit de genoemde opties."),
    ("ranking", {}, ["a", "b"], "Zet alle opties in volgorde."),
    ("ranking", {}, ["a", "b", "b"], "Geef elke optie hoogstens één plaats."),
    ("ranking", {}, ["a", "b", "z"], "Rangschik alleen de genoemde opties."),
    ("ranking", {"min": 2, "max": 2}, ["a"], "Zet minstens 2 opties in volgorde."),
    ("yes_no", {}, "misschien", "Kies ja of nee."),
    ("yes_no", {}, 2, "Kies ja of nee."),
    ("yes_no", {}, 1.5, "Kies ja of nee."),
    ("number", {}, "veel", "Vul een getal in."),
    ("number", {}, True, "Vul een getal in."),
    ("number", {}, float("nan"), "Vul een getal in."),
    ("number", {}, "1,2,3", "Vul een getal in."),
    ("number", {}, "1.23.4", "Vul een getal in."),
    ("number", {}, 10**20, "Vul een getal in."),
    ("number", {"min": 0}, "-1", "Het getal moet minstens 0 zijn."),
    ("number", {"max": 1.5}, "2", "Het getal mag hoogstens 1,5 zijn."),
    ("number", {"integer": True}, "2,5", "Vul een geheel getal in."),
    ("currency", {}, "-5", "Het bedrag moet minstens 0 zijn."),
    ("currency", {}, "1,234", "Gebruik hoogstens twee cijfers achter de komma."),
    ("currency", {}, "12,345", "Gebruik hoogstens twee cijfers achter de komma."),
    ("currency", {}, "gratis", "Vul een bedrag in euro in, bijvoorbeeld 1.234,50."),
    ("currency", {}, float("inf"), "Vul een bedrag in euro in, bijvoorbeeld 1.234,50."),
    ("text", {"max_length": 500}, "x" * 501, "Maximaal 500 tekens."),
    ("text", {}, "x" * 2001, "Maximaal 2000 tekens."),
    ("text", {}, 12, "Vul tekst in."),
    ("text", {}, "a\x00b", "De tekst bevat ongeldige tekens."),
    ("text", {}, "\ud800", "De tekst bevat ongeldige tekens."),
]


@pytest.mark.parametrize("type_,kw,raw,message", BAD)
def test_bad_values(type_, kw, raw, message):
    q = gen_question(type_, **kw)
    with pytest.raises(AnswerError) as info:
        q.question_type.validate(q, raw)
    assert info.value.message == message


@pytest.mark.parametrize("type_", sorted(QUESTION_TYPES))
@pytest.mark.parametrize("raw", [None, "", "   ", []])
def test_empty_is_unanswered(type_, raw):
    required = gen_question(type_)
    with pytest.raises(AnswerError, match="Deze vraag is verplicht."):
        required.question_type.validate(required, raw)
    optional = gen_question(type_, required=False)
    assert optional.question_type.validate(optional, raw) is None


ENCODED = [
    ("likert", 4, 4),
    ("single_choice", "a", "a"),
    ("multiple_choice", ["a", "c"], "a|c"),
    ("ranking", ["c", "a", "b"], "c|a|b"),
    ("yes_no", True, 1),
    ("yes_no", False, 0),
    ("number", 3, 3.0),
    ("currency", 12.5, 12.5),
    ("text", "hoi", "hoi"),
]


@pytest.mark.parametrize("type_,value,expected", ENCODED)
def test_encode(type_, value, expected):
    q = gen_question(type_)
    encoded = q.question_type.encode(q, value)
    assert encoded == expected and type(encoded) is type(expected)
    assert q.question_type.encode(q, None) is None


def test_likert_reverse_is_not_applied_in_encode():
    q = gen_question("likert", reverse=True)
    assert q.question_type.encode(q, 1) == 1


BAD_DEFINITIONS = [
    ("likert", {"scale": {"min": 5, "max": 1}}),
    ("likert", {"scale": {"min": 1}}),
    ("likert", {"scale": {"min": 1, "max": 5}, "labels": {"nl": ["a", "b", "c"], "en": ["a", "b"]}}),
    ("likert", {"options": [{"value": "a", "label": TEXT}, {"value": "b", "label": TEXT}]}),
    ("single_choice", {"options": [{"value": "a", "label": TEXT}]}),
    ("single_choice", {"options": [{"value": "a", "label": TEXT}, {"value": "a", "label": TEXT}]}),
    ("single_choice", {"options": [{"value": "A b", "label": TEXT}, {"value": "a", "label": TEXT}]}),
    ("single_choice", {"options": None}),
    ("multiple_choice", {"min": 3, "max": 2}),
    ("multiple_choice", {"max": 4}),
    ("ranking", {"min": 0}),
    ("number", {"min": 5, "max": 1}),
    ("number", {"min": "0"}),
    ("number", {"max_length": 10}),
    ("currency", {"min": -1}),
    ("text", {"max_length": 0}),
    ("text", {"min": 1}),
    ("yes_no", {"scale": {"min": 1, "max": 5}}),
    ("yes_no", {"reverse": True}),
]


@pytest.mark.parametrize("type_,kw", BAD_DEFINITIONS)
def test_bad_definitions(type_, kw):
    if type_ in ("single_choice",) and "options" in kw:
        q = Question(key="q", type=type_, text=TEXT, **kw)
    else:
        base = {}
        if type_ in ("multiple_choice", "ranking"):
            base["options"] = [{"value": v, "label": TEXT} for v in "abc"]
        q = Question(key="q", type=type_, text=TEXT, **{**base, **kw})
    with pytest.raises(ValueError):
        q.check("q")


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("1.234.567,89", "1234567.89"),
        ("1 234,5", "1234.5"),
        ("1,234,567", "1234567"),
        (",5", "0.5"),
        ("0,75", "0.75"),
        ("+3", "3"),
        ("EUR 10", "10"),
        ("1.5", "1.5"),
    ],
)
def test_parse_decimal(raw, expected):
    assert str(parse_decimal(raw)) == expected


@pytest.mark.parametrize("raw", ["", "1..2", "1,,2", "1.2,3.4", "12 34", "1e5", "0x10", "€", None])
def test_parse_decimal_rejects(raw):
    with pytest.raises(ValueError):
        parse_decimal(raw)


# -- fuzzing: validate never raises anything but AnswerError and never returns an invalid value

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["a", "b", "c", "ja", "nee", "1,5", "1.234,50", "3", "a|b", "c,a,b"]),
)
raws = st.one_of(scalars, st.lists(scalars, max_size=5), st.dictionaries(st.text(max_size=3), scalars, max_size=2))

FUZZ_QUESTIONS = {
    "likert": {},
    "single_choice": {},
    "multiple_choice": {"max": 2},
    "ranking": {"min": 1},
    "yes_no": {},
    "number": {"min": 0, "max": 1000},
    "currency": {},
    "text": {"max_length": 10},
    "nps": {},
}


def assert_valid(q, value):
    """Check a clean value against the definition, independently of the type's own code."""
    values = [o["value"] for o in q.options or []]
    if q.type == "likert":
        assert type(value) is int and q.scale["min"] <= value <= q.scale["max"]
    elif q.type == "single_choice":
        assert value in values
    elif q.type in ("multiple_choice", "ranking"):
        assert isinstance(value, list) and len(set(value)) == len(value) and set(value) <= set(values)
        assert (q.min or 1) <= len(value) <= (q.max or len(values))
    elif q.type == "yes_no":
        assert type(value) is bool
    elif q.type in ("number", "currency"):
        assert type(value) is float and math.isfinite(value)
        assert value >= (q.min if q.min is not None else (0 if q.type == "currency" else -math.inf))
        assert value <= (q.max if q.max is not None else math.inf)
    elif q.type == "text":
        assert isinstance(value, str) and value == value.strip() and 0 < len(value) <= q.max_length
    elif q.type == "nps":
        assert type(value) is int and 0 <= value <= 10
    else:
        raise AssertionError(f"no independent check for type {q.type!r}")


@pytest.mark.parametrize("type_", sorted(QUESTION_TYPES))
@pytest.mark.parametrize("required", [True, False])
def test_fuzz_validate(type_, required):
    q = gen_question(type_, required=required, **FUZZ_QUESTIONS[type_])

    @settings(max_examples=150, deadline=None)
    @given(raws)
    def run(raw):
        try:
            value = q.question_type.validate(q, raw)
        except AnswerError as exc:
            assert isinstance(exc.message, str) and exc.message.endswith(".")
            return
        if value is None:
            assert not required
            return
        assert_valid(q, value)
        assert q.question_type.validate(q, value) == value
        encoded = q.question_type.encode(q, value)
        assert encoded is None or isinstance(encoded, (int, float, str))

    run()
