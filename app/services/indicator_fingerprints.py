"""Fingerprints of a recompute's inputs: the code version, the response marker and the answers digest."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Text, cast, select, text

from app.extensions import db
from app.models import Questionnaire, Response, Traject
from app.services.indicator_instruments import Instrument, all_ids, response_filter

ROOT = Path(__file__).resolve().parents[2]


@lru_cache(maxsize=1)
def code_version() -> str:
    """Short hash of the analysis and surveys sources and the package version."""
    from importlib import metadata

    digest = hashlib.sha256()
    try:
        digest.update(metadata.version("draagvlak").encode())
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a plain checkout
        digest.update(b"0")
    for package in ("analysis", "surveys"):
        for path in sorted((ROOT / package).rglob("*")):
            if path.suffix in (".py", ".yaml", ".json") and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def response_marker(groups: dict[str, Instrument]) -> str:
    """Hash of the sorted ids of the responses in scope: any new submission changes it."""
    if db.engine.dialect.name == "postgresql":
        # The same sha256 of the same string, computed where the ids are (no 20,000 rows shipped).
        return db.session.execute(
            text(
                "SELECT encode(sha256(convert_to(coalesce(string_agg(r.id, ',' ORDER BY r.id COLLATE \"C\"), ''), "
                "'UTF8')), 'hex') FROM responses r WHERE r.questionnaire_id = ANY(:ids) AND r.is_latest"
            ),
            {"ids": all_ids(groups)},
        ).scalar_one()
    ids = db.session.scalars(select(Response.id).where(*response_filter(all_ids(groups)))).all()
    return hashlib.sha256(",".join(sorted(ids)).encode()).hexdigest()


def digest(hashes: list[tuple[str, str]]) -> str:
    return hashlib.sha256("\n".join(f"{rid}:{h}" for rid, h in sorted(hashes)).encode()).hexdigest()


def answers_digest(groups: dict[str, Instrument]) -> str:
    """sha256 over the sorted response ids, each with the md5 of its stored answers JSON."""
    ids = all_ids(groups)
    if db.engine.dialect.name == "postgresql":
        rows = db.session.execute(
            text(
                "SELECT r.id, md5(r.answers::text) FROM responses r "
                "WHERE r.questionnaire_id = ANY(:ids) AND r.is_latest"
            ),
            {"ids": ids},
        ).all()
        return digest([(rid, h) for rid, h in rows])
    rows = db.session.execute(select(Response.id, cast(Response.answers, Text)).where(*response_filter(ids))).all()
    return digest([(rid, hashlib.md5(answers.encode(), usedforsecurity=False).hexdigest()) for rid, answers in rows])


def input_fingerprint(traject: Traject, groups: dict[str, Instrument], digest: str | None = None) -> str:
    closed = db.session.scalars(
        select(Questionnaire.id).where(Questionnaire.id.in_(all_ids(groups)), Questionnaire.status == "closed")
    ).all()
    settings = {
        "threshold": traject.anonymity_threshold,
        "comment_threshold": traject.comment_threshold,
        "weights": traject.index_weights,
        "closed": sorted(closed),
        "questionnaires": {g.key: [g.ids, g.fingerprints] for g in groups.values()},
    }
    hasher = hashlib.sha256((digest or answers_digest(groups)).encode())
    hasher.update(json.dumps(settings, sort_keys=True, separators=(",", ":")).encode())
    return hasher.hexdigest()
