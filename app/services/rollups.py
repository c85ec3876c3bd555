"""Roll-ups and instrument quality in a release: figures computed after the disclosure plan decided.

:func:`analysis.disclosure.admit_rollups` decides (inside the release plan) which pools a release
shows; this module computes their figures from the recompute's prepared answers and writes
``payload["rollups"]`` (docs/statistics.md, *Roll-ups*), and ``payload["item_quality"]`` (alpha
and item–rest correlations of the whole group, only when the release shows that group).
The hooks elsewhere are few: ``indicators.compute_raw`` puts a :class:`Extras` in
``Raw.extra["release_extras"]``; ``releases.assemble`` passes ``rollups=True`` to the plan,
counts the pools as shown groups, and calls :func:`add_fresh` and :func:`carry`.
"""

from __future__ import annotations

STAFF = "ict_staff"
SECTIONS = ("rollups", "item_quality")


class Extras:
    """This recompute's prepared answers, to compute pool figures and item quality on demand."""

    def __init__(self, prepared_by_key: dict, weights=None, every=None):
        self.prepared_by_key = {k: v for k, v in prepared_by_key.items() if v is not None}
        self.weights = weights
        self.every = every  # all prepared likert answers: other instruments are restricted from it

    def prepared(self, key: str):
        if key in self.prepared_by_key:
            return self.prepared_by_key[key]
        return self.every.only(key) if self.every is not None else None

    def pool(self, key: str, pool) -> dict:
        from analysis import rollups  # lazily: web processes never load pandas (tests/app/test_lean_web.py)

        return rollups.pool_figures(pool, self.prepared(key), weights=self.weights, indices=key == STAFF)

    def quality(self, key: str) -> list:
        from analysis.quality import (
            item_quality,  # lazily: web processes never load pandas (tests/app/test_lean_web.py)
        )

        prepared = self.prepared(key)
        if prepared is None or prepared.scores.empty:
            return []
        return [dict(row, questionnaire=key) for row in item_quality(prepared)]


def section(key: str, pools, counts: dict, extras: Extras | None) -> list:
    """The ``rollups`` entries of one instrument: per admitted pool, how it was formed and its rows."""
    from analysis import rollups  # lazily: web processes never load pandas (tests/app/test_lean_web.py)

    out = []
    for pool in pools:
        rows = extras.pool(key, pool) if extras is not None else {"constructs": [], "indices": []}
        out.append(
            {
                "questionnaire": key,
                "organisation": pool[0],
                "role": pool[1],
                "kind": rollups.SMALLER_SCHOOLS,
                "organisations": sorted(rollups.pool_organisations(pool)),
                "n": int(counts.get(pool, 0)),
                "constructs": [dict(r, questionnaire=key, suppressed=False) for r in rows["constructs"]],
                "indices": [dict(r, suppressed=False) for r in rows["indices"]],
            }
        )
    return out


def add_fresh(payload: dict, extras: Extras | None, key: str, pools, counts: dict, hidden: set) -> None:
    """Add one freshly released instrument's roll-ups and (when its total is shown) item quality."""
    for name in SECTIONS:
        payload.setdefault(name, [])
    payload["rollups"] += section(key, pools, counts, extras)
    if extras is not None and (None, None) not in hidden and counts.get((None, None)):
        payload["item_quality"] += extras.quality(key)


def carry(payload: dict, old: dict, key: str) -> None:
    """Keep one instrument's roll-ups and item quality of the previous release (its plan holds)."""
    for name in SECTIONS:
        payload.setdefault(name, [])
        payload[name] += [r for r in old.get(name, []) if r.get("questionnaire") == key]


def groups_of(payload: dict, key: str = STAFF) -> list:
    """The released pools of one instrument (without their rows)."""
    return [
        {k: v for k, v in entry.items() if k not in ("constructs", "indices")}
        for entry in payload.get("rollups") or []
        if entry.get("questionnaire") == key
    ]


def explanation(payload: dict, state: dict | None, threshold: int, key: str = STAFF) -> list:
    """Per hidden per-school group of one instrument: the roll-ups that show its respondents.

    Read from the release's own state (its hidden groups and released counts) and its pools; no
    reason per group and no n of a hidden group (see :func:`analysis.rollups.explain`).
    """
    from analysis import rollups  # lazily: web processes never load pandas (tests/app/test_lean_web.py)

    if not state:
        return []
    from analysis.disclosure import parse_cell

    hidden = {parse_cell(c) for c in state.get("hidden", [])}
    counts = {parse_cell(c): n for c, n in (state.get("counts") or {}).items()}
    pools = [(e["organisation"], e["role"]) for e in payload.get("rollups") or [] if e.get("questionnaire") == key]
    return rollups.explain(counts, hidden, pools, threshold)


#: The response rates the publish page previews: everyone, and a realistic lower response.
PREVIEW_RATES = (1.0, 0.7)


def preview_for(questionnaire, rates=PREVIEW_RATES) -> dict | None:
    """What the results of an anonymous questionnaire would show, from its participant list.

    Per response rate (:data:`PREVIEW_RATES`) the groups shown or hidden and the pools
    (:func:`analysis.rollups.preview`); None for an identified questionnaire. The release rules
    and the audit decide in the end; this is the best case for that response.
    """
    from analysis import rollups  # lazily: web processes never load pandas (tests/app/test_lean_web.py)

    if not questionnaire.anonymous:
        return None
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Organisation, Participant

    listed = {
        (code, role): n
        for code, role, n in db.session.execute(
            select(Organisation.code, Participant.role, func.count(Participant.id))
            .outerjoin(Organisation, Participant.organisation_id == Organisation.id)
            .where(Participant.questionnaire_id == questionnaire.id, Participant.opted_out.is_(False))
            .group_by(Organisation.code, Participant.role)
        ).all()
    }
    threshold = questionnaire.traject.anonymity_threshold
    scenarios = [dict(rollups.preview(listed, threshold, rate), rate=rate) for rate in rates] if listed else []
    return {"listed": sum(listed.values()), "threshold": threshold, "scenarios": scenarios}
