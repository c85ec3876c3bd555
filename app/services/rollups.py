"""Roll-ups in a release: the figures of the pools the disclosure plan admitted, and the payload section.

:func:`analysis.disclosure.admit_rollups` decides (inside the release plan) which pools a release
shows; this module computes their figures from the recompute's prepared answers and writes
``payload["rollups"]`` (docs/statistics.md, *Roll-ups*). The hooks elsewhere are few:
``indicators.compute_raw`` puts :func:`figures` in ``Raw.extra["rollup_figures"]``;
``releases.assemble`` passes ``rollups=True`` to the plan and calls :func:`section`.
"""
from __future__ import annotations

from analysis import rollups

STAFF = "ict_staff"


def figures(prepared_by_key: dict, weights=None, every=None):
    """A callable ``(instrument key, pool) -> {"constructs", "indices"}`` over this recompute's answers.

    ``prepared_by_key`` maps an instrument key to its prepared likert answers (the staff ones
    also give the draagvlak indices); other instruments are restricted from ``every`` (all
    prepared likert answers), as the recompute does.
    """
    def compute(key: str, pool) -> dict:
        prepared = prepared_by_key.get(key)
        if prepared is None and every is not None:
            prepared = every.only(key)
        return rollups.pool_figures(pool, prepared, weights=weights, indices=key == STAFF)

    return compute


def section(key: str, pools, counts: dict, compute) -> list:
    """The ``rollups`` entries of one instrument: per admitted pool, how it was formed and its rows.

    ``counts`` are the release's responses per group (pools included); ``compute`` is
    :func:`figures`' callable (None: no figures, e.g. a recompute without answers).
    """
    out = []
    for pool in pools:
        rows = compute(key, pool) if compute is not None else {"constructs": [], "indices": []}
        out.append({
            "questionnaire": key, "organisation": pool[0], "role": pool[1], "kind": rollups.SMALLER_SCHOOLS,
            "organisations": sorted(rollups.pool_members(pool)), "n": int(counts.get(pool, 0)),
            "constructs": [dict(r, questionnaire=key, suppressed=False) for r in rows["constructs"]],
            "indices": [dict(r, suppressed=False) for r in rows["indices"]],
        })
    return out


def groups_of(payload: dict, key: str = STAFF) -> list:
    """The released pools of one instrument (without their rows)."""
    return [{k: v for k, v in entry.items() if k not in ("constructs", "indices")}
            for entry in payload.get("rollups") or [] if entry.get("questionnaire") == key]


def explanation(payload: dict, state: dict | None, threshold: int, key: str = STAFF) -> list:
    """Per hidden per-school group of one instrument: the roll-ups that show its respondents.

    Read from the release's own state (its hidden groups and released counts) and its pools; no
    reason per group and no n of a hidden group (see :func:`analysis.rollups.explain`).
    """
    if not state:
        return []
    from analysis.disclosure import parse_cell

    hidden = {parse_cell(c) for c in state.get("hidden", [])}
    counts = {parse_cell(c): n for c, n in (state.get("counts") or {}).items()}
    pools = [(e["organisation"], e["role"]) for e in payload.get("rollups") or [] if e.get("questionnaire") == key]
    return rollups.explain(counts, hidden, pools, threshold)
