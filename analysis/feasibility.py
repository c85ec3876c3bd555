"""Feasibility of every cooperation form per domain: one documented model of weights, thresholds and knock-outs."""

import math
from dataclasses import dataclass, field

from analysis.ict_users import improvement_by_domain
from analysis.swot import pooled_foto, standardisation

DOMAINS = ("overleg", "inkoop", "werkplek", "netwerk", "applicaties", "servicedesk", "ibp", "personeel")
FORMS = ("projectbasis", "netwerkmodel", "centrummodel", "ssc")
#: Depth of each form; ``geen`` (no cooperation) is 0.
DEPTH = {"geen": 0, "projectbasis": 1, "netwerkmodel": 2, "centrummodel": 3, "ssc": 4}

CRITERIA = (
    "draagvlak",
    "domain_support",
    "commitment",
    "autonomy",
    "trust",
    "standardisation",
    "scale",
    "vulnerability",
    "savings",
    "service_quality",
    "preference",
)
CRITERION_NAMES = {
    "draagvlak": ("draagvlak ICT-medewerkers", "ICT staff support"),
    "domain_support": ("steun medewerkers voor dit domein", "staff support for this domain"),
    "commitment": ("commitment besturen aan deze vorm", "board commitment to this form"),
    "autonomy": ("bereidheid besturen autonomie op te geven", "board willingness to give up autonomy"),
    "trust": ("vertrouwen tussen besturen", "trust between boards"),
    "standardisation": ("standaardisatie van systemen", "standardisation of systems"),
    "scale": ("schaal (aantal leerlingen)", "scale (number of pupils)"),
    "vulnerability": ("kwetsbaarheid (urgentie)", "vulnerability (urgency)"),
    "savings": ("besparingspotentieel", "savings potential"),
    "service_quality": (
        "verbeterruimte in de dienstverlening volgens gebruikers",
        "room to improve the service according to its users",
    ),
    "preference": ("voorkeur medewerkers voor deze vorm", "staff preference for this form"),
    "centre_party": ("een partij met capaciteit om taken uit te voeren", "a party with capacity to perform tasks"),
}
#: The recommendation of a domain whose evidence does not allow a conclusion (not "geen").
UNKNOWN = "onbekend"
FORM_NAMES = {
    "geen": ("geen samenwerking", "no cooperation"),
    UNKNOWN: ("onvoldoende gegevens", "insufficient data"),
    "projectbasis": ("projectbasis", "project basis"),
    "netwerkmodel": ("netwerkmodel", "network model"),
    "centrummodel": ("centrummodel", "centre model"),
    "ssc": ("shared service center (SSC)", "shared service centre (SSC)"),
}

#: Systems compared for the standardisation of a domain (ICT-foto answer keys).
DOMAIN_SYSTEMS = {
    "applicaties": ("admin_system", "elo"),
    "werkplek": ("office_suite", "identity"),
    "netwerk": ("server_model", "identity"),
    "ibp": ("identity", "office_suite"),
}
ALL_SYSTEMS = ("admin_system", "elo", "office_suite", "identity", "server_model")


#: Weight of users' room for service improvement in every form.
SERVICE_WEIGHT = 0.05


def _with_service(base, share=SERVICE_WEIGHT):
    """``base`` weights per form scaled by 1 − ``share``, plus ``service_quality`` at ``share``.

    Without users' data the criterion is left out (it is optional: see ``FeasibilityModel.optional``)
    and the others renormalise, so scores and coverage are exactly those of the base weights.
    """
    return {
        form: {**{c: w * (1 - share) for c, w in weights.items()}, "service_quality": share}
        for form, weights in base.items()
    }


