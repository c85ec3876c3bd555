"""Roadmap proposals from the feasibility matrix: actions per horizon with owners' quarters and dependencies."""

import re
from collections.abc import Iterable
from typing import Any

from analysis.feasibility import DEPTH, FORM_NAMES, UNKNOWN
from analysis.swot import DOMAIN_NAMES

#: Recommendations that introduce no form (no cooperation, or too little evidence to say).
NO_STEP = ("geen", UNKNOWN)

HORIZONS = ("kort", "middellang", "lang")
#: How far each horizon starts from the first quarter, in quarters.
HORIZON_OFFSET = {"kort": 0, "middellang": 4, "lang": 8}
#: The earliest horizon of a domain: consultation and procurement are easy (the case's lesson
#: "relatief makkelijk"); sharing staff and joint management come later.
DOMAIN_HORIZON = {
    "overleg": "kort",
    "inkoop": "kort",
    "ibp": "middellang",
    "werkplek": "middellang",
    "netwerk": "middellang",
    "applicaties": "middellang",
    "servicedesk": "middellang",
    "personeel": "lang",
}
#: The earliest horizon of a form: structures take time to set up.
FORM_HORIZON = {"projectbasis": "kort", "netwerkmodel": "kort", "centrummodel": "middellang", "ssc": "lang"}

QUARTER = re.compile(r"^(\d{4})-K([1-4])$")

#: Preparation actions proposed when a precondition or knock-out of a recommended or next form is unmet.
PREPARATIONS = {
    "commitment": (
        "prep:intentiebesluit",
        "kort",
        "Intentiebesluit van de besturen over de samenwerking",
        "Boards' decision of intent on the cooperation",
    ),
    "autonomy": (
        "prep:intentiebesluit",
        "kort",
        "Intentiebesluit van de besturen over de samenwerking",
        "Boards' decision of intent on the cooperation",
    ),
    "trust": (
        "prep:governance",
        "kort",
        "Governance-afspraken en vertrouwen tussen de besturen opbouwen",
        "Agree governance and build trust between the boards",
    ),
    "standardisation": (
        "prep:standaardisatie",
        "middellang",
        "Systemen standaardiseren (ELO, administratie, identiteit)",
        "Standardise systems (LMS, administration, identity)",
    ),
    "draagvlak": (
        "prep:draagvlak",
        "kort",
        "Draagvlak bij ICT-medewerkers vergroten: informeren en betrekken",
        "Build support among ICT staff: inform and involve",
    ),
    "domain_support": (
        "prep:draagvlak",
        "kort",
        "Draagvlak bij ICT-medewerkers vergroten: informeren en betrekken",
        "Build support among ICT staff: inform and involve",
    ),
    "centre_party": (
        "prep:centrumpartij",
        "middellang",
        "Capaciteit opbouwen bij een centrumpartij",
        "Build capacity at a centre party",
    ),
}


def quarter_add(quarter: str, n: int) -> str:
    """The quarter ``n`` quarters after ``quarter`` (``"2027-K1"`` style).

    Examples
    --------
    >>> quarter_add("2026-K3", 4), quarter_add("2026-K4", 1)
    ('2027-K3', '2027-K1')
    """
    match = QUARTER.match(str(quarter))
    if not match:
        raise ValueError(f"quarter must look like 2027-K1, got {quarter!r}")
    index = int(match.group(1)) * 4 + int(match.group(2)) - 1 + int(n)
    return f"{index // 4}-K{index % 4 + 1}"


def _later(a: str, b: str) -> str:
    return a if HORIZONS.index(a) >= HORIZONS.index(b) else b


