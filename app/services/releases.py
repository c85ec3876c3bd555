"""Releases: turn one recompute's raw figures into what may be shown, per the rules of analysis.disclosure.

A recompute computes every figure unsuppressed, in memory. For each anonymous instrument this
module asks :func:`analysis.disclosure.plan` for the hidden groups of a new release (threshold,
padding, growth since the last release, complementary hiding, and the audit over all earlier
releases); when the plan *holds*, the instrument's part of the previous release is kept as it
was. Identified instruments (ICT-foto, board statements) are not anonymous and are always fresh.
The result is one payload with one set of hidden groups per instrument, shared by every output.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import func, select

from analysis import disclosure
from app.extensions import db
from app.models import IndicatorSnapshot, Organisation, Participant, Questionnaire, ReleaseBatch, Response
from app.services import released_comments, released_groups, users_locations
from app.services import rollups as rollup_service
from app.services.responses import questionnaire_state

STAFF = "ict_staff"
MOTIVES = "motives"
# Payload sections that belong wholly to the staff instrument (kept together when it is held).
STAFF_SECTIONS = ("indices", "comparisons", "preferences")


@dataclass
class Raw:
    """Everything one recompute computed, before disclosure control."""

    constructs: list  # unsuppressed construct rows of every instrument
    motives: list  # unsuppressed motive rows (the motives instrument)
    indices: list  # unsuppressed index rows (staff)
    gap: list  # board-staff gap rows (staff side unsuppressed)
    preferences: list  # staff preferred forms, unsuppressed
    comments: list  # every free-text answer: questionnaire, question, organisation, role, text
    rates: list  # live invited counts per questionnaire, organisation, role
    members: dict  # instrument key -> analysis.disclosure.Members
    board: dict  # identified board analyses (trust, autonomy, commit forms)
    ict_foto: list
    compare: object = None  # callable(allowed organisations) -> comparisons (staff)
    extra: dict = field(default_factory=dict)


@dataclass
class Release:
    payload: dict
    state: dict  # per instrument: visible groups, last visible n, held
    released_ids: list  # responses this release includes for the first time
    responses: int  # responses in the released figures
    # the comment rows to write with the release (released_comments), per instrument in order
    comments: list = field(default_factory=list)


def releases_of(traject_id: int) -> list[IndicatorSnapshot]:
    return db.session.scalars(
        select(IndicatorSnapshot)
        .where(IndicatorSnapshot.traject_id == traject_id)
        .order_by(IndicatorSnapshot.number, IndicatorSnapshot.id)
    ).all()


def _batches(ids: list[int]) -> dict:
    rows = db.session.execute(
        select(ReleaseBatch.response_id, ReleaseBatch.number)
        .join(Response, Response.id == ReleaseBatch.response_id)
        .where(Response.questionnaire_id.in_(ids))
    ).all()
    return {rid: batch for rid, batch in rows}


def released(up_to: int | None = None):
    """A condition on `Response`: a release (up to release `up_to`, else any) includes it."""
    marks = select(ReleaseBatch.response_id).where(ReleaseBatch.response_id == Response.id)
    if up_to is not None:
        marks = marks.where(ReleaseBatch.number <= up_to)
    return marks.exists()


def _early(ids: list[int]) -> dict:
    """Completed invitations of participants listed before their group's first response, with margins."""
    return disclosure.with_margins(early_cells(ids))


def early_cells(ids: list[int]) -> dict:
    """Completed invitations of early participants per (organisation, role) cell."""
    rows = db.session.execute(
        select(Organisation.code, Participant.role, func.count(Participant.id))
        .outerjoin(Organisation, Participant.organisation_id == Organisation.id)
        .where(Participant.questionnaire_id.in_(ids), Participant.early.is_(True), Participant.completed.is_(True))
        .group_by(Organisation.code, Participant.role)
    ).all()
    return {(org, role): n for org, role, n in rows}


def _closed(ids: list[int]) -> bool:
    questionnaires = db.session.scalars(select(Questionnaire).where(Questionnaire.id.in_(ids))).all()
    return bool(questionnaires) and all(questionnaire_state(q) == "closed" for q in questionnaires)


