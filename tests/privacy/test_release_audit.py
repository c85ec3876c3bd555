"""The release rules against the attacker's algebra: random trajects, random submissions, releases
and closes; after every release, all releases together are audited (analysis.disclosure.audit).

The audit is an independent rank test: every visible figure of every release is a sum over a set
of respondents; a respondent is exposed when the unit vector lies in the row space of that
respondent-by-figure incidence matrix (and, for small trajects, any set of fewer than k).
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.disclosure import _inside, audit, measures_of, next_last_visible, plan, with_margins

ORGS = ["A", "B", "C"]
ROLES = ["ict_staff", "ict_lead"]

respondent = st.tuples(
    st.sampled_from(ORGS),
    st.sampled_from(ROLES),
    st.booleans(),  # on the list before the group's first response
    st.booleans(),
)  # answered construct "c"
steps = st.lists(st.one_of(st.just("release"), respondent), min_size=1, max_size=45)


def simulate(threshold, sequence, close=True, rollups=False, shown_pools=None):
    """Run the release plan (analysis.disclosure.plan) over submissions and release attempts.

    With ``rollups`` the plan also admits pools ("kleinere scholen samen"); they are released
    figures like any other, so the attacker holds their respondent sets too (``shown_pools``
    collects the pools shown, to check the tests reach them)."""
    submitted = []  # [id, cell, early, answered_c, batch or None]
    releases, history, last_visible = [], [], {}

    def attempt(closed):
        nonlocal last_visible
        number = len(history) + 1
        atoms = {"responses": {}, "c": {}}
        for rid, (org, role), _, answered, batch in submitted:
            atom = (org, role, batch or number)
            atoms["responses"][atom] = atoms["responses"].get(atom, 0) + 1
            if answered:
                atoms["c"][atom] = atoms["c"].get(atom, 0) + 1
        early = with_margins({})
        for _, cell, was_early, _, _ in submitted:
            if was_early:
                for margin in with_margins({cell: 1}):
                    early[margin] = early.get(margin, 0) + 1
        decision = plan(
            atoms,
            threshold,
            number=number,
            history=history,
            early=early,
            last_visible=last_visible,
            closed=closed,
            rollups=rollups,
        )
        if decision.hold:
            return None
        assert not set(decision.rollups) & decision.hidden
        if shown_pools is not None:
            shown_pools.extend(decision.rollups)
        measures = measures_of(atoms, decision.rollups)
        visible = {m: [c for c in ns if c not in decision.hidden] for m, ns in measures.items()}
        for person in submitted:
            person[4] = person[4] or number
        # What the attacker holds: per visible figure, the set of respondents it sums over.
        release = {
            m: {
                cell: {p[0] for p in submitted if _inside(cell, *p[1]) and (m == "responses" or p[3])} for cell in cells
            }
            for m, cells in visible.items()
        }
        for m, cells in release.items():
            for cell, members in cells.items():
                assert len(members) >= threshold, (m, cell)
                if cell in decision.rollups:  # a pool: its complement in the parent too
                    parent = {p[0] for p in submitted if _inside((None, cell[1]), *p[1]) and (m == "responses" or p[3])}
                    assert len(parent - members) >= threshold, ("complement", m, cell)
                    assert sum(early.get((o, cell[1]), 0) for o in cell[0][1:].split("+")) >= threshold
                else:
                    assert early.get(cell, 0) >= threshold, ("padding", cell)
        releases.append(release)
        history.append((number, visible))
        last_visible = next_last_visible(last_visible, measures, decision.hidden)
        return release

    for step in sequence:
        if step != "release":
            org, role, was_early, answered = step
            submitted.append([f"r{len(submitted)}", (org, role), was_early, answered, None])
        attempt(False)  # the worst case: a recompute after every single step
        leaks = audit(releases, [p[0] for p in submitted], threshold)
        assert leaks == {}, leaks
    if close:
        attempt(True)
    return releases, [p[0] for p in submitted]


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(threshold=st.integers(min_value=3, max_value=6), sequence=steps)
def test_no_release_sequence_isolates_a_respondent(threshold, sequence):
    releases, respondents = simulate(threshold, sequence)
    assert audit(releases, respondents, threshold) == {}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sequence=st.lists(st.one_of(st.just("release"), respondent), min_size=1, max_size=14))
def test_small_trajects_expose_no_set_below_the_threshold(sequence):
    releases, respondents = simulate(3, sequence)
    assert audit(releases, respondents, 3, subsets=True) == {}


# Roll-ups: four schools, two of them small, so that "kleinere scholen samen" comes up often.
POOL_ORGS = ["A", "B", "C", "D"]
pool_respondent = st.tuples(st.sampled_from(POOL_ORGS), st.sampled_from(ROLES), st.booleans(), st.booleans())
pool_steps = st.lists(st.one_of(st.just("release"), pool_respondent), min_size=1, max_size=45)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(threshold=st.integers(min_value=3, max_value=6), sequence=pool_steps)
def test_roll_ups_are_in_the_audited_row_space(threshold, sequence):
    """The pools a release shows are sums over respondents like any figure: with them in the
    attacker's rows, no release sequence isolates a respondent."""
    pools = []
    releases, respondents = simulate(threshold, sequence, rollups=True, shown_pools=pools)
    assert audit(releases, respondents, threshold) == {}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sequence=st.lists(st.one_of(st.just("release"), pool_respondent), min_size=1, max_size=14))
