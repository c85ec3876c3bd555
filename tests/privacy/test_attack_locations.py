"""Attacks on the ICT users' figures per location: a location group is a released figure, so a curious
bestuurder subtracts it from the school, the total, the pools and every earlier release. Each attack
must fail: location groups go through the release plan (threshold, padding, growth and the atom audit
over all releases, analysis.locations) like any group, and the checks below are independent of it
(respondent sets and a rank test, analysis.disclosure.audit)."""

from __future__ import annotations

import re
import secrets
from datetime import date

from builders import add_member, gen_traject, gen_user, login
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.disclosure import audit, measures_of, next_last_visible, plan
from analysis.locations import coarse

K = 5
M = "construct:user_network"


def _member(group, org, role, location) -> bool:
    """Written out here, not taken from analysis.locations: who an attacker knows a figure sums over."""
    name, want_role = group
    if want_role is not None and want_role != role:
        return False
    if name is None:
        return True
    if "@" in name:
        scope, loc = name.split("@")
        return (scope == "" or scope == org) and loc == location
    if name.startswith("+"):
        return org in name[1:].split("+")
    return name == org


def _people(fine: dict) -> dict:
    return {atom: [f"{atom[0]}.{atom[1]}.{atom[2]}.{atom[3]}#{i}" for i in range(n)] for atom, n in fine.items()}


def _sets(fine: dict, shown_by_release: list) -> tuple[list, list]:
    """Per release ``{measure: {group: respondents}}`` of what it showed (batch b joins in release b)."""
    people = _people(fine)
    releases = [
        {
            M: {
                g: {
                    p for atom, ps in people.items() if atom[2] <= number and _member(g, *atom[:2], atom[3]) for p in ps
                }
                for g in groups
            }
        }
        for number, groups in shown_by_release
    ]
    return releases, [p for ps in people.values() for p in ps]


def _release(fine_all: dict, number: int, history: list, last_visible: dict, *, closed: bool, early=None, k=K):
    """One release over the atoms of batches up to ``number``; returns (decision, shown groups, last_visible)."""
    fine = {M: {a: n for a, n in fine_all.items() if a[2] <= number}}
    atoms = coarse(fine)
    d = plan(
        atoms,
        k,
        number=number,
        history=history,
        early=early,
        last_visible=last_visible,
        closed=closed,
        rollups=True,
        locations=fine,
    )
    if d.hold:
        return d, None, last_visible
    measures = measures_of(atoms, d.rollups)
    measures[M].update(d.location_counts.get(M, {}))
    shown = [g for g in measures[M] if g not in d.hidden]
    return d, shown, next_last_visible(last_visible, measures, d.hidden)


def _fine(spec: dict, batch: int = 1, role: str = "staff") -> dict:
    return {(org, role, batch, loc): n for (org, loc), n in spec.items() if n}


def test_a_location_beside_its_school_is_refused_when_the_rest_is_small():
    """School A: 6 users at the main location, 1 at the branch. The main location's figure beside A's
    would give the one branch user (A − A@hoofd); no location of A is shown."""
    fine = _fine({("A", "hoofd"): 6, ("A", "neven"): 1, ("B", "hoofd"): 7})
    d, shown, _ = _release(fine, 1, [], {}, closed=True)
    assert not any("@" in str(g[0]) and g[0].startswith("A") for g in shown)
    releases, respondents = _sets(fine, [(1, shown)])
    assert audit(releases, respondents, K, subsets=True) == {}
    # The attack the plan prevents: with A@hoofd shown, A minus it is the single branch user.
    naive, _ = _sets(fine, [(1, shown + [("A@hoofd", None)])])
    assert audit(naive, respondents, K, subsets=True)


def test_users_without_a_location_cannot_be_worked_out_from_the_locations():
    """A: 6 and 6 at two locations, 2 who gave none. A minus both locations would be those two."""
    fine = _fine({("A", "hoofd"): 6, ("A", "neven"): 6, ("A", ""): 2, ("B", "hoofd"): 8})
    d, shown, _ = _release(fine, 1, [], {}, closed=True)
    assert d.locations == [] or all(not g[0].startswith("A@") for g in d.locations)
    releases, respondents = _sets(fine, [(1, shown)])
    assert audit(releases, respondents, K, subsets=True) == {}


def test_the_total_minus_the_locations_of_the_schools_gives_nothing():
    """A's locations (5 and 6) are shown; B's (2 and 4) are not, and neither are all schools' locations
    together: all schools' main location minus A's would be B's two."""
    fine = _fine({("A", "hoofd"): 5, ("A", "neven"): 6, ("B", "hoofd"): 2, ("B", "neven"): 4})
    d, shown, _ = _release(fine, 1, [], {}, closed=True)
    assert sorted(d.locations) == [("A@hoofd", None), ("A@neven", None)]
    assert ("@hoofd", None) not in shown
    releases, respondents = _sets(fine, [(1, shown)])
    assert audit(releases, respondents, K, subsets=True) == {}
    naive, _ = _sets(fine, [(1, shown + [("@hoofd", None)])])
    assert audit(naive, respondents, K, subsets=True)


