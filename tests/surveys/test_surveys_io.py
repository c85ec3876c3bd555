"""Tests for reading and writing definitions: schema errors, YAML/JSON round trips."""

import copy
import json
import pathlib

import jsonschema
import pytest
import yaml

from surveys.io import dump_definition, load_definition, schema, validate_definition
from surveys.model import Questionnaire

T = {"nl": "Tekst", "en": "Text"}

BASE = {
    "format": "draagvlak-questionnaire/1",
    "key": "demo",
    "version": 2,
    "title": {"nl": "Proef", "en": "Trial"},
    "audience": "board",
    "anonymous": False,
    "description": {"nl": "Uitleg", "en": "Explanation"},
    "sections": [
        {
            "key": "s1",
            "title": T,
            "intro": T,
            "questions": [
                {"key": "a", "type": "number", "text": T, "min": 0, "max": 10.5, "unit": T, "help": T},
                {"key": "b", "type": "currency", "text": T, "required": False},
                {
                    "key": "c",
                    "type": "ranking",
                    "text": T,
                    "min": 1,
                    "max": 2,
                    "options": [{"value": "x", "label": T}, {"value": "y", "label": T}],
                },
                {
                    "key": "d",
                    "type": "likert",
                    "text": T,
                    "construct": "k",
                    "domain": "ibp",
                    "reverse": True,
                    "scale": {"min": 1, "max": 5},
                    "labels": {"nl": ["laag", "hoog"], "en": ["low", "high"]},
                    "matrix": "m",
                    "condition": {"question": "a", "equals": 3},
                },
            ],
        }
    ],
}


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(schema())


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_dump_load_round_trip(fmt):
    q = Questionnaire.from_dict(copy.deepcopy(BASE))
    text = dump_definition(q, fmt)
    again = load_definition(text)
    assert again == q and again.to_dict() == BASE and again.fingerprint() == q.fingerprint()


def test_load_from_path_and_dict(tmp_path):
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(BASE), encoding="utf-8")
    assert load_definition(path).key == "demo"
    assert load_definition(str(path)).key == "demo"
    assert load_definition(BASE).key == "demo"


def test_dump_unknown_format():
    with pytest.raises(ValueError):
        dump_definition(Questionnaire.from_dict(BASE), "xml")


def _mutated(mutate):
    d = copy.deepcopy(BASE)
    mutate(d)
    return json.dumps(d)


@pytest.mark.parametrize(
    "mutate,fragment",
    [
        (lambda d: d.pop("key"), "hoofdniveau"),
        (lambda d: d["sections"][0]["questions"][0].pop("text"), "sections[0].questions[0]"),
        (lambda d: d["sections"][0]["questions"][1].update(type="slider"), "sections[0].questions[1].type"),
        (lambda d: d["sections"][0]["questions"][1].update(key="a"), "komt twee keer voor"),
        (lambda d: d["sections"][0]["questions"][0].update(condition={"question": "d", "equals": 1}), "eerdere vraag"),
        (lambda d: d.update(format="draagvlak-questionnaire/2"), "format"),
        (lambda d: d["sections"][0]["questions"][2]["options"][0].update(value="X Y"), "value"),
        (lambda d: d["sections"][0]["questions"][3].update(scale={"min": 1, "max": 5, "step": 1}), "scale"),
        (lambda d: d["sections"][0]["questions"][0].update(max_length=10), "max_length"),
    ],
)
def test_bad_files_rejected(mutate, fragment):
    with pytest.raises(ValueError, match="Ongeldige vragenlijst") as info:
        load_definition(_mutated(mutate))
    assert fragment in str(info.value)


def test_duplicate_yaml_keys_rejected():
    text = dump_definition(Questionnaire.from_dict(BASE)).replace("version: 2", "version: 2\nversion: 3")
    with pytest.raises(ValueError, match="dubbele sleutel"):
        load_definition(text)


@pytest.mark.parametrize("text", ["{not json", "key: [unclosed", "- just\n- a list\n", ""])
def test_garbage_rejected(text):
    with pytest.raises(ValueError, match="Ongeldige vragenlijst"):
        load_definition(text)


def test_validate_definition_accepts_instruments():
    for path in sorted((pathlib.Path(__file__).resolve().parents[2] / "surveys" / "instruments").glob("*.yaml")):
        validate_definition(yaml.safe_load(path.read_text(encoding="utf-8")))
