"""The advice as ONE document: a plain, JSON-safe dict built once from the traject's state.

The HTML page, the PDF and the XLSX each present this document (app/results/report.py); a
published version stores it unchanged (app/services/advice_versions.py). Nothing here formats
for a language: texts that the rules produce carry both `text_nl` and `text_en`, codes (domains,
forms, criteria, quadrants, horizons) are translated by the renderers.

Shape (schema 1)::

    {"schema": 1, "traject": {"id", "name", "anonymity_threshold", "comment_threshold", "deadline",
                              "organisations": [{"code", "name", "students", "staff", "locations"}]},
     "snapshot": {"id", "released_on", "computed_at", "responses", "anonymity_threshold", "payload"} | None,
     "texts": {chapter: text}, "note": str,
     "recommendations": [{"domain", "form", "status", "score", "coverage", "conditions": [...], "next"}],
     "feasibility": {"domains", "forms", "cells": [...], "overrides": [{"domain", "form", "score",
                     "computed", "reason", "user", "at"}]},
     "swot": {"scopes": [{"organisation", "items": [{"id", "quadrant", "text_nl", "text_en", "rule",
                                                     "source", "selected"}]}],
              "confrontation": {"internal": [ids], "external": [ids], "scores": [[int, ext, score]],
                                "rows": {id: sum}, "columns": {id: sum}, "quadrants", "total",
                                "attention": [...]}},
     "roadmap": [{"id", "key", "title", "title_en", "horizon", "domain", "form", "owner", "quarter",
                  "status", "depends_on": [ids]}],
     "gaps": [{"kind", "domain", "text_nl", "text_en"}],
     "involvement": {"stakeholders": [...], "engagements": [...], "concerns": [...]}}
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import select

from analysis.feasibility import CRITERION_NAMES, DOMAINS, FORM_NAMES, UNKNOWN
from analysis.swot import DOMAIN_NAMES
from app.extensions import db
from app.models import Traject
from app.models.advice import CHAPTERS, AdviceText
from app.models.base import aware
from app.services import advice, participant_list, participants, rollups, stakeholder_document

SCHEMA = 1


def _iso(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        value = aware(value)
    return value.isoformat()


def canonical(document: dict) -> dict:
    """The document as it reads back from a JSON column: keys are strings, tuples are lists."""
    return json.loads(json.dumps(document, sort_keys=True, default=str))


def fingerprint(document: dict) -> str:
    return hashlib.sha256(json.dumps(canonical(document), sort_keys=True).encode()).hexdigest()


def texts(traject: Traject) -> dict[str, str]:
    rows = {
        t.chapter: t.text for t in db.session.scalars(select(AdviceText).where(AdviceText.traject_id == traject.id))
    }
    return {chapter: rows.get(chapter, "") for chapter in CHAPTERS}


def save_texts(traject: Traject, values: dict[str, str]) -> None:
    existing = {t.chapter: t for t in db.session.scalars(select(AdviceText).where(AdviceText.traject_id == traject.id))}
    for chapter in CHAPTERS:
        if chapter not in values:
            continue
        text = (values[chapter] or "").replace("\r\n", "\n").strip()
        row = existing.get(chapter)
        if row is None:
            db.session.add(AdviceText(traject_id=traject.id, chapter=chapter, text=text))
        elif row.text != text:
            row.text = text
    db.session.flush()


def _snapshot(snapshot) -> dict | None:
    if snapshot is None:
        return None
    released = getattr(snapshot, "released_on", None)
    payload = dict(snapshot.payload or {})
    state = ((getattr(snapshot, "counts", None) or {}).get("disclosure") or {}).get(rollups.STAFF)
    return {
        "id": snapshot.id,
        "number": getattr(snapshot, "number", None),
        "released_on": _iso(released),
        "computed_at": _iso(snapshot.computed_at),
        "responses": snapshot.responses,
        "anonymity_threshold": snapshot.anonymity_threshold,
        "payload": payload,
        # Which hidden staff groups are shown in which roll-up, as the dashboard's note says it;
        # frozen with the version so its PDF and XLSX say it too (no n, no reason per group).
        "rollup_explanation": rollups.explanation(payload, state, snapshot.anonymity_threshold, rollups.STAFF),
    }


def _swot(traject: Traject) -> dict:
    scopes = []
    for scope in advice.scopes(traject):
        items = [i for q in advice.swot_items(traject, scope).values() for i in q]
        scopes.append(
            {
                "organisation": scope,
                "items": [
                    {
                        "id": i.id,
                        "quadrant": i.quadrant,
                        "text_nl": i.text_nl,
                        "text_en": i.text_en or "",
                        "rule": i.rule,
                        "source": i.source,
                        "selected": bool(i.selected),
                    }
                    for i in items
                ],
            }
        )
    state = advice.confrontation_state(traject, None)
    res = state["result"]
    confrontation = {
        "internal": [i.id for i in state["internal"]],
        "external": [i.id for i in state["external"]],
        "scores": [[a, b, s] for (a, b), s in sorted(state["scores"].items())],
        "rows": {str(k): v for k, v in res["rows"].items()},
        "columns": {str(k): v for k, v in res["columns"].items()},
        "quadrants": res["quadrants"],
        "total": res["total"],
        "attention": [
            {"item": a["item"], "quadrant": a["quadrant"], "sum": a["sum"], "impact": a["impact"]}
            for a in res["attention"]
        ],
    }
    return {"scopes": scopes, "confrontation": confrontation}


def _feasibility(traject: Traject, payload: dict) -> tuple[dict, list]:
    feas = advice.feasibility(traject, payload)
    cells = [
        {
            k: c[k]
            for k in (
                "domain",
                "form",
                "score",
                "computed",
                "override",
                "coverage",
                "threshold",
                "feasible",
                "contributions",
                "missing",
                "knockouts",
            )
        }
        for c in feas["cells"]
    ]
    overrides = [
        {
            "domain": o.domain,
            "form": o.form,
            "score": o.score,
            "computed": next((c["computed"] for c in cells if c["domain"] == o.domain and c["form"] == o.form), None),
            "reason": o.reason,
            "user": o.user.name if o.user else None,
            "at": _iso(o.at),
        }
        for o in feas["overrides"].values()
    ]
    recommendations = [
        {
            "domain": r["domain"],
            "form": r["form"],
            "status": r.get("status", "advice"),
            "score": r["score"],
            "coverage": r.get("coverage"),
            "conditions": r["preconditions"],
            "next": r["next"],
        }
        for r in feas["recommendations"]
    ]
    return {
        "domains": feas["domains"],
        "forms": feas["forms"],
        "cells": cells,
        "overrides": sorted(overrides, key=lambda o: (o["domain"], o["form"])),
    }, recommendations


def _roadmap(traject: Traject) -> list[dict]:
    return [
        {
            "id": a.id,
            "key": a.key,
            "title": a.title,
            "title_en": a.title_en or "",
            "horizon": a.horizon,
            "domain": a.domain,
            "form": a.form,
            "owner": a.owner or "",
            "quarter": a.quarter,
            "status": a.status,
            "depends_on": list(a.depends_on or []),
        }
        for a in advice.actions(traject)
    ]


def gaps(document: dict) -> list[dict]:
    """Every place where the advice rests on too little evidence; publishing names each one."""
    found = []
    snapshot = document.get("snapshot")
    if snapshot is None:
        found.append(
            {
                "kind": "no_snapshot",
                "domain": None,
                "text_nl": "Er zijn nog geen vrijgegeven resultaten: het advies rust op geen enkele meting.",
                "text_en": "There are no released results yet: the advice rests on no measurement at all.",
            }
        )
    elif not snapshot.get("responses"):
        found.append(
            {
                "kind": "no_responses",
                "domain": None,
                "text_nl": "De vrijgegeven resultaten bevatten geen enkel antwoord.",
                "text_en": "The released results contain no response at all.",
            }
        )
    payload = (snapshot or {}).get("payload") or {}
    if snapshot is not None and not payload.get("ict_foto"):
        found.append(
            {
                "kind": "no_ict_foto",
                "domain": None,
                "text_nl": "Er is geen ICT-foto: kosten, formatie en kwetsbaarheid ontbreken.",
                "text_en": "There is no ICT-foto: costs, staffing and vulnerability are missing.",
            }
        )
    for rec in document.get("recommendations", []):
        dnl, den = DOMAIN_NAMES.get(rec["domain"], (rec["domain"], rec["domain"]))
        if rec["form"] == UNKNOWN:
            found.append(
                {
                    "kind": "insufficient",
                    "domain": rec["domain"],
                    "text_nl": f"{dnl[0].upper()}{dnl[1:]}: onvoldoende gegevens voor een advies.",
                    "text_en": f"{den[0].upper()}{den[1:]}: insufficient data for an advice.",
                }
            )
            continue
        missing = [
            c["criterion"]
            for c in rec.get("conditions", [])
            if c.get("value") is None and c["criterion"] in CRITERION_NAMES and c["criterion"] != "centre_party"
        ]
        if missing:
            names_nl = ", ".join(CRITERION_NAMES[m][0] for m in missing)
            names_en = ", ".join(CRITERION_NAMES[m][1] for m in missing)
            fnl, fen = FORM_NAMES.get(rec["form"], (rec["form"], rec["form"]))
            found.append(
                {
                    "kind": "missing",
                    "domain": rec["domain"],
                    "text_nl": f"{dnl[0].upper()}{dnl[1:]} ({fnl}): gegevens ontbreken over {names_nl}.",
                    "text_en": f"{den[0].upper()}{den[1:]} ({fen}): data are missing on {names_en}.",
                }
            )
    return found


def build(traject: Traject) -> dict:
    """The current advice of `traject` as one canonical document (reads, never writes)."""
    snapshot = advice.latest_snapshot(traject)
    payload = dict(snapshot.payload or {}) if snapshot is not None else {}
    feasibility, recommendations = _feasibility(traject, payload)
    document = {
        "schema": SCHEMA,
        "traject": {
            "id": traject.id,
            "name": traject.name,
            "anonymity_threshold": traject.anonymity_threshold,
            "comment_threshold": traject.comment_threshold,
            "deadline": _iso(traject.deadline),
            "organisations": [
                {"code": o.code, "name": o.name, "students": o.students, "staff": o.staff, "locations": o.locations}
                for o in traject.organisations
            ],
            # For the method statement: links handed out by the regisseur, and participants
            # added after publishing (the padding defence, docs/privacy.md).
            "self_distribution": participants.self_distribution_statement(traject),
            "added_after_publishing": participant_list.added_after_publishing(traject),
        },
        "snapshot": _snapshot(snapshot),
        "texts": texts(traject),
        "note": "",
        "recommendations": recommendations,
        "feasibility": feasibility,
        "swot": _swot(traject),
        "roadmap": _roadmap(traject),
        # Stakeholders, engagement log and concerns (app/services/stakeholder_document.py).
        "involvement": stakeholder_document.involvement(traject, payload),
    }
    document["gaps"] = gaps(document)
    return canonical(document)


# --- what changed between two versions -------------------------------------------------------


def _fmt0(value):
    return "–" if value is None else f"{value:.0f}"


def diff(previous: dict | None, current: dict) -> list[dict]:
    """What changed from `previous` to `current`: recommendations, scores and roadmap, as sentences."""
    if previous is None:
        return []
    changes = []
    before = {r["domain"]: r for r in previous.get("recommendations", [])}
    for rec in current.get("recommendations", []):
        old = before.get(rec["domain"])
        dnl, den = DOMAIN_NAMES.get(rec["domain"], (rec["domain"], rec["domain"]))
        fnew = FORM_NAMES.get(rec["form"], (rec["form"], rec["form"]))
        if old is None:
            continue
        fold = FORM_NAMES.get(old["form"], (old["form"], old["form"]))
        if old["form"] != rec["form"]:
            changes.append(
                {
                    "kind": "recommendation",
                    "domain": rec["domain"],
                    "text_nl": f"{dnl[0].upper()}{dnl[1:]}: advies {fold[0]} → {fnew[0]}.",
                    "text_en": f"{den[0].upper()}{den[1:]}: advice {fold[1]} → {fnew[1]}.",
                }
            )
        elif _fmt0(old.get("score")) != _fmt0(rec.get("score")):
            changes.append(
                {
                    "kind": "score",
                    "domain": rec["domain"],
                    "text_nl": f"{dnl[0].upper()}{dnl[1:]}: score {fnew[0]} {_fmt0(old.get('score'))} → "
                    f"{_fmt0(rec.get('score'))}.",
                    "text_en": f"{den[0].upper()}{den[1:]}: {fnew[1]} score {_fmt0(old.get('score'))} → "
                    f"{_fmt0(rec.get('score'))}.",
                }
            )
    old_cells = {(c["domain"], c["form"]): c for c in previous.get("feasibility", {}).get("cells", [])}
    for cell in current.get("feasibility", {}).get("cells", []):
        old = old_cells.get((cell["domain"], cell["form"]))
        if old is not None and bool(old.get("override")) != bool(cell.get("override")):
            dnl, den = DOMAIN_NAMES.get(cell["domain"], (cell["domain"], cell["domain"]))
            fnl, fen = FORM_NAMES.get(cell["form"], (cell["form"], cell["form"]))
            what_nl = "overschreven door de regisseur" if cell.get("override") else "niet meer overschreven"
            what_en = "overridden by the regisseur" if cell.get("override") else "no longer overridden"
            changes.append(
                {
                    "kind": "override",
                    "domain": cell["domain"],
                    "text_nl": f"{dnl[0].upper()}{dnl[1:]} · {fnl}: score {what_nl}.",
                    "text_en": f"{den[0].upper()}{den[1:]} · {fen}: score {what_en}.",
                }
            )

    def key(action):
        return action.get("key") or f"#{action['id']}"

    old_actions = {key(a): a for a in previous.get("roadmap", [])}
    new_actions = {key(a): a for a in current.get("roadmap", [])}
    for k, a in new_actions.items():
        old = old_actions.get(k)
        if old is None:
            changes.append(
                {
                    "kind": "roadmap",
                    "domain": a.get("domain"),
                    "text_nl": f"Routekaart: nieuwe actie „{a['title']}” ({a.get('quarter') or 'geen kwartaal'}).",
                    "text_en": f"Roadmap: new action “{a.get('title_en') or a['title']}” "
                    f"({a.get('quarter') or 'no quarter'}).",
                }
            )
        elif (old.get("quarter"), old.get("horizon"), old.get("title"), old.get("owner")) != (
            a.get("quarter"),
            a.get("horizon"),
            a.get("title"),
            a.get("owner"),
        ):
            changes.append(
                {
                    "kind": "roadmap",
                    "domain": a.get("domain"),
                    "text_nl": f"Routekaart: „{a['title']}” gewijzigd ({old.get('quarter') or '–'} → "
                    f"{a.get('quarter') or '–'}).",
                    "text_en": f"Roadmap: “{a.get('title_en') or a['title']}” changed "
                    f"({old.get('quarter') or '–'} → {a.get('quarter') or '–'}).",
                }
            )
    for k, a in old_actions.items():
        if k not in new_actions:
            changes.append(
                {
                    "kind": "roadmap",
                    "domain": a.get("domain"),
                    "text_nl": f"Routekaart: actie „{a['title']}” vervallen.",
                    "text_en": f"Roadmap: action “{a.get('title_en') or a['title']}” dropped.",
                }
            )
    old_snapshot = (previous.get("snapshot") or {}).get("id")
    new_snapshot = (current.get("snapshot") or {}).get("id")
    if old_snapshot != new_snapshot:
        n = (current.get("snapshot") or {}).get("responses")
        changes.append(
            {
                "kind": "snapshot",
                "domain": None,
                "text_nl": f"Nieuwe vrijgegeven resultaten ({n if n is not None else 0} antwoorden).",
                "text_en": f"New released results ({n if n is not None else 0} responses).",
            }
        )
    return changes


__all__ = ["build", "canonical", "diff", "fingerprint", "gaps", "save_texts", "texts", "DOMAINS"]