@dataclass(frozen=True)
class FeasibilityModel:
    """Weights, thresholds, knock-outs and preconditions of the feasibility matrix.

    Deeper forms weigh standardisation, board commitment and autonomy more and staff preference
    less; see docs/advice.md for the reasons.
    """

    #: criterion weights per form; each form's weights sum to 1 (the base weights below, scaled by
    #: 0.95, and 0.05 for service quality: the case's third motive beside vulnerability and cost)
    weights: dict = field(
        default_factory=lambda: _with_service(
            {
                "projectbasis": {
                    "draagvlak": 0.20,
                    "domain_support": 0.20,
                    "commitment": 0.15,
                    "autonomy": 0.05,
                    "trust": 0.10,
                    "standardisation": 0.00,
                    "scale": 0.05,
                    "vulnerability": 0.05,
                    "savings": 0.05,
                    "preference": 0.15,
                },
                "netwerkmodel": {
                    "draagvlak": 0.20,
                    "domain_support": 0.15,
                    "commitment": 0.15,
                    "autonomy": 0.10,
                    "trust": 0.15,
                    "standardisation": 0.05,
                    "scale": 0.05,
                    "vulnerability": 0.05,
                    "savings": 0.05,
                    "preference": 0.05,
                },
                "centrummodel": {
                    "draagvlak": 0.15,
                    "domain_support": 0.10,
                    "commitment": 0.15,
                    "autonomy": 0.15,
                    "trust": 0.15,
                    "standardisation": 0.10,
                    "scale": 0.05,
                    "vulnerability": 0.05,
                    "savings": 0.05,
                    "preference": 0.05,
                },
                "ssc": {
                    "draagvlak": 0.10,
                    "domain_support": 0.10,
                    "commitment": 0.15,
                    "autonomy": 0.20,
                    "trust": 0.10,
                    "standardisation": 0.15,
                    "scale": 0.05,
                    "vulnerability": 0.05,
                    "savings": 0.05,
                    "preference": 0.05,
                },
            }
        )
    )
    #: a form is recommended only with a score at or above its threshold
    thresholds: dict = field(
        default_factory=lambda: {"projectbasis": 50.0, "netwerkmodel": 55.0, "centrummodel": 60.0, "ssc": 65.0}
    )
    #: a cell needs at least this share of its weight backed by data, else it has no score
    min_coverage: float = 0.5
    #: criteria from an optional instrument (the ICT-users questionnaire): without data they are
    #: left out of the score and of the coverage, and not listed as missing evidence
    optional: tuple = ("service_quality",)
    #: knock-outs: (forms, domains or None for all, criterion, a cell is knocked out below this value)
    knockouts: tuple = (
        (("ssc",), None, "autonomy", 60.0),
        (("ssc",), None, "draagvlak", 50.0),
        (("centrummodel", "ssc"), None, "commitment", 50.0),
        (("centrummodel",), None, "autonomy", 40.0),
        (("netwerkmodel", "centrummodel", "ssc"), None, "trust", 40.0),
        (("centrummodel", "ssc"), ("personeel",), "domain_support", 50.0),
        (("centrummodel",), None, "centre_party", 1.0),
    )
    #: soft preconditions: (form, criterion, minimum); unmet ones are listed beside the advice
    preconditions: tuple = (
        ("projectbasis", "draagvlak", 40.0),
        ("netwerkmodel", "draagvlak", 50.0),
        ("netwerkmodel", "trust", 50.0),
        ("centrummodel", "trust", 60.0),
        ("centrummodel", "standardisation", 40.0),
        ("centrummodel", "commitment", 60.0),
        ("ssc", "trust", 65.0),
        ("ssc", "standardisation", 60.0),
        ("ssc", "commitment", 75.0),
        ("ssc", "scale", 50.0),
    )
    #: criteria scales: pupils for scale 100, factor of the cost-per-pupil spread for savings 100,
    #: retiring share and single-person dependencies per school for vulnerability 100
    scale_pupils: float = 5000.0
    savings_spread: float = 1.6
    vulnerability_retiring: float = 0.5
    vulnerability_single: float = 4.0
    #: a centre party has at least this ICT fte and a retiring share below the limit
    centre_min_fte: float = 2.0
    centre_max_retiring: float = 0.25

    def check(self):
        """Raise ValueError for weights that do not sum to 1 or name unknown criteria."""
        for form in FORMS:
            weights = self.weights.get(form)
            if weights is None:
                raise ValueError(f"no weights for form {form!r}")
            unknown = set(weights) - set(CRITERIA)
            if unknown:
                raise ValueError(f"unknown criteria {sorted(unknown)} for {form!r}")
            if any(w < 0 for w in weights.values()) or abs(sum(weights.values()) - 1) > 1e-9:
                raise ValueError(f"weights of {form!r} must be non-negative and sum to 1")
        return self


