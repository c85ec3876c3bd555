"""Attacks on anonymous concerns of ICT staff: a regisseur reads the concerns page before and after each
new concern and compares, or pads a batch with concerns raised through links of participants it added.
The batch rule is the releases' threshold, growth and padding rule for the one group the concerns form
(analysis.disclosure.batch_release, padded_batch_step); checked here against those rules' own function
(analysis.disclosure.decide) and by reading the page as an attacker would."""

from __future__ import annotations

import pytest
from builders import gen_traject, gen_user, login
from hypothesis import given
from hypothesis import strategies as st
from respond_builders import gen_participant, gen_questionnaire

from analysis.disclosure import batch_release, decide, padded_batch_release
from analysis.stakeholders import visible_batch
from app.extensions import db
from app.models import Traject
from app.models.stakeholders import Concern

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


# --- padding: the regisseur adds participants whose mail they read and writes through their links ---


@given(counting=st.lists(st.booleans(), max_size=80), threshold=st.integers(3, 12))
def test_every_padded_batch_holds_the_threshold_of_counting_concerns(counting, threshold):
    """Whatever the mix of counting (listed before the batch began) and late concerns, every read shows
    whole batches, each holding at least the threshold of counting concerns, so an attacker who strikes
    out every late concern of a newly shown batch still faces at least the threshold of others; the
    counting concerns per read pass the release rules for one group (decide, with early = counting)."""
    shown_before = counted_before = 0
    for count in range(len(counting) + 1):
        shown = padded_batch_release(counting[:count], threshold)
        assert shown_before <= shown <= count
        counted = sum(counting[:shown])
        if shown != shown_before:
            assert counted - counted_before >= threshold
            last = {"concerns": {ALL: counted_before}} if counted_before else None
            decision = decide({"concerns": {ALL: counted}}, threshold, early={ALL: counted}, last_visible=last)
            assert decision.hidden == set() and decision.growth == set()
        # What is still waiting never holds the threshold of counting concerns (it would have been shown).
        assert sum(counting[shown:count]) < threshold
        shown_before, counted_before = shown, counted
    if all(counting):
        assert shown_before == batch_release(len(counting), threshold)


def _staff_traject(threshold=5):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("AA",))
    traject.comment_threshold = threshold
    questionnaire = gen_questionnaire(traject, "ict_staff")
    db.session.commit()
    return owner, traject, questionnaire


def _link(questionnaire):
    return gen_participant(questionnaire, organisation="AA", role="ict_staff")[1]


def _raise(client, link, text):
    assert client.post(f"/zorg/{link}", data={"text": text}).status_code == 200


def _page(client, traject):
    return client.get(f"/trajecten/{traject.id}/zorgen").get_data(as_text=True)


def test_padding_with_late_participants_never_shows_a_real_concern(client, app):
    """The one real concern starts a batch; the regisseur then adds k - 1 (and later many more)
    participants with addresses they read and raises a concern through each link: none of theirs
    counts, so the real concern is never shown, however many they add."""
    owner, traject, questionnaire = _staff_traject(5)
    real = _link(questionnaire)
    _raise(client, real, "De echte zorg van een medewerker")
    fakes = [_link(questionnaire) for _ in range(4)]
    login(client, owner)
    for n, fake in enumerate(fakes):
        _raise(client, fake, f"Verzonnen zorg {n}")
    assert "De echte zorg" not in _page(client, traject)
    more = [_link(questionnaire) for _ in range(12)]
    for n, fake in enumerate(more):
        _raise(client, fake, f"Nog een verzonnen zorg {n}")
    page = _page(client, traject)
    assert "De echte zorg" not in page and "verzonnen zorg" not in page.lower()
    api = client.get(f"/api/v1/trajects/{traject.id}/concerns")
    assert "De echte zorg" not in api.get_data(as_text=True)


def test_padding_after_a_release_never_shows_the_next_real_concern(client, app):
    """After a legitimate batch is shown, the next batch begins: participants the regisseur adds once
    they see the release do not count toward it, so one real concern plus their k - 1 stays hidden."""
    owner, traject, questionnaire = _staff_traject(5)
    staff = [_link(questionnaire) for _ in range(6)]
    for n, link in enumerate(staff[:5]):
        _raise(client, link, f"Eerste ronde {n}")
    login(client, owner)
    assert all(f"Eerste ronde {n}" in _page(client, traject) for n in range(5))
    fakes = [_link(questionnaire) for _ in range(4)]
    _raise(client, staff[5], "De echte zorg na de eerste ronde")
    for n, fake in enumerate(fakes):
        _raise(client, fake, f"Verzonnen zorg {n}")
    page = _page(client, traject)
    assert "De echte zorg" not in page and "Verzonnen zorg" not in page


def test_legitimate_batches_still_release_with_late_colleagues_inside(client, app):
    """Staff on the list raise the threshold of concerns: the batch is shown, and a concern of a
    colleague added later (legitimately) is shown with the batch it arrived in, never alone."""
    owner, traject, questionnaire = _staff_traject(5)
    staff = [_link(questionnaire) for _ in range(5)]
    _raise(client, staff[0], "Zorg van de eerste")
    late = _link(questionnaire)
    _raise(client, late, "Zorg van een later toegevoegde collega")
    login(client, owner)
    for n, link in enumerate(staff[1:4], start=1):
        _raise(client, link, f"Zorg van collega {n}")
        assert "later toegevoegde" not in _page(client, traject)
    _raise(client, staff[4], "Zorg van collega 4")
    page = _page(client, traject)
    assert "later toegevoegde" in page and "Zorg van de eerste" in page
    assert all(f"Zorg van collega {n}" in page for n in range(1, 5))
    # One person may raise several concerns; a batch is then the threshold of counting concerns.
    for n in range(5):
        _raise(client, staff[n % 2], f"Tweede ronde {n}")
    page = _page(client, traject)
    assert all(f"Tweede ronde {n}" in page for n in range(5))


def test_the_padding_state_links_no_concern_to_anyone(client, app):
    """The rule's state lives on the traject as counters and a participant id (no moment), the traject's
    updated_at does not move, and a concern row holds nothing that tells whether it counted."""
    owner, traject, questionnaire = _staff_traject(5)
    early = _link(questionnaire)
    stamp = db.session.get(Traject, traject.id).updated_at
    _raise(client, early, "Een zorg van iemand op de lijst")
    late = _link(questionnaire)
    _raise(client, late, "Een zorg van een late deelnemer")
    db.session.expire_all()
    row = db.session.get(Traject, traject.id)
    assert row.updated_at == stamp
    assert (row.concerns_counting, row.concerns_released) == (1, 0)
    columns = {c.name for c in Concern.__table__.columns}
    assert columns == {
        "id",
        "traject_id",
        "stakeholder_id",
        "engagement_id",
        "anonymous",
        "domain",
        "text",
        "status",
        "answer",
        "raised_on",
        "arrival",
        "swot_item_id",
        "roadmap_action_id",
    }
