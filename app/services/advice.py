"""Advice services: SWOT items and confrontation, feasibility with overrides, roadmap actions, report state.

The rules live in `analysis` (swot, feasibility, roadmap); this module stores the regisseur's
choices and feeds them back in. Functions never commit: the route or task that owns the
transaction does.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

from sqlalchemy import func, select

from analysis import suggestions as sector
from analysis.feasibility import DOMAINS, FORMS, feasibility_inputs, feasibility_matrix
from analysis.roadmap import HORIZONS, QUARTER, propose_actions
from analysis.swot import MAX_PER_QUADRANT, check_selection, confrontation, derive_items
from app.extensions import db
from app.models import Traject
from app.models.advice import ACTION_STATES, QUADRANTS, ConfrontationScore, FeasibilityOverride, RoadmapAction, SwotItem
from app.models.base import utcnow
from app.services import audit
from app.services.errors import N_, ServiceError
from app.services.indicator_snapshots import (
    latest_snapshot,  # the one newest-release query; pages call advice.latest_snapshot
)


class AdviceError(ServiceError):
    """A rule of the advice was broken; `errors` maps field names to messages (ids + parameters)."""


# --- snapshot -------------------------------------------------------------------------------


def payload_of(traject: Traject) -> dict:
    snapshot = latest_snapshot(traject)
    return dict(snapshot.payload or {}) if snapshot is not None else {}


# --- SWOT -----------------------------------------------------------------------------------


def scopes(traject: Traject) -> list[str | None]:
    return [None] + [o.code for o in traject.organisations]


def _items_query(traject: Traject, organisation: str | None):
    query = select(SwotItem).where(SwotItem.traject_id == traject.id)
    query = query.where(
        SwotItem.organisation_code.is_(None) if organisation is None else SwotItem.organisation_code == organisation
    )
    return query.order_by(SwotItem.quadrant, SwotItem.position, SwotItem.id)


def sync_swot(traject: Traject, payload: dict | None = None) -> None:
    """Bring the auto items of every scope in line with the latest snapshot (idempotent).

    New derivations are added, changed ones updated in place (their selection and scores stay),
    items the rules no longer produce are marked not current and unselected. No opportunity or
    threat is added by itself: a new traject starts clean, and the sector's generic ones are
    offered as suggestions (:func:`adopt_suggestion`).
    """
    payload = payload_of(traject) if payload is None else payload
    # Every scope's auto items in one query (this runs on each visit of the SWOT page).
    auto_of: dict[str | None, dict] = {}
    for row in db.session.scalars(
        select(SwotItem)
        .where(SwotItem.traject_id == traject.id, SwotItem.source == "auto")
        .order_by(SwotItem.quadrant, SwotItem.position, SwotItem.id)
    ):
        auto_of.setdefault(row.organisation_code, {})[row.key] = row
    for scope in scopes(traject):
        auto = auto_of.get(scope, {})
        derived = derive_items(payload, scope) if payload else []
        seen = set()
        for position, item in enumerate(derived):
            seen.add(item["key"])
            row = auto.get(item["key"])
            if row is None:
                db.session.add(
                    SwotItem(
                        traject_id=traject.id,
                        organisation_code=scope,
                        quadrant=item["quadrant"],
                        text_nl=item["text_nl"],
                        text_en=item["text_en"],
                        source="auto",
                        key=item["key"],
                        rule=item["rule"],
                        evidence=item["evidence"],
                        position=position,
                    )
                )
                continue
            for attr in ("quadrant", "text_nl", "text_en", "rule", "evidence"):
                if getattr(row, attr) != item[attr]:
                    setattr(row, attr, item[attr])
            if not row.current:
                row.current = True
        for key, row in auto.items():
            if key not in seen and row.current:
                row.current, row.selected = False, False
    db.session.flush()


def swot_items(traject: Traject, organisation: str | None, *, current_only: bool = True) -> dict[str, list[SwotItem]]:
    items = db.session.scalars(_items_query(traject, organisation))
    result: dict[str, list[SwotItem]] = {q: [] for q in QUADRANTS}
    for item in items:
        if current_only and not item.current:
            continue
        result[item.quadrant].append(item)
    return result


def offered_suggestions(traject: Traject, organisation: str | None) -> list[dict]:
    """The sector suggestions not yet adopted in this scope (analysis/suggestions.py)."""
    adopted = db.session.scalars(
        select(SwotItem.key).where(
            SwotItem.traject_id == traject.id,
            SwotItem.key.like(sector.RULE_PREFIX + "%"),
            SwotItem.organisation_code.is_(None)
            if organisation is None
            else SwotItem.organisation_code == organisation,
        )
    ).all()
    return sector.offered(k.removeprefix(sector.RULE_PREFIX) for k in adopted)


def adopt_suggestion(traject: Traject, organisation: str | None, key: str) -> SwotItem:
    """Add a sector suggestion as a normal manual SWOT item of the scope (once; audited)."""
    if organisation is not None and traject.organisation_by_code(organisation) is None:
        raise AdviceError("Onbekende organisatie.", {"organisation": ["Onbekende organisatie."]})
    try:
        item = sector.as_item(key)
    except ValueError:
        raise AdviceError("Onbekende suggestie.", {"suggestion": ["Onbekende suggestie."]}) from None
    existing = db.session.scalar(_items_query(traject, organisation).where(SwotItem.key == item["key"]))
    if existing is not None:
        raise AdviceError("Deze suggestie is al overgenomen.", {"suggestion": ["Al overgenomen."]})
    position = (
        db.session.scalar(
            select(func.coalesce(func.max(SwotItem.position), 0)).where(SwotItem.traject_id == traject.id)
        )
        + 1
    )
    row = SwotItem(
        traject_id=traject.id,
        organisation_code=organisation,
        quadrant=item["quadrant"],
        text_nl=item["text_nl"],
        text_en=item["text_en"],
        source="manual",
        key=item["key"],
        rule=item["rule"],
        evidence=item["evidence"],
        position=position,
    )
    db.session.add(row)
    db.session.flush()
    audit.record("swot.suggestion_adopted", obj=row, traject_id=traject.id, suggestion=key)
    return row


def item_for(traject: Traject, item_id: int) -> SwotItem | None:
    item = db.session.get(SwotItem, item_id)
    return item if item is not None and item.traject_id == traject.id else None


SWOT_TEXT_MAX = 500


def save_manual_item(
    traject: Traject,
    *,
    organisation: str | None,
    quadrant: str,
    text_nl: str,
    text_en: str = "",
    item: SwotItem | None = None,
) -> SwotItem:
    errors: dict[str, list[str]] = {}
    if quadrant not in QUADRANTS:
        errors["quadrant"] = ["Kies sterkte, zwakte, kans of bedreiging."]
    if not (text_nl or "").strip():
        errors["text_nl"] = ["Vul een omschrijving in."]
    for key, text in (("text_nl", text_nl), ("text_en", text_en)):
        if len((text or "").strip()) > SWOT_TEXT_MAX:
            # A point is one line on a card: longer text breaks the card and the matrix.
            errors[key] = [
                f"Een SWOT-punt is hoogstens {SWOT_TEXT_MAX} tekens lang; dit zijn er "
                f"{len(text.strip())}. Maak het korter."
            ]
    if organisation is not None and traject.organisation_by_code(organisation) is None:
        errors["organisation"] = ["Onbekende organisatie."]
    if errors:
        raise AdviceError(N_("Het SWOT-punt is niet geldig."), errors)
    if item is None:
        position = (
            db.session.scalar(
                select(func.coalesce(func.max(SwotItem.position), 0)).where(SwotItem.traject_id == traject.id)
            )
            + 1
        )
        item = SwotItem(traject_id=traject.id, organisation_code=organisation, source="manual", position=position)
        db.session.add(item)
    elif item.source != "manual":
        raise AdviceError(N_("Automatisch afgeleide punten kunt u niet bewerken; voeg een eigen punt toe."))
    if item.quadrant is not None and item.quadrant != quadrant and item.id is not None:
        # Moving to another side of the matrix makes its scores meaningless.
        db.session.execute(
            db.delete(ConfrontationScore).where(
                (ConfrontationScore.internal_id == item.id) | (ConfrontationScore.external_id == item.id)
            )
        )
        item.selected = False
    item.quadrant, item.text_nl, item.text_en = quadrant, text_nl.strip(), (text_en or "").strip()
    db.session.flush()
    audit.record("swot.item_saved", obj=item, traject_id=traject.id, quadrant=quadrant)
    return item


def delete_manual_item(traject: Traject, item: SwotItem) -> None:
    if item.source != "manual":
        raise AdviceError(N_("Automatisch afgeleide punten kunt u niet verwijderen; zet ze uit de selectie."))
    audit.record("swot.item_deleted", obj=item, traject_id=traject.id)
    db.session.delete(item)
    db.session.flush()


def set_selection(traject: Traject, organisation: str | None, selected_ids: set[int]) -> None:
    """Select exactly `selected_ids` in a scope: at most five per quadrant, else AdviceError."""
    items = [i for q in swot_items(traject, organisation).values() for i in q]
    chosen = [{"quadrant": i.quadrant, "selected": i.id in selected_ids} for i in items]
    over = check_selection(chosen)
    if over:
        names = {"S": "sterktes", "W": "zwaktes", "O": "kansen", "T": "bedreigingen"}
        message = "; ".join(f"u koos {n} {names[q]}" for q, n in sorted(over.items()))
        raise AdviceError(
            f"Kies hoogstens {MAX_PER_QUADRANT} punten per kwadrant ({message}).",
            {"selected": [f"Hoogstens {MAX_PER_QUADRANT} per kwadrant."]},
        )
    for item in items:
        item.selected = item.id in selected_ids
    db.session.flush()


def selected(traject: Traject, organisation: str | None) -> dict[str, list[SwotItem]]:
    return {q: [i for i in items if i.selected] for q, items in swot_items(traject, organisation).items()}


def confrontation_state(traject: Traject, organisation: str | None) -> dict:
    """Selected items, stored scores and the sums and attention points of the matrix."""
    chosen = selected(traject, organisation)
    internal = chosen["S"] + chosen["W"]
    external = chosen["O"] + chosen["T"]
    ids = [i.id for i in internal + external]
    scores = {}
    if ids:
        for s in db.session.scalars(
            select(ConfrontationScore).where(
                ConfrontationScore.traject_id == traject.id,
                ConfrontationScore.internal_id.in_(ids),
                ConfrontationScore.external_id.in_(ids),
            )
        ):
            scores[(s.internal_id, s.external_id)] = s.score
    result = confrontation(
        [i.id for i in chosen["S"]],
        [i.id for i in chosen["W"]],
        [i.id for i in chosen["O"]],
        [i.id for i in chosen["T"]],
        scores,
    )
    by_id = {i.id: i for i in internal + external}
    return {
        "items": chosen,
        "internal": internal,
        "external": external,
        "scores": scores,
        "result": result,
        "by_id": by_id,
    }


def save_scores(traject: Traject, organisation: str | None, values: dict[tuple[int, int], int]) -> None:
    state = confrontation_state(traject, organisation)
    internal = {i.id for i in state["internal"]}
    external = {i.id for i in state["external"]}
    existing = {
        (s.internal_id, s.external_id): s
        for s in db.session.scalars(select(ConfrontationScore).where(ConfrontationScore.traject_id == traject.id))
    }
    for (row, column), score in values.items():
        if row not in internal or column not in external:
            continue
        if isinstance(score, bool) or not isinstance(score, int) or not -2 <= score <= 2:
            raise AdviceError(N_("Een score ligt tussen −2 en +2."))
        current = existing.get((row, column))
        if current is None:
            db.session.add(ConfrontationScore(traject_id=traject.id, internal_id=row, external_id=column, score=score))
        elif current.score != score:
            current.score = score
    db.session.flush()


# --- feasibility ----------------------------------------------------------------------------


def overrides(traject: Traject) -> list[FeasibilityOverride]:
    return list(
        db.session.scalars(
            select(FeasibilityOverride)
            .where(FeasibilityOverride.traject_id == traject.id)
            .order_by(FeasibilityOverride.domain, FeasibilityOverride.form)
        )
    )


def feasibility(traject: Traject, payload: dict | None = None) -> dict:
    payload = payload_of(traject) if payload is None else payload
    inputs = feasibility_inputs(payload)
    rows = overrides(traject)
    result = feasibility_matrix(inputs, overrides={(o.domain, o.form): o.score for o in rows})
    result["inputs"] = inputs
    result["overrides"] = {(o.domain, o.form): o for o in rows}
    return result


def set_override(traject: Traject, *, domain: str, form: str, score, reason: str, user) -> FeasibilityOverride:
    errors: dict[str, list[str]] = {}
    if domain not in DOMAINS:
        errors["domain"] = ["Onbekend domein."]
    if form not in FORMS:
        errors["form"] = ["Onbekende samenwerkingsvorm."]
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not 0 <= score <= 100:
        errors["score"] = ["Een score ligt tussen 0 en 100."]
    if not (reason or "").strip():
        errors["reason"] = ["Geef een schriftelijke onderbouwing."]
    elif len(reason.strip()) > 5000:
        errors["reason"] = ["De onderbouwing is hoogstens 5000 tekens lang."]
    if errors:
        raise AdviceError(N_("De overschrijving is niet geldig."), errors)
    row = db.session.scalar(
        select(FeasibilityOverride).where(
            FeasibilityOverride.traject_id == traject.id,
            FeasibilityOverride.domain == domain,
            FeasibilityOverride.form == form,
        )
    )
    previous = row.score if row is not None else None
    user_id = user.id
    if row is None:
        row = FeasibilityOverride(traject_id=traject.id, domain=domain, form=form)
    row.score, row.reason, row.user_id, row.at = float(score), reason.strip(), user_id, utcnow()
    db.session.add(row)
    db.session.flush()
    audit.record(
        "feasibility.override",
        obj=row,
        traject_id=traject.id,
        domain=domain,
        form=form,
        score=float(score),
        previous=previous,
        reason=reason.strip(),
    )
    return row


def remove_override(traject: Traject, *, domain: str, form: str) -> None:
    row = db.session.scalar(
        select(FeasibilityOverride).where(
            FeasibilityOverride.traject_id == traject.id,
            FeasibilityOverride.domain == domain,
            FeasibilityOverride.form == form,
        )
    )
    if row is not None:
        audit.record(
            "feasibility.override_removed", obj=row, traject_id=traject.id, domain=domain, form=form, previous=row.score
        )
        db.session.delete(row)
        db.session.flush()


# --- roadmap --------------------------------------------------------------------------------


def current_quarter(today: date | None = None) -> str:
    today = today or date.today()
    return f"{today.year}-K{(today.month - 1) // 3 + 1}"


def actions(traject: Traject) -> list[RoadmapAction]:
    rows = db.session.scalars(select(RoadmapAction).where(RoadmapAction.traject_id == traject.id))
    return sorted(rows, key=lambda a: (HORIZONS.index(a.horizon), a.quarter or "9999", a.position, a.id))


def action_for(traject: Traject, action_id: int) -> RoadmapAction | None:
    action = db.session.get(RoadmapAction, action_id)
    return action if action is not None and action.traject_id == traject.id else None


def generate_proposals(traject: Traject, start: str | None = None) -> list[RoadmapAction]:
    """Add the proposed actions that are not there yet (by their stable key); returns the new ones."""
    proposals = propose_actions(feasibility(traject), start or current_quarter())
    existing = {a.key: a for a in actions(traject) if a.key}
    position = max([a.position for a in existing.values()] + [0])
    added = []
    for proposal in proposals:
        if proposal["key"] in existing:
            continue
        position += 1
        row = RoadmapAction(
            traject_id=traject.id,
            key=proposal["key"],
            title=proposal["title_nl"],
            title_en=proposal["title_en"],
            horizon=proposal["horizon"],
            domain=proposal["domain"],
            form=proposal["form"],
            quarter=proposal["quarter"],
            depends_on=[],
            position=position,
        )
        db.session.add(row)
        existing[proposal["key"]] = row
        added.append((row, proposal))
    db.session.flush()
    for row, proposal in added:
        row.depends_on = sorted(existing[k].id for k in proposal["depends_on"] if k in existing)
    if added:
        audit.record(
            "roadmap.generated", object_type="Traject", object_id=traject.id, traject_id=traject.id, added=len(added)
        )
    db.session.flush()
    return [row for row, _ in added]


def save_action(
    traject: Traject,
    *,
    title: str,
    horizon: str,
    owner: str = "",
    quarter: str | None = None,
    status: str = "open",
    depends_on: list[int] | None = None,
    domain: str | None = None,
    form: str | None = None,
    action: RoadmapAction | None = None,
) -> RoadmapAction:
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = ["Vul een titel in."]
    elif len(title.strip()) > 300:
        errors["title"] = ["De titel is hoogstens 300 tekens lang."]
    if len((owner or "").strip()) > 200:
        errors["owner"] = ["De eigenaar is hoogstens 200 tekens lang."]
    if horizon not in HORIZONS:
        errors["horizon"] = ["Kies kort, middellang of lang."]
    if status not in ACTION_STATES:
        errors["status"] = ["Kies open, bezig of klaar."]
    quarter = (quarter or "").strip().upper().replace("Q", "K") or None
    if quarter is not None and not QUARTER.match(quarter):
        errors["quarter"] = ["Schrijf het kwartaal als 2027-K1."]
    if domain is not None and domain not in DOMAINS:
        errors["domain"] = ["Onbekend domein."]
    if form is not None and form not in FORMS:
        errors["form"] = ["Onbekende samenwerkingsvorm."]
    ids = {a.id for a in actions(traject)}
    depends = sorted({int(d) for d in depends_on or []})
    if action is not None and action.id in depends:
        errors["depends_on"] = ["Een actie kan niet van zichzelf afhangen."]
    if set(depends) - ids:
        errors["depends_on"] = ["Onbekende actie."]
    if action is not None and not errors.get("depends_on") and _creates_cycle(traject, action.id, depends):
        errors["depends_on"] = ["Deze afhankelijkheid maakt een kringloop."]
    if errors:
        raise AdviceError(N_("De actie is niet geldig."), errors)
    if action is None:
        position = max([a.position for a in actions(traject)] + [0]) + 1
        action = RoadmapAction(traject_id=traject.id, position=position)
        db.session.add(action)
    action.title, action.horizon, action.owner = title.strip(), horizon, (owner or "").strip()
    action.quarter, action.status, action.depends_on = quarter, status, depends
    action.domain, action.form = domain, form
    db.session.flush()
    audit.record("roadmap.action_saved", obj=action, traject_id=traject.id)
    return action


def _creates_cycle(traject: Traject, action_id: int, depends: list[int]) -> bool:
    graph = {a.id: list(a.depends_on or []) for a in actions(traject)}
    graph[action_id] = depends
    stack, seen = list(depends), set()
    while stack:
        node = stack.pop()
        if node == action_id:
            return True
        if node in seen:
            continue
        seen.add(node)
        stack.extend(graph.get(node, []))
    return False


def delete_action(traject: Traject, action: RoadmapAction) -> None:
    for other in actions(traject):
        if action.id in (other.depends_on or []):
            other.depends_on = [d for d in other.depends_on if d != action.id]
    audit.record("roadmap.action_deleted", obj=action, traject_id=traject.id)
    db.session.delete(action)
    db.session.flush()


def quarters_span(rows: list[RoadmapAction]) -> list[str]:
    from analysis.roadmap import quarter_add

    present = sorted({a.quarter for a in rows if a.quarter})
    if not present:
        return []
    span, q = [], present[0]
    while q <= present[-1] and len(span) < 40:
        span.append(q)
        q = quarter_add(q, 1)
    return span


# --- report state ---------------------------------------------------------------------------


def state_fingerprint(traject: Traject) -> str:
    """A hash of everything the report shows; a built report is current while this is unchanged."""
    snapshot = latest_snapshot(traject)
    parts = {
        "traject": [
            traject.name,
            traject.anonymity_threshold,
            traject.comment_threshold,
            str(traject.deadline) if traject.deadline else None,
        ],
        "organisations": [[o.code, o.name, o.students, o.staff] for o in traject.organisations],
        "snapshot": snapshot.id if snapshot is not None else None,
        "swot": [
            [i.id, i.quadrant, i.text_nl, i.text_en, i.selected, i.current, i.organisation_code]
            for i in db.session.scalars(select(SwotItem).where(SwotItem.traject_id == traject.id).order_by(SwotItem.id))
        ],
        "scores": [
            [s.internal_id, s.external_id, s.score]
            for s in db.session.scalars(
                select(ConfrontationScore)
                .where(ConfrontationScore.traject_id == traject.id)
                .order_by(ConfrontationScore.id)
            )
        ],
        "overrides": [[o.domain, o.form, o.score, o.reason] for o in overrides(traject)],
        "actions": [
            [a.id, a.title, a.horizon, a.owner, a.quarter, a.status, a.depends_on, a.domain, a.form]
            for a in actions(traject)
        ],
    }
    from app.services.stakeholder_document import fingerprint_parts

    parts["involvement"] = fingerprint_parts(traject)
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