#: The one place where the feasibility rules live.
FEASIBILITY_MODEL = FeasibilityModel().check()


def _finite(value):
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _clip(value):
    return max(0.0, min(100.0, float(value)))


def _draagvlak(payload):
    rows = [
        r
        for r in payload.get("indices", [])
        if r.get("index") == "draagvlak"
        and r.get("organisation") is None
        and not r.get("suppressed")
        and _finite(r.get("value"))
    ]
    staff = [r for r in rows if r.get("role") == "ict_staff"]
    chosen = staff or [r for r in rows if r.get("role") is None]
    return float(chosen[0]["value"]) if chosen else None


def _cumulative(depths_weights):
    """``{form: share (0–100) of weight at that depth or deeper}`` from ``[(depth, weight)]``."""
    total = sum(w for _, w in depths_weights)
    if total <= 0:
        return {}
    return {form: 100.0 * sum(w for d, w in depths_weights if d >= DEPTH[form]) / total for form in FORMS}


def feasibility_inputs(payload, model=FEASIBILITY_MODEL):
    """The criteria (0–100) per domain from a snapshot payload; None where the data are missing.

    Parameters
    ----------
    payload : dict
        An ``IndicatorSnapshot.payload``; parts that are absent give None criteria.
    model : FeasibilityModel
        Scales of the derived criteria.

    Returns
    -------
    dict
        ``{"domains": {domain: {criterion: value}}, "centre_candidates": [codes]}``; ``commitment``
        and ``preference`` are ``{form: value}``, ``centre_party`` is 100 with a candidate, 0
        without, None without ICT-foto.

    Examples
    --------
    >>> inputs = feasibility_inputs({"indices": [{"index": "draagvlak", "organisation": None, "role": None,
    ...                                            "value": 62.0, "suppressed": False}]})
    >>> inputs["domains"]["inkoop"]["draagvlak"], inputs["domains"]["inkoop"]["trust"]
    (62.0, None)
    """
    payload = payload or {}
    board = payload.get("board") or {}
    foto = payload.get("ict_foto") or []
    draagvlak = _draagvlak(payload)
    cells = [c for c in (board.get("trust") or {}).get("cells") or [] if _finite(c.get("score"))]
    trust = sum(c["score"] for c in cells) / len(cells) if cells else None
    pooled = pooled_foto(foto)
    scale = _clip(pooled["pupils"] / model.scale_pupils * 100) if pooled["pupils"] else None
    parts = []
    if _finite(pooled["retiring_share"]):
        parts.append(pooled["retiring_share"] / model.vulnerability_retiring * 100)
    if _finite(pooled["single_person"]) and foto:
        parts.append(pooled["single_person"] / len(foto) / model.vulnerability_single * 100)
    vulnerability = _clip(max(parts)) if parts else None
    costs = [(r.get("derived") or {}).get("cost_per_pupil") for r in foto]
    costs = [c for c in costs if _finite(c) and c > 0]
    savings = _clip((max(costs) / min(costs) - 1) / (model.savings_spread - 1) * 100) if len(costs) >= 2 else None
    candidates = []
    for row in foto:
        answers, derived = row.get("answers") or {}, row.get("derived") or {}
        fte, share = answers.get("fte_ict"), derived.get("retiring_share")
        if _finite(fte) and fte >= model.centre_min_fte and (not _finite(share) or share < model.centre_max_retiring):
            candidates.append(row.get("organisation"))
    centre = (100.0 if candidates else 0.0) if foto else None
    organisations = {r.get("organisation") for r in foto} | {
        r.get("organisation") for r in board.get("commit_forms") or []
    }
    service = improvement_by_domain(payload, DOMAINS)
    domains = {}
    for domain in DOMAINS:
        gap = [
            r
            for r in board.get("gap") or []
            if r.get("domain") == domain
            and not r.get("staff_suppressed")
            and _finite(r.get("staff"))
            and r.get("staff_n")
        ]
        support = (sum(r["staff"] * r["staff_n"] for r in gap) / sum(r["staff_n"] for r in gap)) if gap else None
        autonomy = next(
            (
                r["mean"]
                for r in board.get("autonomy") or []
                if r.get("domain") == domain and r.get("organisation") is None and _finite(r.get("mean"))
            ),
            None,
        )
        std = standardisation(foto, DOMAIN_SYSTEMS.get(domain, ALL_SYSTEMS))["share"]
        commits = [
            (DEPTH.get(r.get("form"), 0), 1.0) for r in board.get("commit_forms") or [] if r.get("domain") == domain
        ]
        prefs = [
            (DEPTH.get(r.get("form"), 0), float(r["share"]))
            for r in payload.get("preferences") or []
            if r.get("domain") == domain
            and r.get("organisation") is None
            and not r.get("suppressed")
            and _finite(r.get("share"))
        ]
        domains[domain] = {
            "draagvlak": draagvlak,
            "domain_support": support,
            "autonomy": autonomy,
            "trust": trust,
            "standardisation": std * 100 if std is not None else None,
            "scale": scale,
            "vulnerability": vulnerability,
            "savings": savings,
            "service_quality": service[domain],
            "commitment": _cumulative(commits) or None,
            "preference": _cumulative(prefs) or None,
            "centre_party": centre,
        }
    return {
        "domains": domains,
        "centre_candidates": sorted(c for c in candidates if c is not None),
        "organisations": len(organisations - {None}),
    }


