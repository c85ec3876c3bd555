"""Location groups of the ICT-users instrument: released groups like any other, admitted by the release plan.

A *location group* is everyone of one school (or of all schools) who answered one location. It is
a group ``(organisation, role)`` whose organisation part is ``"A@hoofdlocatie"`` (``"@nevenlocatie"``
for all schools together; organisation codes never contain ``@``), so it travels through the
release state like any other group. Its figures are sums over respondents, so the audit of
:func:`analysis.disclosure.plan` works on *fine atoms* ``(organisation, role, batch, location)``
(``location`` ``""`` when not answered) and puts every location group of every release in the row
space: a location minus its school, a school or the total minus its locations, two releases of a
location, a location beside a pool — whatever a bestuurder combines, no union of fewer than ``k``
respondents follows (docs/privacy.md, *Locations*).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

#: A group ``(organisation, role)``; an atom ``(organisation, role, batch[, location])``.
Group = tuple[Any, Any]
Atoms = Mapping[Any, int]
#: ``{measure: atoms}``
ByMeasure = Mapping[str, Atoms]

LOCATION_MARK = "@"
UNKNOWN = ""  # the answer "no location given"


def location_group(organisation: str | None, location: str) -> tuple[str, None]:
    """The group of one location of a school (``organisation`` None: of all schools together).

    >>> location_group("A", "hoofdlocatie"), location_group(None, "nevenlocatie")
    (('A@hoofdlocatie', None), ('@nevenlocatie', None))
    """
    return (f"{organisation or ''}{LOCATION_MARK}{location}", None)


def split(group: Group) -> tuple[str | None, str] | None:
    """``(organisation, location)`` of a location group, None for any other group.

    >>> split(("A@hoofdlocatie", None)), split(("@x", None)), split(("A", None)), split(("+A+B", None))
    (('A', 'hoofdlocatie'), (None, 'x'), None, None)
    """
    org = group[0]
    if not isinstance(org, str) or LOCATION_MARK not in org:
        return None
    scope, _, location = org.partition(LOCATION_MARK)
    return (scope or None, location)


def is_location_group(group: Group) -> bool:
    return split(group) is not None


def covers(group: Group, org: Any, role: Any, location: Any) -> bool | None:
    """Whether a respondent of ``(org, role, location)`` counts in a location group; None when ``group`` is none.

    >>> covers(("A@x", None), "A", "staff", "x"), covers(("@x", None), "B", "pupil", "x"), covers(("A@x", None), "A", "s", "y")
    (True, True, False)
    >>> covers(("A", None), "A", "s", "x") is None
    True
    """
    parts = split(group)
    if parts is None:
        return None
    scope, wanted = parts
    return (scope is None or scope == org) and location == wanted and (group[1] is None or group[1] == role)


def has_location_groups(history: Iterable[tuple[int, Mapping[str, Iterable[Group]]]]) -> bool:
    """Whether any earlier release ``(number, {measure: [groups]})`` showed a location group."""
    return any(is_location_group(g) for _, cells in history for groups in cells.values() for g in groups)


def fine_atoms(
    found: Any, batch_of: Mapping[Any, int], number: int, location_of: Mapping[Any, Any]
) -> dict[str, dict[Any, int]]:
    """``{measure: {(organisation, role, batch, location): size}}`` of one instrument's members.

    ``found`` is an :class:`analysis.disclosure.Members`; ``location_of`` maps a respondent to the
    location answered (missing: :data:`UNKNOWN`); ``batch_of`` as for
    :func:`analysis.disclosure.atoms_of` (unreleased respondents get ``number``).
    """
    if found is None or not len(found):
        return {}
    people = found.people
    keys = [
        (org if isinstance(org, str) else None, role, int(batch_of.get(r, number)), str(location_of.get(r) or UNKNOWN))
        for r, org, role in zip(people["respondent"], people["organisation"], people["role"])
    ]
    # Each (measure, person) pair occurs once (analysis.disclosure.members sees to it).
    tally = Counter(zip(found.measure.tolist(), (keys[p] for p in found.person.tolist())))
    out: dict[str, dict[Any, int]] = {}
    for (m, key), size in tally.items():
        out.setdefault(found.names[m], {})[key] = size
    return out


def coarse(fine: ByMeasure) -> dict[str, dict[Any, int]]:
    """The ordinary atoms ``{measure: {(organisation, role, batch): size}}`` of fine atoms.

    >>> coarse({"c": {("A", "s", 1, "x"): 3, ("A", "s", 1, "y"): 4}})
    {'c': {('A', 's', 1): 7}}
    """
    out: dict[str, dict[Any, int]] = {}
    for measure, atoms in fine.items():
        target = out.setdefault(measure, {})
        for atom, size in atoms.items():
            target[atom[:3]] = target.get(atom[:3], 0) + size
    return out


def counts(atoms: Atoms, groups: Iterable[Group]) -> dict[Group, int]:
    """``{group: n}`` of location groups in one measure's fine atoms (groups holding no one left out).

    >>> counts({("A", "s", 1, "x"): 3, ("B", "s", 2, "x"): 4, ("A", "s", 1, ""): 5}, [("A@x", None), ("@x", None)])
    {('A@x', None): 3, ('@x', None): 7}
    """
    out = {}
    for group in groups:
        n = sum(size for atom, size in atoms.items() if covers(group, atom[0], atom[1], atom[3]))
        if n:
            out[group] = n
    return out


def _per_location(atoms: Atoms, scope: str | None) -> dict[str, int]:
    found: dict[str, int] = {}
    for (org, _role, _batch, location), size in atoms.items():
        if scope is None or org == scope:
            found[location] = found.get(location, 0) + size
    return found


def qualifies(per_location: Mapping[str, int], threshold: int) -> bool:
    """At least two named locations, each and the group without a location (if any) at least ``threshold``.

    >>> qualifies({"x": 5, "y": 5}, 5), qualifies({"x": 5, "y": 5, "": 2}, 5), qualifies({"x": 9}, 5)
    (True, False, False)
    """
    named = {k: n for k, n in per_location.items() if k != UNKNOWN}
    unknown = per_location.get(UNKNOWN, 0)
    return len(named) >= 2 and min(named.values()) >= threshold and (unknown == 0 or unknown >= threshold)


def candidates(fine: ByMeasure, hidden: Iterable[Group], threshold: int) -> list[list[Group]]:
    """Scopes worth proposing: per school whose own group is shown, then all schools together.

    A scope is the list of its location groups; it qualifies (:func:`qualifies`) in every measure
    where it holds anyone, so no location is its scope's figure minus the others by construction.
    The audit in :func:`admit` decides the rest.
    """
    hidden = set(hidden)
    responses = fine.get("responses") or (next(iter(fine.values())) if fine else {})
    schools = sorted({a[0] for a in responses if a[0] is not None})
    out = []
    for scope in [*schools, None]:
        if (scope, None) in hidden:
            continue
        located = _per_location(responses, scope)
        if not all(
            qualifies(per, threshold)
            for atoms in fine.values()
            for per in [_per_location(atoms, scope)]
            if sum(per.values())
        ):
            continue
        out.append([location_group(scope, loc) for loc in sorted(located) if loc != UNKNOWN])
    return out


def admit(
    fine: ByMeasure,
    threshold: int,
    *,
    number: int,
    history: Iterable[tuple[int, Mapping[str, Iterable[Group]]]] = (),
    visible: Mapping[str, Iterable[Group]] | None = None,
    early: Mapping[Group, int] | None = None,
    last_visible: Mapping[str, Mapping[Group, int]] | None = None,
    hidden: Iterable[Group] = (),
) -> list[Group]:
    """The location groups a release may show beside its visible groups and pools (every measure).

    A scope (a school's locations, or all schools' together) is admitted whole, only when in every
    measure where it holds anyone each of its groups passes the threshold, the padding rule (at
    least ``threshold`` responses that cannot be late additions: the group's n minus the scope's
    responses from participants added after the first response), the growth rule against its
    last visible n, and the atom audit over every earlier release and this one (everything
    visible, admitted scopes and this scope in the row space) finds no union below the threshold.
    All schools together are tried only when no school's locations are shown: the pooled figure
    beside a school's would give the other schools' locations. The schools that pass the rules are
    audited together first (one audit per distinct measure, the usual case); when that finds a
    leak, one school at a time, each with the ones admitted before it.

    Parameters
    ----------
    fine : dict
        Fine atoms (:func:`fine_atoms`) per measure.
    visible : dict
        ``{measure: [groups]}`` this release shows (pools included).
    early, last_visible, hidden :
        As for :func:`analysis.disclosure.plan` (``early`` with margins).
    """
    from analysis.disclosure import atom_leaks, figure_rows

    history = list(history)
    last_visible = last_visible or {}
    visible = visible or {}
    everyone = fine.get("responses") or {}
    # Measures with the same atoms give the same audit: each distinct one is checked once.
    distinct: dict[frozenset[tuple[Any, int]], str] = {}
    for measure, atoms in fine.items():
        distinct.setdefault(frozenset(atoms.items()), measure)
    audited = set(distinct.values())

    def rules_pass(scope_groups: list[Group]) -> bool:
        scope = (split(scope_groups[0]) or (None, ""))[0]
        for measure, atoms in fine.items():
            ns = counts(atoms, scope_groups)
            # Responses of participants added after the scope's first response could all sit in one location.
            total = sum(_per_location(everyone or atoms, scope).values())
            late = max(0, total - early.get((scope, None), 0)) if early is not None else 0
            before = last_visible.get(measure, {})
            if any(
                n < threshold or n - late < threshold or (g in before and 0 < abs(n - before[g]) < threshold)
                for g, n in ns.items()
            ):
                return False
        return True

    def audit_passes(groups: list[Group]) -> bool:
        for measure in audited:
            atoms = dict(fine[measure])
            past = [(k, cells.get(measure, ())) for k, cells in history]
            now = list(visible.get(measure, ())) + groups
            if atom_leaks(atoms, figure_rows(atoms, past + [(number, now)]), threshold):
                return False
        return True

    scopes = [groups for groups in candidates(fine, hidden, threshold) if groups and rules_pass(groups)]
    schools = [groups for groups in scopes if (split(groups[0]) or (None, ""))[0] is not None]
    pooled = [groups for groups in scopes if groups not in schools]
    # Usually every qualifying school passes together: one audit. Otherwise one school at a time.
    together = [g for groups in schools for g in groups]
    if schools and audit_passes(together):
        return together
    admitted: list[Group] = []
    for groups in schools:
        if audit_passes(admitted + groups):
            admitted += groups
    if not admitted:  # all schools together only when no school shows its locations
        for groups in pooled:
            if audit_passes(groups):
                admitted += groups
    return admitted