def _cells(keys) -> list:
    return [disclosure.parse_cell(k) for k in keys]


def _decode_measures(encoded: dict) -> dict:
    return {m: {disclosure.parse_cell(k): n for k, n in cells.items()} for m, cells in (encoded or {}).items()}


def _encode_measures(measures: dict) -> dict:
    return {
        m: {disclosure.cell_key(c): int(n) for c, n in sorted(cells.items(), key=str)}
        for m, cells in sorted(measures.items())
    }


def _previous_state(history: list[IndicatorSnapshot], key: str):
    """([(number, {measure: [cells]})], last_visible) of one instrument over the earlier releases."""
    past, last_visible = [], {}
    for snapshot in history:
        state = ((snapshot.counts or {}).get("disclosure") or {}).get(key)
        if state is None:
            continue
        past.append((snapshot.number, {m: _cells(cells) for m, cells in state.get("visible", {}).items()}))
        last_visible = _decode_measures(state.get("last_visible"))
    return past, last_visible


def plan_instrument(
    traject, instrument, found: disclosure.Members | None, history, number: int, closed: bool, location_of=None
):
    """The disclosure decision for one anonymous instrument, and the atoms it was made on."""
    batch_of = _batches(instrument.ids)
    atoms = disclosure.atoms_of(found, batch_of, number) if found is not None else {}
    past, last_visible = _previous_state(history, instrument.key)
    # location hook: the ICT-users' location groups are audited groups (analysis.locations)
    fine = users_locations.fine_atoms(found, batch_of, number, location_of, closed, past)
    decision = disclosure.plan(
        atoms,
        traject.anonymity_threshold,
        number=number,
        history=past,
        early=_early(instrument.ids),
        last_visible=last_visible,
        closed=closed,
        rollups=True,
        locations=fine,
    )  # roll-up hook (issue 15): pools admitted by the audit
    return decision, atoms, last_visible, batch_of


def _rates(raw_rates: list, key: str, counts: dict, hidden: set) -> list:
    """Response per (organisation, role) of one anonymous instrument from the release's own counts."""
    rows = []
    for r in raw_rates:
        if r["questionnaire"] != key:
            continue
        cell = (r["organisation"], r["role"])
        completed = counts.get(cell, 0)
        rows.append(dict(r, completed=None if cell in hidden else completed, suppressed=cell in hidden))
    return rows


