"""The traject's steps ICT-foto → analyse → voorstellen → besluit → uitwerking, each with its gate.

A gate lists what its step still lacks (computed from the released snapshot, the published
versions, the decisions and the MR's advice). The traject stands at the first step whose gate is
neither met nor passed; the regisseur may go on past a step that lacks something with a written
reason, which is stored (PhaseGate) and audited. After the decision, the roadmap actions the
boards agreed to are the plan of the *uitwerking* step, with their owners and quarters.
"""

from __future__ import annotations

from sqlalchemy import select

from analysis.feasibility import UNKNOWN
from analysis.swot import DOMAIN_NAMES
from app.extensions import db
from app.models import Traject
from app.models.advice import STEPS, PhaseGate
from app.services import advice, advice_versions, audit
from app.services.advice import AdviceError
from app.services.errors import N_

STEP_NAMES = {
    "ict_foto": ("ICT-foto", "ICT snapshot"),
    "analyse": ("Analyse", "Analysis"),
    "voorstellen": ("Voorstellen", "Proposals"),
    "besluit": ("Besluit", "Decision"),
    "uitwerking": ("Uitwerking", "Working out"),
}


def _lack(nl: str, en: str) -> dict:
    return {"text_nl": nl, "text_en": en}


def _lacking(traject: Traject) -> dict[str, list[dict]]:
    snapshot = advice.latest_snapshot(traject)
    payload = dict(snapshot.payload or {}) if snapshot is not None else {}
    names = {o.code: o.name for o in traject.organisations}
    lacking: dict[str, list[dict]] = {s: [] for s in STEPS}
    with_foto = {r.get("organisation") for r in payload.get("ict_foto") or []}
    for code, name in names.items():
        if code not in with_foto:
            lacking["ict_foto"].append(_lack(f"{name}: geen ICT-foto.", f"{name}: no ICT snapshot."))
    if snapshot is None:
        lacking["analyse"].append(
            _lack("Er zijn nog geen vrijgegeven resultaten.", "No results have been released yet.")
        )
    else:
        staff = {
            r.get("organisation"): r
            for r in payload.get("indices") or []
            if r.get("index") == "draagvlak" and r.get("role") is None
        }
        for code, name in names.items():
            row = staff.get(code)
            if row is None or row.get("suppressed") or row.get("value") is None:
                lacking["analyse"].append(
                    _lack(
                        f"{name}: respons van ICT-medewerkers onder de drempel van {traject.anonymity_threshold}.",
                        f"{name}: ICT staff response below the threshold of {traject.anonymity_threshold}.",
                    )
                )
        signed = {r.get("organisation") for r in (payload.get("board") or {}).get("commit_forms") or []}
        for code, name in names.items():
            if code not in signed:
                lacking["analyse"].append(
                    _lack(
                        f"{name}: de bestuursverklaring is niet ondertekend.",
                        f"{name}: the board statement has not been signed.",
                    )
                )
    versions = advice_versions.versions(traject)
    if not versions:
        lacking["voorstellen"].append(
            _lack("Er is nog geen adviesversie gepubliceerd.", "No advice version has been published yet.")
        )
    else:
        for rec in versions[0].document.get("recommendations", []):
            if rec["form"] == UNKNOWN:
                dnl, den = DOMAIN_NAMES.get(rec["domain"], (rec["domain"], rec["domain"]))
                lacking["voorstellen"].append(
                    _lack(
                        f"{dnl[0].upper()}{dnl[1:]}: onvoldoende gegevens voor een advies.",
                        f"{den[0].upper()}{den[1:]}: insufficient data for an advice.",
                    )
                )
    if not versions:
        lacking["besluit"].append(_lack("Er is geen versie om over te besluiten.", "There is no version to decide on."))
    else:
        result = advice_versions.outcome(versions[0])
        for s in result["schools"]:
            name = s["organisation"].name
            if s["decision"] is None:
                lacking["besluit"].append(
                    _lack(f"{name}: nog geen besluit van het bestuur.", f"{name}: no decision of the board yet.")
                )
            elif not s["final"]:
                lacking["besluit"].append(
                    _lack(
                        f"{name}: het advies van de medezeggenschap is niet vastgelegd.",
                        f"{name}: the participation council's advice is not recorded.",
                    )
                )
        if not result["closed"]:
            lacking["besluit"].append(
                _lack(
                    f"De besluitronde over versie {versions[0].number} is nog open.",
                    f"The decision round on version {versions[0].number} is still open.",
                )
            )
    plan = uitwerking_plan(traject)
    if not plan["actions"]:
        lacking["uitwerking"].append(_lack("Er zijn nog geen afgesproken acties.", "There are no agreed actions yet."))
    for a in plan["actions"]:
        if not a.owner or not a.quarter:
            lacking["uitwerking"].append(
                _lack(
                    f"„{a.title}”: eigenaar of kwartaal ontbreekt.",
                    f"“{a.title_en or a.title}”: owner or quarter missing.",
                )
            )
    return lacking


