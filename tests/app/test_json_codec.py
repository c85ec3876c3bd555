"""The JSON columns' decoder: orjson where it can, the standard library for what orjson refuses."""

import json
import math

from app.json_codec import loads


def test_decodes_like_the_standard_library():
    document = {"constructs": [{"mean": 3.25, "n": 12, "label": "Weerstand", "ci": [2.9, 3.6]}], "empty": None}
    text = json.dumps(document)
    assert loads(text) == json.loads(text) == document
    assert loads(text.encode()) == document


def test_nan_written_by_the_standard_library_still_decodes():
    # json.dumps writes the non-standard NaN token; orjson refuses it, so the fallback must take it.
    value = loads(json.dumps({"alpha": float("nan")}))
    assert math.isnan(value["alpha"])


def test_the_app_engine_decodes_json_columns_with_it(app):
    from app.extensions import db

    with app.app_context():
        assert db.engine.dialect._json_deserializer is loads