def assemble(
    traject, groups: dict, raw: Raw, previous: IndicatorSnapshot | None, history: list, number: int
) -> Release:
    """The payload of the next release; instruments whose plan holds keep their previous part."""
    threshold = traject.anonymity_threshold
    old = (previous.payload or {}) if previous is not None else {}
    old_state = ((previous.counts or {}).get("disclosure") or {}) if previous is not None else {}
    anonymous = [g for g in groups.values() if g.anonymous]
    identified_keys = {g.key for g in groups.values() if not g.anonymous}
    payload = {
        "constructs": _identified_suppressed(raw.constructs, identified_keys, threshold),
        "indices": [],
        "motives": [],
        "comparisons": [],
        "preferences": [],
        "comments_released": {},
        "board": dict(raw.board, gap=[]),
        "ict_foto": raw.ict_foto,
        "rollups": [],
        "item_quality": [],
        "locations": [],
        "response_rates": [dict(r, suppressed=False) for r in raw.rates if r["questionnaire"] in identified_keys],
    }
    state, released_ids, responses, comments = {}, [], 0, []
    hidden_by_key = {}
    for instrument in anonymous:
        key = instrument.key
        found = raw.members.get(key)
        closed = _closed(instrument.ids)
        decision, atoms, last_visible, batch_of = plan_instrument(
            traject, instrument, found, history, number, closed, users_locations.location_of(raw, key)
        )
        measures = disclosure.measures_of(atoms, decision.rollups)  # roll-up hook: pools are shown groups
        users_locations.add_counts(measures, decision)  # location hook: location groups are shown groups
        respondents = found.respondents if found is not None else []
        unchanged = (
            key in old_state
            and all(rid in batch_of for rid in respondents)
            and len(respondents) == int(old_state[key].get("total", -1))
            and not (decision.hold is False and closed and not old_state[key].get("closed", False))
        )
        if (decision.hold or unchanged) and key in old_state:
            _carry(payload, old, key, comments)
            state[key] = dict(old_state[key], held=bool(decision.hold))
            responses += int(old_state[key].get("responses", 0))
            hidden_by_key[key] = {disclosure.parse_cell(c) for c in old_state[key].get("hidden", [])}
            continue
        hidden = decision.hidden if not decision.hold else {c for ns in measures.values() for c in ns}
        hidden_by_key[key] = hidden
        visible = {m: sorted((c for c in ns if c not in hidden), key=str) for m, ns in measures.items()}
        counts = measures.get("responses", {})
        state[key] = {
            "visible": {m: [disclosure.cell_key(c) for c in cells] for m, cells in visible.items()},
            "last_visible": _encode_measures(disclosure.next_last_visible(last_visible, measures, hidden)),
            "hidden": sorted(disclosure.cell_key(c) for c in hidden),
            "growth": sorted(disclosure.cell_key(c) for c in decision.growth if c in hidden),
            "padded": sorted(disclosure.cell_key(c) for c in decision.padded if c in hidden),
            # The released total, only when the release shows it (a hidden total is no count to give).
            "responses": int(counts.get((None, None), 0)) if (None, None) not in hidden else 0,
            "total": int(counts.get((None, None), 0)),
            "counts": {disclosure.cell_key(c): int(n) for c, n in sorted(counts.items(), key=str)},
            "held": False,
            "closed": closed,
        }
        responses += state[key]["responses"]
        released_ids += [rid for rid in respondents if rid not in batch_of]
        _fresh(payload, raw, key, hidden, counts, traject, comments)
        rollup_service.add_fresh(payload, raw.extra.get("release_extras"), key, decision.rollups, counts, hidden)
        users_locations.add_fresh(payload, raw, key, decision.locations, decision.location_counts)
    payload["response_rates"].sort(key=lambda r: (str(r["questionnaire"]), str(r["organisation"]), str(r["role"])))
    identified = sum(int(raw.extra.get("responses_by_key", {}).get(k, 0)) for k in identified_keys)
    return Release(
        payload=payload,
        state=state,
        released_ids=released_ids,
        responses=responses + identified,
        comments=comments,
    )


def _identified_suppressed(rows: list, identified: set, threshold: int) -> list:
    from analysis.anonymity import suppress

    mine = [r for r in rows if r.get("questionnaire") in identified]
    return suppress(mine, threshold) if mine else []


def _fresh(payload: dict, raw: Raw, key: str, hidden: set, counts: dict, traject, comments: list) -> None:
    """Add one released instrument's figures, its hidden groups blanked."""
    payload["constructs"] += disclosure.hide_rows([r for r in raw.constructs if r.get("questionnaire") == key], hidden)
    if key == MOTIVES:
        payload["motives"] = disclosure.hide_rows(raw.motives, hidden)
    if key == STAFF:
        payload["indices"] = disclosure.hide_rows(raw.indices, hidden)
        payload["preferences"] = disclosure.hide_rows(raw.preferences, hidden)
        allowed = {org for (org, role) in counts if org is not None and role is None and (org, None) not in hidden}
        payload["comparisons"] = raw.compare(allowed) if raw.compare is not None else []
        payload["board"]["gap"] = _hide_gap(raw.gap, hidden)
    mine, digest = released_comments.released(
        c
        for c in raw.comments
        if c["questionnaire"] == key
        and (c["organisation"], c["role"]) not in hidden
        and (c["organisation"], None) not in hidden
    )
    # The rows go to their own table; the payload keeps their digest, so a changed comment is a change.
    payload["comments_released"][key] = digest
    comments.append(released_comments.Part(key, rows=mine))
    payload["response_rates"] += _rates(raw.rates, key, counts, hidden)