def gates(traject: Traject) -> list[PhaseGate]:
    return list(
        db.session.scalars(
            select(PhaseGate).where(PhaseGate.traject_id == traject.id).order_by(PhaseGate.at, PhaseGate.id)
        )
    )


def steps(traject: Traject) -> dict:
    """Every step with what it lacks and whether it is met, passed with a reason, or current."""
    lacking = _lacking(traject)
    passed = {}
    for gate in gates(traject):
        passed.setdefault(gate.step, gate)
    result, current = [], None
    for step in STEPS:
        met = not lacking[step]
        gate = passed.get(step)
        done = met or gate is not None
        if not done and current is None:
            current = step
        result.append(
            {"step": step, "names": STEP_NAMES[step], "lacking": lacking[step], "met": met, "gate": gate, "done": done}
        )
    return {"steps": result, "current": current or STEPS[-1]}


def go_on(traject: Traject, step: str, reason: str, user) -> PhaseGate:
    """Go on past `step` although it lacks something; the reason is required and audited."""
    if step not in STEPS:
        raise AdviceError(N_("Onbekende stap."), {"step": ["Onbekende stap."]})
    reason = (reason or "").strip()
    if not reason:
        raise AdviceError(N_("Geef een schriftelijke reden om toch door te gaan."), {"reason": ["Vul een reden in."]})
    if len(reason) > 5000:
        raise AdviceError(N_("De reden is te lang."), {"reason": ["Hoogstens 5000 tekens."]})
    lacking = _lacking(traject)[step]
    if not lacking:
        raise AdviceError(N_("Deze stap mist niets; doorgaan kan zonder reden."))
    gate = PhaseGate(
        traject_id=traject.id, step=step, reason=reason, lacking=[x["text_nl"] for x in lacking], user_id=user.id
    )
    db.session.add(gate)
    db.session.flush()
    audit.record("phase.gate_passed", obj=gate, traject_id=traject.id, step=step, reason=reason, lacking=gate.lacking)
    return gate


def uitwerking_plan(traject: Traject) -> dict:
    """The roadmap actions the boards agreed to, after the decision round on the latest version:
    actions without a domain, and those of a domain where at least half of the boards agree with the
    recommended form (with or without conditions)."""
    versions = [v for v in advice_versions.versions(traject) if not v.round_open]
    if not versions:
        return {"version": None, "actions": [], "domains": []}
    version = versions[0]
    total = max(1, len(traject.organisations))
    agreed = [
        a["domain"]
        for a in advice_versions.domain_agreement(version, traject)
        if len(a["agree"]) + len(a["conditional"]) >= total / 2
    ]
    actions = [a for a in advice.actions(traject) if a.domain is None or a.domain in agreed]
    return {"version": version, "actions": actions, "domains": agreed}
