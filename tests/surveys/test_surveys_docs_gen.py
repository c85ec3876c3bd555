"""The committed docs/instruments.md must be what surveys.docs_gen generates now."""

import pathlib

from surveys.docs_gen import render

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "instruments.md"


def test_instruments_doc_is_up_to_date():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/instruments.md is stale: run `python -m surveys.docs_gen > docs/instruments.md`")


def test_doc_mentions_every_index_and_source():
    text = render()
    for word in ("WIL", "MOET", "KUN", "STEUN", "WEERSTAND", "Oreg (2003)", "Herscovitch & Meyer (2002)",
                 "Holt et al. (2007)", "Armenakis", "DINAMO"):
        assert word in text
    assert "`affective_commitment_3` | likert |" in text


def test_format_doc_example_loads():
    from surveys.io import load_definition

    text = (DOC.parent / "questionnaire-format.md").read_text(encoding="utf-8")
    example = text.split("## Example")[1].split("```yaml")[1].split("```")[0]
    q = load_definition(example)
    assert q.validate_all({"server_model": "cloud", "cloud_cost": "1.200,50"}) == (
        {"server_model": "cloud", "cloud_cost": 1200.5}, {})
    assert q.validate_all({"server_model": "on_premise", "cloud_cost": "5"})[0] == {
        "server_model": "on_premise"}