def propose_actions(feasibility: dict[str, Any], start: str = "2026-K1") -> list[dict[str, Any]]:
    """Actions per horizon from a feasibility result, with dependencies.

    Always: joint consultation (kort) and a decision of intent (kort). Per domain with a
    recommended form other than ``geen``: introduce that form, in the later of the domain's and the
    form's earliest horizon. When the next deeper form is blocked only by things a preparation can
    fix (commitment, autonomy, trust, standardisation, staff support, a centre party) besides its
    score, those preparations are proposed, and so is the deeper form on the long horizon,
    depending on them and on the recommended form. Consultation (``overleg``) never grows deeper.

    Parameters
    ----------
    feasibility : dict
        A result of :func:`analysis.feasibility.feasibility_matrix`.
    start : str
        The first quarter of the roadmap, like ``"2026-K1"``.

    Returns
    -------
    list of dict
        ``{"key", "title_nl", "title_en", "horizon", "domain", "form", "quarter", "depends_on":
        [keys]}`` ordered by horizon; ``key`` is stable, so a caller can skip actions it already has.

    Examples
    --------
    >>> feas = {"recommendations": [
    ...     {"domain": "inkoop", "form": "netwerkmodel", "next": {"form": "centrummodel", "blockers": []}},
    ...     {"domain": "personeel", "form": "geen", "next": {"form": "projectbasis", "blockers": []}}]}
    >>> [(a["key"], a["horizon"], a["quarter"], a["depends_on"]) for a in propose_actions(feas, "2026-K3")]
    [('overleg', 'kort', '2026-K3', []), ('prep:intentiebesluit', 'kort', '2026-K3', []), ('inkoop:netwerkmodel', 'kort', '2026-K4', ['overleg'])]
    """
    quarter_add(start, 0)
    actions: dict[str, dict[str, Any]] = {}

    def add(
        key: str,
        horizon: str,
        title_nl: str,
        title_en: str,
        domain: str | None = None,
        form: str | None = None,
        depends_on: Iterable[str] = (),
        step: int = 0,
    ) -> None:
        if key in actions:
            actions[key]["depends_on"] = sorted(set(actions[key]["depends_on"]) | set(depends_on))
            return
        actions[key] = {
            "key": key,
            "title_nl": title_nl,
            "title_en": title_en,
            "horizon": horizon,
            "domain": domain,
            "form": form,
            "quarter": quarter_add(start, HORIZON_OFFSET[horizon] + step),
            "depends_on": sorted(set(depends_on)),
        }

    add(
        "overleg",
        "kort",
        "Gezamenlijk ICT-overleg van de scholen instellen, onder leiding van het Hoofd ICT",
        "Set up joint ICT consultation of the schools, led by the Head of ICT",
        domain="overleg",
    )
    add("prep:intentiebesluit", "kort", *PREPARATIONS["commitment"][2:])
    for rec in feasibility.get("recommendations", []):
        domain, form = rec["domain"], rec["form"]
        dnl, den = DOMAIN_NAMES.get(domain, (domain, domain))
        base = DOMAIN_HORIZON.get(domain, "middellang")
        if form not in NO_STEP and not (domain == "overleg" and DEPTH[form] <= DEPTH["netwerkmodel"]):
            fnl, fen = FORM_NAMES[form]
            horizon = _later(base, FORM_HORIZON[form])
            deps = ["overleg"] + (
                ["prep:intentiebesluit"] if DEPTH[form] >= DEPTH["centrummodel"] or horizon == "lang" else []
            )
            add(
                f"{domain}:{form}",
                horizon,
                f"{dnl[0].upper()}{dnl[1:]}: samenwerken als {fnl}",
                f"{den[0].upper()}{den[1:]}: cooperate as {fen}",
                domain=domain,
                form=form,
                depends_on=deps,
                step=1,
            )
        nxt = rec.get("next")
        if not nxt or form in NO_STEP or domain == "overleg":
            continue
        fixable = [b for b in nxt.get("blockers", []) if b["criterion"] != "score"]
        if not fixable or any(b["criterion"] not in PREPARATIONS for b in fixable):
            continue  # nothing a preparation can fix, or a blocker no preparation fixes
        preps = []
        for blocker in fixable:
            key, horizon, nl, en = PREPARATIONS[blocker["criterion"]]
            add(key, horizon, nl, en, depends_on=["overleg"] if key != "prep:intentiebesluit" else [])
            preps.append(key)
        deeper = nxt["form"]
        fnl, fen = FORM_NAMES[deeper]
        # Growing into a deeper form (sharing staff, joint management) is the long-term step of the case.
        add(
            f"{domain}:{deeper}",
            "lang",
            f"{dnl[0].upper()}{dnl[1:]}: doorgroeien naar {fnl}",
            f"{den[0].upper()}{den[1:]}: grow into {fen}",
            domain=domain,
            form=deeper,
            depends_on=sorted(set(preps)) + [f"{domain}:{form}"],
            step=1,
        )
    result = sorted(actions.values(), key=lambda a: (HORIZONS.index(a["horizon"]), a["quarter"]))
    keys = {a["key"] for a in result}
    for action in result:
        action["depends_on"] = [d for d in action["depends_on"] if d in keys and d != action["key"]]
    return result