def test_all_schools_together_per_location_when_no_school_qualifies():
    """A (3 + 4) and B (3 + 3) are too small per location; together 6 and 7 are shown, and with the
    schools' own totals beside them nobody's answer follows."""
    fine = _fine({("A", "hoofd"): 3, ("A", "neven"): 4, ("B", "hoofd"): 3, ("B", "neven"): 3})
    d, shown, _ = _release(fine, 1, [], {}, closed=True)
    assert sorted(d.locations) == [("@hoofd", None), ("@neven", None)]
    releases, respondents = _sets(fine, [(1, shown)])
    assert audit(releases, respondents, K, subsets=True) == {}


def test_an_earlier_school_total_minus_its_locations_at_close_is_refused():
    """Release 1 (open) shows A = 10 (5 + 5). One more user of A answers, at the branch; at close A (11)
    is hidden by the growth rule, but its locations 5 and 6 both pass the threshold. Shown, they
    would add up to A at close, and minus A of release 1 give the newcomer. Only the audit over
    both releases sees it: the locations stay hidden."""
    first = _fine({("A", "hoofd"): 5, ("A", "neven"): 5, ("B", "hoofd"): 9})
    late = _fine({("A", "neven"): 1}, batch=2)
    fine = {**first, **late}
    d1, shown1, lv = _release(fine, 1, [], {}, closed=False)
    assert ("A", None) in shown1 and d1.locations == []  # open: no locations yet
    d2, shown2, _ = _release(fine, 2, [(1, {M: shown1})], lv, closed=True)
    assert ("A", None) in d2.hidden
    assert not any(g[0].startswith("A@") for g in d2.locations)
    releases, respondents = _sets(fine, [(1, shown1), (2, shown2)])
    assert audit(releases, respondents, K, subsets=True) == {}
    naive, _ = _sets(fine, [(1, shown1), (2, shown2 + [("A@hoofd", None), ("A@neven", None)])])
    assert audit(naive, respondents, K, subsets=True)


def test_a_location_growing_by_one_between_releases_is_not_shown_again():
    """Closed release 1 shows A's locations (5 and 6). The questionnaire is reopened, one more user
    answers at the main location and it closes again: A@hoofd may not show 6 (6 − 5 would be the
    newcomer), neither by the growth rule nor by the audit."""
    fine = {**_fine({("A", "hoofd"): 5, ("A", "neven"): 6, ("B", "hoofd"): 9}), **_fine({("A", "hoofd"): 1}, batch=2)}
    d1, shown1, lv = _release(fine, 1, [], {}, closed=True)
    assert ("A@hoofd", None) in shown1
    d2, shown2, _ = _release(fine, 2, [(1, {M: shown1})], lv, closed=True)
    assert ("A@hoofd", None) not in (shown2 or [])
    releases, respondents = _sets(fine, [(1, shown1), (2, shown2 or [])])
    assert audit(releases, respondents, K, subsets=True) == {}
    # The growth rule alone already refuses; without the last visible n the audit still does.
    d3, _, _ = _release(fine, 2, [(1, {M: shown1})], {}, closed=True)
    assert ("A@hoofd", None) not in d3.locations


def test_padding_a_location_with_late_participants_does_not_unlock_it():
    """A regisseur adds participants to school A after its first response and has them answer at the
    branch, where one real user works: A@neven holds 5, but 4 of A's responses are late. Not shown
    until it would hold K without any late response."""
    fine = _fine({("A", "hoofd"): 8, ("A", "neven"): 5, ("B", "hoofd"): 9})
    early = {
        ("A", "staff"): 9,
        ("A", None): 9,
        ("B", "staff"): 9,
        ("B", None): 9,
        (None, "staff"): 18,
        (None, None): 18,
    }
    d, _, _ = _release(fine, 1, [], {}, closed=True, early=early)
    assert not any(g[0].startswith("A@") for g in d.locations)
    everyone = {
        ("A", "staff"): 13,
        ("A", None): 13,
        ("B", "staff"): 9,
        ("B", None): 9,
        (None, "staff"): 22,
        (None, None): 22,
    }
    d, _, _ = _release(fine, 1, [], {}, closed=True, early=everyone)
    assert sorted(d.locations) == [("A@hoofd", None), ("A@neven", None)]


def test_no_locations_while_the_questionnaire_is_open():
    fine = _fine({("A", "hoofd"): 9, ("A", "neven"): 9})
    d, shown, _ = _release(fine, 1, [], {}, closed=False)
    assert d.locations == [] and not any("@" in str(g[0]) for g in shown)


ITEMS = ("devices_own", "devices_rooms", "network_wifi", "network_speed", "apps_login", "apps_work")
ITEMS += ("desk_reach", "desk_solve", "support_fit", "support_help")
KP = 3  # the property test's threshold: small enough that random trajects reach location groups
location_step = st.tuples(
    st.sampled_from(["A", "B"]),
    st.sampled_from(["staff", "pupil"]),
    st.sampled_from(["hoofd", "neven", ""]),
    st.integers(min_value=1, max_value=4),
)