def _value(criteria, criterion, form):
    value = criteria.get(criterion)
    if isinstance(value, dict):
        value = value.get(form)
    return float(value) if _finite(value) else None


def _condition(criterion, value, limit, form):
    nl, en = CRITERION_NAMES[criterion]
    fnl, fen = FORM_NAMES[form]
    if criterion == "centre_party":
        return {
            "criterion": criterion,
            "value": value,
            "limit": limit,
            "text_nl": f"Voor een {fnl} is {nl} nodig; die ontbreekt.",
            "text_en": f"A {fen} needs {en}; there is none.",
        }
    if value is None:
        return {
            "criterion": criterion,
            "value": None,
            "limit": limit,
            "text_nl": f"Gegevens over {nl} ontbreken (nodig: minstens {limit:.0f}).",
            "text_en": f"Data on {en} are missing (needed: at least {limit:.0f}).",
        }
    return {
        "criterion": criterion,
        "value": value,
        "limit": limit,
        "text_nl": f"{nl[0].upper()}{nl[1:]} is {value:.0f}; voor een {fnl} is minstens {limit:.0f} nodig.",
        "text_en": f"{en[0].upper()}{en[1:]} is {value:.0f}; a {fen} needs at least {limit:.0f}.",
    }


def feasibility_matrix(inputs, overrides=None, model=FEASIBILITY_MODEL):
    """Score every domain × form on 0–100 and recommend the deepest feasible form per domain.

    A cell's score is the weighted mean of the criteria that have data, the weights of the form
    renormalised over them; with less than ``model.min_coverage`` of the weight backed by data the
    cell has no score. A knock-out makes a form infeasible whatever its score. An override
    replaces the computed score (the knock-outs stay listed, as a warning); the recommendation is
    the deepest form that is not knocked out (or is overridden) and scores at least its threshold.

    Parameters
    ----------
    inputs : dict
        The result of :func:`feasibility_inputs`, or the same shape built by hand.
    overrides : dict, optional
        ``{(domain, form): score}``.
    model : FeasibilityModel
        Weights, thresholds, knock-outs and preconditions.

    Returns
    -------
    dict
        ``cells``: ``[{"domain", "form", "score", "computed", "override", "coverage", "threshold",
        "feasible", "contributions": [{"criterion", "value", "weight", "contribution"}],
        "missing": [criteria], "knockouts": [{"criterion", "value", "limit", "text_nl",
        "text_en"}]}]``; ``recommendations``: ``[{"domain", "form", "score", "preconditions":
        [...], "next": {"form", "blockers"} or None}]``; ``domains``, ``forms``.

    Examples
    --------
    >>> criteria = {"draagvlak": 70.0, "domain_support": 70.0, "commitment": {"projectbasis": 100.0,
    ...             "netwerkmodel": 100.0, "centrummodel": 40.0, "ssc": 0.0}, "autonomy": 55.0,
    ...             "trust": 70.0, "standardisation": 50.0, "scale": 80.0, "vulnerability": 60.0,
    ...             "savings": 40.0, "preference": None, "centre_party": 100.0}
    >>> result = feasibility_matrix({"domains": {"inkoop": criteria}})
    >>> [(c["form"], round(c["score"], 1), c["feasible"]) for c in result["cells"]]
    [('projectbasis', 72.6, True), ('netwerkmodel', 70.5, True), ('centrummodel', 59.2, False), ('ssc', 51.1, False)]
    >>> result["recommendations"][0]["form"], [b["criterion"] for b in result["recommendations"][0]["next"]["blockers"]]
    ('netwerkmodel', ['commitment', 'score'])
    """
    overrides = overrides or {}
    cells, recommendations = [], []
    domains = [d for d in DOMAINS if d in inputs.get("domains", {})] + [
        d for d in inputs.get("domains", {}) if d not in DOMAINS
    ]
    for domain in domains:
        criteria = inputs["domains"][domain]
        row = []
        for form in FORMS:
            weights = model.weights[form]
            contributions, missing, optional_weight = [], [], 0.0
            for criterion in CRITERIA:
                weight = weights.get(criterion, 0.0)
                if weight <= 0:
                    continue
                value = _value(criteria, criterion, form)
                if value is None:
                    if criterion in model.optional:
                        optional_weight += weight  # an instrument the traject did not use: no gap
                    else:
                        missing.append(criterion)
                    continue
                contributions.append({"criterion": criterion, "value": value, "weight": weight})
            present = sum(c["weight"] for c in contributions)
            # Coverage is measured against the weight of the criteria the traject could have data for.
            coverage = present / (1 - optional_weight)
            computed = None
            if coverage >= model.min_coverage - 1e-12 and present > 0:
                for c in contributions:
                    c["contribution"] = c["weight"] / present * c["value"]
                computed = sum(c["contribution"] for c in contributions)
            else:
                for c in contributions:
                    c["contribution"] = None
            knockouts = []
            for forms, only, criterion, limit in model.knockouts:
                if form not in forms or (only is not None and domain not in only):
                    continue
                value = _value(criteria, criterion, form)
                if value is not None and value < limit:
                    knockouts.append(_condition(criterion, value, limit, form))
            key = (domain, form)
            override = overrides.get(key)
            score = float(override) if override is not None else computed
            threshold = model.thresholds[form]
            feasible = score is not None and score >= threshold and (override is not None or not knockouts)
            row.append(
                {
                    "domain": domain,
                    "form": form,
                    "score": score,
                    "computed": computed,
                    "override": override is not None,
                    "coverage": coverage,
                    "threshold": threshold,
                    "feasible": feasible,
                    "contributions": contributions,
                    "missing": missing,
                    "knockouts": knockouts,
                }
            )
        cells += row
        recommendations.append(_recommend(domain, criteria, row, model))
    return {"domains": domains, "forms": list(FORMS), "cells": cells, "recommendations": recommendations}


