"""The committed docs/instruments.md must be what surveys.docs_gen generates now."""

import pathlib

from surveys.docs_gen import render

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "instruments.md"


def test_instruments_doc_is_up_to_date():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/instruments.md is stale: run `python -m surveys.docs_gen > docs/instruments.md`"
    )


def test_doc_mentions_every_index_and_source():
    text = render()
    for word in (
        "WIL",
        "MOET",
        "KUN",
        "STEUN",
        "WEERSTAND",
        "Oreg (2003)",
        "Herscovitch & Meyer (2002)",
        "Holt et al. (2007)",
        "Armenakis",
        "DINAMO",
    ):
        assert word in text
    assert "`affective_commitment_3` | likert |" in text


def test_format_doc_example_loads():
    from surveys.io import load_definition

    text = (DOC.parent / "questionnaire-format.md").read_text(encoding="utf-8")
    example = text.split("## Example")[1].split("```yaml")[1].split("```")[0]
    q = load_definition(example)
    assert q.validate_all({"server_model": "cloud", "cloud_cost": "1.200,50"}) == (
        {"server_model": "cloud", "cloud_cost": 1200.5},
        {},
    )
    assert q.validate_all({"server_model": "on_premise", "cloud_cost": "5"})[0] == {"server_model": "on_premise"}


def test_format_doc_type_table_is_generated_from_the_registry():
    from surveys.docs_gen import FORMAT_DOC, with_type_table
    from surveys.types import QUESTION_TYPES

    text = FORMAT_DOC.read_text(encoding="utf-8")
    assert text == with_type_table(text), (
        "docs/questionnaire-format.md's type table is stale: run `python -m surveys.docs_gen --types`"
    )
    for name in QUESTION_TYPES:
        assert f"| `{name}` |" in text
    assert "| `nps` | `labels: {nl: [low, high]" in text and "integer 0–10" in text


def test_format_doc_nps_example_loads():
    from surveys.io import load_definition

    text = (DOC.parent / "questionnaire-format.md").read_text(encoding="utf-8")
    item = text.split("type: nps")[0].rsplit("```yaml", 1)[1] + "type: nps" + text.split("type: nps")[1].split("```")[0]
    question = "\n".join("      " + line for line in item.strip("\n").splitlines())
    q = load_definition(
        "format: draagvlak-questionnaire/1\nkey: demo\nversion: 1\ntitle: {nl: D, en: D}\n"
        "audience: all\nanonymous: true\nsections:\n  - key: s\n    title: {nl: S, en: S}\n"
        "    questions:\n" + question + "\n"
    )
    assert q.validate_all({"recommend_cooperation": "9"}) == ({"recommend_cooperation": 9}, {})
    assert q.validate_all({"recommend_cooperation": "11"})[1] == {
        "recommend_cooperation": ["Kies een waarde van 0 tot en met 10."]
    }
