"""ICT users' satisfaction per location: audited location groups, computed by the recompute and read from the release.

The recompute passes each ICT-users respondent's location to the release plan
(:func:`analysis.disclosure.plan` with fine atoms, :mod:`analysis.locations`), which admits a
school's locations (or all schools' together) only when the audit over all releases allows it. The
admitted groups' figures go into the release (``payload["locations"]``); pages only read them, so
a web request neither reads response rows nor loads pandas. The hooks in ``releases`` are
:func:`location_of`, :func:`fine_atoms`, :func:`add_counts`, :func:`add_fresh` and :func:`carry`.
"""

from __future__ import annotations

from analysis import locations
from analysis.ict_users import ASPECTS, QUESTIONNAIRE
from app.models import IndicatorSnapshot, Traject

SECTION = "locations"


def location_of(raw, key: str) -> dict | None:
    """``{respondent: location}`` of an instrument with location groups (None for the others)."""
    if key != QUESTIONNAIRE:
        return None
    return (raw.extra.get("locations") or {}).get(key) or {}


def fine_atoms(found, batch_of: dict, number: int, location_of: dict | None, closed: bool, past) -> dict | None:
    """Fine atoms for the plan, or None when the instrument has no location groups.

    Only needed at close (when location groups may be admitted) or once a release showed some
    (every later audit runs on them); otherwise the plan works on the ordinary atoms.
    """
    if location_of is None or found is None or not (closed or locations.has_location_groups(past)):
        return None
    return locations.fine_atoms(found, batch_of, number, location_of)


def add_counts(measures: dict, decision) -> None:
    """Count the shown location groups among the release's groups (so later releases audit against them).

    Only in the measures a location group shows (its aspects): the release's response counts
    (``responses``, read by the response rates, the CSV and the roll-up explanations) stay per
    school and role.
    """
    for measure, ns in decision.location_counts.items():
        if measure in measures and measure != "responses":
            measures[measure].update(ns)


def add_fresh(payload: dict, raw, key: str, groups, counts: dict) -> None:
    """Write the figures of a fresh release's admitted location groups: per group and aspect, n and score."""
    payload.setdefault(SECTION, [])
    if key != QUESTIONNAIRE or not groups:
        return
    extras = raw.extra.get("release_extras")
    prepared = extras.prepared(key) if extras is not None else None
    if prepared is None:
        return
    from analysis.ict_users import location_scores  # lazily: web processes never load pandas

    for row in location_scores(prepared, location_of(raw, key) or {}, groups):
        measure = f"construct:{row['aspect']}"
        group = locations.location_group(row["organisation"], row["location"])
        if counts.get(measure, {}).get(group) != row["n"]:  # only the audited figure, never another n
            continue
        payload[SECTION].append(dict(row, questionnaire=key))


def carry(payload: dict, old: dict, key: str) -> None:
    """Keep an instrument's location figures of the previous release (its plan holds)."""
    payload.setdefault(SECTION, [])
    payload[SECTION] += [r for r in old.get(SECTION) or [] if r.get("questionnaire") == key]


def released_rows(payload: dict | None) -> list[dict]:
    """The location groups' rows of a release's payload: ``[{"organisation", "location", "aspect", "n", "score"}]``.

    Only groups the release plan admitted are in the release; every other location is simply
    absent (the page says "te weinig respons", never an n).
    """
    rows = [r for r in (payload or {}).get(SECTION) or [] if r.get("questionnaire") == QUESTIONNAIRE]
    order = {a: i for i, a in enumerate(ASPECTS)}
    return [
        {k: r[k] for k in ("organisation", "location", "aspect", "n", "score")}
        for r in sorted(rows, key=lambda r: (str(r["organisation"]), r["location"], order.get(r["aspect"], 99)))
    ]


def location_figures(traject: Traject, snapshot: IndicatorSnapshot | None) -> list[dict]:
    """The released aspect scores per location of the traject's latest release (see :func:`released_rows`)."""
    return released_rows(snapshot.payload if snapshot is not None else None)