def _preconditions(criteria, form, model):
    unmet = []
    for pform, criterion, minimum in model.preconditions:
        if pform != form:
            continue
        value = _value(criteria, criterion, form)
        if value is None or value < minimum:
            unmet.append(_condition(criterion, value, minimum, form))
    return unmet


def _missing_data(criterion, form, weight=None):
    nl, en = CRITERION_NAMES[criterion]
    fnl, fen = FORM_NAMES[form]
    share = f" (gewicht {weight:.0%} herverdeeld over de andere criteria)" if weight else ""
    share_en = f" (weight {weight:.0%} spread over the other criteria)" if weight else ""
    return {
        "criterion": criterion,
        "value": None,
        "limit": None,
        "missing": True,
        "text_nl": f"Gegevens over {nl} ontbreken; de score van {fnl} telt dit criterium niet mee{share}.",
        "text_en": f"Data on {en} are missing; the {fen} score leaves this criterion out{share_en}.",
    }


def _open_data(criteria, cell, model):
    """Missing evidence of a cell as open preconditions: unknown, left out of the score, never a zero."""
    weights = model.weights[cell["form"]]
    missing = [_missing_data(c, cell["form"], weights.get(c)) for c in cell["missing"]]
    listed = set(cell["missing"])
    for forms, only, criterion, _limit in model.knockouts:
        if (
            cell["form"] in forms
            and (only is None or cell["domain"] in only)
            and criterion not in listed
            and _value(criteria, criterion, cell["form"]) is None
        ):
            missing.append(_missing_data(criterion, cell["form"]))
            listed.add(criterion)
    return missing


