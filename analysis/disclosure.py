"""Disclosure control: which groups a release may show, and the audit of a series of releases.

Every output of anonymous data (indicators API, dashboard, CSV, XLSX, PDF, SWOT, feasibility) reads
one *release*, and every release has one set of hidden groups per questionnaire, decided here.
A group is ``(organisation, role)`` with None meaning "all". The rules (docs/privacy.md):

- **threshold**: a group with fewer than ``k`` respondents is hidden, in every measure;
- **padding**: a group is shown only when at least ``k`` of its responses come from participants
  who were on the list before the group's first response (``early`` counts); for items without
  groups (anonymous concerns) a batch is shown only when it holds ``k`` items of participants who
  were on the list when the batch began (:func:`padded_batch_step`);
- **growth**: a group's figures may change from one release to the next only when its number of
  respondents changed by at least ``k`` since the last release in which it was visible; a group
  whose n changed by fewer is hidden, and when it was visible in the latest release the new
  release is *held* (not made) unless the questionnaire closed;
- **complementary**: hiding is closed under the partition sums of every measure
  (:func:`analysis.anonymity.hidden_groups`), and one set serves all measures of a questionnaire.

:func:`audit` checks a series of releases the way an attacker would use them: every visible
figure is a sum over a set of respondents; no linear combination of them may isolate one person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any

from analysis._checks import check_threshold
from analysis.anonymity import hidden_groups
from analysis.locations import covers as location_covers
from analysis.rollups import candidates as rollup_candidates
from analysis.rollups import covers, pool_counts

if TYPE_CHECKING:  # numpy loads inside the functions that compute: web workers use the rules (issue 18)
    import numpy as np

Cell = tuple  # (organisation | None, role | None)


def cell_key(cell: Cell) -> str:
    """A group as a JSON-safe key: ``"org|role"`` with empty parts for "all".

    >>> cell_key(("A", None)), cell_key((None, "ict_staff"))
    ('A|', '|ict_staff')
    """
    org, role = cell
    return f"{org or ''}|{role or ''}"


def parse_cell(key: str) -> Cell:
    """The inverse of :func:`cell_key`.

    >>> parse_cell("A|"), parse_cell("|")
    (('A', None), (None, None))
    """
    org, _, role = key.partition("|")
    return (org or None, role or None)


def with_margins(counts: dict) -> dict:
    """Counts per (organisation, role) cell plus every margin: (org, all), (all, role), (all, all).

    >>> sorted(with_margins({("A", "x"): 2, ("B", "x"): 3}).items(), key=str)
    [(('A', 'x'), 2), (('A', None), 2), (('B', 'x'), 3), (('B', None), 3), ((None, 'x'), 5), ((None, None), 5)]
    """
    out: dict = {}
    for (org, role), n in counts.items():
        for cell in {(org, role), (org, None), (None, role), (None, None)}:
            out[cell] = out.get(cell, 0) + int(n)
    return out


@dataclass
class Decision:
    """The outcome of :func:`decide` for one questionnaire."""

    hidden: set = field(default_factory=set)
    #: Groups hidden because their n changed by fewer than k since they were last visible.
    growth: set = field(default_factory=set)
    #: Groups hidden because fewer than k of their responses come from the original list.
    padded: set = field(default_factory=set)
    #: True when a group visible in the latest release changed by fewer than k: no new release.
    hold: bool = False
    #: Pools (:mod:`analysis.rollups`) the release shows beside its groups; never in ``hidden``.
    rollups: list = field(default_factory=list)
    #: Location groups (:mod:`analysis.locations`) the release shows; never in ``hidden``.
    locations: list = field(default_factory=list)
    #: ``{measure: {location group: n}}`` of the shown location groups.
    location_counts: dict = field(default_factory=dict)


def close_hidden(measures: dict, threshold: int, forced=()) -> set:
    """The smallest set containing ``forced`` that is safe in every measure (a fixed point).

    Parameters
    ----------
    measures : dict
        ``{measure: {cell: n}}``; a cell absent from a measure has no figure there.
    threshold : int
    forced : iterable of cells
        Groups that must be hidden whatever their n.

    Examples
    --------
    >>> m1 = {(None, None): 12, ("A", None): 6, ("B", None): 6}
    >>> m2 = {(None, None): 11, ("A", None): 6, ("B", None): 5}
    >>> sorted(close_hidden({"x": m1, "y": m2}, 6))
    [('A', None), ('B', None)]
    """
    threshold = check_threshold(threshold)
    hidden = set(forced)
    while True:
        grown = set(hidden)
        for ns in measures.values():
            grown |= hidden_groups(ns, threshold, forced=[c for c in hidden if c in ns])
        if grown == hidden:
            return hidden
        hidden = grown


def decide(
    measures: dict,
    threshold: int,
    *,
    early: dict | None = None,
    last_visible: dict | None = None,
    visible_before=(),
    closed: bool = False,
) -> Decision:
    """Decide the hidden groups of one questionnaire's next release.

    Parameters
    ----------
    measures : dict
        ``{measure: {cell: n}}`` of the candidate release, margins included.
    threshold : int
        The traject's anonymity threshold ``k``.
    early : dict, optional
        ``{cell: responses from participants listed before the group's first response}``,
        margins included; a cell missing here counts as 0. None skips the padding rule.
    last_visible : dict, optional
        ``{measure: {cell: n}}``: each group's n in the last release in which it was visible.
    visible_before : iterable of cells
        The groups visible in the latest release.
    closed : bool
        The questionnaire has closed: the release is made even if it hides groups shown before.

    Examples
    --------
    Five respondents released, a sixth arrives: the group may not show 6.

    >>> d = decide({"c": {(None, None): 6}}, 5, last_visible={"c": {(None, None): 5}},
    ...            visible_before=[(None, None)])
    >>> d.hold, sorted(d.growth)
    (True, [(None, None)])
    >>> decide({"c": {(None, None): 10}}, 5, last_visible={"c": {(None, None): 5}}).hidden
    set()
    """
    threshold = check_threshold(threshold)
    last_visible = last_visible or {}
    growth = set()
    for measure, ns in measures.items():
        before = last_visible.get(measure, {})
        growth |= {cell for cell, n in ns.items() if cell in before and 0 < abs(n - before[cell]) < threshold}
    padded = set()
    if early is not None:
        cells = {cell for ns in measures.values() for cell in ns}
        padded = {cell for cell in cells if early.get(cell, 0) < threshold}
    hidden = close_hidden(measures, threshold, growth | padded)
    hold = not closed and bool(growth & set(visible_before))
    return Decision(hidden=hidden, growth=growth, padded=padded, hold=hold)


def next_last_visible(last_visible: dict | None, measures: dict, hidden) -> dict:
    """``last_visible`` updated with the groups a release shows.

    >>> next_last_visible({"c": {(None, None): 5}}, {"c": {(None, None): 6, ("A", None): 6}}, {(None, None)})
    {'c': {(None, None): 5, ('A', None): 6}}
    """
    out = {m: dict(ns) for m, ns in (last_visible or {}).items()}
    for measure, ns in measures.items():
        target = out.setdefault(measure, {})
        target.update({cell: int(n) for cell, n in ns.items() if cell not in hidden})
    return out


# -- the audit ----------------------------------------------------------------------------------


def _incidence(rows, columns) -> np.ndarray:
    """The 0/1 matrix of released figures (rows: sets) over ``columns`` (respondents or atoms)."""
    import numpy as np  # numpy loads here, not at import: web workers import the disclosure rules (issue 18)

    column = {c: j for j, c in enumerate(columns)}
    matrix = np.zeros((len(rows), len(columns)))
    for i, row in enumerate(rows):
        matrix[i, [column[c] for c in row]] = 1.0
    return matrix


def _row_space(matrix: np.ndarray) -> np.ndarray:
    """Orthonormal rows spanning the row space of ``matrix`` (from its SVD)."""
    import numpy as np  # numpy loads here, not at import: web workers import the disclosure rules (issue 18)

    _, singular, vt = np.linalg.svd(matrix, full_matrices=False)
    rank = int((singular > 1e-9 * max(1.0, singular[0])).sum())
    return vt[:rank]


def isolated(rows, respondents) -> list:
    """Respondents whose own value follows from a linear combination of the released sums.

    Each row of ``rows`` is the set of respondents a released figure sums over (a mean times its
    n, or a count). Respondent ``i`` is isolated when the unit vector ``e_i`` lies in the row space
    of the respondent-by-figure incidence matrix: its leverage (squared norm of its row in an
    orthonormal basis of that space) is 1.

    >>> isolated([{"a", "b"}, {"a"}], ["a", "b", "c"])
    ['a', 'b']
    >>> isolated([{"a", "b", "c"}, {"a", "b"}, {"b", "c"}], ["a", "b", "c"])
    ['a', 'b', 'c']
    >>> isolated([{"a", "b", "c"}, {"d", "e", "f"}], list("abcdef"))
    []
    """
    respondents = list(respondents)
    rows = [row for row in rows if row]
    if not rows or not respondents:
        return []
    # Leverage: the squared column norms of an orthonormal basis of the row space.
    leverage = (_row_space(_incidence(rows, respondents)) ** 2).sum(axis=0)
    return [r for r, h in zip(respondents, leverage) if h > 1 - 1e-9]


def small_sets(rows, respondents, threshold: int, *, limit: int = 20_000) -> list:
    """Sets of fewer than ``threshold`` respondents whose total follows from the released sums.

    Enumerates every set below the threshold (up to ``limit`` sets; meant for the small trajects
    of the property tests) and checks whether its indicator vector lies in the row space.

    >>> small_sets([{"a", "b", "c"}, {"a", "b"}], list("abc"), 3)
    [('c',), ('a', 'b')]
    """
    import numpy as np  # numpy loads here, not at import: web workers import the disclosure rules (issue 18)

    respondents = list(respondents)
    column = {r: j for j, r in enumerate(respondents)}
    rows = [row for row in rows if row]
    if not rows:
        return []
    matrix = _incidence(rows, respondents)
    rank = np.linalg.matrix_rank(matrix)
    found: list[Any] = []
    checked = 0
    for size in range(1, threshold):
        for subset in combinations(respondents, size):
            checked += 1
            if checked > limit:
                return found
            vector = np.zeros(len(respondents))
            vector[[column[r] for r in subset]] = 1.0
            if np.linalg.matrix_rank(np.vstack([matrix, vector])) == rank:
                found.append(subset)
    return found


def audit(releases, respondents, threshold: int, *, subsets: bool = False) -> dict:
    """Audit all releases of one questionnaire together.

    Parameters
    ----------
    releases : list of dict
        Per release ``{measure: {cell: set of respondents}}`` for the *visible* groups only.
    respondents : iterable
        Everyone who responded.
    threshold : int
    subsets : bool
        Also look for sets of 2 … k−1 respondents (slow; small trajects only).

    Returns
    -------
    dict
        ``{measure: [isolated respondents or sets]}`` for the measures that leak; empty if safe.

    Examples
    --------
    >>> r1 = {"c": {(None, None): {"a", "b", "c", "d", "e"}}}
    >>> r2 = {"c": {(None, None): {"a", "b", "c", "d", "e", "f"}}}
    >>> audit([r1, r2], "abcdef", 5)
    {'c': ['f']}
    """
    respondents = list(respondents)
    measures = sorted({m for release in releases for m in release}, key=str)
    leaks = {}
    for measure in measures:
        rows = [frozenset(s) for release in releases for s in release.get(measure, {}).values()]
        bad = isolated(rows, respondents)
        if subsets and not bad:
            bad = small_sets(rows, respondents, threshold)
        if bad:
            leaks[measure] = bad
    return leaks


# -- the release gate ---------------------------------------------------------------------------
# Respondents who share a finest cell (organisation, role) and the release that first included
# them are interchangeable in every released figure: they form one *atom*. A figure of group G
# in release j sums the atoms of cells inside G with batch <= j. A set of respondents can only be
# isolated as a union of whole atoms, so the audit works on a matrix of a few hundred atoms,
# however many respondents there are.


def _inside(group: Cell, org, role, location=None) -> bool:
    # A location group ("A@x", None) counts the fine atoms of its location (analysis.locations).
    by_location = location_covers(group, org, role, location)
    if by_location is not None:
        return by_location
    return covers(group, org, role)  # a pool ("+A+B", role) counts the cells of its members


def figure_rows(atoms: dict, releases) -> list:
    """The released figures of one measure as sets of atoms.

    Parameters
    ----------
    atoms : dict
        ``{(organisation, role, batch): size}`` of the measure's respondents.
    releases : iterable of (int, iterable of cells)
        Each release's number and the groups it showed for this measure.
    """
    rows = []
    for number, cells in releases:
        for group in cells:
            row = frozenset(a for a in atoms if a[2] <= number and _inside(group, a[0], a[1], *a[3:4]))
            if row:
                rows.append(row)
    return rows


def atom_leaks(atoms: dict, rows, threshold: int, *, max_union: int = 3, limit: int = 5_000) -> list:
    """Unions of atoms holding fewer than ``threshold`` respondents whose total the rows give away.

    Checks each small atom, then unions of up to ``max_union`` small atoms (at most ``limit`` of
    them), by whether the union's indicator vector lies in the row space.

    >>> atoms = {("A", "s", 1): 6, ("A", "l", 1): 1}
    >>> atom_leaks(atoms, [frozenset(atoms), frozenset([("A", "s", 1)])], 5)
    [(('A', 'l', 1),)]
    >>> atom_leaks(atoms, [frozenset(atoms)], 5)
    []
    """
    import numpy as np  # numpy loads here, not at import: web workers import the disclosure rules (issue 18)

    rows = [row for row in rows if row]
    small = [a for a, size in atoms.items() if 0 < size < threshold]
    if not rows or not small:
        return []
    order = sorted(atoms, key=str)
    column = {a: j for j, a in enumerate(order)}
    basis = _row_space(_incidence(rows, order))

    def in_space(vector):
        return float(np.linalg.norm(vector - basis.T @ (basis @ vector))) < 1e-7 * max(1.0, np.linalg.norm(vector))

    leaks: list[Any] = []
    checked = 0
    small = sorted(small, key=str)
    for size in range(1, max_union + 1):
        for union in combinations(small, size):
            if sum(atoms[a] for a in union) >= threshold:
                continue
            checked += 1
            if checked > limit:
                return leaks
            vector = np.zeros(len(order))
            vector[[column[a] for a in union]] = 1.0
            if in_space(vector):
                leaks.append(union)
        if leaks:
            return leaks
    return leaks


def measures_of(atoms_by_measure: dict, pools=()) -> dict:
    """``{measure: {group: n}}`` with margins, from the atoms (all batches together).

    ``pools`` (the roll-ups a release shows) are added to the measures where they hold anyone.
    """
    out = {}
    for measure, atoms in atoms_by_measure.items():
        counts: dict = {}
        for (org, role, _), size in atoms.items():
            counts[(org, role)] = counts.get((org, role), 0) + size
        out[measure] = with_margins(counts)
        out[measure].update({p: n for p, n in pool_counts(atoms, pools).items() if n})
    return out


def plan(
    atoms_by_measure: dict,
    threshold: int,
    *,
    number: int,
    history=(),
    early: dict | None = None,
    last_visible: dict | None = None,
    closed: bool = False,
    rollups: bool = False,
    proposed=None,
    locations: dict | None = None,
) -> Decision:
    """Decide one questionnaire's next release: the rules of :func:`decide`, then the audit.

    Parameters
    ----------
    atoms_by_measure : dict
        ``{measure: {(organisation, role, batch): size}}``; respondents not released before
        carry ``batch = number``.
    threshold : int
    number : int
        The number the new release would get (larger than every earlier one).
    history : sequence of (int, dict)
        Earlier releases as ``(number, {measure: [visible groups]})``, oldest first.
    early, last_visible, closed :
        As for :func:`decide`; the groups visible in the latest release come from ``history``.
    rollups : bool
        Also decide which pools (:mod:`analysis.rollups`) the release shows, in ``rollups``.
    proposed : iterable of groups, optional
        The pools to try instead of :func:`analysis.rollups.candidates` (tests use it to show
        that an unsafe pool is refused).
    locations : dict, optional
        Fine atoms ``{measure: {(organisation, role, batch, location): size}}`` of an instrument
        with location groups (:mod:`analysis.locations`): once an earlier release showed location
        groups every audit runs on them, and a closed questionnaire's release admits location
        groups in ``locations``.

    Returns
    -------
    Decision
        With ``hold`` also set when no extra hiding can make the release pass the audit.

    Examples
    --------
    Release 1 showed organisation A (6 staff and 1 lead) but not its roles; at close one staff
    member more arrives. Showing (A, staff) now would give the lead's answers away.

    >>> atoms = {"c": {("A", "s", 1): 6, ("A", "l", 1): 1, ("A", "s", 2): 1}}
    >>> history = [(1, {"c": [("A", None), (None, None)]})]
    >>> d = plan(atoms, 5, number=2, history=history, closed=True)
    >>> ("A", "s") in d.hidden, d.hold
    (True, False)
    """
    threshold = check_threshold(threshold)
    history = list(history)
    visible_before = set()
    if history:
        visible_before = {cell for cells in history[-1][1].values() for cell in cells}
    measures = measures_of(atoms_by_measure)
    decision = decide(
        measures, threshold, early=early, last_visible=last_visible, visible_before=visible_before, closed=closed
    )
    if decision.hold:
        return decision
    forced = set(decision.hidden)
    audited = _audited_atoms(atoms_by_measure, locations, history)
    for _ in range(64):
        leaking = None
        for measure in atoms_by_measure:
            atoms = audited[measure]
            visible = [c for c in measures[measure] if c not in forced]
            past = [(n, cells.get(measure, ())) for n, cells in history]
            leaks = atom_leaks(atoms, figure_rows(atoms, past + [(number, visible)]), threshold)
            if leaks:
                leaking = (measure, leaks[0], visible)
                break
        if leaking is None:
            decision.hidden = forced
            if rollups:
                decision.rollups = admit_rollups(
                    atoms_by_measure,
                    threshold,
                    number=number,
                    history=history,
                    hidden=forced,
                    early=early,
                    last_visible=last_visible,
                    proposed=proposed,
                    audited=audited,
                )
            if locations is not None and closed:
                _admit_locations(locations, threshold, number, history, measures, decision, early, last_visible)
            return decision
        measure, union, visible = leaking
        # Hide a group of this release that holds the leaking atoms: newly shown groups first,
        # then the smallest (the fewest figures lost).
        candidates = [c for c in visible if any(_inside(c, a[0], a[1]) for a in union)]
        if not candidates:
            break
        choice = min(candidates, key=lambda c: (c in visible_before, measures[measure][c], str(c)))
        forced = close_hidden(measures, threshold, forced | {choice})
    decision.hold = True
    return decision


def admit_rollups(
    atoms_by_measure: dict,
    threshold: int,
    *,
    number: int,
    history=(),
    hidden=(),
    early: dict | None = None,
    last_visible: dict | None = None,
    proposed=None,
    audited: dict | None = None,
) -> list:
    """The pools a release may show beside its visible groups (one pool set for every measure).

    A pool is admitted only when, in every measure where it holds anyone, it and the rest of its
    parent hold at least ``threshold``, at least ``threshold`` of its responses are early (padding),
    its n did not change by fewer than ``threshold`` since it was last visible (growth), and the
    atom audit over every earlier release and this one, pool included, finds no union of atoms
    below the threshold. Pools are tried one by one, each with the ones admitted before it.

    Examples
    --------
    Schools A (2) and B (4) are hidden, C (9) is shown: A and B together are 6, the rest 9.

    >>> atoms = {"c": {("A", "s", 1): 2, ("B", "s", 1): 4, ("C", "s", 1): 9}}
    >>> admit_rollups(atoms, 5, number=1, hidden={("A", None), ("B", None), ("A", "s"), ("B", "s")})
    [('+A+B', None)]

    A pool that holds a shown school gives the others away (pool minus that school):

    >>> admit_rollups(atoms, 5, number=1, hidden={("A", None), ("A", "s")}, proposed=[("+A+C", None)])
    []
    """
    threshold = check_threshold(threshold)
    history = list(history)
    last_visible = last_visible or {}
    measures = measures_of(atoms_by_measure)
    counts = measures.get("responses") or (next(iter(measures.values())) if measures else {})
    pools = list(proposed) if proposed is not None else rollup_candidates(counts, hidden, threshold)
    admitted: list[tuple[Any, Any]] = []
    for pool in pools:
        ok = True
        for measure, atoms in atoms_by_measure.items():
            n = pool_counts(atoms, [pool])[pool]
            if not n:
                continue
            parent = measures[measure].get((None, pool[1]), 0)
            before = last_visible.get(measure, {}).get(pool)
            known = sum((early or {}).get((org, pool[1]), 0) for org in _members(pool)) if early is not None else n
            if (
                n < threshold
                or parent - n < threshold
                or known < threshold
                or (before is not None and 0 < abs(n - before) < threshold)
            ):
                ok = False
                break
            visible = [c for c in measures[measure] if c not in hidden] + [
                p for p in admitted + [pool] if pool_counts(atoms, [p])[p]
            ]
            past = [(k, cells.get(measure, ())) for k, cells in history]
            checked = (audited or {}).get(measure, atoms)  # fine atoms once locations were shown
            if atom_leaks(checked, figure_rows(checked, past + [(number, visible)]), threshold):
                ok = False
                break
        if ok:
            admitted.append(pool)
    return admitted


# -- location groups (analysis.locations): the hooks of plan ----------------------------------------


def _audited_atoms(atoms_by_measure: dict, locations: dict | None, history) -> dict:
    """The atoms the audit runs on: the fine ones (with location) once a release showed a location group."""
    from analysis.locations import has_location_groups

    if locations is None or not has_location_groups(history):
        return dict(atoms_by_measure)
    return {m: locations.get(m, atoms) for m, atoms in atoms_by_measure.items()}


def _admit_locations(locations, threshold, number, history, measures, decision, early, last_visible) -> None:
    from analysis.locations import admit, counts

    visible = {m: [c for c in ns if c not in decision.hidden] + list(decision.rollups) for m, ns in measures.items()}
    decision.locations = admit(
        locations,
        threshold,
        number=number,
        history=history,
        visible=visible,
        early=early,
        last_visible=last_visible,
        hidden=decision.hidden,
    )
    decision.location_counts = {m: counts(atoms, decision.locations) for m, atoms in locations.items()}


def _members(pool) -> list:
    from analysis.rollups import pool_members

    return sorted(pool_members(pool) or ())


# -- items without groups (anonymous concerns) -------------------------------------------------------


def batch_release(count: int, threshold: int) -> int:
    """How many of ``count`` items without groups (oldest first) a page may show: the rules above for one group.

    Anonymous concerns of ICT staff (``app/services/concerns.py``) carry no organisation, role or
    date, so they form a single group ``(all, all)`` and there is nothing to hide complementarily or
    to audit across groups. Of the rules of :func:`decide` two remain, applied to that group and
    its size: the **threshold** (nothing below ``threshold``) and the **growth** rule (what is shown
    changes only by at least ``threshold`` since it was last shown). Since the items are texts, not
    sums, the growth rule cannot *hold* a changed figure; it shows whole batches instead, so the
    shown count steps 0, k, 2k, … and each new batch holds ``threshold`` items. Being a pure
    function of the count it needs no stored release state.

    >>> batch_release(9, 10), batch_release(10, 10), batch_release(27, 10)
    (0, 10, 20)
    >>> d = decide({"c": {(None, None): batch_release(27, 10)}}, 10, last_visible={"c": {(None, None): batch_release(19, 10)}})
    >>> d.hidden, d.growth
    (set(), set())
    """
    threshold = check_threshold(threshold)
    if count < 0:
        raise ValueError("count must be non-negative")
    return (int(count) // threshold) * threshold


def padded_batch_step(pending: int, counts: bool, threshold: int) -> tuple[int, bool]:
    """One new item of a batch release with the padding rule: ``(counting items still pending, release now?)``.

    ``pending`` is how many items of the current, not yet shown batch *count*: they were raised
    through a link of a participant who was on the list before that batch began. Items from
    participants added later (padding: a regisseur adds links whose mail they read and writes
    through them) never count, so a batch is released only once it holds ``threshold`` counting
    items; it is then shown whole, the late ones with it. An attacker who removes their own items
    from a newly shown batch is left with at least ``threshold`` they did not write.

    >>> padded_batch_step(3, True, 5), padded_batch_step(4, False, 5), padded_batch_step(4, True, 5)
    ((4, False), (4, False), (0, True))
    """
    threshold = check_threshold(threshold)
    if pending < 0:
        raise ValueError("pending must be non-negative")
    pending += 1 if counts else 0
    return (0, True) if pending >= threshold else (pending, False)


def padded_batch_release(counting: Sequence[bool], threshold: int) -> int:
    """How many items (oldest first, each marked whether it counts) a page may show under the padding rule.

    The fold of :func:`padded_batch_step`: a batch ends at the item that brings its counting items
    to ``threshold``. With every item counting it is :func:`batch_release`.

    >>> padded_batch_release([True] * 12, 5), padded_batch_release([False] * 4 + [True], 5)
    (10, 0)
    >>> padded_batch_release([True, False, False, True, True, True, True, False], 5)
    7
    """
    pending, shown = 0, 0
    for index, counts in enumerate(counting, start=1):
        pending, release = padded_batch_step(pending, bool(counts), threshold)
        if release:
            shown = index
    return shown


# -- applying a release's hidden groups to result rows --------------------------------------------

_ROW_KEYS = {"questionnaire", "construct", "index", "organisation", "role", "suppressed", "domain", "form", "reason"}


def hide_rows(rows, hidden) -> list:
    """Rows with the figures of hidden groups blanked (``suppressed: True``), keys kept.

    >>> hide_rows([{"construct": "c", "organisation": "A", "role": None, "n": 6, "mean": 3.0}], {("A", None)})
    [{'construct': 'c', 'organisation': 'A', 'role': None, 'n': None, 'mean': None, 'suppressed': True}]
    """
    out = []
    for row in rows:
        row = dict(row)
        if (row.get("organisation"), row.get("role")) in hidden:
            for key in row:
                if key not in _ROW_KEYS:
                    row[key] = None
            row["suppressed"] = True
        else:
            row.setdefault("suppressed", False)
        out.append(row)
    return out


@dataclass
class Members:
    """Who each released figure of one questionnaire sums over, coded with integers.

    ``people`` has one row per response (``respondent``, ``organisation``, ``role``); each pair
    ``(measure[i], person[i])`` says that person ``person[i]`` (a row of ``people``) counts in
    measure ``names[measure[i]]``. Measure 0 is ``responses``: everyone.
    """

    people: Any  # a DataFrame (respondent, organisation, role)
    names: list
    measure: np.ndarray
    person: np.ndarray

    @property
    def respondents(self) -> list:
        return self.people["respondent"].tolist()

    def __len__(self) -> int:
        return len(self.people)


def members(people, prepared=None, *, index_members=None, extra=None) -> Members:
    """The :class:`Members` of one questionnaire.

    Parameters
    ----------
    people : DataFrame
        ``respondent``, ``organisation``, ``role`` of every response of the questionnaire.
    prepared : analysis.coded.Prepared, optional
        The questionnaire's prepared likert answers: one measure ``construct:<name>`` per construct.
    index_members : DataFrame, optional
        ``index``, ``respondent`` (from :func:`analysis.indices.person_indices`): ``index:<name>``.
    extra : DataFrame, optional
        Further ``measure``, ``respondent`` pairs (e.g. the staff side of the gap per domain).
    """
    import numpy as np
    import pandas as pd

    people = people[["respondent", "organisation", "role"]].drop_duplicates("respondent").reset_index(drop=True)
    lookup = pd.Index(people["respondent"])
    names, measures, persons = (
        ["responses"],
        [np.zeros(len(people), dtype=np.int32)],
        [np.arange(len(people), dtype=np.int32)],
    )

    def add(labels, who, label_of=None):
        # With label_of, ``labels`` are integer codes of the labels label_of[code], numbered by
        # first appearance block by block (no hash table or int64 codes as long as the scores);
        # otherwise the labels themselves.
        if label_of is not None:
            order, seen = [], np.zeros(len(label_of), dtype=bool)
            for start in range(0, len(labels), 1 << 16):
                new = pd.unique(labels[start : start + (1 << 16)])
                new = new[~seen[new]]
                seen[new] = True
                order.extend(new.tolist())
            number = np.full(len(label_of), -1, dtype=np.int32)
            number[order] = np.arange(len(names), len(names) + len(order), dtype=np.int32)
            codes, uniques = number[labels], [label_of[u] for u in order]
        else:
            codes, uniques = pd.factorize(np.asarray(labels, dtype=object))
            codes, uniques = (codes + len(names)).astype(np.int32), uniques.tolist()
        found = who >= 0
        everyone = bool(found.all())
        # int32: one entry per person and construct is kept with the release's atoms.
        measures.append(codes if everyone else codes[found])
        persons.append((who if everyone else who[found]).astype(np.int32, copy=False))
        names.extend(uniques)

    if prepared is not None and len(prepared.scores):
        coded_people = lookup.get_indexer(prepared.coded.people["respondent"].to_numpy()).astype(np.int32)
        construct = prepared.scores["construct"].to_numpy()
        labels = ["construct:" + str(c) for c in prepared.coded.constructs["construct"]]
        who = coded_people[prepared.scores["person"].to_numpy()]
        if len(set(labels)) == len(labels):
            add(construct, who, labels)
        else:  # one name for constructs of several questionnaires: one measure, as by the labels
            add(np.asarray(labels, dtype=object)[construct], who)
    if index_members is not None and len(index_members):
        who = lookup.get_indexer(index_members["respondent"].to_numpy())
        index = index_members["index"]
        if isinstance(index.dtype, pd.CategoricalDtype) and index.cat.categories.is_unique:
            add(index.cat.codes.to_numpy(), who, ["index:" + str(c) for c in index.cat.categories])
        else:
            add(("index:" + index.astype(str)).to_numpy(), who)
    if extra is not None and len(extra):
        extra = extra.drop_duplicates(["measure", "respondent"])  # several items per domain: once each
        add(extra["measure"].to_numpy(), lookup.get_indexer(extra["respondent"].to_numpy()))
    return Members(people=people, names=names, measure=np.concatenate(measures), person=np.concatenate(persons))


_PAIRS = 1 << 16  # members counted per step in atoms_of


def atoms_of(found: Members, batch_of, number: int) -> dict:
    """``{measure: {(organisation, role, batch): size}}``; unreleased respondents get ``number``.

    ``batch_of`` maps a respondent to the number of the release that first included it. A person
    counts once per measure.
    """
    import numpy as np
    import pandas as pd

    if not len(found):
        return {}
    people = found.people
    batch = np.array([batch_of.get(r, number) for r in people["respondent"]], dtype=np.int64)
    cells = list(zip(people["organisation"].tolist(), people["role"].tolist()))
    cell_code, cell_values = pd.factorize(pd.Series(cells, dtype=object))
    batches, batch_code = np.unique(batch, return_inverse=True)
    n_cells, n_batches = len(cell_values), len(batches)
    # Each (measure, person) pair occurs once (members() sees to it): count per (measure, cell, batch),
    # _PAIRS at a time (int64 keys only that long; the pairs are as many as the scores).
    place = cell_code.astype(np.int64) * n_batches + batch_code  # per person
    counts = np.zeros(len(found.names) * n_cells * n_batches, dtype=np.int64)
    for start in range(0, len(found.person), _PAIRS):
        key = found.measure[start : start + _PAIRS].astype(np.int64) * (n_cells * n_batches)
        key += place[found.person[start : start + _PAIRS]]
        counted = np.bincount(key)
        counts[: len(counted)] += counted
    keys = np.flatnonzero(counts)
    out: dict = {}
    for k, size in zip(keys.tolist(), counts[keys].tolist()):
        m, rest = divmod(k, n_cells * n_batches)
        c, b = divmod(rest, n_batches)
        org, role = cell_values[c]
        org = None if org is None or (isinstance(org, float) and org != org) else org
        out.setdefault(found.names[m], {})[(org, role, int(batches[b]))] = int(size)
    return out


# -- the responses CSV --------------------------------------------------------------------------


def csv_labels(counts: dict, shown: dict, threshold: int, early: dict | None = None) -> dict:
    """Which labels each (organisation, role) cell's rows may carry in a row-level export.

    Parameters
    ----------
    counts : dict
        ``{(organisation, role): rows}`` for the finest cells.
    shown : dict
        ``{group: n}`` of the groups the release shows (margins included).
    threshold : int
    early : dict, optional
        ``{(organisation, role): rows from participants listed before the group's first
        response}``: a label combination also needs ``threshold`` such rows (padding rule).

    Returns
    -------
    dict
        ``{cell: (show_organisation, show_role)}``. Every combination of labels that rows carry
        holds 0 or at least ``threshold`` rows, and for every shown group its n minus the rows
        labelled as belonging to it is 0 or at least ``threshold``, so neither the CSV alone nor
        the CSV beside the indicators narrows a hidden group down (API.md, *Disclosure*).

    Raises
    ------
    ValueError
        When even unlabelled rows would be fewer than ``threshold`` (nothing can be exported).

    Examples
    --------
    Organisation A has 7 staff and 3 leads; the indicators show A and the roles.

    >>> counts = {("A", "s"): 7, ("A", "l"): 3, ("B", "s"): 6, ("B", "l"): 5}
    >>> shown = {(None, None): 21, ("A", None): 10, ("B", None): 11, (None, "s"): 13, (None, "l"): 8}
    >>> labels = csv_labels(counts, shown, 5)
    >>> [labels[c] for c in [("A", "s"), ("A", "l"), ("B", "s"), ("B", "l")]]
    [(False, True), (False, False), (True, True), (False, False)]

    The 3 leads of A lose both labels and are joined by B's 5 leads (8 rows without labels); A's
    staff lose the organisation, since A's n minus them would be the 3 leads.
    """
    threshold = check_threshold(threshold)
    cells = {c: int(n) for c, n in counts.items() if n}
    if sum(cells.values()) < threshold:
        raise ValueError("fewer responses than the threshold")
    state = {c: [True, True] for c in cells}

    def label(c):
        return (c[0] if state[c][0] else None, c[1] if state[c][1] else None)

    for _ in range(4 * len(cells) + 4):
        changed = False
        classes: dict = {}
        for c in cells:
            classes.setdefault(label(c), []).append(c)
        for key, members_ in classes.items():
            size = sum(cells[c] for c in members_)
            known = sum((early or {}).get(c, 0) for c in members_) if early is not None else size
            if size >= threshold and known >= threshold:
                continue
            changed = True
            if key[0] is not None:
                for c in members_:
                    state[c][0] = False
            elif key[1] is not None:
                for c in members_:
                    state[c][1] = False
            else:  # unlabelled rows too few: merge the smallest labelled class into them
                others = [(sum(cells[c] for c in m), str(k), m) for k, m in classes.items() if k != key]
                if not others:
                    raise ValueError("fewer responses than the threshold")
                for c in min(others)[2]:
                    state[c] = [False, False]
            break
        if changed:
            continue
        for group, n in shown.items():
            if group == (None, None):
                continue
            inside = [c for c in cells if _inside(group, c[0], c[1])]
            labelled = sum(
                cells[c] for c in inside if (group[0] is None or state[c][0]) and (group[1] is None or state[c][1])
            )
            if 0 < n - labelled < threshold:
                for c in inside:
                    if group[0] is not None:
                        state[c][0] = False
                    else:
                        state[c][1] = False
                changed = True
                break
        if not changed:
            return {c: (state[c][0], state[c][1]) for c in cells}
    return {c: (False, False) for c in cells}
