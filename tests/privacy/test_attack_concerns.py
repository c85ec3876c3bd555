"""Attacks on anonymous concerns of ICT staff: a regisseur reads the concerns page before and after each
new concern and compares. The batch rule is the releases' threshold and growth rule for the one group
the concerns form (analysis.disclosure.batch_release); checked here against those rules' own function
(analysis.disclosure.decide) and by reading the page as an attacker would."""

from __future__ import annotations

import pytest
from builders import gen_traject, gen_user, login
from hypothesis import given
from hypothesis import strategies as st
from respond_builders import gen_participant, gen_questionnaire

from analysis.disclosure import batch_release, decide
from analysis.stakeholders import visible_batch
from app.extensions import db

ALL = (None, None)


@given(counts=st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=12), threshold=st.integers(3, 12))
def test_every_page_read_satisfies_the_release_rules(counts, threshold):
    """Any sequence of reads (counts only grow): what a read shows is what the release rules allow for one
    group: nothing below the threshold, and never a change by fewer than the threshold since last shown."""
    shown_before = None
    for count in sorted(counts):
        shown = batch_release(count, threshold)
        assert 0 <= shown <= count and (shown == 0 or shown >= threshold)
        last = {"concerns": {ALL: shown_before}} if shown_before else None
        decision = decide({"concerns": {ALL: shown}}, threshold, last_visible=last) if shown else None
        if decision is not None:
            assert decision.hidden == set() and decision.growth == set()
        if shown_before is not None:
            assert shown - shown_before == 0 or shown - shown_before >= threshold
        shown_before = shown or shown_before
        assert visible_batch(count, threshold) == shown  # the stakeholders' name for the same rule


def test_the_batch_rule_refuses_a_threshold_below_one():
    with pytest.raises(ValueError):
        batch_release(3, 0)


def test_one_new_concern_never_shows_alone(client, app):
    """The regisseur reads the page after every single concern: the shown set changes only by whole
    batches of the comment threshold, so no shown concern is the one that just came in alone."""
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("AA",))
    traject.comment_threshold = 5
    questionnaire = gen_questionnaire(traject, "ict_staff")
    links = [gen_participant(questionnaire, organisation="AA", role="ict_staff")[1] for _ in range(12)]
    db.session.commit()
    login(client, owner)
    seen: list[set] = []
    for n, link in enumerate(links):
        assert client.post(f"/zorg/{link}", data={"text": f"Zorg nummer {n:02d}"}).status_code == 200
        page = client.get(f"/trajecten/{traject.id}/zorgen").get_data(as_text=True)
        seen.append({k for k in range(n + 1) if f"Zorg nummer {k:02d}" in page})
    for before, after in zip([set()] + seen, seen):
        assert before <= after and (len(after - before) == 0 or len(after - before) >= 5)
    assert len(seen[-1]) == 10