def _recommend(domain, criteria, row, model):
    """The deepest feasible form; ``onbekend`` (onvoldoende gegevens) when no form is feasible and a
    form that is not knocked out has no score for lack of evidence, so "geen" cannot be concluded."""
    by_form = {c["form"]: c for c in row}
    chosen = next((c for c in reversed(row) if c["feasible"]), None)
    if chosen is None:
        unknown = [c for c in row if c["score"] is None and not c["knockouts"]]
        if unknown:
            first = unknown[0]
            return {
                "domain": domain,
                "form": UNKNOWN,
                "status": "insufficient",
                "score": None,
                "coverage": first["coverage"],
                "preconditions": _open_data(criteria, first, model),
                "next": None,
            }
    form = chosen["form"] if chosen else "geen"
    deeper = [f for f in FORMS if DEPTH[f] == DEPTH[form] + 1]
    nxt = None
    if deeper:
        cell = by_form[deeper[0]]
        blockers = list(cell["knockouts"]) if not cell["override"] else []
        if cell["score"] is None or cell["score"] < cell["threshold"]:
            blockers.append(
                {
                    "criterion": "score",
                    "value": cell["score"],
                    "limit": cell["threshold"],
                    "text_nl": (f"De score is {cell['score']:.0f}" if cell["score"] is not None else "Er is geen score")
                    + f"; nodig is {cell['threshold']:.0f}.",
                    "text_en": (
                        f"The score is {cell['score']:.0f}" if cell["score"] is not None else "There is no score"
                    )
                    + f"; {cell['threshold']:.0f} is needed.",
                }
            )
        blockers += [
            p
            for p in _preconditions(criteria, deeper[0], model)
            if p["criterion"] not in {b["criterion"] for b in blockers}
        ]
        nxt = {"form": deeper[0], "blockers": blockers}
    preconditions = []
    if chosen:
        preconditions = _preconditions(criteria, form, model)
        named = {p["criterion"] for p in preconditions}
        preconditions += [m for m in _open_data(criteria, chosen, model) if m["criterion"] not in named]
    return {
        "domain": domain,
        "form": form,
        "status": "advice" if chosen else "none",
        "score": chosen["score"] if chosen else None,
        "coverage": chosen["coverage"] if chosen else None,
        "preconditions": preconditions,
        "next": nxt,
    }
