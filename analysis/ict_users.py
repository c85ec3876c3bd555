"""ICT users' satisfaction (the ICT-foto's gebruikers dimension): per aspect and school from released rows, per location at close, and the service-quality criterion."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas loads inside by_location only (tests/app/test_lean_web.py)
    import pandas as pd

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


def _qualifies(counts: Mapping[Any, int], threshold: int) -> bool:
    """Every named location and the group without a location (if any) hold at least ``threshold``."""
    named = {k: n for k, n in counts.items() if k != ""}
    unknown = counts.get("", 0)
    return len(named) >= 2 and min(named.values()) >= threshold and (unknown == 0 or unknown >= threshold)


def by_location(
    responses: pd.DataFrame | None,
    items: pd.DataFrame | Iterable[dict[str, Any]],
    threshold: int,
    closed: bool,
    hidden: Iterable[tuple[str | None, str | None]] = (),
) -> list[dict[str, Any]]:
    """Aspect scores (0–100) per location, only where no small group can be read off.

    Shown only for a closed questionnaire (no later release to difference against). Per aspect,
    a school shows its locations when every location, and the group that gave no location, holds
    at least ``threshold`` respondents with a score: otherwise one location could be read off as
    the school's released total minus the others. When no school qualifies, all schools together
    are tried by the same rule; schools and the pooled scope are never shown side by side (the
    pooled figure minus a school's would give the other schools' small groups).

    Parameters
    ----------
    responses : DataFrame
        Long answers of the ICT-users questionnaire (``respondent``, ``question``, ``value``,
        ``organisation``, ``role``), the location answer (question ``location``) included.
    items : DataFrame or list of dict
        ``question``, ``construct``, ``min``, ``max`` of the likert items.
    threshold : int
        The traject's anonymity threshold.
    closed : bool
        Whether the questionnaire is closed.
    hidden : iterable of (organisation, role)
        The release's hidden groups: a scope whose own total is hidden shows no locations either
        (they would add up to it).

    Returns
    -------
    list of dict
        ``[{"organisation", "location", "aspect", "n", "score"}]``, ``organisation`` None for all
        schools together; empty while open or when no scope qualifies.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = []
    >>> for i in range(12):
    ...     rows += [{"respondent": f"r{i}", "question": "location", "value": "hoofd" if i < 6 else "neven",
    ...               "organisation": "A", "role": "staff"},
    ...              {"respondent": f"r{i}", "question": "q", "value": 5 if i < 6 else 1, "organisation": "A",
    ...               "role": "staff"}]
    >>> items = [{"question": "q", "construct": "user_network", "min": 1, "max": 5}]
    >>> [(r["organisation"], r["location"], r["n"], r["score"]) for r in by_location(pd.DataFrame(rows), items, 5, True)]
    [('A', 'hoofd', 6, 100.0), ('A', 'neven', 6, 0.0)]
    >>> by_location(pd.DataFrame(rows), items, 7, closed=True), by_location(pd.DataFrame(rows), items, 5, closed=False)
    ([], [])
    """
    # pandas loads here, not at import: the web pages read the other helpers (tests/app/test_lean_web.py)
    import numpy as np
    import pandas as pd

    from analysis._frames import plain

    if not closed or responses is None or len(responses) == 0:
        return []
    items = pd.DataFrame(items)
    items = items.loc[items["construct"].isin(ASPECTS)]
    location = responses.loc[responses["question"] == LOCATION, ["respondent", "value"]]
    location = location.drop_duplicates("respondent").rename(columns={"value": "location"})
    answers = responses.merge(items[["question", "construct", "min", "max"]], on="question", how="inner")
    if answers.empty or location.empty:
        return []
    answers = answers.merge(location, on="respondent", how="left")
    answers["location"] = answers["location"].where(answers["location"].notna(), "").astype(str)
    answers["scaled"] = (pd.to_numeric(answers["value"]) - answers["min"]) / (answers["max"] - answers["min"]) * 100
    person = answers.groupby(["respondent", "organisation", "location", "construct"], as_index=False)["scaled"].mean()
    hidden = set(hidden)
    result = []
    for aspect in ASPECTS:
        mine = person.loc[person["construct"] == aspect]
        if mine.empty:
            continue
        schools = [
            (org, group)
            for org, group in mine.groupby("organisation", sort=True)
            if (org, None) not in hidden and _qualifies(group.groupby("location").size().to_dict(), threshold)
        ]
        if (
            not schools
            and (None, None) not in hidden
            and _qualifies(mine.groupby("location").size().to_dict(), threshold)
        ):
            schools = [(None, mine)]
        for org, group in schools:
            for loc, sub in group.loc[group["location"] != ""].groupby("location", sort=True):
                result.append(
                    {
                        "organisation": plain(org),
                        "location": plain(loc),
                        "aspect": aspect,
                        "n": int(sub["respondent"].nunique()),
                        "score": plain(np.mean(sub["scaled"])),
                    }
                )
    return result


def location_scores(prepared: Any, location_of: Mapping[str, str], groups: Iterable[tuple]) -> list[dict[str, Any]]:
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
    score = scores["score100"].to_numpy()
    sums: dict = {}  # (scope, location, aspect) -> [n, sum]; scope None: all schools
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
