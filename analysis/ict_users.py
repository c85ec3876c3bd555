"""ICT users' satisfaction (the ICT-foto's gebruikers dimension): per aspect and school from released rows, per admitted location group, and the service-quality criterion."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

QUESTIONNAIRE = "ict_users"
#: The aspects in questionnaire order, with the cooperation domain each one belongs to.
ASPECTS = ("user_devices", "user_network", "user_applications", "user_servicedesk", "user_support")
ASPECT_DOMAINS = {
    "user_devices": "werkplek",
    "user_network": "netwerk",
    "user_applications": "applicaties",
    "user_servicedesk": "servicedesk",
    "user_support": "servicedesk",
}
ASPECT_NAMES = {
    "user_devices": ("apparaten", "devices"),
    "user_network": ("netwerk en wifi", "network and wifi"),
    "user_applications": ("applicaties en inloggen", "applications and sign-in"),
    "user_servicedesk": ("servicedesk", "service desk"),
    "user_support": ("ondersteuning", "support"),
}
LOCATION = "location"


def _finite(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def aspect_rows(
    payload: Mapping[str, Any], organisation: str | None = None, role: str | None = None
) -> dict[str, dict[str, Any]]:
    """The released construct rows of the ICT-users questionnaire for one group, by aspect.

    Returns
    -------
    dict
        ``{aspect: row}`` (the payload's construct row, suppressed ones included).

    Examples
    --------
    >>> payload = {"constructs": [{"questionnaire": "ict_users", "construct": "user_network",
    ...                            "organisation": None, "role": None, "score": 40.0, "n": 30, "suppressed": False}]}
    >>> aspect_rows(payload)["user_network"]["score"]
    40.0
    """
    return {
        r["construct"]: r
        for r in payload.get("constructs") or []
        if r.get("questionnaire") == QUESTIONNAIRE
        and r.get("construct") in ASPECTS
        and r.get("organisation") == organisation
        and r.get("role") == role
    }


def service_quality(
    payload: Mapping[str, Any], organisation: str | None = None, aspects: Iterable[str] = ASPECTS
) -> float | None:
    """Users' satisfaction with the ICT service on 0–100: the mean of the released aspect scores.

    None when no aspect of the group is released (hidden groups are never filled in).

    Examples
    --------
    >>> payload = {"constructs": [{"questionnaire": "ict_users", "construct": c, "organisation": None,
    ...                            "role": None, "score": s, "n": 30, "suppressed": False}
    ...                           for c, s in (("user_devices", 60.0), ("user_network", 40.0))]}
    >>> service_quality(payload), service_quality(payload, aspects=("user_network",)), service_quality(payload, "A")
    (50.0, 40.0, None)
    """
    rows = aspect_rows(payload, organisation)
    scores = [
        float(rows[a]["score"])
        for a in aspects
        if a in rows and not rows[a].get("suppressed") and _finite(rows[a].get("score"))
    ]
    return sum(scores) / len(scores) if scores else None


def improvement_by_domain(payload: Mapping[str, Any], domains: Iterable[str]) -> dict[str, float | None]:
    """The room for improvement users see (100 − satisfaction) per cooperation domain, for the feasibility model.

    A domain with its own aspects (werkplek, netwerk, applicaties, servicedesk) uses those; the
    other domains use the mean over all aspects (better service is a reason to cooperate at all).

    Examples
    --------
    >>> payload = {"constructs": [{"questionnaire": "ict_users", "construct": c, "organisation": None,
    ...                            "role": None, "score": s, "n": 30, "suppressed": False}
    ...                           for c, s in (("user_devices", 70.0), ("user_network", 30.0))]}
    >>> improvement_by_domain(payload, ["werkplek", "netwerk", "inkoop", "servicedesk"])
    {'werkplek': 30.0, 'netwerk': 70.0, 'inkoop': 50.0, 'servicedesk': 50.0}
    """
    overall = service_quality(payload)
    result = {}
    for domain in domains:
        own = tuple(a for a, d in ASPECT_DOMAINS.items() if d == domain)
        score = service_quality(payload, aspects=own) if own else None
        if score is None:
            score = overall
        result[domain] = None if score is None else 100.0 - score
    return result


def location_scores(
    prepared: Any, location_of: Mapping[str, str], groups: Iterable[tuple[Any, Any]]
) -> list[dict[str, Any]]:
    """Aspect scores (0–100) of location groups the release plan admitted (:mod:`analysis.locations`).

    Per group and aspect: ``n`` (users with a score for the aspect) and ``score`` (the mean of
    their 0–100 aspect scores), from the recompute's prepared answers (:class:`analysis.coded.Prepared`).

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.coded import prepare
    >>> answers = pd.DataFrame({"respondent": ["r1", "r2", "r3"], "question": "q", "value": [5, 1, 3],
    ...                         "organisation": "A", "role": "staff"})
    >>> items = [{"question": "q", "construct": "user_network", "min": 1, "max": 5}]
    >>> location_scores(prepare(answers, items), {"r1": "x", "r2": "x", "r3": "y"}, [("A@x", None)])
    [{'organisation': 'A', 'location': 'x', 'aspect': 'user_network', 'n': 2, 'score': 50.0}]
    """
    from analysis.locations import split

    scores = prepared.scores
    people = prepared.coded.people
    names = prepared.coded.constructs["construct"].to_numpy()
    respondent = people["respondent"].to_numpy()[scores["person"].to_numpy()]
    organisation = people["organisation"].to_numpy()[scores["person"].to_numpy()]
    aspect = names[scores["construct"].to_numpy()]
    score = prepared.score100()
    sums: dict[tuple[Any, str, Any], list[Any]] = {}  # (scope, location, aspect) -> [n, sum]; scope None: all schools
    for r, o, a, s in zip(respondent, organisation, aspect, score):
        loc = str(location_of.get(r) or "")
        for scope in (o, None):
            cell = sums.setdefault((scope, loc, a), [0, 0.0])
            cell[0] += 1
            cell[1] += float(s)
    out = []
    for group in groups:
        scope, wanted = split(group) or (None, "")
        for name in ASPECTS:
            n, total = sums.get((scope, wanted, name), (0, 0.0))
            if n:
                out.append({"organisation": scope, "location": wanted, "aspect": name, "n": n, "score": total / n})
    return out
