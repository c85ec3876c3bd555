"""The payload's typed shape: docs/worker.md's generated section is current, and a real payload has exactly those keys."""

from app.extensions import db
from app.services import indicator_types, indicators, simulation
from app.services.demo import load_demo


def test_the_payload_section_of_docs_worker_md_is_generated_from_the_types():
    text = indicator_types.DOCS.read_text()
    start = text.index(indicator_types.BEGIN)
    end = text.index(indicator_types.END) + len(indicator_types.END)
    assert text[start:end] == indicator_types.payload_markdown(), (
        "docs/worker.md is stale: run .venv/bin/python -m app.services.indicator_types --write"
    )


def test_a_computed_payload_has_exactly_the_typed_fields(app):
    traject, _ = load_demo()
    simulation.simulate(traject, 160, seed=5)
    db.session.commit()
    payload = indicators.compute_snapshot(traject).snapshot.payload
    assert payload["constructs"] and payload["indices"] and payload["ict_foto"] and payload["response_rates"]
    errors = indicator_types.shape_errors(payload)
    assert errors == [], "\n".join(errors)


def test_a_changed_payload_is_reported():
    payload = {"constructs": [{"questionnaire": "x"}], "board": {}}
    errors = indicator_types.shape_errors(payload)
    assert any(e.startswith("payload keys") for e in errors)
    assert any(e.startswith("constructs:") for e in errors) and any(e.startswith("board:") for e in errors)
