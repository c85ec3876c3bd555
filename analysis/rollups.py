"""Roll-ups: where per-school groups are hidden, the larger groups that are shown instead, and why.

Three roll-ups (docs/statistics.md, *Roll-ups*):

- **all together** — the (all, all) group: every respondent of the questionnaire;
- **per role across schools** — the (all, role) groups;
- **kleinere scholen samen** — a *pool*: the schools whose own group is hidden, together, when
  the pool and its complement (everyone else in the same parent) both hold at least ``k``
  respondents. A pool is a new released figure, so :func:`analysis.disclosure.plan` admits it
  only after the padding and growth rules and the atom audit over all releases with the pool in
  the row space; a pool that would let anyone subtract a hidden school is not shown.

A pool is a group ``(organisation, role)`` whose organisation part is ``"+A+B"`` (the member
codes, sorted; organisation codes never contain ``+``), so it travels through the release
state like any other group.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analysis.coded import Prepared

#: A group ``(organisation, role)``; None means "all", and a pool's organisation is ``"+A+B"``.
Group = tuple[str | None, str | None]

POOL_MARK = "+"
SMALLER_SCHOOLS = "kleinere_scholen"
ALL_TOGETHER = "alle_samen"
PER_ROLE = "per_rol"


def pool_cell(organisations: Iterable[str], role: str | None = None) -> Group:
    """The group of several organisations together.

    >>> pool_cell(["B", "A"]), pool_cell(["A", "C"], "ict_staff")
    (('+A+B', None), ('+A+C', 'ict_staff'))
    """
    return (POOL_MARK + POOL_MARK.join(sorted(organisations)), role)


def pool_members(cell: Group) -> frozenset[str] | None:
    """The organisations of a pool, or None when ``cell`` is no pool.

    >>> sorted(pool_members(("+A+B", None))), pool_members(("A", None))
    (['A', 'B'], None)
    """
    org = cell[0]
    if isinstance(org, str) and org.startswith(POOL_MARK):
        return frozenset(org[1:].split(POOL_MARK))
    return None


def is_pool(cell: Group) -> bool:
    return pool_members(cell) is not None


def pool_organisations(pool: Group) -> frozenset[str]:
    """The organisations of a pool; a ValueError when ``pool`` is no pool.

    >>> sorted(pool_organisations(("+A+B", "ict_staff")))
    ['A', 'B']
    """
    members = pool_members(pool)
    if members is None:
        raise ValueError(f"{pool!r} is no pool")
    return members


def covers(group: Group, org: str | None, role: str | None) -> bool:
    """Whether respondents of cell ``(org, role)`` count in ``group`` (a pool counts its members).

    >>> covers(("+A+B", None), "B", "x"), covers(("+A+B", "y"), "B", "x"), covers((None, "x"), "C", "x")
    (True, False, True)
    """
    members = pool_members(group)
    if members is not None:
        in_org = org in members
    else:
        in_org = group[0] is None or group[0] == org
    return in_org and (group[1] is None or group[1] == role)


def candidates(counts: Mapping[Group, int], hidden: Iterable[Group], threshold: int) -> list[Group]:
    """The pools worth proposing for one release.

    Parameters
    ----------
    counts : dict
        ``{group: n}`` of the questionnaire's respondents, margins included.
    hidden : iterable of groups
        The groups the release hides (pools ignored).
    threshold : int

    Returns
    -------
    list of groups
        Per level — all roles, then each role — the pool of the organisations whose group at that
        level is hidden, when there are at least two of them, the pool holds at least
        ``threshold`` and so does the rest of its parent. When the hidden organisations together
        leave fewer than ``threshold`` outside (every school small), the pool is the fewest
        smallest of them that reach ``threshold``, so the rest is the larger schools together.

    Examples
    --------
    >>> counts = {(None, None): 20, ("A", None): 3, ("B", None): 4, ("C", None): 13}
    >>> candidates(counts, {("A", None), ("B", None)}, 5)
    [('+A+B', None)]
    >>> candidates(counts, {("A", None), ("B", None)}, 8)
    []

    Five small schools, all hidden: the two smallest together (7), the other three the rest (12).

    >>> small = {(None, None): 19, ("A", None): 3, ("B", None): 4, ("C", None): 4, ("D", None): 4, ("E", None): 4}
    >>> candidates(small, {c for c in small if c[0]}, 5)
    [('+A+B', None)]
    """
    hidden = {c for c in hidden if not is_pool(c)}
    roles = sorted({r for (_, r) in counts if r is not None})
    out = []
    for role in [None] + roles:
        parent = counts.get((None, role), 0)
        orgs = sorted(
            o
            for (o, r) in counts
            if o is not None and not is_pool((o, r)) and r == role and (o, r) in hidden and counts[(o, r)] > 0
        )
        if len(orgs) < 2:
            continue
        n = sum(counts[(o, role)] for o in orgs)
        if parent - n < threshold:
            # Every school (nearly) hidden: the smallest schools together, against the larger rest.
            orgs = sorted(orgs, key=lambda o: (counts[(o, role)], o))
            size = next((i for i in range(2, len(orgs)) if sum(counts[(o, role)] for o in orgs[:i]) >= threshold), None)
            orgs = sorted(orgs[:size]) if size is not None else orgs
            n = sum(counts[(o, role)] for o in orgs)
        same = role is not None and pool_cell(orgs) in out and n == sum(counts.get((o, None), 0) for o in orgs)
        if n >= threshold and parent - n >= threshold and not same:  # not the same people twice
            out.append(pool_cell(orgs, role))
    return out


def pool_counts(atoms: Mapping[tuple[Any, Any, Any], int], pools: Iterable[Group]) -> dict[Group, int]:
    """``{pool: n}`` of one measure from its atoms ``{(organisation, role, batch): size}``.

    >>> pool_counts({("A", "s", 1): 3, ("B", "s", 1): 4, ("C", "s", 1): 9}, [("+A+B", None)])
    {('+A+B', None): 7}
    """
    return {pool: sum(size for (org, role, _), size in atoms.items() if covers(pool, org, role)) for pool in pools}


def explain(
    counts: Mapping[Group, int],
    hidden: Iterable[Group],
    pools: Iterable[Group],
    threshold: int,
    *,
    reasons: bool = False,
) -> list[dict[str, Any]]:
    """For every hidden per-school group: where its respondents are shown instead, and why.

    Parameters
    ----------
    counts : dict
        ``{group: n}`` with margins (hidden groups' n are used only to decide, never returned).
    hidden : iterable of groups
    pools : iterable of groups
        The pools the release shows.
    reasons : bool
        Add ``reason``: ``"below_threshold"`` (fewer than ``threshold``) or ``"complementary"``
        (hidden so that a small group cannot be subtracted). Only for previews from a
        participant list: on released figures it would tell which hidden groups hold at least
        ``threshold`` respondents, a bound the audit does not cover.

    Returns
    -------
    list of dict
        ``{"organisation", "role", "shown_in": [{"kind", "organisations", "role"}]}`` (and
        ``reason``). No n of a hidden group is given.

    Examples
    --------
    >>> counts = {(None, None): 20, ("A", None): 3, ("B", None): 6, ("C", None): 11}
    >>> rows = explain(counts, {("A", None), ("B", None)}, [("+A+B", None)], 5, reasons=True)
    >>> [(r["organisation"], r["reason"], [s["kind"] for s in r["shown_in"]]) for r in rows]
    [('A', 'below_threshold', ['kleinere_scholen', 'alle_samen']), ('B', 'complementary', ['kleinere_scholen', 'alle_samen'])]
    """
    hidden = {c for c in hidden if not is_pool(c)}
    pools = list(pools)
    out = []
    for org, role in sorted((c for c in hidden if c[0] is not None), key=lambda c: (str(c[1]), str(c[0]))):
        shown_in = [
            {"kind": SMALLER_SCHOOLS, "organisations": sorted(pool_organisations(p)), "role": p[1]}
            for p in pools
            if org in pool_organisations(p) and p[1] == role
        ]
        if role is not None and (None, role) in counts and (None, role) not in hidden:
            shown_in.append({"kind": PER_ROLE, "organisations": None, "role": role})
        if (None, None) in counts and (None, None) not in hidden:
            shown_in.append({"kind": ALL_TOGETHER, "organisations": None, "role": None})
        row: dict[str, Any] = {"organisation": org, "role": role, "shown_in": shown_in}
        if reasons:
            row["reason"] = "below_threshold" if counts.get((org, role), 0) < threshold else "complementary"
        out.append(row)
    return out


def preview(listed: Mapping[tuple[str, str], int], threshold: int, response_rate: float = 1.0) -> dict[str, Any]:
    """Which groups a questionnaire's results would show, from its participant list.

    Parameters
    ----------
    listed : dict
        ``{(organisation, role): participants}`` for the finest cells.
    threshold : int
    response_rate : float
        The share of each group assumed to respond (rounded down): 1.0 is the best case.

    Returns
    -------
    dict
        ``groups`` (``[{"organisation", "role", "n", "shown", "reason"}]`` per group with
        margins), ``pools`` (the kleinere-scholen groups that could be shown) and ``explain``
        (:func:`explain`). The release rules and the audit decide in the end; this is the best
        case for that response.

    Examples
    --------
    >>> p = preview({("A", "s"): 2, ("B", "s"): 4, ("C", "s"): 12, ("D", "s"): 9}, 5)
    >>> [(g["organisation"], g["shown"]) for g in p["groups"] if g["role"] is None]
    [(None, True), ('A', False), ('B', False), ('C', True), ('D', True)]
    >>> p["pools"]
    [{'organisations': ['A', 'B'], 'role': None, 'n': 6}]
    """
    # analysis._checks, not analysis._frames: the statistics page's preview needs no pandas.
    import numpy as np  # numpy loads here, not at import: web workers import the disclosure rules (issue 18)

    from analysis._checks import check_threshold
    from analysis.anonymity import hidden_groups as untyped_hidden_groups
    from analysis.disclosure import with_margins

    # analysis.anonymity is still in the strict backlog (pyproject.toml): its signature as used here.
    hidden_groups: Callable[[Mapping[Group, int], int], set[Group]] = untyped_hidden_groups

    threshold = check_threshold(threshold)
    if not 0 < response_rate <= 1:
        raise ValueError("response_rate must lie in (0, 1]")
    expected = {cell: int(np.floor(n * response_rate + 1e-9)) for cell, n in listed.items() if n}
    counts = with_margins(expected)
    hidden = hidden_groups(counts, threshold) if counts else set()
    pools = candidates(counts, hidden, threshold)
    groups = []
    for cell in sorted(counts, key=lambda c: (c[1] is not None, c[0] is not None, str(c[1]), str(c[0]))):
        reason: str | None = None
        if cell in hidden:
            reason = "below_threshold" if counts[cell] < threshold else "complementary"
        groups.append(
            {"organisation": cell[0], "role": cell[1], "n": counts[cell], "shown": cell not in hidden, "reason": reason}
        )
    return {
        "groups": groups,
        "pools": [
            {
                "organisations": sorted(pool_organisations(p)),
                "role": p[1],
                "n": sum(counts.get((o, p[1]), 0) for o in pool_organisations(p)),
            }
            for p in pools
        ],
        "explain": explain(counts, hidden, pools, threshold, reasons=True),
    }


# -- figures of a pool ---------------------------------------------------------------------------


def restrict(prepared: Prepared, organisations: Iterable[str], role: str | None = None) -> Prepared:
    """Prepared answers restricted to the respondents of some organisations (and a role).

    Codes are kept, so every analysis of the result treats the kept respondents exactly as on
    answers prepared from them alone; its (all, all) group is the pool.
    """
    import numpy as np  # numpy loads here, not at import: web workers import the disclosure rules (issue 18)

    from analysis.coded import Block, Coded, Prepared

    people = prepared.coded.people
    keep_person = people["organisation"].isin(list(organisations)).to_numpy()
    if role is not None:
        keep_person &= (people["role"] == role).to_numpy()
    scores = keep_person[prepared.scores["person"].to_numpy()]
    blocks = []
    for block in prepared.coded.blocks:
        rows = np.flatnonzero(keep_person[block.persons])
        blocks.append(Block(block.persons[rows], block.items, block.constructs, block.values[rows]))
    coded = Coded(
        blocks=blocks,
        people=people,
        constructs=prepared.coded.constructs,
        items=prepared.coded.items,
    )
    return Prepared(coded=coded, scores=prepared.scores.loc[scores], min_share=prepared.min_share)


def pool_figures(
    pool: Group, prepared: Prepared | None = None, *, weights: Mapping[str, float] | None = None, indices: bool = False
) -> dict[str, list[dict[str, Any]]]:
    """Construct (and index) rows of one pool: the rows of its (all, all) group, relabelled.

    Returns ``{"constructs": rows, "indices": rows}`` with ``organisation`` set to the pool's
    key and ``role`` to its role; unsuppressed (the release decided the pool may be shown).
    """
    from analysis.indicators import indicator_table as untyped_indicator_table
    from analysis.indices import index_table as untyped_index_table

    # analysis.indicators and analysis.indices are still in the strict backlog (pyproject.toml).
    indicator_table: Callable[..., list[dict[str, Any]]] = untyped_indicator_table
    index_table: Callable[..., list[dict[str, Any]]] = untyped_index_table

    out: dict[str, list[dict[str, Any]]] = {"constructs": [], "indices": []}
    members = pool_members(pool)
    if prepared is None or members is None:
        return out
    part = restrict(prepared, members, pool[1])
    if part.scores.empty:
        return out

    def relabel(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            dict(r, organisation=pool[0], role=pool[1]) for r in rows if r["organisation"] is None and r["role"] is None
        ]

    out["constructs"] = relabel(indicator_table(part))
    if indices:
        out["indices"] = relabel(index_table(part, weights=weights))
    return out
