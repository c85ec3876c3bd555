"""Pure stakeholder rules: Mendelow quadrant, measured attitude, disagreement, default plan, concern batches.

Reference: the quadrant rule is the API contract's (influence and interest both 3 or more: manage
closely; influence only: keep satisfied; interest only: keep informed; else monitor)."""

from datetime import date, timedelta
from itertools import product

import pytest

from analysis import stakeholders as rules


@pytest.mark.parametrize("influence,interest", list(product(range(1, 6), repeat=2)))
def test_quadrant_follows_the_contract_on_every_cell(influence, interest):
    expected = {
        (True, True): "manage_closely",
        (True, False): "keep_satisfied",
        (False, True): "keep_informed",
        (False, False): "monitor",
    }[(influence >= 3, interest >= 3)]
    assert rules.quadrant(influence, interest) == expected


@pytest.mark.parametrize(
    "draagvlak,weerstand,expected",
    [
        (60.0, 49.9, "supporter"),
        (59.9, 10.0, "neutral"),
        (50.0, 49.9, "neutral"),
        (49.9, 0.0, "critical"),
        (90.0, 50.0, "critical"),
        (75.0, None, "supporter"),
        (None, 80.0, None),
    ],
)
def test_measured_attitude_at_its_boundaries(draagvlak, weerstand, expected):
    assert rules.measured_attitude(draagvlak, weerstand) == expected


def test_disagreement_is_named_for_every_pair():
    for judged in rules.ATTITUDES:
        for measured in ("supporter", "neutral", "critical", None):
            found = rules.disagreement(judged, measured)
            if measured is None or judged == measured:
                assert found is None
            elif judged == "unknown":
                assert found == "unjudged"
            elif {judged, measured} == {"supporter", "critical"}:
                assert found == "opposite"
            else:
                assert found == "differs"


def test_default_plan_grows_with_the_engagement_level_and_stays_in_the_horizon():
    start = date(2027, 1, 4)
    inform = rules.default_plan("manage_closely", "inform", start)
    collaborate = rules.default_plan("manage_closely", "collaborate", start)
    assert {i["message"] for i in inform} == {"personal_meeting", "progress_update"}
    assert {i["message"] for i in collaborate} == {"personal_meeting", "progress_update", "workshop", "co_design"}
    for plan in (inform, collaborate):
        days = [i["planned_on"] for i in plan]
        assert days == sorted(days)
        assert all(start + timedelta(days=7) <= d <= start + timedelta(days=180) for d in days)
    # Monthly personal meetings over 180 days from day 7: days 7, 37, ..., 157 — six of them.
    assert sum(i["message"] == "personal_meeting" for i in inform) == 6
    with pytest.raises(ValueError):
        rules.default_plan("nowhere", "inform", start)


@pytest.mark.parametrize(
    "count,threshold,shown", [(0, 10, 0), (9, 10, 0), (10, 10, 10), (19, 10, 10), (20, 10, 20), (7, 3, 6)]
)
def test_anonymous_concerns_show_in_whole_batches(count, threshold, shown):
    assert rules.visible_batch(count, threshold) == shown
    assert shown % threshold == 0 and count - shown < threshold
