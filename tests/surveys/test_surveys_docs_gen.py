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
