"""Small-group suppression, complementary suppression and the comment threshold."""

from analysis._checks import check_threshold

#: Keys that name what a row measures; rows that share them form one table of groups.
MEASURE_KEYS = ("questionnaire", "construct", "index")
#: Keys that name the group: an organisation code and a role, None meaning "all".
GROUP_KEYS = ("organisation", "role")
_KEEP = set(MEASURE_KEYS) | set(GROUP_KEYS) | {"suppressed"}
# Tolerance of the null-space test in the linear audit (the equations have entries 0 and ±1).
_TOL = 1e-9


def partitions(cells):
    """The parent-children partitions among the groups of one measure.

    Parameters
    ----------
    cells : iterable of tuple
        Group keys ``(organisation, role)``, None meaning "all".

    Returns
    -------
    list of tuple
        ``(parent, [children])``: the organisations and the roles under (all, all); the roles
        within each organisation; the organisations within each role. Only groups present in
        ``cells`` are listed; a partition without children is left out.

    Examples
    --------
    >>> cells = [(None, None), ("A", None), ("B", None), (None, "board"), ("A", "board")]
    >>> for parent, children in partitions(cells):
    ...     print(parent, children)
    (None, None) [('A', None), ('B', None)]
    (None, None) [(None, 'board')]
    ('A', None) [('A', 'board')]
    (None, 'board') [('A', 'board')]
    """
    cells = set(cells)
    organisations = sorted({o for o, r in cells if o is not None})
    roles = sorted({r for o, r in cells if r is not None})
    result = [
        ((None, None), [(o, None) for o in organisations if (o, None) in cells]),
        ((None, None), [(None, r) for r in roles if (None, r) in cells]),
    ]
    result += [((o, None), [(o, r) for r in roles if (o, r) in cells]) for o in organisations]
    result += [((None, r), [(o, r) for o in organisations if (o, r) in cells]) for r in roles]
    return [(parent, children) for parent, children in result if children and parent in cells]


def _smallest(candidates, ns):
    return min(candidates, key=lambda cell: (ns[cell], str(cell[0]), str(cell[1])))


def _partition_pass(ns, hidden, parts, threshold):
    """Hide one more group for the first partition that gives a hidden group away, if any."""
    for parent, children in parts:
        visible = [c for c in children if c not in hidden]
        n_hidden = len(children) - len(visible)
        if parent in hidden:
            if n_hidden == 0:
                # The parent would be the sum of its children.
                return _smallest(visible, ns)
            continue
        residual = ns[parent] - sum(ns[c] for c in visible)
        if n_hidden == 1 or 0 < residual < threshold:
            return _smallest(visible, ns) if visible else parent
    return None


def _determined(cells, hidden, parts):
    """Hidden groups whose n follows from the visible ones through the partition sums."""
    import numpy as np  # numpy loads here, not at import: web workers import the disclosure rules (issue 18)

    unknown = sorted(hidden, key=lambda c: (str(c[0]), str(c[1])))
    if not unknown:
        return []
    column = {cell: j for j, cell in enumerate(unknown)}
    equations = []
    for parent, children in parts:
        row = np.zeros(len(unknown))
        for cell, sign in [(parent, 1.0)] + [(c, -1.0) for c in children]:
            if cell in column:
                row[column[cell]] += sign
        if row.any():
            equations.append(row)
    if not equations:
        return []
    matrix = np.vstack(equations)
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > _TOL).sum())
    null_space = vt[rank:]
    if null_space.shape[0] == 0:
        return list(unknown)
    return [cell for cell in unknown if np.all(np.abs(null_space[:, column[cell]]) < _TOL)]


def _breaker(cell, ns, hidden, parts):
    """A visible group to hide so that ``cell`` can no longer be worked out."""
    siblings = [c for parent, children in parts if cell in children for c in children if c not in hidden]
    if siblings:
        return _smallest(siblings, ns)
    children = [c for parent, kids in parts if parent == cell for c in kids if c not in hidden]
    if children:
        return _smallest(children, ns)
    parents = [parent for parent, kids in parts if cell in kids and parent not in hidden]
    if parents:
        return _smallest(parents, ns)
    # The cell follows through a chain of sums: hide the visible group that frees most cells.
    candidates = [c for c in ns if c not in hidden and c != (None, None)] or [c for c in ns if c not in hidden]
    if not candidates:
        return None
    return min(candidates, key=lambda c: (len(_determined(ns, hidden | {c}, parts)), ns[c], str(c[0]), str(c[1])))


def hidden_groups(ns, threshold, forced=()):
    """Decide which groups of one measure to suppress.

    Primary suppression hides every group with ``n < threshold`` (and so everything under a
    parent below the threshold). Complementary suppression then repeats until nothing changes:
    in a partition with a visible parent, exactly one hidden child, or hidden children that
    together hold fewer than ``threshold`` respondents, hides the smallest visible sibling; a
    hidden parent whose children are all visible hides its smallest child. Last, a linear audit
    over all partition sums checks that no hidden n is determined by the visible ones, and hides
    a further sibling (or, when it has none, the group whose hiding frees most) while one is.

    Parameters
    ----------
    ns : dict
        ``{(organisation, role): n}`` for the groups of one measure, None meaning "all".
    threshold : int
        Least number of respondents a visible group needs.
    forced : iterable of tuple, optional
        Groups to hide whatever their n (the release rules of :mod:`analysis.disclosure`); the
        complementary rules then protect them like the small ones.

    Returns
    -------
    set of tuple
        The groups to suppress.

    Examples
    --------
    >>> ns = {(None, None): 30, ("A", None): 3, ("B", None): 12, ("C", None): 15}
    >>> sorted(hidden_groups(ns, 5))
    [('A', None), ('B', None)]
    """
    threshold = check_threshold(threshold)
    ns = {cell: int(n) for cell, n in ns.items()}
    if any(n < 0 for n in ns.values()):
        raise ValueError("group sizes must be non-negative")
    parts = partitions(ns)
    hidden = {cell for cell, n in ns.items() if n < threshold} | {cell for cell in forced if cell in ns}
    while True:
        extra = _partition_pass(ns, hidden, parts, threshold)
        if extra is None:
            for cell in _determined(ns, hidden, parts):
                extra = _breaker(cell, ns, hidden, parts)
                if extra is not None:
                    break
        if extra is None:
            return hidden
        hidden.add(extra)