def _series(batches, closes) -> list:
    """Every release of a random series, each audited with all before it; returns the shown groups."""
    fine: dict = {}
    for number, batch in enumerate(batches, start=1):
        for org, role, loc, n in batch:
            key = (org, role, number, loc)
            fine[key] = fine.get(key, 0) + n
    history, last_visible, seen = [], {}, []
    for number in range(1, len(batches) + 1):
        closed = closes[number - 1] or number == len(batches)
        d, shown, last_visible = _release(fine, number, history, last_visible, closed=closed, k=KP)
        if shown is None:
            continue
        history.append((number, {M: shown}))
        seen.append((number, shown))
        current = {a: n for a, n in fine.items() if a[2] <= number}
        releases, respondents = _sets(current, seen)
        assert audit(releases, respondents, KP, subsets=True) == {}
    return [g for _, shown in seen for g in shown]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    batches=st.lists(st.lists(location_step, min_size=1, max_size=5), min_size=1, max_size=3),
    closes=st.lists(st.booleans(), min_size=3, max_size=3),
)
def test_no_series_of_releases_with_locations_exposes_a_set_below_the_threshold(batches, closes):
    """Random submissions per release, random closes (a reopened questionnaire closes again): after every
    release, every set of fewer than the threshold is checked against all figures shown so far."""
    _series(batches, closes)


def test_the_property_test_reaches_location_groups():
    """The series above do show locations: one that shows a school's and later all schools' is audited too."""
    shown = _series(
        [
            [("A", "staff", "hoofd", 3), ("A", "staff", "neven", 4), ("B", "staff", "hoofd", 2)],
            [("A", "staff", "hoofd", 3), ("B", "pupil", "neven", 4)],
        ],
        [True, True, True],
    )
    assert any("@" in str(g[0]) for g in shown)


def test_the_page_shows_only_admitted_locations_and_no_n_of_a_hidden_one(app, client):
    """Through the real service: the recompute decides the location groups, the page reads the release.
    School AA has 6 and 5 users at its two locations, BB 6 and 2: AA's locations are shown on the
    ICT-gebruikers page and on the ICT-foto detail, BB's are not, and nowhere is BB's 2 printed."""
    from respond_builders import gen_participant, gen_questionnaire

    from app.extensions import db
    from app.models import Response
    from app.services import indicators
    from app.services import questionnaires as questionnaire_service
    from app.services.users_locations import location_figures

    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("AA", "BB"), anonymity_threshold=K, comment_threshold=10)
    board = gen_user("bestuurder")
    add_member(traject, board)
    questionnaire = gen_questionnaire(traject, "ict_users")
    spread = {
        ("AA", "hoofdlocatie"): 6,
        ("AA", "nevenlocatie"): 5,
        ("BB", "hoofdlocatie"): 6,
        ("BB", "nevenlocatie"): 2,
    }
    value = {"hoofdlocatie": 4, "nevenlocatie": 2}
    # Stored directly, as after a quiet period: no release before the close (the intermediate
    # releases and their growth rule are the unit tests' subject above).
    for (org, loc), n in spread.items():
        for _ in range(n):
            participant, _token = gen_participant(questionnaire, organisation=org, role="staff")
            participant.completed, participant.early = True, True
            answers = {"location": loc} | {key: value[loc] for key in ITEMS}
            db.session.add(
                Response(
                    id=secrets.token_hex(16),
                    questionnaire_id=questionnaire.id,
                    organisation_code=org,
                    role="staff",
                    submitted_on=date.today(),
                    answers=answers,
                )
            )
    db.session.commit()
    assert db.session.query(Response).count() == 19
    questionnaire_service.close(questionnaire)
    db.session.commit()
    snapshot = indicators.compute_snapshot(traject).snapshot
    rows = location_figures(traject, snapshot)
    assert {(r["organisation"], r["location"]) for r in rows} == {("AA", "hoofdlocatie"), ("AA", "nevenlocatie")}
    network = {r["location"]: r for r in rows if r["aspect"] == "user_network"}
    assert network["hoofdlocatie"]["n"] == 6 and network["hoofdlocatie"]["score"] == 75.0  # (4 − 1) / 4
    assert network["nevenlocatie"]["n"] == 5 and network["nevenlocatie"]["score"] == 25.0
    login(client, board)
    for path in (f"/trajecten/{traject.id}/ict-gebruikers", f"/trajecten/{traject.id}/resultaten/ict-foto"):
        html = client.get(path).get_data(as_text=True)
        table = html[html.index('id="tabel-ict-gebruikers-locaties"') :]
        table = table[: table.index("</table>")]
        assert "Hoofdlocatie" in table and "Andere locatie" in table
        bb = traject.organisation_by_code("BB").name
        assert traject.organisation_by_code("AA").name in table and bb not in table
        assert not re.search(r">\s*2\s*<", table)  # BB's branch: no n anywhere in the table