def _hide_gap(rows: list, hidden: set) -> list:
    out = []
    for row in rows:
        row = dict(row)
        if (row.get("organisation"), None) in hidden or row.get("staff_suppressed"):
            row.update(staff=None, staff_n=None, staff_suppressed=True, gap=None)
        out.append(row)
    return out


def _carry(payload: dict, old: dict, key: str, comments: list) -> None:
    """Keep an instrument's part of the previous release unchanged (its plan holds)."""
    payload["constructs"] += [r for r in old.get("constructs", []) if r.get("questionnaire") == key]
    if key == MOTIVES:
        payload["motives"] = list(old.get("motives", []))
    if key == STAFF:
        for section in STAFF_SECTIONS:
            payload[section] = list(old.get(section, []))
        payload["board"]["gap"] = list((old.get("board") or {}).get("gap", []))
    kept = (old.get("comments_released") or {}).get(key)
    if kept is not None:  # the previous release's rows are copied in SQL when the release is written
        payload["comments_released"][key] = dict(kept)
        comments.append(released_comments.Part(key, carried=int(kept.get("count", 0))))
    payload["response_rates"] += [r for r in old.get("response_rates", []) if r.get("questionnaire") == key]
    rollup_service.carry(payload, old, key)  # roll-up hook (issue 15)
    users_locations.carry(payload, old, key)  # location hook


def same_payload(a: dict | None, b: dict | None) -> bool:
    dump = lambda p: json.dumps(p, sort_keys=True, default=str)  # noqa: E731
    return a is not None and b is not None and dump(a) == dump(b)


def mark_released(ids: list[str], number: int) -> None:
    """Record the release that first included these responses (in the release's transaction).

    Two integers per response into the narrow `release_batches` table, sorted by the random id
    (the order says nothing): COPY on PostgreSQL, far cheaper than rewriting the wide response
    rows at 20,000 responses. The ids are new to every release (`plan_instrument` reads the
    marks; the traject's lock keeps a second run out), so a duplicate is an error, not a skip.
    """
    if not ids:
        return
    rows = sorted(ids)
    if db.engine.dialect.name == "postgresql":
        cursor = db.session.connection().connection.driver_connection.cursor()
        try:
            with cursor.copy("COPY release_batches (response_id, number) FROM STDIN") as copy:
                # One block of text (ids are hex): no per-row work in Python.
                copy.write("".join(f"{response_id}\t{number}\n" for response_id in rows))
        finally:
            cursor.close()
        return
    db.session.execute(
        ReleaseBatch.__table__.insert(), [{"response_id": response_id, "number": number} for response_id in rows]
    )


def clear_superseded(traject_id: int, number: int) -> None:
    """Empty the figures of earlier releases: only the latest is shown; what stays of the others is
    the disclosure state the audit of the next release needs (which groups each showed, no figures)."""
    from sqlalchemy import update

    released_comments.clear_before(traject_id, number)  # their comment rows go with their figures
    released_groups.clear_before(traject_id, number)  # and the page's groups of those rows

    db.session.execute(
        update(IndicatorSnapshot)
        .where(IndicatorSnapshot.traject_id == traject_id, IndicatorSnapshot.number < number)
        .values(payload={})
        .execution_options(synchronize_session=False)
    )


def hidden_groups_of(snapshot: IndicatorSnapshot | None, key: str) -> set | None:
    """The hidden groups of one instrument in a release (None: the release does not hold it)."""
    if snapshot is None:
        return None
    state = ((snapshot.counts or {}).get("disclosure") or {}).get(key)
    if state is None:
        return None
    return {disclosure.parse_cell(c) for c in state.get("hidden", [])}


def released_counts(snapshot: IndicatorSnapshot | None, key: str) -> dict | None:
    """Responses per group (margins included) of one instrument in a release."""
    if snapshot is None:
        return None
    state = ((snapshot.counts or {}).get("disclosure") or {}).get(key)
    if state is None:
        return None
    return {disclosure.parse_cell(c): n for c, n in state.get("counts", {}).items()}