def suppress(rows, threshold):
    """Suppress small groups, and the groups they could be worked out from, in result rows.

    Rows that share the measure keys (``questionnaire``, ``construct``, ``index``) form one table;
    within it the groups are ``(organisation, role)`` with None meaning "all". A suppressed row
    keeps its measure and group keys, gets ``suppressed: True`` and has ``n`` and every other
    figure set to None; see :func:`hidden_groups` for the rules.

    Parameters
    ----------
    rows : list of dict
        Result rows with at least ``organisation``, ``role`` and an integer ``n``.
    threshold : int
        The traject's anonymity threshold.

    Returns
    -------
    list of dict
        New rows in the same order, each with a ``suppressed`` key.

    Examples
    --------
    >>> rows = [{"construct": "c", "organisation": None, "role": None, "n": 9, "mean": 3.1},
    ...         {"construct": "c", "organisation": "A", "role": None, "n": 6, "mean": 3.0},
    ...         {"construct": "c", "organisation": "B", "role": None, "n": 3, "mean": 3.3}]
    >>> [(r["organisation"], r["n"], r["mean"], r["suppressed"]) for r in suppress(rows, 5)]
    [(None, 9, 3.1, False), ('A', None, None, True), ('B', None, None, True)]
    """
    threshold = check_threshold(threshold)
    tables = {}
    for position, row in enumerate(rows):
        n = row.get("n")
        if n is None or isinstance(n, bool) or int(n) != n:
            raise ValueError("every row needs an integer n before suppression")
        measure = tuple(row.get(key) for key in MEASURE_KEYS)
        cell = (row.get("organisation"), row.get("role"))
        table = tables.setdefault(measure, {})
        if cell in table:
            raise ValueError(f"two rows for group {cell} of {measure}")
        table[cell] = position
    out = [dict(row, suppressed=False) for row in rows]
    for table in tables.values():
        for cell in hidden_groups({cell: rows[p]["n"] for cell, p in table.items()}, threshold):
            row = out[table[cell]]
            for key in row:
                if key not in _KEEP:
                    row[key] = None
            row["suppressed"] = True
    return out


def comments_visible(n, comment_threshold):
    """Whether a group of ``n`` respondents may show its free-text answers.

    Examples
    --------
    >>> comments_visible(9, 10), comments_visible(10, 10), comments_visible(None, 10)
    (False, True, False)
    """
    comment_threshold = check_threshold(comment_threshold, "comment_threshold")
    return n is not None and n >= comment_threshold


def filter_comments(df_text, comment_threshold, *, how="drop", columns=("text",)):
    """Leave out the free text of (organisation, role) groups below the comment threshold.

    A group's size is its number of distinct respondents when there is a ``respondent`` column,
    else its number of rows. A missing organisation or role forms a group of its own.

    Parameters
    ----------
    df_text : DataFrame
        Columns ``organisation``, ``role`` and the text column(s).
    comment_threshold : int
        The traject's comment threshold.
    how : {"drop", "blank"}, default "drop"
        Drop the rows of small groups, or keep them with the text column(s) set to None.
    columns : sequence of str, default ("text",)
        Text columns to blank when ``how="blank"``.

    Returns
    -------
    DataFrame
        A filtered copy.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"organisation": ["A", "A", "B"], "role": ["ict_staff"] * 3,
    ...                    "text": ["goed", "prima", "slecht"]})
    >>> filter_comments(df, 2)["text"].tolist()
    ['goed', 'prima']
    >>> filter_comments(df, 2, how="blank")["text"].tolist()
    ['goed', 'prima', None]
    """
    comment_threshold = check_threshold(comment_threshold, "comment_threshold")
    import pandas as pd  # only here: the rest of the module serves web processes without pandas

    if not isinstance(df_text, pd.DataFrame):
        raise ValueError("df_text must be a pandas DataFrame")
    missing = [c for c in GROUP_KEYS if c not in df_text.columns]
    if missing:
        raise ValueError(f"df_text lacks column(s): {', '.join(missing)}")
    if how not in ("drop", "blank"):
        raise ValueError("how must be 'drop' or 'blank'")
    grouped = df_text.groupby(list(GROUP_KEYS), dropna=False, sort=False)
    if "respondent" in df_text.columns:
        sizes = grouped["respondent"].transform("nunique")
    else:
        sizes = grouped[GROUP_KEYS[0]].transform("size")
    keep = sizes.to_numpy() >= comment_threshold
    if how == "drop":
        return df_text.loc[keep].copy()
    result = df_text.copy()
    for column in columns:
        if column not in result.columns:
            raise ValueError(f"df_text has no column {column!r}")
        result[column] = result[column].astype(object).where(keep, None)
    return result
