"""Stakeholder rules, pure: Mendelow quadrant, default communication plan, judged vs. measured attitude, concern batches."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

KINDS = ("person", "group")
CATEGORIES = ("board", "school_leader", "ict_lead", "ict_staff", "teachers", "council", "supplier", "sivon", "other")
ATTITUDES = ("supporter", "neutral", "critical", "unknown")
#: The IAP2 spectrum, from least to most influence given to the stakeholder.
ENGAGEMENT_LEVELS = ("inform", "consult", "involve", "collaborate", "empower")
#: Mendelow's power/interest grid; 3 on the 1–5 scales counts as high (the contract's rule).
QUADRANTS = ("manage_closely", "keep_satisfied", "keep_informed", "monitor")
HIGH = 3
SCALE = (1, 5)
#: Participant roles a stakeholder group can correspond to (the questionnaire groups).
MEASURED_ROLES = ("ict_staff", "ict_lead", "board")

# Judged vs. measured attitude (our design proposal, documented in docs/stakeholders.md): a group
# whose released draagvlak-index is at least SUPPORT_FROM and whose WEERSTAND is below the knelpunt
# line reads as supporter; a draagvlak-index below the knelpunt line or WEERSTAND at or above it
# reads as critical; anything between is neutral.
SUPPORT_FROM = 60.0
KNELPUNT = 50.0


def quadrant(influence: int, interest: int) -> str:
    """Mendelow quadrant of a stakeholder from influence and interest on 1–5.

    >>> quadrant(5, 4), quadrant(4, 2), quadrant(1, 5), quadrant(2, 2)
    ('manage_closely', 'keep_satisfied', 'keep_informed', 'monitor')
    """
    high_power, high_interest = influence >= HIGH, interest >= HIGH
    if high_power and high_interest:
        return "manage_closely"
    if high_power:
        return "keep_satisfied"
    if high_interest:
        return "keep_informed"
    return "monitor"


def measured_attitude(draagvlak: float | None, weerstand: float | None) -> str | None:
    """The attitude the released figures suggest, or None without a (visible) draagvlak-index.

    >>> measured_attitude(72, 30), measured_attitude(55, 40), measured_attitude(45, 30), measured_attitude(70, 55)
    ('supporter', 'neutral', 'critical', 'critical')
    >>> measured_attitude(None, 20) is None
    True
    """
    if draagvlak is None:
        return None
    resisting = weerstand is not None and weerstand >= KNELPUNT
    if draagvlak < KNELPUNT or resisting:
        return "critical"
    if draagvlak >= SUPPORT_FROM:
        return "supporter"
    return "neutral"


def disagreement(judged: str, measured: str | None) -> str | None:
    """How the regisseur's judgement relates to the measurement: None (nothing to say), 'unjudged'
    (judged unknown, a measurement is there), 'differs' (one step apart) or 'opposite'
    (supporter against critical).

    >>> disagreement("supporter", "critical"), disagreement("neutral", "critical"), disagreement("unknown", "neutral")
    ('opposite', 'differs', 'unjudged')
    >>> disagreement("critical", "critical") is None, disagreement("critical", None) is None
    (True, True)
    """
    if measured is None or judged == measured:
        return None
    if judged == "unknown":
        return "unjudged"
    if {judged, measured} == {"supporter", "critical"}:
        return "opposite"
    return "differs"


# What each quadrant gets, and how often (days between items): Mendelow's strategies.
_QUADRANT_PLAN = {
    "manage_closely": [("personal_meeting", "personal", 30), ("progress_update", "mail", 30)],
    "keep_satisfied": [("decision_briefing", "meeting", 60), ("progress_update", "mail", 60)],
    "keep_informed": [("newsletter", "newsletter", 30), ("information_session", "meeting", 90)],
    "monitor": [("newsletter", "newsletter", 90)],
}
# What the IAP2 level adds on top (the promise made to the stakeholder).
_LEVEL_PLAN = {
    "inform": [],
    "consult": [("consultation", "survey", 90)],
    "involve": [("workshop", "workshop", 60)],
    "collaborate": [("workshop", "workshop", 45), ("co_design", "meeting", 90)],
    "empower": [("decision_session", "meeting", 60)],
}


def default_plan(quadrant_code: str, level: str, start: date, *, horizon_days: int = 180) -> list[dict[str, Any]]:
    """Default communication items for a stakeholder: ``{"message", "channel", "planned_on"}``
    (message and channel are codes the app translates), first items a week after `start`, repeated
    at each item's interval within `horizon_days`, sorted by date.

    >>> plan = default_plan("monitor", "inform", date(2027, 1, 4), horizon_days=100)
    >>> [(p["message"], p["planned_on"].isoformat()) for p in plan]
    [('newsletter', '2027-01-11'), ('newsletter', '2027-04-11')]
    """
    if quadrant_code not in _QUADRANT_PLAN:
        raise ValueError(f"unknown quadrant {quadrant_code!r}")
    if level not in _LEVEL_PLAN:
        raise ValueError(f"unknown engagement level {level!r}")
    seen, items = set(), []
    for message, channel, every in _QUADRANT_PLAN[quadrant_code] + _LEVEL_PLAN[level]:
        if message in seen:
            continue
        seen.add(message)
        day = start + timedelta(days=7)
        while day <= start + timedelta(days=horizon_days):
            items.append({"message": message, "channel": channel, "planned_on": day})
            day += timedelta(days=every)
    return sorted(items, key=lambda i: (i["planned_on"], i["message"]))


def visible_batch(count: int, threshold: int) -> int:
    """How many anonymous concerns (oldest first) may be shown: whole batches of `threshold`, so each
    newly shown batch holds at least `threshold` concerns and none can be tied to one late writer.

    The rule lives with the other disclosure rules (:func:`analysis.disclosure.batch_release`). This is
    the case where every concern counts; with the padding rule (concerns through links added after a
    batch began do not count) the service applies :func:`analysis.disclosure.padded_batch_step`.

    >>> visible_batch(9, 10), visible_batch(10, 10), visible_batch(27, 10)
    (0, 10, 20)
    """
    from analysis.disclosure import batch_release

    return batch_release(count, threshold)