def test_roll_ups_in_small_trajects_expose_no_set_below_the_threshold(sequence):
    releases, respondents = simulate(3, sequence, rollups=True)
    assert audit(releases, respondents, 3, subsets=True) == {}


def test_the_roll_up_property_tests_reach_pools():
    """The strategies above do produce released pools (else the property tests would prove nothing)."""
    sequence = (
        [("A", "ict_staff", True, True)] * 2
        + [("B", "ict_staff", True, True)] * 3
        + [("C", "ict_staff", True, True)] * 6
        + [("D", "ict_staff", True, True)] * 6
    )
    pools = []
    releases, respondents = simulate(5, sequence, rollups=True, shown_pools=pools)
    assert ("+A+B", None) in pools
    shown = [r for r in releases if ("+A+B", None) in r.get("responses", {})]
    assert shown and shown[-1]["responses"][("+A+B", None)] == {f"r{i}" for i in range(5)}
    assert audit(releases, respondents, 5) == {}


def test_the_sixth_response_is_not_released_alone():
    """Attack 1: read at n = 5, read again at n = 6, subtract."""
    everyone = [("A", "ict_staff", True, True)] * 6
    releases, _ = simulate(5, everyone, close=False)
    shown = [r for r in releases if any(r.values())]
    assert len(shown) == 1  # released at 5; the 6th waits
    assert shown[0]["responses"][(None, None)] == {f"r{i}" for i in range(5)}
    assert [r for r in releases if any(r.values())] == shown


def test_padding_does_not_unlock_a_group():
    """Attack 3: one real respondent, four padded participants answering known values."""
    real = [("A", "ict_staff", True, True)]
    padded = [("A", "ict_staff", False, True)] * 4
    other = [("B", "ict_staff", True, True)] * 5
    releases, _ = simulate(5, other + real + padded)
    assert releases, "B alone can be released"
    for release in releases:
        assert ("A", "ict_staff") not in release["responses"]
        assert ("A", None) not in release["responses"]


cells = st.dictionaries(
    st.tuples(st.sampled_from(ORGS), st.sampled_from(ROLES)),
    st.integers(min_value=1, max_value=12),
    min_size=1,
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(counts=cells, threshold=st.integers(min_value=3, max_value=6), data=st.data())
def test_csv_labels_never_narrow_a_group_down(counts, threshold, data):
    """API.md: no label combination of fewer than k rows; for every shown group its n minus the rows
    labelled with it is 0 or at least k; with early counts, every combination holds k early rows."""
    from analysis.anonymity import hidden_groups
    from analysis.disclosure import csv_labels

    margins = with_margins(counts)
    hidden = hidden_groups(margins, threshold)
    shown = {c: n for c, n in margins.items() if c not in hidden}
    early = {c: data.draw(st.integers(min_value=0, max_value=n)) for c, n in counts.items()}
    if sum(counts.values()) < threshold or sum(early.values()) < threshold:
        return
    labels = csv_labels(counts, shown, threshold, early=early)
    combos, known = {}, {}
    for cell, n in counts.items():
        key = (cell[0] if labels[cell][0] else None, cell[1] if labels[cell][1] else None)
        combos[key] = combos.get(key, 0) + n
        known[key] = known.get(key, 0) + early[cell]
    assert all(n >= threshold for n in combos.values()), combos
    assert all(n >= threshold for n in known.values()), known
    for group, n in shown.items():
        labelled = sum(
            m
            for cell, m in counts.items()
            if _inside(group, *cell) and (group[0] is None or labels[cell][0]) and (group[1] is None or labels[cell][1])
        )
        assert n - labelled == 0 or n - labelled >= threshold, (group, n, labelled)
